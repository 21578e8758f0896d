package s3_test

import (
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/nimbus-cloud/nimbus/nimbustest"
)

// S3 as the app wires it: a whole nimbus, in memory.
func TestNimbusWiring(t *testing.T) {
	srv := nimbustest.Start(t)
	c := awss3.New(awss3.Options{BaseEndpoint: aws.String(srv.URL), Region: "us-east-1", UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	if _, err := c.CreateBucket(ctx(t), &awss3.CreateBucketInput{Bucket: aws.String("wired")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(ctx(t), &awss3.PutObjectInput{Bucket: aws.String("wired"), Key: aws.String("k"), Body: strings.NewReader("through the app")}); err != nil {
		t.Fatal(err)
	}
	g, err := c.GetObject(ctx(t), &awss3.GetObjectInput{Bucket: aws.String("wired"), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(g.Body)
	if string(b) != "through the app" {
		t.Fatalf("got %q", b)
	}
}
