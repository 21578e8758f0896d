package lambda_test

import (
	"archive/zip"
	"bytes"
	"context"
	"os/exec"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/nimbus-cloud/nimbus/nimbustest"
)

const role = "arn:aws:iam::000000000000:role/lambda-role"

type cloud struct {
	url  string
	lam  *lambda.Client
	logs *cloudwatchlogs.Client
	cfg  aws.Config
}

func start(t testing.TB) *cloud {
	t.Helper()
	srv := nimbustest.Start(t)
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(srv.URL),
	}
	return &cloud{url: srv.URL, cfg: cfg,
		lam:  lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.RetryMaxAttempts = 1 }),
		logs: cloudwatchlogs.NewFromConfig(cfg)}
}

func zipFiles(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(0o644)
		if name == "bootstrap" {
			h.SetMode(0o755)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func needPython(t testing.TB) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
}

func needNode(t testing.TB) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
}

func (c *cloud) create(t testing.TB, name, runtime, handler string, files map[string]string, mut ...func(*lambda.CreateFunctionInput)) *lambda.CreateFunctionOutput {
	t.Helper()
	in := &lambda.CreateFunctionInput{
		FunctionName: aws.String(name),
		Runtime:      types.Runtime(runtime),
		Role:         aws.String(role),
		Handler:      aws.String(handler),
		Code:         &types.FunctionCode{ZipFile: zipFiles(t, files)},
	}
	for _, m := range mut {
		m(in)
	}
	out, err := c.lam.CreateFunction(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateFunction %s: %v", name, err)
	}
	return out
}

func (c *cloud) invoke(t testing.TB, name, payload string, mut ...func(*lambda.InvokeInput)) *lambda.InvokeOutput {
	t.Helper()
	in := &lambda.InvokeInput{FunctionName: aws.String(name), Payload: []byte(payload)}
	for _, m := range mut {
		m(in)
	}
	out, err := c.lam.Invoke(context.Background(), in)
	if err != nil {
		t.Fatalf("Invoke %s: %v", name, err)
	}
	return out
}

func errorAs[T error](err error, target *T) bool {
	return err != nil && asError(err, target)
}
