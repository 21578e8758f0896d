package nimbus_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go"

	"github.com/nimbus-cloud/nimbus"
	"github.com/nimbus-cloud/nimbus/nimbustest"
)

func ddb(url, key, secret string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region: "eu-central-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, ""),
		Retryer:     aws.NopRetryer{},
	})
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func TestStrictAuth(t *testing.T) {
	srv := nimbustest.Start(t, nimbus.Config{Auth: nimbus.AuthStrict, Credentials: []nimbus.Credential{
		{AccessKey: "AKIAGOOD", Secret: "right-secret", Account: "123456789012"},
	}})
	ctx := context.Background()
	out, err := ddb(srv.URL, "AKIAGOOD", "right-secret").ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil || out.TableNames == nil {
		t.Fatalf("good key: %v", err)
	}
	if _, err := ddb(srv.URL, "AKIAGOOD", "wrong-secret").ListTables(ctx, &dynamodb.ListTablesInput{}); code(err) != "InvalidSignatureException" {
		t.Fatalf("wrong secret: %v", err)
	}
	if _, err := ddb(srv.URL, "AKIAUNKNOWN", "x").ListTables(ctx, &dynamodb.ListTablesInput{}); code(err) != "UnrecognizedClientException" {
		t.Fatalf("unknown key: %v", err)
	}
	req, _ := http.NewRequest("POST", srv.URL, nil)
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810.ListTables")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(b), "MissingAuthenticationTokenException") {
		t.Fatalf("unsigned: %d %s", resp.StatusCode, b)
	}
	// Health stays open without credentials.
	resp, err = http.Get(srv.URL + "/_nimbus/health")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("health: %v", err)
	}
	resp.Body.Close()
}

func TestEmbeddedServer(t *testing.T) {
	srv, err := nimbus.New(nimbus.Config{Memory: true, Addr: "127.0.0.1:0", LogOutput: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := ddb(srv.Endpoint(), "k", "s").ListTables(context.Background(), &dynamodb.ListTablesInput{}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// A gzip-compressed, SigV4-signed request in strict mode: the signature
// covers the compressed bytes (and the Content-Encoding header).
func TestStrictAuthGzipBody(t *testing.T) {
	srv := nimbustest.Start(t, nimbus.Config{Auth: nimbus.AuthStrict, Credentials: []nimbus.Credential{{AccessKey: "AKIAGOOD", Secret: "right-secret"}}})
	var zbuf bytes.Buffer
	zw := gzip.NewWriter(&zbuf)
	zw.Write([]byte(`{}`))
	zw.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/", bytes.NewReader(zbuf.Bytes()))
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810.ListTables")
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("Content-Encoding", "gzip")
	sum := sha256.Sum256(zbuf.Bytes())
	signer := v4.NewSigner()
	err := signer.SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKIAGOOD", SecretAccessKey: "right-secret"}, req,
		hex.EncodeToString(sum[:]), "dynamodb", "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "TableNames") {
		t.Fatalf("gzip signed request: %d %s", resp.StatusCode, b)
	}
}
