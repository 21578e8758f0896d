package s3

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/request"
)

// Pre-signed URLs in the legacy SigV2 query form
// (?AWSAccessKeyId=..&Expires=..&Signature=..), which `aws s3 presign` in
// AWS CLI v1 still makes for us-east-1. The edge knows only SigV4, so S3
// checks these itself, with the same rules: the expiry always, the
// signature whenever nimbus knows the key's secret.

// subresources are the query parameters that belong in a SigV2 canonical
// resource.
var subresources = map[string]bool{"acl": true, "cors": true, "delete": true, "lifecycle": true, "location": true,
	"logging": true, "notification": true, "partNumber": true, "policy": true, "requestPayment": true, "restore": true,
	"tagging": true, "torrent": true, "uploadId": true, "uploads": true, "versionId": true, "versioning": true,
	"versions": true, "website": true, "response-cache-control": true, "response-content-disposition": true,
	"response-content-encoding": true, "response-content-language": true, "response-content-type": true,
	"response-expires": true, "select": true, "select-type": true, "object-lock": true, "retention": true,
	"legal-hold": true, "replication": true, "encryption": true, "accelerate": true}

// presignedV2 reports whether r carries SigV2 query authentication.
func presignedV2(q url.Values) bool {
	return q.Get("AWSAccessKeyId") != "" && q.Get("Signature") != ""
}

// checkPresignedV2 verifies r's SigV2 query authentication.
func (s *Service) checkPresignedV2(r *http.Request, q url.Values, t target) error {
	exp, err := strconv.ParseInt(q.Get("Expires"), 10, 64)
	if err != nil {
		return errAccessDeniedMsg("Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters")
	}
	now := s.now()
	if now.Unix() > exp {
		return errAccessDeniedMsg("Request has expired").
			With("Expires", time.Unix(exp, 0).UTC().Format("2006-01-02T15:04:05Z")).
			With("ServerTime", now.UTC().Format("2006-01-02T15:04:05Z"))
	}
	keyID := q.Get("AWSAccessKeyId")
	if s.keys == nil {
		return nil
	}
	k, ok := s.keys.Lookup(keyID)
	if !ok {
		return nil
	}
	sts := stringToSignV2(r, q, t)
	m := hmac.New(sha1.New, []byte(k.Secret))
	m.Write([]byte(sts))
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	if subtle.ConstantTimeCompare([]byte(want), []byte(q.Get("Signature"))) != 1 {
		return (&awserr.Error{Code: "SignatureDoesNotMatch", Status: http.StatusForbidden,
			Message: "The request signature we calculated does not match the signature you provided. Check your key and signing method."}).
			With("AWSAccessKeyId", keyID).With("StringToSign", sts).With("SignatureProvided", q.Get("Signature"))
	}
	info := request.From(r.Context())
	info.AccessKey, info.Account = keyID, k.Account
	return nil
}

func errAccessDeniedMsg(msg string) *awserr.Error {
	return &awserr.Error{Code: "AccessDenied", Message: msg, Status: http.StatusForbidden}
}

func stringToSignV2(r *http.Request, q url.Values, t target) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(r.Header.Get("Content-Md5"))
	b.WriteByte('\n')
	b.WriteString(r.Header.Get("Content-Type"))
	b.WriteByte('\n')
	b.WriteString(q.Get("Expires"))
	b.WriteByte('\n')
	// x-amz-* headers, and the x-amz-* query parameters a pre-signed URL
	// carries instead (botocore signs x-amz-security-token as a header and
	// moves it to the query: temporary credentials, as in Lambda).
	amzv := map[string][]string{}
	for k, v := range r.Header {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-amz-") {
			amzv[lk] = append(amzv[lk], v...)
		}
	}
	for k, v := range q {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-amz-") {
			amzv[lk] = append(amzv[lk], v...)
		}
	}
	amz := make([]string, 0, len(amzv))
	for k := range amzv {
		amz = append(amz, k)
	}
	sort.Strings(amz)
	for _, k := range amz {
		b.WriteString(k)
		b.WriteByte(':')
		b.WriteString(strings.Join(amzv[k], ","))
		b.WriteByte('\n')
	}
	// The canonical resource: the path as sent (with the bucket first for
	// virtual-host requests), then the sub-resources, sorted.
	path := r.RequestURI
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		if u, err := url.Parse(path); err == nil {
			path = u.EscapedPath()
		}
	}
	if hostBucket(r.Host) != "" {
		path = "/" + t.bucket + path
	}
	b.WriteString(path)
	var subs []string
	for k := range q {
		if subresources[k] {
			subs = append(subs, k)
		}
	}
	sort.Strings(subs)
	for i, k := range subs {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(k)
		if v := q.Get(k); v != "" {
			b.WriteByte('=')
			b.WriteString(v)
		}
	}
	return b.String()
}
