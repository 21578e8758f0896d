package sigv4

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	testAK     = "AKIAIOSFODNN7EXAMPLE"
	testSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

var (
	testCreds   = aws.Credentials{AccessKeyID: testAK, SecretAccessKey: testSecret}
	testSignAt  = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	testPresign = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

func hashHex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// newClientRequest builds a client request for "http://host" + escapedPath
// + "?" + rawQuery, exactly as given.
func newClientRequest(t testing.TB, method, host, escapedPath, rawQuery string, body []byte) *http.Request {
	t.Helper()
	u, err := url.Parse("http://" + host + escapedPath)
	if err != nil {
		t.Fatalf("parse %q: %v", escapedPath, err)
	}
	u.RawQuery = rawQuery
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u.String(), rd)
	if err != nil {
		t.Fatal(err)
	}
	req.URL.RawQuery = rawQuery
	return req
}

// signerOpts returns the options aws-sdk-go-v2 uses for service.
func signerOpts(service string) func(*v4.SignerOptions) {
	return func(o *v4.SignerOptions) { o.DisableURIPathEscaping = service == "s3" }
}

// sign signs req like an SDK client would.
func sign(t testing.TB, req *http.Request, service, payloadHash string, at time.Time) {
	t.Helper()
	err := v4.NewSigner().SignHTTP(context.Background(), testCreds, req, payloadHash, service, "us-east-1", at, signerOpts(service))
	if err != nil {
		t.Fatal(err)
	}
}

// presign presigns req and returns the client request to send.
func presign(t testing.TB, req *http.Request, service, payloadHash string, expires time.Duration, at time.Time) *http.Request {
	t.Helper()
	if expires > 0 {
		q := req.URL.Query()
		q.Set("X-Amz-Expires", strconv.Itoa(int(expires/time.Second)))
		req.URL.RawQuery = q.Encode()
	}
	signedURL, hdr, err := v4.NewSigner().PresignHTTP(context.Background(), testCreds, req, payloadHash, service, "us-east-1", at, signerOpts(service))
	if err != nil {
		t.Fatal(err)
	}
	var body io.Reader
	if req.GetBody != nil {
		body, _ = req.GetBody()
	}
	out, err := http.NewRequest(req.Method, signedURL, body)
	if err != nil {
		t.Fatal(err)
	}
	out.ContentLength, out.GetBody = req.ContentLength, req.GetBody
	for k, vs := range hdr {
		if k == "Host" {
			continue
		}
		out.Header[k] = vs
	}
	for k, vs := range req.Header { // headers the signer left unsigned still travel
		if _, ok := out.Header[k]; !ok {
			out.Header[k] = vs
		}
	}
	return out
}

// toServer writes a client request to the wire and reads it back as Go's
// HTTP server would see it: Host moved to r.Host, RequestURI set,
// Transfer-Encoding moved to r.TransferEncoding.
func toServer(t testing.TB, req *http.Request) (*http.Request, []byte) {
	t.Helper()
	if req.GetBody != nil { // so a request can be sent again
		req.Body, _ = req.GetBody()
	}
	var wire bytes.Buffer
	if err := req.Write(&wire); err != nil {
		t.Fatal(err)
	}
	sr, err := http.ReadRequest(bufio.NewReader(&wire))
	if err != nil {
		t.Fatalf("read request: %v\n%s", err, wire.String())
	}
	body, err := io.ReadAll(sr.Body)
	if err != nil {
		t.Fatal(err)
	}
	sr.Body = io.NopCloser(bytes.NewReader(body))
	return sr, body
}

// check parses and verifies a server request as the edge would: hashing the
// body when the client did not send X-Amz-Content-Sha256.
func check(r *http.Request, body []byte, now time.Time) (*Auth, error) {
	a, err := Parse(r)
	if err != nil {
		return nil, err
	}
	ph := a.PayloadHash
	if ph == "" {
		ph = hashHex(body)
	}
	return a, Verify(r, a, testSecret, ph, now)
}

func kindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

// referenceSign signs a canonical request with the textbook algorithm, for
// requests the SDK cannot produce.
func referenceSign(canonical, amzDate, scope, date, region, service string) string {
	mac := func(key []byte, s string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(s))
		return h.Sum(nil)
	}
	key := mac(mac(mac(mac([]byte("AWS4"+testSecret), date), region), service), "aws4_request")
	sts := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hashHex([]byte(canonical))
	return hex.EncodeToString(mac(key, sts))
}

// readWire parses a raw HTTP/1.1 request as the server would.
func readWire(t testing.TB, wire string) *http.Request {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(wire)))
	if err != nil {
		t.Fatal(err)
	}
	return r
}
