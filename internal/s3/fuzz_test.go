package s3

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"
)

func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"bytes=0-0", "bytes=5-", "bytes=-3", "bytes=9-2", "bytes=0-1,3-4", "bytes=-0", "items=1-2", "bytes=18446744073709551615-"} {
		f.Add(s, int64(10))
	}
	f.Fuzz(func(t *testing.T, v string, size int64) {
		if size < 0 {
			size = -size
		}
		if size < 0 {
			return
		}
		start, n, ok, err := parseRange(v, size)
		if ok && (err != nil || start < 0 || n <= 0 || start+n > size) {
			t.Fatalf("parseRange(%q, %d) = %d, %d, %v, %v", v, size, start, n, ok, err)
		}
	})
}

func FuzzCopySource(f *testing.F) {
	for _, s := range []string{"b/k", "/b/k?versionId=x", "b", "b/%2E%2E/x", "%zz", "/b/k?versionId=", "b/k?a=%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		b, k, _, err := copySource(v)
		if err == nil && (b == "" || k == "") {
			t.Fatalf("copySource(%q) accepted an empty bucket or key", v)
		}
	})
}

// FuzzXMLRequests feeds every request document parser: none may panic,
// and what they accept must satisfy their own limits.
func FuzzXMLRequests(f *testing.F) {
	for _, s := range []string{
		`<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>`,
		`<NotificationConfiguration><CloudFunctionConfiguration><CloudFunction>arn:aws:lambda:us-east-1:000000000000:function:f</CloudFunction><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>a/</Value></FilterRule></S3Key></Filter></CloudFunctionConfiguration></NotificationConfiguration>`,
		`<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix>x</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>`,
		`<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>`,
		`<Delete><Object><Key>a</Key></Object><Quiet>true</Quiet></Delete>`,
		`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"x"</ETag></Part></CompleteMultipartUpload>`,
		`<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>`,
		`<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`,
		`<a>`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if c, err := parseCORS(b); err == nil && (len(c.Rules) == 0 || len(c.Rules) > 100) {
			t.Fatal("CORS rule count out of range")
		}
		if c, err := parseNotification(b); err == nil {
			for _, l := range c.Lambda {
				if !validLambdaARN(l.Function) || l.ID == "" {
					t.Fatalf("accepted %+v", l)
				}
			}
		}
		validateLifecycle(b)
		if tags, err := parseTagging(b, 10); err == nil && len(tags) > 10 {
			t.Fatal("too many tags accepted")
		}
		var d deleteRequest
		decodeXML(b, &d)
		var c completeRequest
		decodeXML(b, &c)
		var cb createBucketConfiguration
		decodeXML(b, &cb)
		var v versioningConfiguration
		decodeXML(b, &v)
	})
}

// FuzzChunkedBody sends arbitrary aws-chunked bodies through the upload
// path: whatever it accepts is exactly the declared length.
func FuzzChunkedBody(f *testing.F) {
	f.Add([]byte("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"), int64(5), true)
	f.Add([]byte("3;chunk-signature=abc\r\nabc\r\n0;chunk-signature=def\r\n\r\n"), int64(3), false)
	f.Add([]byte("ffffffffffffffff\r\n"), int64(1), false)
	f.Add([]byte("0\r\n"), int64(0), false)
	s := &Service{}
	f.Fuzz(func(t *testing.T, body []byte, declared int64, trailer bool) {
		if declared < 0 || declared > 1<<20 {
			return
		}
		r, _ := http.NewRequest(http.MethodPut, "http://x/b/k", bytes.NewReader(body))
		r.Header.Set("X-Amz-Content-Sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
		r.Header.Set("Content-Encoding", "aws-chunked")
		r.Header.Set("X-Amz-Decoded-Content-Length", strconv.FormatInt(declared, 10))
		if trailer {
			r.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
		}
		var out bytes.Buffer
		rc, err := s.copyVerified(r, &out, "", MaxObjectSize)
		if err == nil && (rc.size != declared || int64(out.Len()) != declared) {
			t.Fatalf("accepted %d bytes for a declared %d", out.Len(), declared)
		}
	})
}

func FuzzObjectRecord(f *testing.F) {
	o := &objectRec{Key: "k", VersionID: "v", Size: 5, ETag: `"e"`, Meta: map[string]string{"a": "b"}, Parts: []seg{{ID: "x", Size: 5}}, Tags: []tag{{"t", "u"}}}
	f.Add(o.marshal())
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, b []byte) {
		var o objectRec
		if o.unmarshal(b) != nil {
			return
		}
		var o2 objectRec
		if err := o2.unmarshal(o.marshal()); err != nil {
			t.Fatalf("re-decoding: %v", err)
		}
	})
}
