package s3_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
)

// BenchmarkGetObject1KB measures unsigned 1 KB GETs through the edge, as a
// pre-signed URL or browser sends them (see bench/s3 for the comparison
// with files and a do-nothing server).
func BenchmarkGetObject1KB(b *testing.B) {
	e := start(b)
	c := e.client(b)
	c.CreateBucket(ctx(b), &awss3.CreateBucketInput{Bucket: aws.String("bench")})
	if _, err := c.PutObject(ctx(b), &awss3.PutObjectInput{Bucket: aws.String("bench"), Key: aws.String("k"), Body: bytes.NewReader(make([]byte, 1024))}); err != nil {
		b.Fatal(err)
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	url := e.URL + "/bench/k"
	// Overwrite it, as bench/s3's PUT phase does, so reads go through a
	// store with history.
	for i := 0; i < 5000; i++ {
		req, _ := http.NewRequest(http.MethodPut, url, bytes.NewReader(make([]byte, 1024)))
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	b.SetBytes(1024)
	b.ResetTimer()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := hc.Get(url)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatal(resp.Status)
			}
		}
	})
}
