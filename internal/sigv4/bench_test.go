package sigv4

import (
	"bytes"
	"io"
	"testing"
	"time"
)

func BenchmarkScope(b *testing.B) {
	sr, _ := toServer(b, signCases[0].build(b, testSignAt))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, ok := Scope(sr); !ok {
			b.Fatal("no scope")
		}
	}
}

func BenchmarkScopePresigned(b *testing.B) {
	req := newClientRequest(b, "GET", "127.0.0.1:4566", "/bucket/key", "", nil)
	sr, _ := toServer(b, presign(b, req, "s3", UnsignedPayload, time.Hour, testPresign))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, ok := Scope(sr); !ok {
			b.Fatal("no scope")
		}
	}
}

func BenchmarkParse(b *testing.B) {
	sr, _ := toServer(b, signCases[0].build(b, testSignAt))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(sr); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify is the strict-mode cost of a DynamoDB request once parsed
// and its body hashed.
func BenchmarkVerify(b *testing.B) {
	sr, body := toServer(b, signCases[0].build(b, testSignAt))
	a, err := Parse(sr)
	if err != nil {
		b.Fatal(err)
	}
	ph := hashHex(body)
	b.ReportAllocs()
	for b.Loop() {
		if err := Verify(sr, a, testSecret, ph, testSignAt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyS3Query(b *testing.B) {
	var c signCase
	for _, c = range signCases {
		if c.name == "s3 ListObjectsV2" {
			break
		}
	}
	sr, _ := toServer(b, c.build(b, testSignAt))
	a, err := Parse(sr)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Verify(sr, a, testSecret, a.PayloadHash, testSignAt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyPresigned(b *testing.B) {
	req := newClientRequest(b, "GET", "127.0.0.1:4566", "/bucket/photos/2026/a%20b.jpg", "versionId=3", nil)
	sr, _ := toServer(b, presign(b, req, "s3", UnsignedPayload, time.Hour, testPresign))
	b.ReportAllocs()
	for b.Loop() {
		a, err := Parse(sr)
		if err != nil {
			b.Fatal(err)
		}
		if err := Verify(sr, a, testSecret, a.PayloadHash, testPresign); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkChunkedReader(b *testing.B) {
	a := streamingAuth(StreamingPayload)
	payload := bytes.Repeat([]byte("x"), 1<<20)
	body := encodeSigned(b, a, a.Signature, payload, 64<<10, nil)
	key := SigningKey(testSecret, a)
	buf := make([]byte, 32<<10)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		cr := NewChunkedReader(bytes.NewReader(body), a, a.Signature, key)
		if _, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{cr}, buf); err != nil {
			b.Fatal(err)
		}
	}
}
