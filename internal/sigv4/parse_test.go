package sigv4

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const goodCred = "AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/dynamodb/aws4_request"

func headerRequest(auth string, hdr ...string) *http.Request {
	r := httptest.NewRequest("POST", "/", nil)
	if auth != "" {
		r.Header.Set("Authorization", auth)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	return r
}

func TestParseHeader(t *testing.T) {
	r := headerRequest("AWS4-HMAC-SHA256 Credential="+goodCred+", SignedHeaders=Host;X-Amz-Date, Signature=abc",
		"X-Amz-Date", "20260101T120000Z", "X-Amz-Security-Token", "tok")
	a, err := Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	want := Auth{AccessKey: testAK, Date: "20260101", Region: "us-east-1", Service: "dynamodb",
		SignedHeaders: []string{"host", "x-amz-date"}, Signature: "abc",
		Time: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), SecurityToken: "tok"}
	if a.AccessKey != want.AccessKey || a.Date != want.Date || a.Region != want.Region || a.Service != want.Service ||
		strings.Join(a.SignedHeaders, ";") != "host;x-amz-date" || a.Signature != want.Signature ||
		!a.Time.Equal(want.Time) || a.Presigned || a.PayloadHash != "" || a.SecurityToken != "tok" {
		t.Errorf("got %+v", a)
	}
	if got := a.CredentialScope(); got != "20260101/us-east-1/dynamodb/aws4_request" {
		t.Errorf("CredentialScope = %q", got)
	}
}

func TestParseNoAuth(t *testing.T) {
	for _, r := range []*http.Request{
		httptest.NewRequest("GET", "/", nil),
		httptest.NewRequest("GET", "/bucket/key?versionId=1&X-Amz-Date=20260101T000000Z", nil),
		headerRequest("", "X-Amz-Date", "20260101T000000Z"),
	} {
		if _, err := Parse(r); !errors.Is(err, ErrNoAuth) {
			t.Errorf("%s: %v", r.URL, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	date := []string{"X-Amz-Date", "20260101T000000Z"}
	cases := []struct {
		name string
		r    *http.Request
		kind Kind
		msg  string
	}{
		{"bearer token", headerRequest("Bearer xyz", date...), KindMalformed,
			"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer"},
		{"nothing and no date", headerRequest("AWS4-HMAC-SHA256"), KindMalformed,
			"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256"},
		{"only credential", headerRequest("AWS4-HMAC-SHA256 Credential="+goodCred, date...), KindMalformed,
			"Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256"},
		{"missing date", headerRequest("AWS4-HMAC-SHA256 Credential=" + goodCred + ", SignedHeaders=host, Signature=abc"), KindMissingDate,
			"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256"},
		{"unsupported algorithm", headerRequest("AWS4-HMAC-SHA512 Credential="+goodCred, date...), KindMalformed,
			"Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'."},
		{"pair without equals", headerRequest("AWS4-HMAC-SHA256 FooBar, BazBurp", date...), KindMalformed,
			"'FooBar' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 FooBar, BazBurp'"},
		{"bad date", headerRequest("AWS4-HMAC-SHA256 Credential="+goodCred+", SignedHeaders=host, Signature=abc", "X-Amz-Date", "2026-01-01T00:00:00Z"), KindMalformed,
			"Date must be in ISO-8601 'basic format'. Got '2026-01-01T00:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601"},
		{"credential too short", headerRequest("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE, SignedHeaders=host, Signature=abc", date...), KindMalformed,
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE'"},
		{"credential too long", headerRequest("AWS4-HMAC-SHA256 Credential="+goodCred+"/x, SignedHeaders=host, Signature=abc", date...), KindMalformed,
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" + goodCred + "/x'"},
		{"bad terminator and date", headerRequest("AWS4-HMAC-SHA256 Credential=AKID/20251231/us-east-1/s3/aws5_request, SignedHeaders=host, Signature=abc", date...), KindScopeMismatch,
			"Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20251231' != '20260101', from '20260101T000000Z'."},
		{"both header and query", func() *http.Request {
			r := httptest.NewRequest("GET", "/?X-Amz-Signature=abc", nil)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+goodCred)
			return r
		}(), KindMalformed, "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified"},

		{"presigned missing params", httptest.NewRequest("GET", "/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256", nil), KindMalformed, presignRequires},
		{"presigned bad algorithm", presignedRequest("X-Amz-Algorithm", "AWS4-HMAC-SHA1"), KindMalformed, `X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"`},
		{"presigned bad credential", presignedRequest("X-Amz-Credential", "AKID/20260101/us-east-1/s3"), KindMalformed,
			`Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`},
		{"presigned bad terminator", presignedRequest("X-Amz-Credential", "AKID/20260101/us-east-1/s3/aws_request"), KindScopeMismatch,
			`Error parsing the X-Amz-Credential parameter; incorrect terminal "aws_request". This endpoint uses "aws4_request".`},
		{"presigned bad date", presignedRequest("X-Amz-Date", "20260101"), KindMalformed, `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`},
		{"presigned date not in scope", presignedRequest("X-Amz-Date", "20260102T000000Z"), KindScopeMismatch, "Invalid credential date. Date is not the same as X-Amz-Date."},
		{"presigned expires word", presignedRequest("X-Amz-Expires", "soon"), KindMalformed, "X-Amz-Expires should be a number"},
		{"presigned expires negative", presignedRequest("X-Amz-Expires", "-1"), KindMalformed, "X-Amz-Expires must be non-negative"},
		{"presigned expires over a week", presignedRequest("X-Amz-Expires", "604801"), KindMalformed,
			"X-Amz-Expires must be less than a week (in seconds) that is; the given X-Amz-Expires must be less than 604800 seconds"},
		{"presigned expires overflow", presignedRequest("X-Amz-Expires", "99999999999999999999999"), KindMalformed,
			"X-Amz-Expires must be less than a week (in seconds) that is; the given X-Amz-Expires must be less than 604800 seconds"},
		{"presigned bad escape", httptest.NewRequest("GET", "/b/k?X-Amz-Signature=abc&x=%zz", nil), KindMalformed,
			"Illegal hex character in escape % pattern: %zz"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.r)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want *Error", err)
			}
			if e.Kind != c.kind || e.Msg != c.msg {
				t.Errorf("got %v %q\nwant %v %q", e.Kind, e.Msg, c.kind, c.msg)
			}
			if e.Presigned != strings.HasPrefix(c.name, "presigned") {
				t.Errorf("Presigned = %v", e.Presigned)
			}
		})
	}
}

// presignedRequest is a well-formed S3 presigned GET with one parameter
// replaced.
func presignedRequest(key, value string) *http.Request {
	params := [][2]string{
		{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
		{"X-Amz-Credential", testAK + "/20260101/us-east-1/s3/aws4_request"},
		{"X-Amz-Date", "20260101T000000Z"},
		{"X-Amz-Expires", "3600"},
		{"X-Amz-SignedHeaders", "host"},
		{"X-Amz-Signature", strings.Repeat("a", 64)},
	}
	var q []string
	for _, p := range params {
		if p[0] == key {
			p[1] = value
		}
		q = append(q, p[0]+"="+uriEncode(p[1], true))
	}
	return httptest.NewRequest("GET", "/bucket/key?"+strings.Join(q, "&"), nil)
}

func TestParsePresigned(t *testing.T) {
	a, err := Parse(presignedRequest("", ""))
	if err != nil {
		t.Fatal(err)
	}
	if !a.Presigned || a.Expires != time.Hour || a.PayloadHash != UnsignedPayload || a.Service != "s3" ||
		!a.Time.Equal(testPresign) || strings.Join(a.SignedHeaders, ";") != "host" {
		t.Errorf("got %+v", a)
	}
	a, err = Parse(presignedRequest("X-Amz-Expires", "0"))
	if err != nil || a.Expires != 0 {
		t.Errorf("X-Amz-Expires=0: %v %v", a, err)
	}
}

func TestScope(t *testing.T) {
	cases := []struct {
		name            string
		r               *http.Request
		ak, region, svc string
		ok              bool
	}{
		{"header", headerRequest("AWS4-HMAC-SHA256 Credential=AK/20260101/eu-west-1/lambda/aws4_request, SignedHeaders=host, Signature=x"), "AK", "eu-west-1", "lambda", true},
		{"header no spaces", headerRequest("AWS4-HMAC-SHA256 Credential=AK/20260101/eu-west-1/lambda/aws4_request,SignedHeaders=host,Signature=x"), "AK", "eu-west-1", "lambda", true},
		{"header credential last", headerRequest("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=x, Credential=AK/d/r/s/aws4_request"), "AK", "r", "s", true},
		{"header decoy", headerRequest("AWS4-HMAC-SHA256 XCredential=AK/d/bad/bad/t, Credential=AK/d/r/s/aws4_request"), "AK", "r", "s", true},
		{"header short", headerRequest("AWS4-HMAC-SHA256 Credential=AK/20260101/eu-west-1"), "", "", "", false},
		{"header none", headerRequest("Bearer x"), "", "", "", false},
		{"query encoded", httptest.NewRequest("GET", "/?X-Amz-Credential=AK%2F20260101%2Fus-west-2%2Fs3%2Faws4_request", nil), "AK", "us-west-2", "s3", true},
		{"query raw slashes", httptest.NewRequest("GET", "/?a=1&X-Amz-Credential=AK/20260101/us-west-2/s3/aws4_request&b", nil), "AK", "us-west-2", "s3", true},
		{"query prefix only", httptest.NewRequest("GET", "/?X-Amz-Credentials=AK/d/r/s/t", nil), "", "", "", false},
		{"anonymous", httptest.NewRequest("GET", "/", nil), "", "", "", false},
	}
	for _, c := range cases {
		ak, region, svc, ok := Scope(c.r)
		if ak != c.ak || region != c.region || svc != c.svc || ok != c.ok {
			t.Errorf("%s: got %q %q %q %v", c.name, ak, region, svc, ok)
		}
	}
}

func TestParseTime(t *testing.T) {
	for s, ok := range map[string]bool{
		"20260101T000000Z": true, "20240229T235959Z": true, "20250229T000000Z": false,
		"20261301T000000Z": false, "20260101T240000Z": false, "2026010AT000000Z": false,
		"20260101 000000Z": false, "20260101T000000": false, "": false,
	} {
		if _, got := parseTime(s); got != ok {
			t.Errorf("parseTime(%q) ok = %v", s, got)
		}
	}
}

func TestErrorResponse(t *testing.T) {
	cases := []struct {
		e      *Error
		f      Family
		code   string
		status int
		msg    string
	}{
		{&Error{Kind: KindSkewed, Msg: "Signature expired: x"}, FamilyJSON, "InvalidSignatureException", 400, "Signature expired: x"},
		{&Error{Kind: KindSkewed, Msg: "Signature expired: x"}, FamilyS3, "RequestTimeTooSkewed", 403, msgS3Skewed},
		{&Error{Kind: KindSignatureMismatch, Msg: msgSignatureMismatch}, FamilyS3, "SignatureDoesNotMatch", 403, msgS3SignatureMismatch},
		{&Error{Kind: KindSignatureMismatch, Msg: msgSignatureMismatch}, FamilyQuery, "SignatureDoesNotMatch", 403, msgSignatureMismatch},
		{&Error{Kind: KindSignatureMismatch, Msg: msgSignatureMismatch}, FamilyRESTJSON, "InvalidSignatureException", 403, msgSignatureMismatch},
		{&Error{Kind: KindExpired, Msg: msgExpired, Presigned: true}, FamilyS3, "AccessDenied", 403, "Request has expired"},
		{&Error{Kind: KindMalformed, Msg: "m", Presigned: true}, FamilyS3, "AuthorizationQueryParametersError", 400, "m"},
		{&Error{Kind: KindMalformed, Msg: "m"}, FamilyS3, "AuthorizationHeaderMalformed", 400, "m"},
		{&Error{Kind: KindMalformed, Msg: "m"}, FamilyJSON, "IncompleteSignatureException", 400, "m"},
		{ErrNoAuth.(*Error), FamilyJSON, "MissingAuthenticationTokenException", 400, "Request is missing Authentication Token"},
		{ErrNoAuth.(*Error), FamilyRESTJSON, "MissingAuthenticationTokenException", 403, "Missing Authentication Token"},
		{NewError(KindInvalidAccessKey, ""), FamilyJSON, "UnrecognizedClientException", 400, msgInvalidToken},
		{NewError(KindInvalidAccessKey, ""), FamilyQuery, "InvalidClientTokenId", 403, msgInvalidToken},
		{NewError(KindInvalidAccessKey, ""), FamilyS3, "InvalidAccessKeyId", 403, msgS3InvalidAccessKey},
	}
	for _, c := range cases {
		code, msg, status := c.e.Response(c.f)
		if code != c.code || msg != c.msg || status != c.status {
			t.Errorf("%v in family %d: got %s %d %q", c.e.Kind, c.f, code, status, msg)
		}
	}
	if !errors.Is(&Error{Kind: KindMissingAuth}, ErrNoAuth) || errors.Is(&Error{Kind: KindExpired}, ErrNoAuth) {
		t.Error("Is matches on Kind")
	}
	for k := KindMissingAuth; k <= KindInvalidAccessKey; k++ {
		if strings.HasPrefix(k.String(), "Kind(") {
			t.Errorf("kind %d has no name", k)
		}
	}
}
