package s3_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func mustBucket(t *testing.T, c *awss3.Client, name string) {
	t.Helper()
	if _, err := c.CreateBucket(ctx(t), &awss3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("CreateBucket %s: %v", name, err)
	}
}

func TestPutGetObject(t *testing.T) {
	e := start(t)
	c := e.client(t)
	mustBucket(t, c, "bkt")
	body := []byte("hello, nimbus")
	put, err := c.PutObject(ctx(t), &awss3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("dir/hello.txt"),
		Body: bytes.NewReader(body), ContentType: aws.String("text/plain"), Metadata: map[string]string{"color": "blue"},
		CacheControl: aws.String("max-age=60")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(put.ETag) != `"d6d4a8dc0d8e3a7d2a7f4c7f2b7c8b8b"` && len(aws.ToString(put.ETag)) != 34 {
		t.Fatalf("etag %q", aws.ToString(put.ETag))
	}
	got, err := c.GetObject(ctx(t), &awss3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("dir/hello.txt")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if !bytes.Equal(b, body) {
		t.Fatalf("body %q", b)
	}
	if aws.ToString(got.ContentType) != "text/plain" || got.Metadata["color"] != "blue" || aws.ToString(got.CacheControl) != "max-age=60" {
		t.Fatalf("attrs: %v %v %v", aws.ToString(got.ContentType), got.Metadata, aws.ToString(got.CacheControl))
	}
	if aws.ToString(got.ETag) != aws.ToString(put.ETag) {
		t.Fatalf("etag %s vs %s", aws.ToString(got.ETag), aws.ToString(put.ETag))
	}
	_, err = c.GetObject(ctx(t), &awss3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("missing")})
	var nsk *types.NoSuchKey
	if !errors.As(err, &nsk) {
		t.Fatalf("missing key: %v", err)
	}
	_, err = c.GetObject(ctx(t), &awss3.GetObjectInput{Bucket: aws.String("nobkt"), Key: aws.String("k")})
	if apiCode(err) != "NoSuchBucket" {
		t.Fatalf("missing bucket: %v", err)
	}
	r, err := c.GetObject(ctx(t), &awss3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("dir/hello.txt"), Range: aws.String("bytes=7-")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(r.Body)
	if string(b) != "nimbus" || aws.ToString(r.ContentRange) != "bytes 7-12/13" {
		t.Fatalf("range: %q %q", b, aws.ToString(r.ContentRange))
	}
	if _, err := c.DeleteObject(ctx(t), &awss3.DeleteObjectInput{Bucket: aws.String("bkt"), Key: aws.String("dir/hello.txt")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.HeadObject(ctx(t), &awss3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("dir/hello.txt")}); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("head after delete: %v", err)
	}
}
