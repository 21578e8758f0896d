package sigv4

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The S3 documentation's streaming examples (sigv4-streaming and
// sigv4-streaming-trailers): 66560 bytes of 'a' in chunks of 65536, 1024 and
// 0, signed with the example credentials at 20130524T000000Z.
const (
	exampleSeed       = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
	exampleTrailSeed  = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
	exampleTrailerSig = "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435"
)

var (
	exampleChunkSigs      = [3]string{"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648", "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497", "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"}
	exampleTrailChunkSigs = [3]string{"b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2", "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7", "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992"}
	exampleTime           = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)
)

func exampleBody(sigs [3]string, trailer string) string {
	a := strings.Repeat("a", 65536)
	return "10000;chunk-signature=" + sigs[0] + "\r\n" + a + "\r\n" +
		"400;chunk-signature=" + sigs[1] + "\r\n" + a[:1024] + "\r\n" +
		"0;chunk-signature=" + sigs[2] + "\r\n" + trailer + "\r\n"
}

// exampleReader verifies the example request's seed, then returns the
// chunked reader for body.
func exampleReader(t testing.TB, trailer bool, body string) *ChunkedReader {
	t.Helper()
	seed := exampleSeed
	if trailer {
		seed = exampleTrailSeed
	}
	r := exampleStreamingRequest(t, seed, trailer)
	a, err := Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(r, a, testSecret, a.PayloadHash, exampleTime); err != nil {
		t.Fatalf("seed: %v\n%s", err, mismatchDetail(err))
	}
	return NewChunkedReader(strings.NewReader(body), a, a.Signature, SigningKey(testSecret, a))
}

func TestChunkedAWSExample(t *testing.T) {
	want := strings.Repeat("a", 66560)
	for _, read := range []struct {
		name string
		wrap func(io.Reader) io.Reader
	}{
		{"whole", func(r io.Reader) io.Reader { return r }},
		{"one byte", iotest.OneByteReader},
		{"half", iotest.HalfReader},
	} {
		t.Run("signed/"+read.name, func(t *testing.T) {
			cr := exampleReader(t, false, exampleBody(exampleChunkSigs, ""))
			got, err := io.ReadAll(read.wrap(cr))
			if err != nil || string(got) != want {
				t.Fatalf("read %d bytes, err %v", len(got), err)
			}
			if cr.Trailer() != nil || cr.DecodedLen() != 66560 {
				t.Errorf("trailer %v, decoded %d", cr.Trailer(), cr.DecodedLen())
			}
		})
		t.Run("trailer/"+read.name, func(t *testing.T) {
			body := exampleBody(exampleTrailChunkSigs, "x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:"+exampleTrailerSig+"\r\n")
			cr := exampleReader(t, true, body)
			got, err := io.ReadAll(read.wrap(cr))
			if err != nil || string(got) != want {
				t.Fatalf("read %d bytes, err %v", len(got), err)
			}
			if v := cr.Trailer().Get("X-Amz-Checksum-Crc32c"); v != "sOO8/Q==" || len(cr.Trailer()) != 1 {
				t.Errorf("trailer %v", cr.Trailer())
			}
		})
	}
}

func TestChunkedAWSExampleVariants(t *testing.T) {
	trailers := "x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:" + exampleTrailerSig + "\r\n"
	good := exampleBody(exampleTrailChunkSigs, trailers)
	cases := []struct {
		name    string
		trailer bool
		body    string
		want    Kind
	}{
		// Encoders differ on the final CRLFs; all of these occur in the wild.
		{"CRLF before trailers", true, strings.Replace(good, "\r\nx-amz-checksum", "\r\n\r\nx-amz-checksum", 1), 0},
		{"no final CRLF", true, strings.TrimSuffix(good, "\r\n"), 0},
		{"last trailer unterminated", true, strings.TrimSuffix(good, "\r\n\r\n"), 0},
		{"signed without final CRLF", false, strings.TrimSuffix(exampleBody(exampleChunkSigs, ""), "\r\n"), 0},

		{"tampered data", false, strings.Replace(exampleBody(exampleChunkSigs, ""), "aaaa", "aaab", 1), KindSignatureMismatch},
		{"tampered second chunk", false, strings.Replace(exampleBody(exampleChunkSigs, ""), "aaaa\r\n0;", "aaab\r\n0;", 1), KindSignatureMismatch},
		{"chunks swapped signatures", false, exampleBody([3]string{exampleChunkSigs[1], exampleChunkSigs[0], exampleChunkSigs[2]}, ""), KindSignatureMismatch},
		{"final chunk signature", false, exampleBody([3]string{exampleChunkSigs[0], exampleChunkSigs[1], exampleChunkSigs[1]}, ""), KindSignatureMismatch},
		{"trailer value", true, strings.Replace(good, "sOO8/Q==", "sOO8/Q=A", 1), KindSignatureMismatch},
		{"trailer unsigned", true, strings.Replace(good, "x-amz-trailer-signature:"+exampleTrailerSig+"\r\n", "", 1), KindSignatureMismatch},
		{"trailer in a body without trailers", false, exampleBody(exampleChunkSigs, "x-amz-checksum-crc32c:sOO8/Q==\r\n"), KindMalformedBody},
		{"truncated in data", false, exampleBody(exampleChunkSigs, "")[:1000], KindMalformedBody},
		{"truncated before final chunk", false, strings.Split(exampleBody(exampleChunkSigs, ""), "0;chunk")[0], KindMalformedBody},
		{"no chunk signature", false, "10000\r\n" + strings.Repeat("a", 65536) + "\r\n", KindMalformedBody},
		{"bad size", false, "zz;chunk-signature=" + exampleChunkSigs[0] + "\r\n", KindMalformedBody},
		{"size too long", false, "10000000000000000;chunk-signature=" + exampleChunkSigs[0] + "\r\n", KindMalformedBody},
		{"data not followed by CRLF", false, strings.Replace(exampleBody(exampleChunkSigs, ""), "a\r\n400", "aXX400", 1), KindMalformedBody},
		{"empty body", false, "", KindMalformedBody},
		{"line too long", false, strings.Repeat("1", 5000) + "\r\n", KindMalformedBody},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cr := exampleReader(t, c.trailer, c.body)
			got, err := io.ReadAll(cr)
			if kindOf(err) != c.want {
				t.Fatalf("err = %v, want kind %v", err, c.want)
			}
			if c.want == 0 && len(got) != 66560 {
				t.Fatalf("read %d bytes", len(got))
			}
			if err != nil && errors.Is(err, io.EOF) {
				t.Error("error wraps io.EOF")
			}
		})
	}
}

// encodeSigned builds a signed aws-chunked body for payload, signing chunks
// with aws-sdk-go-v2's event-stream signer (whose string to sign is the
// chunk one when the event headers are empty).
func encodeSigned(t testing.TB, a *Auth, seed string, payload []byte, chunkSize int, trailers [][2]string) []byte {
	t.Helper()
	seedRaw, err := hex.DecodeString(seed)
	if err != nil {
		t.Fatal(err)
	}
	ss := v4.NewStreamSigner(aws.Credentials{AccessKeyID: a.AccessKey, SecretAccessKey: testSecret}, a.Service, a.Region, seedRaw)
	var b bytes.Buffer
	prev := seed
	for {
		n := min(chunkSize, len(payload))
		sig, err := ss.GetSignature(context.Background(), nil, payload[:n], a.Time)
		if err != nil {
			t.Fatal(err)
		}
		prev = hex.EncodeToString(sig)
		fmt.Fprintf(&b, "%x;chunk-signature=%s\r\n", n, prev)
		if n == 0 {
			break
		}
		b.Write(payload[:n])
		b.WriteString("\r\n")
		payload = payload[n:]
	}
	if trailers != nil {
		var canon strings.Builder
		for _, tr := range trailers {
			fmt.Fprintf(&b, "%s:%s\r\n", tr[0], tr[1])
			canon.WriteString(tr[0] + ":" + tr[1] + "\n")
		}
		key := SigningKey(testSecret, a)
		m := hmac.New(sha256.New, key)
		m.Write([]byte("AWS4-HMAC-SHA256-TRAILER\n" + a.amzDate + "\n" + a.CredentialScope() + "\n" + prev + "\n" + hashHex([]byte(canon.String()))))
		fmt.Fprintf(&b, "x-amz-trailer-signature:%x\r\n", m.Sum(nil))
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

func streamingAuth(payloadHash string) *Auth {
	return &Auth{AccessKey: testAK, Date: "20260101", Region: "us-east-1", Service: "s3",
		Time: testSignAt, amzDate: "20260101T000000Z", PayloadHash: payloadHash,
		Signature: strings.Repeat("5e", 32)}
}

func TestChunkedRoundTrip(t *testing.T) {
	payload := make([]byte, 200_000)
	for i := range payload {
		payload[i] = byte(i * 7)
	}
	for _, size := range []int{1, 8 << 10, 64 << 10, 64<<10 + 1, 200_000} {
		for _, trailer := range []bool{false, true} {
			ph, tr := StreamingPayload, [][2]string(nil)
			if trailer {
				ph, tr = StreamingPayloadTrailer, [][2]string{{"x-amz-checksum-crc32", "AAAAAA=="}, {"x-amz-checksum-sha256", "abc="}}
			}
			a := streamingAuth(ph)
			body := encodeSigned(t, a, a.Signature, payload[:size], 64<<10, tr)
			cr := NewChunkedReader(bytes.NewReader(body), a, a.Signature, SigningKey(testSecret, a))
			got, err := io.ReadAll(cr)
			if err != nil || !bytes.Equal(got, payload[:size]) {
				t.Fatalf("size %d trailer %v: %d bytes, %v", size, trailer, len(got), err)
			}
			if trailer && (cr.Trailer().Get("X-Amz-Checksum-Crc32") != "AAAAAA==" || cr.Trailer().Get("X-Amz-Checksum-Sha256") != "abc=") {
				t.Errorf("trailers %v", cr.Trailer())
			}
		}
	}
	// Empty payload: only the final chunk.
	a := streamingAuth(StreamingPayload)
	cr := NewChunkedReader(bytes.NewReader(encodeSigned(t, a, a.Signature, nil, 1, nil)), a, a.Signature, SigningKey(testSecret, a))
	if got, err := io.ReadAll(cr); err != nil || len(got) != 0 {
		t.Fatalf("empty: %q %v", got, err)
	}
	// Wrong seed or key: the first chunk fails, before any EOF.
	body := encodeSigned(t, a, a.Signature, payload, 64<<10, nil)
	for name, cr := range map[string]*ChunkedReader{
		"seed": NewChunkedReader(bytes.NewReader(body), a, strings.Repeat("00", 32), SigningKey(testSecret, a)),
		"key":  NewChunkedReader(bytes.NewReader(body), a, a.Signature, SigningKey("other", a)),
	} {
		got, err := io.ReadAll(cr)
		if kindOf(err) != KindSignatureMismatch || len(got) != 64<<10 {
			t.Errorf("wrong %s: %d bytes, %v", name, len(got), err)
		}
	}
}

func TestUnsignedChunked(t *testing.T) {
	cases := []struct {
		name, body, want string
		trailer          map[string]string
		kind             Kind
	}{
		// As aws-sdk-go-v2 writes it: "0\r\n", trailers, "\r\n".
		{"sdk", "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n", "hello world",
			map[string]string{"X-Amz-Checksum-Crc32": "DUoRhQ=="}, 0},
		{"no trailers", "3\r\nabc\r\n0\r\n\r\n", "abc", nil, 0},
		{"extension ignored", "3;ext=1\r\nabc\r\n0\r\n\r\n", "abc", nil, 0},
		{"uppercase hex", "A\r\n0123456789\r\n0\r\n\r\n", "0123456789", nil, 0},
		{"bare LF lines", "3\nabc\r\n0\n\n", "abc", nil, 0},
		{"several trailers", "0\r\nx-amz-checksum-crc32c:a\r\nX-Other: b \r\n\r\n", "",
			map[string]string{"X-Amz-Checksum-Crc32c": "a", "X-Other": "b"}, 0},
		{"bad trailer", "0\r\nnocolon\r\n\r\n", "", nil, KindMalformedBody},
		{"truncated", "5\r\nhel", "hel", nil, KindMalformedBody},
		{"negative size", "-5\r\nhello\r\n", "", nil, KindMalformedBody},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cr := NewUnsignedChunkedReader(strings.NewReader(c.body))
			got, err := io.ReadAll(cr)
			if kindOf(err) != c.kind || string(got) != c.want {
				t.Fatalf("got %q, %v", got, err)
			}
			if len(cr.Trailer()) != len(c.trailer) {
				t.Errorf("trailer %v", cr.Trailer())
			}
			for k, v := range c.trailer {
				if cr.Trailer().Get(k) != v {
					t.Errorf("trailer %s = %q, want %q", k, cr.Trailer().Get(k), v)
				}
			}
		})
	}
}
