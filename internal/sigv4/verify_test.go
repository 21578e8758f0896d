package sigv4

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// signCase is one request signed by aws-sdk-go-v2's signer.
type signCase struct {
	name    string
	service string
	method  string
	path    string // escaped, as sent
	query   string // raw, as sent
	header  http.Header
	body    []byte
	// payload is what the client signs; "" means the body's hash, sent in
	// X-Amz-Content-Sha256 for S3 and not at all for other services.
	payload string
	token   string
}

var signCases = []signCase{
	{name: "dynamodb PutItem", service: "dynamodb", method: "POST", path: "/",
		header: http.Header{"X-Amz-Target": {"DynamoDB_20120810.PutItem"}, "Content-Type": {"application/x-amz-json-1.0"}},
		body:   []byte(`{"TableName":"t","Item":{"pk":{"S":"a"}}}`)},
	{name: "dynamodb session token", service: "dynamodb", method: "POST", path: "/", token: "FwoGZXIvYXdzEBYaDN",
		header: http.Header{"X-Amz-Target": {"DynamoDB_20120810.ListTables"}}, body: []byte(`{}`)},
	{name: "dynamodb empty body", service: "dynamodb", method: "GET", path: "/"},
	{name: "lambda path with space", service: "lambda", method: "GET", path: "/2015-03-31/functions/my%20fn/configuration"},
	{name: "lambda unicode path", service: "lambda", method: "GET", path: "/2015-03-31/functions/%C3%BCn%C3%AF%E2%9C%93"},
	{name: "lambda plus and equals", service: "lambda", method: "GET", path: "/a+b=c/%2B%3D"},
	{name: "lambda double slashes", service: "lambda", method: "GET", path: "//a//b/"},
	{name: "lambda dot segments", service: "lambda", method: "GET", path: "/a/./b/../c"},
	{name: "lambda encoded slash", service: "lambda", method: "GET", path: "/a%2Fb"},
	{name: "apigateway query", service: "apigateway", method: "GET", path: "/restapis", query: "limit=25&position=abc%3D%3D"},
	{name: "repeated keys and empty values", service: "execute-api", method: "GET", path: "/p",
		query: "b=2&a=2&a=1&a=&empty&z=%7E&sp=a%20b&uni=%C3%A9"},
	{name: "case sorts uppercase first", service: "execute-api", method: "GET", path: "/", query: "a=1&Z=1&_=1&~=1"},
	{name: "headers with spaces and repeats", service: "logs", method: "POST", path: "/",
		header: http.Header{"X-Amz-Target": {"Logs_20140328.PutLogEvents"}, "X-Custom": {"  a   b  c  ", "second  value"}},
		body:   []byte(`{"logGroupName":"g"}`)},

	{name: "s3 GetObject", service: "s3", method: "GET", path: "/bucket/key.txt"},
	{name: "s3 key with space", service: "s3", method: "GET", path: "/bucket/my%20key"},
	{name: "s3 key unicode", service: "s3", method: "GET", path: "/bucket/%C3%BCn%C3%AF/%E2%9C%93.txt"},
	{name: "s3 key plus equals", service: "s3", method: "GET", path: "/bucket/a%2Bb%3Dc"},
	{name: "s3 key raw plus equals", service: "s3", method: "GET", path: "/bucket/a+b=c"},
	{name: "s3 double slashes", service: "s3", method: "GET", path: "/bucket//a//b"},
	{name: "s3 dot segments kept", service: "s3", method: "GET", path: "/bucket/a/./b/../c"},
	{name: "s3 ListObjectsV2", service: "s3", method: "GET", path: "/bucket",
		query: "list-type=2&prefix=photos%2F2026%20jan&delimiter=%2F&encoding-type=url"},
	{name: "s3 subresource without value", service: "s3", method: "GET", path: "/bucket/key", query: "acl"},
	{name: "s3 PutObject signed payload", service: "s3", method: "PUT", path: "/bucket/key",
		header: http.Header{"Content-Type": {"text/plain"}, "X-Amz-Meta-Note": {"hello   world"}},
		body:   []byte("hello, world")},
	{name: "s3 PutObject UNSIGNED-PAYLOAD", service: "s3", method: "PUT", path: "/bucket/key",
		body: []byte("unsigned body"), payload: UnsignedPayload},
}

// build returns the signed client request of c.
func (c signCase) build(t testing.TB, at time.Time) *http.Request {
	t.Helper()
	req := newClientRequest(t, c.method, "127.0.0.1:4566", c.path, c.query, c.body)
	for k, vs := range c.header {
		req.Header[k] = append([]string(nil), vs...)
	}
	payload := c.payload
	if payload == "" {
		payload = hashHex(c.body)
		if c.service == "s3" {
			req.Header.Set("X-Amz-Content-Sha256", payload)
		}
	} else {
		req.Header.Set("X-Amz-Content-Sha256", payload)
	}
	creds := testCreds
	creds.SessionToken = c.token
	err := v4.NewSigner().SignHTTP(t.Context(), creds, req, payload, c.service, "us-east-1", at, signerOpts(c.service))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestVerifySDKSigned(t *testing.T) {
	for _, c := range signCases {
		t.Run(c.name, func(t *testing.T) {
			sr, body := toServer(t, c.build(t, testSignAt))
			a, err := check(sr, body, testSignAt.Add(time.Minute))
			if err != nil {
				t.Fatalf("verify: %v\n%s", err, mismatchDetail(err))
			}
			if a.AccessKey != testAK || a.Region != "us-east-1" || a.Service != c.service || a.Date != "20260101" || a.Presigned {
				t.Errorf("auth = %+v", a)
			}
			if a.SecurityToken != c.token {
				t.Errorf("SecurityToken = %q, want %q", a.SecurityToken, c.token)
			}
			ak, region, service, ok := Scope(sr)
			if !ok || ak != testAK || region != "us-east-1" || service != c.service {
				t.Errorf("Scope = %q %q %q %v", ak, region, service, ok)
			}
		})
	}
}

func TestVerifySDKPresigned(t *testing.T) {
	for _, c := range signCases {
		t.Run(c.name, func(t *testing.T) {
			req := newClientRequest(t, c.method, "127.0.0.1:4566", c.path, c.query, c.body)
			for k, vs := range c.header {
				req.Header[k] = vs
			}
			payload, expires := UnsignedPayload, 15*time.Minute
			if c.service != "s3" {
				payload = hashHex(c.body)
			}
			sr, body := toServer(t, presign(t, req, c.service, payload, expires, testPresign))
			a, err := check(sr, body, testPresign.Add(14*time.Minute))
			if err != nil {
				t.Fatalf("verify %s: %v\n%s", sr.RequestURI, err, mismatchDetail(err))
			}
			if !a.Presigned || a.Expires != expires || a.Service != c.service {
				t.Errorf("auth = %+v", a)
			}
		})
	}
}

// TestVerifyPresignedWithoutExpires: only S3 requires X-Amz-Expires; an STS
// URL without it is good for MaxSkew either side of its date.
func TestVerifyPresignedWithoutExpires(t *testing.T) {
	req := newClientRequest(t, "GET", "sts.localhost:4566", "/", "Action=GetCallerIdentity&Version=2011-06-15", nil)
	sr, body := toServer(t, presign(t, req, "sts", EmptySHA256, 0, testPresign))
	a, err := check(sr, body, testPresign.Add(MaxSkew))
	if err != nil {
		t.Fatal(err)
	}
	if a.Expires != MaxSkew || a.PayloadHash != "" {
		t.Errorf("Expires = %v, PayloadHash = %q", a.Expires, a.PayloadHash)
	}
	if _, err := check(sr, body, testPresign.Add(MaxSkew+time.Second)); kindOf(err) != KindExpired {
		t.Errorf("after MaxSkew: %v", err)
	}

	req = newClientRequest(t, "GET", "127.0.0.1:4566", "/bucket/key", "", nil)
	sr, _ = toServer(t, presign(t, req, "s3", UnsignedPayload, 0, testPresign))
	if _, err := Parse(sr); kindOf(err) != KindMalformed || !strings.Contains(err.Error(), "X-Amz-Expires parameters") {
		t.Errorf("s3 without X-Amz-Expires: %v", err)
	}
}

// TestVerifyPresignedS3Headers: a presigned PUT whose x-amz-meta header
// the signer keeps as a signed header (not hoisted into the query).
func TestVerifyPresignedS3Headers(t *testing.T) {
	req := newClientRequest(t, "PUT", "127.0.0.1:4566", "/bucket/key", "", []byte("data"))
	req.Header.Set("X-Amz-Meta-Owner", "alice")
	req.Header.Set("Content-Type", "text/plain")
	creq := presign(t, req, "s3", UnsignedPayload, time.Hour, testPresign)
	if !strings.Contains(creq.URL.RawQuery, "x-amz-meta-owner") && creq.Header.Get("X-Amz-Meta-Owner") == "" {
		t.Fatal("meta header neither hoisted nor kept")
	}
	sr, body := toServer(t, creq)
	if _, err := check(sr, body, testPresign); err != nil {
		t.Fatalf("%v\n%s", err, mismatchDetail(err))
	}

	// Sending an x-amz-* header the URL did not sign is refused, as S3 does.
	creq.Header.Set("X-Amz-Acl", "public-read")
	sr, body = toServer(t, creq)
	_, err := check(sr, body, testPresign)
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindUnsignedHeaders || len(e.HeadersNotSigned) != 1 || e.HeadersNotSigned[0] != "x-amz-acl" {
		t.Fatalf("unsigned x-amz-acl: %#v", err)
	}
}

// TestVerifyEquivalentWireForms: clients may send the query in any encoding
// that decodes to what they signed.
func TestVerifyEquivalentWireForms(t *testing.T) {
	cases := []struct{ signed, sent string }{
		{"k=a%20b", "k=a+b"},
		{"k=%7E", "k=~"},
		{"k=%2F", "k=%2f"},
		{"k=a", "k=%61"},
		{"b=1&a=2", "a=2&b=1"},
		{"k=%3D%26", "k=%3d%26"},
		{"k=", "k"},
	}
	for _, c := range cases {
		req := newClientRequest(t, "GET", "127.0.0.1:4566", "/p", c.signed, nil)
		sign(t, req, "execute-api", EmptySHA256, testSignAt)
		req.URL.RawQuery = c.sent
		sr, body := toServer(t, req)
		if _, err := check(sr, body, testSignAt); err != nil {
			t.Errorf("signed %q sent %q: %v\n%s", c.signed, c.sent, err, mismatchDetail(err))
		}
	}
}

// TestVerifyTamper changes one thing after signing: always a mismatch.
func TestVerifyTamper(t *testing.T) {
	base := signCase{service: "dynamodb", method: "POST", path: "/items", query: "a=1",
		header: http.Header{"X-Amz-Target": {"DynamoDB_20120810.GetItem"}},
		body:   []byte(`{"TableName":"t"}`)}
	s3base := signCase{service: "s3", method: "PUT", path: "/bucket/key", query: "tagging",
		header: http.Header{"X-Amz-Meta-A": {"1"}}, body: []byte("body")}
	cases := []struct {
		name   string
		c      signCase
		tamper func(*http.Request)
	}{
		{"signed header", base, func(r *http.Request) { r.Header.Set("X-Amz-Target", "DynamoDB_20120810.DeleteItem") }},
		{"query value", base, func(r *http.Request) { r.URL.RawQuery = "a=2" }},
		{"query added", base, func(r *http.Request) { r.URL.RawQuery = "a=1&b=1" }},
		{"path", base, func(r *http.Request) { r.URL.Path = "/itemz" }},
		{"method", base, func(r *http.Request) { r.Method = "PUT" }},
		{"host", base, func(r *http.Request) { r.Host = "127.0.0.1:4567" }},
		{"body", base, func(r *http.Request) { setBody(r, []byte(`{"TableName":"u"}`)) }},
		{"signature", base, func(r *http.Request) {
			h := r.Header.Get("Authorization")
			r.Header.Set("Authorization", h[:len(h)-1]+string("0123456789abcdef"[(strings.IndexByte("0123456789abcdef", h[len(h)-1])+1)%16]))
		}},
		{"uppercase signature", base, func(r *http.Request) {
			h := r.Header.Get("Authorization")
			i := strings.Index(h, "Signature=") + len("Signature=")
			r.Header.Set("Authorization", h[:i]+strings.ToUpper(h[i:]))
		}},
		{"s3 payload hash header", s3base, func(r *http.Request) { r.Header.Set("X-Amz-Content-Sha256", hashHex([]byte("other"))) }},
		{"s3 meta header", s3base, func(r *http.Request) { r.Header.Set("X-Amz-Meta-A", "2") }},
		{"s3 key", s3base, func(r *http.Request) { r.URL.Path = "/bucket/kez" }},
		{"s3 subresource", s3base, func(r *http.Request) { r.URL.RawQuery = "acl" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := c.c.build(t, testSignAt)
			sr, body := toServer(t, req)
			if _, err := check(sr, body, testSignAt); err != nil {
				t.Fatalf("untampered: %v", err)
			}
			c.tamper(req)
			sr, body = toServer(t, req)
			_, err := check(sr, body, testSignAt)
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindSignatureMismatch {
				t.Fatalf("got %v, want SignatureMismatch", err)
			}
			if e.CanonicalRequest == "" || !strings.HasPrefix(e.StringToSign, "AWS4-HMAC-SHA256\n") {
				t.Errorf("mismatch without canonical request / string to sign: %+v", e)
			}
		})
	}
}

func setBody(r *http.Request, b []byte) {
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

// TestVerifyPresignedTamper: X-Amz-Signature is excluded from the canonical
// query, but every other parameter counts.
func TestVerifyPresignedTamper(t *testing.T) {
	for _, tamper := range []struct{ name, from, to string }{
		{"expires", "X-Amz-Expires=3600", "X-Amz-Expires=7200"},
		{"param", "versionId=1", "versionId=2"},
		{"credential", "X-Amz-Credential=" + testAK, "X-Amz-Credential=AKIAOTHER"},
	} {
		req := newClientRequest(t, "GET", "127.0.0.1:4566", "/bucket/key", "versionId=1", nil)
		creq := presign(t, req, "s3", UnsignedPayload, time.Hour, testPresign)
		if !strings.Contains(creq.URL.RawQuery, tamper.from) {
			t.Fatalf("%s: %q not in %q", tamper.name, tamper.from, creq.URL.RawQuery)
		}
		creq.URL.RawQuery = strings.Replace(creq.URL.RawQuery, tamper.from, tamper.to, 1)
		sr, body := toServer(t, creq)
		if _, err := check(sr, body, testPresign); kindOf(err) != KindSignatureMismatch {
			t.Errorf("%s: %v", tamper.name, err)
		}
	}
}

func TestVerifyWrongSecret(t *testing.T) {
	sr, body := toServer(t, signCases[0].build(t, testSignAt))
	a, err := Parse(sr)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(sr, a, "not the secret", hashHex(body), testSignAt); kindOf(err) != KindSignatureMismatch {
		t.Fatalf("wrong secret: %v", err)
	}
}

func TestSkewBoundaries(t *testing.T) {
	sr, body := toServer(t, signCases[0].build(t, testSignAt))
	cases := []struct {
		now  time.Time
		want Kind
		msg  string
	}{
		{testSignAt, 0, ""},
		{testSignAt.Add(MaxSkew), 0, ""},
		{testSignAt.Add(-MaxSkew), 0, ""},
		{testSignAt.Add(MaxSkew + time.Second), KindSkewed,
			"Signature expired: 20260101T000000Z is now earlier than 20260101T000001Z (20260101T001501Z - 15 min.)"},
		{testSignAt.Add(30 * time.Minute), KindSkewed,
			"Signature expired: 20260101T000000Z is now earlier than 20260101T001500Z (20260101T003000Z - 15 min.)"},
		{testSignAt.Add(-MaxSkew - time.Second), KindSkewed,
			"Signature not yet current: 20260101T000000Z is still later than 20251231T235959Z (20251231T234459Z + 15 min.)"},
	}
	for _, c := range cases {
		_, err := check(sr, body, c.now)
		if kindOf(err) != c.want {
			t.Errorf("now %v: %v, want kind %v", c.now, err, c.want)
			continue
		}
		var e *Error
		if errors.As(err, &e) && e.Msg != c.msg {
			t.Errorf("now %v:\n got %q\nwant %q", c.now, e.Msg, c.msg)
		}
	}
}

func TestPresignedExpiryBoundaries(t *testing.T) {
	req := newClientRequest(t, "GET", "127.0.0.1:4566", "/bucket/key", "", nil)
	sr, body := toServer(t, presign(t, req, "s3", UnsignedPayload, time.Hour, testPresign))
	cases := []struct {
		now  time.Time
		want Kind
		msg  string
	}{
		{testPresign, 0, ""},
		{testPresign.Add(time.Hour), 0, ""},
		{testPresign.Add(time.Hour + time.Second), KindExpired, "Request has expired"},
		{testPresign.Add(-MaxSkew), 0, ""},
		{testPresign.Add(-MaxSkew - time.Second), KindNotYetValid, "Request is not valid yet"},
	}
	for _, c := range cases {
		_, err := check(sr, body, c.now)
		if kindOf(err) != c.want {
			t.Errorf("now %v: %v, want kind %v", c.now, err, c.want)
			continue
		}
		var e *Error
		if errors.As(err, &e) && (e.Msg != c.msg || !e.Presigned || !e.ServerTime.Equal(c.now)) {
			t.Errorf("now %v: %+v", c.now, e)
		}
	}
}

// TestVerifyAWSExamples checks against the signatures AWS publishes in the S3
// API reference, independently of the SDK.
func TestVerifyAWSExamples(t *testing.T) {
	at := time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)
	t.Run("GET Object (sig-v4-header-based-auth)", func(t *testing.T) {
		r := httptest.NewRequest("GET", "/test.txt", nil)
		r.Host = "examplebucket.s3.amazonaws.com"
		r.Header.Set("Range", "bytes=0-9")
		r.Header.Set("X-Amz-Content-Sha256", EmptySHA256)
		r.Header.Set("X-Amz-Date", "20130524T000000Z")
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
		if _, err := check(r, nil, at); err != nil {
			t.Fatalf("%v\n%s", err, mismatchDetail(err))
		}
	})
	t.Run("presigned GET (sigv4-query-string-auth)", func(t *testing.T) {
		r := httptest.NewRequest("GET", "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404", nil)
		r.Host = "examplebucket.s3.amazonaws.com"
		if _, err := check(r, nil, at.Add(23*time.Hour)); err != nil {
			t.Fatalf("%v\n%s", err, mismatchDetail(err))
		}
	})
	t.Run("streaming PUT seed (sigv4-streaming)", func(t *testing.T) {
		r := exampleStreamingRequest(t, "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9", false)
		a, err := Parse(r)
		if err != nil {
			t.Fatal(err)
		}
		if a.PayloadHash != StreamingPayload {
			t.Fatalf("PayloadHash = %q", a.PayloadHash)
		}
		if err := Verify(r, a, testSecret, a.PayloadHash, at); err != nil {
			t.Fatalf("%v\n%s", err, mismatchDetail(err))
		}
		// The published canonical request hash.
		a.Signature = strings.Repeat("0", 64)
		var e *Error
		if err := Verify(r, a, testSecret, a.PayloadHash, at); !errors.As(err, &e) ||
			!strings.HasSuffix(e.StringToSign, "cee3fed04b70f867d036f722359b0b1f2f0e5dc0efadbc082b76c4c60e316455") {
			t.Fatalf("string to sign: %v", err)
		}
	})
}

// exampleStreamingRequest is the S3 documentation's chunked PUT, as the
// server receives it.
func exampleStreamingRequest(t testing.TB, seed string, trailer bool) *http.Request {
	t.Helper()
	r := httptest.NewRequest("PUT", "/examplebucket/chunkObject.txt", nil)
	r.Host = "s3.amazonaws.com"
	r.Header.Set("X-Amz-Date", "20130524T000000Z")
	r.Header.Set("X-Amz-Storage-Class", "REDUCED_REDUNDANCY")
	r.Header.Set("Content-Encoding", "aws-chunked")
	r.Header.Set("X-Amz-Decoded-Content-Length", "66560")
	r.Header.Set("Content-Length", "66824")
	signed := "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class"
	r.Header.Set("X-Amz-Content-Sha256", StreamingPayload)
	if trailer {
		r.Header.Set("X-Amz-Content-Sha256", StreamingPayloadTrailer)
		r.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32c")
		signed = "content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer"
	}
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders="+signed+",Signature="+seed)
	return r
}

// TestVerifyTransferEncoding: Go's server moves Transfer-Encoding out of
// r.Header; a client that signed it must still verify.
func TestVerifyTransferEncoding(t *testing.T) {
	wire := "PUT /bucket/key HTTP/1.1\r\nHost: 127.0.0.1:4566\r\nTransfer-Encoding: chunked\r\n" +
		"X-Amz-Date: 20260101T000000Z\r\nX-Amz-Content-Sha256: UNSIGNED-PAYLOAD\r\n"
	canonical := "PUT\n/bucket/key\n\nhost:127.0.0.1:4566\ntransfer-encoding:chunked\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:20260101T000000Z\n\nhost;transfer-encoding;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD"
	sig := referenceSign(canonical, "20260101T000000Z", "20260101/us-east-1/s3/aws4_request", "20260101", "us-east-1", "s3")
	wire += "Authorization: AWS4-HMAC-SHA256 Credential=" + testAK + "/20260101/us-east-1/s3/aws4_request, SignedHeaders=host;transfer-encoding;x-amz-content-sha256;x-amz-date, Signature=" + sig + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
	r := readWire(t, wire)
	if len(r.TransferEncoding) != 1 || r.Header.Get("Transfer-Encoding") != "" {
		t.Fatalf("server kept Transfer-Encoding in the header map: %v %v", r.TransferEncoding, r.Header)
	}
	if _, err := check(r, nil, testSignAt); err != nil {
		t.Fatalf("%v\n%s", err, mismatchDetail(err))
	}
}

// TestVerifyContentLengthFromRequest: content-length signed but only known
// as r.ContentLength.
func TestVerifyContentLengthFromRequest(t *testing.T) {
	req := signCases[0].build(t, testSignAt)
	sr, body := toServer(t, req)
	if !strings.Contains(sr.Header.Get("Authorization"), "content-length") {
		t.Fatal("content-length not signed")
	}
	sr.Header.Del("Content-Length")
	if _, err := check(sr, body, testSignAt); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyDateHeader: without X-Amz-Date the Date header dates the request.
func TestVerifyDateHeader(t *testing.T) {
	date := "Thu, 01 Jan 2026 00:00:00 GMT"
	canonical := "GET\n/\n\ndate:" + date + "\nhost:127.0.0.1:4566\n\ndate;host\n" + EmptySHA256
	sig := referenceSign(canonical, "20260101T000000Z", "20260101/us-east-1/sts/aws4_request", "20260101", "us-east-1", "sts")
	r := readWire(t, "GET / HTTP/1.1\r\nHost: 127.0.0.1:4566\r\nDate: "+date+"\r\n"+
		"Authorization: AWS4-HMAC-SHA256 Credential="+testAK+"/20260101/us-east-1/sts/aws4_request, SignedHeaders=date;host, Signature="+sig+"\r\n\r\n")
	if _, err := check(r, nil, testSignAt); err != nil {
		t.Fatalf("%v\n%s", err, mismatchDetail(err))
	}
}

// TestVerifyUnsignedHost: AWS requires host to be signed.
func TestVerifyUnsignedHost(t *testing.T) {
	canonical := "GET\n/\n\nx-amz-date:20260101T000000Z\n\nx-amz-date\n" + EmptySHA256
	sig := referenceSign(canonical, "20260101T000000Z", "20260101/us-east-1/sts/aws4_request", "20260101", "us-east-1", "sts")
	r := readWire(t, "GET / HTTP/1.1\r\nHost: h\r\nX-Amz-Date: 20260101T000000Z\r\n"+
		"Authorization: AWS4-HMAC-SHA256 Credential="+testAK+"/20260101/us-east-1/sts/aws4_request, SignedHeaders=x-amz-date, Signature="+sig+"\r\n\r\n")
	if _, err := check(r, nil, testSignAt); kindOf(err) != KindUnsignedHeaders {
		t.Fatalf("got %v", err)
	}
}

// TestVerifyOverHTTP runs the SDK's signer against a real net/http server.
func TestVerifyOverHTTP(t *testing.T) {
	errc := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_, err := check(r, body, time.Now())
		errc <- err
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, c := range signCases {
		req := newClientRequest(t, c.method, host, c.path, c.query, c.body)
		for k, vs := range c.header {
			req.Header[k] = vs
		}
		payload := hashHex(c.body)
		if c.service == "s3" {
			req.Header.Set("X-Amz-Content-Sha256", payload)
		}
		if err := v4.NewSigner().SignHTTP(t.Context(), aws.Credentials{AccessKeyID: testAK, SecretAccessKey: testSecret},
			req, payload, c.service, "us-east-1", time.Now(), signerOpts(c.service)); err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if err := <-errc; err != nil {
			t.Errorf("%s: %v\n%s", c.name, err, mismatchDetail(err))
		}
	}
}

func mismatchDetail(err error) string {
	var e *Error
	if errors.As(err, &e) && e.CanonicalRequest != "" {
		return "canonical request:\n" + e.CanonicalRequest + "\nstring to sign:\n" + e.StringToSign
	}
	return ""
}

// TestVerifyAlternativeURIs: forms other clients sign for the same path.
func TestVerifyAlternativeURIs(t *testing.T) {
	cases := []struct {
		name, service, sent, signed string
	}{
		// botocore removes empty and dot segments for services other than S3.
		{"botocore double slashes", "lambda", "//a//b/", "/a/b/"},
		{"botocore dot segments", "lambda", "/a/./b/../c", "/a/c"},
		{"sdk double slashes", "lambda", "//a//b/", "//a//b/"},
		{"double encoding", "lambda", "/a%20b", "/a%2520b"},
		// A client that sends '=' raw but signs S3's UriEncode form.
		{"s3 encoded form", "s3", "/bucket/a=b!", "/bucket/a%3Db%21"},
		{"s3 as sent", "s3", "/bucket/a=b!", "/bucket/a=b!"},
	}
	for _, c := range cases {
		scope := "20260101/us-east-1/" + c.service + "/aws4_request"
		canonical := "GET\n" + c.signed + "\n\nhost:h\nx-amz-date:20260101T000000Z\n\nhost;x-amz-date\n" + EmptySHA256
		sig := referenceSign(canonical, "20260101T000000Z", scope, "20260101", "us-east-1", c.service)
		r := readWire(t, "GET "+c.sent+" HTTP/1.1\r\nHost: h\r\nX-Amz-Date: 20260101T000000Z\r\nX-Amz-Content-Sha256: "+EmptySHA256+"\r\n"+
			"Authorization: AWS4-HMAC-SHA256 Credential="+testAK+"/"+scope+", SignedHeaders=host;x-amz-date, Signature="+sig+"\r\n\r\n")
		if c.service == "s3" { // S3 requires its x-amz-* headers signed
			r.Header.Del("X-Amz-Content-Sha256")
		}
		if _, err := check(r, nil, testSignAt); err != nil {
			t.Errorf("%s: %v\n%s", c.name, err, mismatchDetail(err))
		}
	}
	// But a path that differs after normalization is still a mismatch.
	canonical := "GET\n/a/c\n\nhost:h\nx-amz-date:20260101T000000Z\n\nhost;x-amz-date\n" + EmptySHA256
	sig := referenceSign(canonical, "20260101T000000Z", "20260101/us-east-1/lambda/aws4_request", "20260101", "us-east-1", "lambda")
	r := readWire(t, "GET /a/b/c HTTP/1.1\r\nHost: h\r\nX-Amz-Date: 20260101T000000Z\r\n"+
		"Authorization: AWS4-HMAC-SHA256 Credential="+testAK+"/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature="+sig+"\r\n\r\n")
	if _, err := check(r, nil, testSignAt); kindOf(err) != KindSignatureMismatch {
		t.Errorf("different path: %v", err)
	}
}

// TestSigningKeyCache: concurrent verification across more scopes than the
// cache holds stays correct and bounded.
func TestSigningKeyCache(t *testing.T) {
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < keyCacheSize; i++ {
				secret := "secret-" + strconv.Itoa(g*keyCacheSize+i)
				k := signingKey(secret, "20260101", "us-east-1", "s3")
				if k != deriveKey(secret, "20260101", "us-east-1", "s3") {
					t.Errorf("cached key for %s differs", secret)
					return
				}
			}
		}()
	}
	wg.Wait()
	keyCache.RLock()
	n := len(keyCache.m)
	keyCache.RUnlock()
	if n > keyCacheSize {
		t.Errorf("cache holds %d keys, bound is %d", n, keyCacheSize)
	}
	// The textbook derivation, from the SigV4 documentation's example.
	if got := hex.EncodeToString(SigningKey(testSecret, &Auth{Date: "20130524", Region: "us-east-1", Service: "s3"})); got != "dbb893acc010964918f1fd433add87c70e8b0db6be30c1fbeafefa5ec6ba8378" {
		t.Errorf("signing key %s", got)
	}
}
