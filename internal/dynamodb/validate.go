package dynamodb

import (
	"fmt"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
)

// constraints collects violations in the wording of AWS's request
// validation layer: "2 validation errors detected: Value null at 'tableName'
// failed to satisfy constraint: Member must not be null; ...".
type constraints []string

func (c *constraints) add(value, member, constraint string) {
	*c = append(*c, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", value, member, constraint))
}

func (c *constraints) notNull(isNull bool, member string) {
	if isNull {
		c.add("null", member, "Member must not be null")
	}
}

func (c constraints) err() error {
	if len(c) == 0 {
		return nil
	}
	noun := "error"
	if len(c) > 1 {
		noun = "errors"
	}
	return validation(fmt.Sprintf("%d validation %s detected: %s", len(c), noun, strings.Join(c, "; ")))
}

func validation(msg string) *awserr.Error {
	return &awserr.Error{Code: "ValidationException", Message: msg}
}

func validationf(format string, args ...any) *awserr.Error {
	return validation(fmt.Sprintf(format, args...))
}

func invalidParam(msg string) *awserr.Error {
	return validation("One or more parameter values were invalid: " + msg)
}

// validName reports whether s matches [a-zA-Z0-9_.-]+, DynamoDB's pattern
// for table and index names. (A byte loop: this runs on every request.)
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// tableName checks a TableName member as the validation layer does.
func (c *constraints) tableName(name *string, member string) {
	if name == nil {
		c.notNull(true, member)
		return
	}
	n := *name
	if len(n) < 3 {
		c.add("'"+n+"'", member, "Member must have length greater than or equal to 3")
	}
	if len(n) > 255 {
		c.add("'"+n+"'", member, "Member must have length less than or equal to 255")
	}
	if !validName(n) {
		c.add("'"+n+"'", member, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
	}
}

// enum checks an optional enum member.
func (c *constraints) enum(v *string, member string, allowed ...string) {
	if v == nil {
		return
	}
	for _, a := range allowed {
		if *v == a {
			return
		}
	}
	c.add("'"+*v+"'", member, "Member must satisfy enum value set: ["+strings.Join(allowed, ", ")+"]")
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func boolv(p *bool) bool { return p != nil && *p }
