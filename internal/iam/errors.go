package iam

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/iam/policy"
)

// Errors as IAM words them, with IAM's HTTP statuses.

func noSuchEntity(format string, args ...any) *awserr.Error {
	return &awserr.Error{Code: "NoSuchEntity", Message: fmt.Sprintf(format, args...), Status: http.StatusNotFound}
}

func entityExists(format string, args ...any) *awserr.Error {
	return &awserr.Error{Code: "EntityAlreadyExists", Message: fmt.Sprintf(format, args...), Status: http.StatusConflict}
}

func deleteConflict(msg string) *awserr.Error {
	return &awserr.Error{Code: "DeleteConflict", Message: msg, Status: http.StatusConflict}
}

func limitExceeded(format string, args ...any) *awserr.Error {
	return &awserr.Error{Code: "LimitExceeded", Message: fmt.Sprintf(format, args...), Status: http.StatusConflict}
}

func invalidInput(format string, args ...any) *awserr.Error {
	return &awserr.Error{Code: "InvalidInput", Message: fmt.Sprintf(format, args...), Status: http.StatusBadRequest}
}

func malformed(msg string) *awserr.Error {
	return &awserr.Error{Code: "MalformedPolicyDocument", Message: msg, Status: http.StatusBadRequest}
}

func noSuchRole(name string) *awserr.Error {
	return noSuchEntity("The role with name %s cannot be found.", name)
}

func noSuchUser(name string) *awserr.Error {
	return noSuchEntity("The user with name %s cannot be found.", name)
}

func noSuchPolicy(arn string) *awserr.Error {
	return noSuchEntity("Policy %s does not exist or is not attachable.", arn)
}

// parsePolicy validates doc and words its failure as IAM does.
func parsePolicy(doc string, k policy.Kind) (*policy.Document, error) {
	d, err := policy.Parse(doc, k)
	if err != nil {
		return nil, malformed(err.Error())
	}
	return d, nil
}

// encodeDocument is how IAM returns policy documents: percent-encoded
// (RFC 3986), which botocore decodes and aws-sdk-go-v2 leaves to the caller.
func encodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// validation collects constraint violations in the wording of AWS's
// request validation: "1 validation error detected: Value 'x' at 'roleName'
// failed to satisfy constraint: Member must ...", several joined with "; ".
type validation struct{ msgs []string }

func (v *validation) add(value *string, member, constraint string) {
	shown := "null"
	if value != nil {
		shown = "'" + *value + "'"
	}
	v.msgs = append(v.msgs, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: Member must %s", shown, member, constraint))
}

func (v *validation) addInt(value int64, member, constraint string) {
	v.msgs = append(v.msgs, fmt.Sprintf("Value '%d' at '%s' failed to satisfy constraint: Member must %s", value, member, constraint))
}

// str checks a string member: required, length in [min, max] (max 0:
// unbounded), and pattern (nil: none; shown is the model's spelling).
func (v *validation) str(value *string, member string, required bool, min, max int, re *regexp.Regexp, shown string) {
	if value == nil {
		if required {
			v.add(nil, member, "not be null")
		}
		return
	}
	n := utf8.RuneCountInString(*value)
	if n < min {
		v.add(value, member, fmt.Sprintf("have length greater than or equal to %d", min))
	}
	if max > 0 && n > max {
		v.add(value, member, fmt.Sprintf("have length less than or equal to %d", max))
	}
	if re != nil && n > 0 && !re.MatchString(*value) {
		v.add(value, member, "satisfy regular expression pattern: "+shown)
	}
}

func (v *validation) intRange(value *int32, member string, min, max int64) {
	if value == nil {
		return
	}
	if int64(*value) < min {
		v.addInt(int64(*value), member, fmt.Sprintf("have value greater than or equal to %d", min))
	}
	if int64(*value) > max {
		v.addInt(int64(*value), member, fmt.Sprintf("have value less than or equal to %d", max))
	}
}

func (v *validation) err() error {
	if len(v.msgs) == 0 {
		return nil
	}
	word := "error"
	if len(v.msgs) > 1 {
		word = "errors"
	}
	return &awserr.Error{Code: "ValidationError", Status: http.StatusBadRequest,
		Message: fmt.Sprintf("%d validation %s detected: %s", len(v.msgs), word, strings.Join(v.msgs, "; "))}
}

// Patterns from IAM's service model.
var (
	reName         = regexp.MustCompile(`^[\w+=,.@-]+$`)
	reNameShown    = `[\w+=,.@-]+`
	rePath         = regexp.MustCompile(`^(/|/[\x21-\x7E]+/)$`)
	rePathShown    = `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`
	rePolPath      = regexp.MustCompile(`^((/[A-Za-z0-9.,+@=_-]+)*)/$`)
	rePolPathShown = `((/[A-Za-z0-9\.,\+@=_-]+)*)/`
	rePrefix       = regexp.MustCompile(`^/[\x21-\x7F]*$`)
	rePrefixShown  = `\u002F[\u0021-\u007F]*`
	reDoc          = regexp.MustCompile(`^[\t\n\r\x{20}-\x{FF}]+$`)
	reDocShown     = `[\u0009\u000A\u000D\u0020-\u00FF]+`
	reDesc         = regexp.MustCompile(`^[\t\n\r\x{20}-\x{7E}\x{A1}-\x{FF}]*$`)
	reDescShown    = `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`
	reMarker       = regexp.MustCompile(`^[\x{20}-\x{FF}]+$`)
	reMarkerShown  = `[\u0020-\u00FF]+`
	reTagKey       = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)
	reTagKeyShown  = `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`
	reTagVal       = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	reTagValShown  = `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`
	reVersion      = regexp.MustCompile(`^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$`)
	reVersionShow  = `v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`
	reKeyID        = regexp.MustCompile(`^[\w]+$`)
	reKeyIDShown   = `[\w]+`
)

const maxDocument = 131072

// paging validates Marker and MaxItems and returns the page size.
func (v *validation) paging(marker *string, maxItems *int32) int {
	v.str(marker, "marker", false, 1, 320, reMarker, reMarkerShown)
	v.intRange(maxItems, "maxItems", 1, 1000)
	if maxItems == nil {
		return 100
	}
	return int(*maxItems)
}
