package apigateway_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/nimbus-cloud/nimbus/nimbustest"
)

var ctx = context.Background()

type cloud struct {
	url string
	gw  *apigateway.Client
	lam *lambda.Client
}

func start(t testing.TB) *cloud {
	t.Helper()
	srv := nimbustest.Start(t)
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(srv.URL),
	}
	return &cloud{url: srv.URL,
		gw:  apigateway.NewFromConfig(cfg, func(o *apigateway.Options) { o.RetryMaxAttempts = 1 }),
		lam: lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.RetryMaxAttempts = 1 })}
}

// apiErr asserts err is the AWS error code with the message.
func apiErr(t testing.TB, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if ae.ErrorCode() != code || (msg != "" && ae.ErrorMessage() != msg) {
		t.Fatalf("want %s %q, got %s %q", code, msg, ae.ErrorCode(), ae.ErrorMessage())
	}
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// response is a plain HTTP answer.
type response struct {
	status int
	header http.Header
	body   string
}

// do sends an unsigned request to the invocation endpoint.
func (c *cloud) do(t testing.TB, method, url, body string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if strings.EqualFold(header[i], "Host") {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// invokeURL is the path-style URL of a stage.
func (c *cloud) invokeURL(api, stage, path string) string {
	return c.url + "/restapis/" + api + "/" + stage + "/_user_request_" + path
}

func zipFiles(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
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

// pythonFunction creates a Python function and, if allow, lets API
// Gateway invoke it. It returns the function's ARN.
func (c *cloud) pythonFunction(t testing.TB, name, code string, allow bool) string {
	t.Helper()
	out, err := c.lam.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String(name), Runtime: ltypes.RuntimePython312, Handler: aws.String("index.handler"),
		Role: aws.String("arn:aws:iam::000000000000:role/lambda-role"),
		Code: &ltypes.FunctionCode{ZipFile: zipFiles(t, map[string]string{"index.py": code})},
	})
	if err != nil {
		t.Fatalf("CreateFunction: %v", err)
	}
	if allow {
		_, err = c.lam.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String(name),
			StatementId: aws.String("apigw"), Action: aws.String("lambda:InvokeFunction"),
			Principal: aws.String("apigateway.amazonaws.com"),
			SourceArn: aws.String("arn:aws:execute-api:us-east-1:000000000000:*")})
		if err != nil {
			t.Fatalf("AddPermission: %v", err)
		}
	}
	return *out.FunctionArn
}

func lambdaURI(fn string) string {
	return "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + fn + "/invocations"
}
