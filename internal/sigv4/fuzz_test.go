package sigv4

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential="+goodCred+", SignedHeaders=host;x-amz-date, Signature=abc", "", "20260101T000000Z", "/")
	f.Add("AWS4-HMAC-SHA256 Credential=AK/20260101/r/s/aws4_request,SignedHeaders=host,Signature=", "a=1&b", "", "/a%20b")
	f.Add("AWS4-HMAC-SHA256 FooBar, BazBurp", "", "", "//x/../y")
	f.Add("", presignedRequest("", "").URL.RawQuery, "", "/bucket/key")
	f.Add("", "X-Amz-Credential=AK%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=x&X-Amz-Expires=-0", "", "/")
	f.Add("", "X-Amz-Algorithm=AWS4-HMAC-SHA256&x=%zz&y=%", "", "/")
	f.Add("Bearer x", "X-Amz-Signature", "Thu, 01 Jan 2026 00:00:00 GMT", "/")
	f.Fuzz(func(t *testing.T, auth, rawQuery, date, path string) {
		r := &http.Request{Method: "GET", Host: "h", Header: http.Header{}, URL: &url.URL{Path: "/", RawQuery: rawQuery}, RequestURI: path}
		if auth != "" {
			r.Header["Authorization"] = []string{auth}
		}
		if date != "" {
			r.Header["X-Amz-Date"] = []string{date}
		}
		ak, region, service, scopeOK := Scope(r)
		a, err := Parse(r)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse returned %T %v", err, err)
			}
			for _, f := range []Family{FamilyJSON, FamilyRESTJSON, FamilyQuery, FamilyS3} {
				if code, _, status := e.Response(f); code == "" || status < 400 {
					t.Fatalf("Response(%d) = %q %d", f, code, status)
				}
			}
			return
		}
		// Whatever Parse accepts, Scope routes the same way.
		if !scopeOK || ak != a.AccessKey || region != a.Region || service != a.Service {
			t.Fatalf("Scope = %q %q %q %v, Parse = %+v", ak, region, service, scopeOK, a)
		}
		if len(a.amzDate) != 16 || a.Date != a.amzDate[:8] {
			t.Fatalf("date %q scope %q", a.amzDate, a.Date)
		}
		err = Verify(r, a, testSecret, EmptySHA256, a.Time)
		if err == nil && a.Signature != "" {
			// Only a real signature can verify; fuzzing should not find one.
			t.Fatalf("random signature verified: %+v", a)
		}
	})
}

func FuzzChunkedReader(f *testing.F) {
	a := streamingAuth(StreamingPayloadTrailer)
	key := SigningKey(testSecret, a)
	f.Add([]byte(exampleBody(exampleTrailChunkSigs, "x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:"+exampleTrailerSig+"\r\n")[65500:]), uint16(7), false)
	f.Add(encodeSigned(f, a, a.Signature, []byte("hello, world"), 5, [][2]string{{"x-amz-checksum-crc32", "x"}}), uint16(0), false)
	f.Add([]byte("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"), uint16(3), true)
	f.Add([]byte("ffffffffffffffff;chunk-signature=\r\n"), uint16(1), false)
	f.Fuzz(func(t *testing.T, body []byte, chunk uint16, unsigned bool) {
		// Arbitrary bytes: never panic, never yield more than was sent.
		var cr *ChunkedReader
		if unsigned {
			cr = NewUnsignedChunkedReader(bytes.NewReader(body))
		} else {
			cr = NewChunkedReader(bytes.NewReader(body), a, a.Signature, key)
		}
		got, err := io.ReadAll(cr)
		if len(got) > len(body) {
			t.Fatalf("decoded %d bytes from %d", len(got), len(body))
		}
		if err != nil && kindOf(err) == 0 {
			t.Fatalf("error %T %v is not an *Error", err, err)
		}
		if int64(len(got)) != cr.DecodedLen() {
			t.Fatalf("DecodedLen %d, read %d", cr.DecodedLen(), len(got))
		}

		// The same bytes as a payload: encoding then decoding is the identity.
		// At most 64 chunks: the minimizer shrinks chunk to 1 and signing
		// each byte of a large body would stall it.
		size := max(int(chunk%4096)+1, len(body)/64+1)
		var tr [][2]string
		if utf8.Valid(body) && len(body) < 100 && !strings.ContainsAny(string(body), "\r\n:") && strings.TrimSpace(string(body)) == string(body) && body != nil {
			tr = [][2]string{{"x-amz-checksum-crc32", string(body)}}
		}
		enc := encodeSigned(t, a, a.Signature, body, size, tr)
		cr = NewChunkedReader(bytes.NewReader(enc), a, a.Signature, key)
		got, err = io.ReadAll(cr)
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("round trip of %d bytes in chunks of %d: %v", len(body), size, err)
		}
		if tr != nil && cr.Trailer().Get("x-amz-checksum-crc32") != tr[0][1] {
			t.Fatalf("trailer %v, want %q", cr.Trailer(), tr[0][1])
		}
	})
}
