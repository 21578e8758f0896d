package lambda_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

type errDoc struct {
	ErrorType    string   `json:"errorType"`
	ErrorMessage string   `json:"errorMessage"`
	StackTrace   []string `json:"stackTrace"`
	Trace        []string `json:"trace"`
}

func functionError(t *testing.T, out *lambda.InvokeOutput) errDoc {
	t.Helper()
	if out.FunctionError == nil || *out.FunctionError != "Unhandled" {
		t.Fatalf("no function error: %s", out.Payload)
	}
	if out.StatusCode != 200 {
		t.Fatalf("status %d", out.StatusCode)
	}
	var d errDoc
	if err := json.Unmarshal(out.Payload, &d); err != nil {
		t.Fatalf("error body %s: %v", out.Payload, err)
	}
	return d
}

func TestPythonErrors(t *testing.T) {
	needPython(t)
	c := start(t)
	files := map[string]string{
		"app.py": `
import time, os
def boom(event, context):
    raise ValueError("bad value " + str(event["n"]))
def slow(event, context):
    time.sleep(30)
def crash(event, context):
    os._exit(3)
def hog(event, context):
    blocks = []
    while True:
        blocks.append(bytearray(16 << 20))
def huge(event, context):
    return "x" * (7 << 20)
def unserializable(event, context):
    return {1, 2}
`,
		"broken.py": "def handler(event, context)\n    return 1\n",
	}
	cases := []struct {
		name, handler string
		mut           func(*lambda.CreateFunctionInput)
		wantType      string
		wantMsg       string
	}{
		{"boom", "app.boom", nil, "ValueError", "bad value 7"},
		{"nomodule", "missing.handler", nil, "Runtime.ImportModuleError", "Unable to import module 'missing': No module named 'missing'"},
		{"nohandler", "app.nothere", nil, "Runtime.HandlerNotFound", "Handler 'nothere' missing on module 'app'"},
		{"syntax", "broken.handler", nil, "Runtime.UserCodeSyntaxError", "Syntax error in module 'broken'"},
		{"malformed", "nodot", nil, "Runtime.MalformedHandlerName", "Bad handler 'nodot'"},
		{"marshal", "app.unserializable", nil, "Runtime.MarshalError", "Unable to marshal response: Object of type set is not JSON serializable"},
		{"huge", "app.huge", nil, "Function.ResponseSizeTooLarge", "Response payload size exceeded maximum allowed payload size (6291556 bytes)."},
		{"slow", "app.slow", func(in *lambda.CreateFunctionInput) { in.Timeout = aws.Int32(1) }, "Sandbox.Timedout", "Task timed out after 1.00 seconds"},
		{"crash", "app.crash", nil, "Runtime.ExitError", "Runtime exited with error: exit status 3"},
		{"hog", "app.hog", nil, "Runtime.OutOfMemory", "Runtime exited with error: signal: killed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var muts []func(*lambda.CreateFunctionInput)
			if tc.mut != nil {
				muts = append(muts, tc.mut)
			}
			c.create(t, "py-"+tc.name, "python3.12", tc.handler, files, muts...)
			out := c.invoke(t, "py-"+tc.name, `{"n": 7}`, func(in *lambda.InvokeInput) { in.LogType = types.LogTypeTail })
			d := functionError(t, out)
			if d.ErrorType != tc.wantType || !strings.Contains(d.ErrorMessage, tc.wantMsg) {
				t.Errorf("got %s: %s", d.ErrorType, d.ErrorMessage)
			}
			if tc.name == "boom" && (len(d.StackTrace) == 0 || !strings.Contains(d.StackTrace[0], "app.py")) {
				t.Errorf("stack trace %q", d.StackTrace)
			}
			tail, _ := base64.StdEncoding.DecodeString(*out.LogResult)
			if !strings.Contains(string(tail), "REPORT RequestId") {
				t.Errorf("tail %s", tail)
			}
			// The function recovers: the next call runs again (a fresh sandbox after a crash).
			out = c.invoke(t, "py-"+tc.name, `{"n": 8}`)
			if d := functionError(t, out); d.ErrorType != tc.wantType {
				t.Errorf("second call: %s", out.Payload)
			}
		})
	}
}

func TestControlPlaneErrors(t *testing.T) {
	c := start(t)
	ctx := context.Background()
	zip := zipFiles(t, map[string]string{"app.py": "def h(e, c): return 1"})
	_, err := c.lam.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("nope")})
	var nf *types.ResourceNotFoundException
	if !errorAs(err, &nf) || !strings.Contains(err.Error(), "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope") {
		t.Fatalf("invoke missing: %v", err)
	}
	_, err = c.lam.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("f"), Runtime: "python3.12",
		Role: aws.String("not-a-role"), Handler: aws.String("app.h"), Code: &types.FunctionCode{ZipFile: zip}, Timeout: aws.Int32(901)})
	if err == nil || !strings.Contains(err.Error(), "2 validation errors detected") || !strings.Contains(err.Error(), "at 'timeout'") {
		t.Fatalf("validation: %v", err)
	}
	_, err = c.lam.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("f"), Runtime: "python2.7",
		Role: aws.String(role), Handler: aws.String("app.h"), Code: &types.FunctionCode{ZipFile: zip}})
	var ip *types.InvalidParameterValueException
	if !errorAs(err, &ip) || !strings.Contains(err.Error(), "python2.7 is no longer supported") {
		t.Fatalf("deprecated runtime: %v", err)
	}
	_, err = c.lam.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("f"), Runtime: "python3.12",
		Role: aws.String(role), Handler: aws.String("app.h"), Code: &types.FunctionCode{ZipFile: []byte("not a zip")}})
	if !errorAs(err, &ip) || !strings.Contains(err.Error(), "Could not unzip uploaded file") {
		t.Fatalf("bad zip: %v", err)
	}
	_, err = c.lam.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("f"), Runtime: "python3.12",
		Role: aws.String(role), Handler: aws.String("app.h"), Code: &types.FunctionCode{S3Bucket: aws.String("b"), S3Key: aws.String("k")}})
	if !errorAs(err, &ip) || !strings.Contains(err.Error(), "S3 Error Code: NoSuchBucket") {
		t.Fatalf("s3: %v", err)
	}
	_, err = c.lam.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("f"), Runtime: "python3.12",
		Role: aws.String(role), Handler: aws.String("app.h"), Code: &types.FunctionCode{ZipFile: zip},
		Environment: &types.Environment{Variables: map[string]string{"AWS_REGION": "x"}}})
	if !errorAs(err, &ip) || !strings.Contains(err.Error(), "Reserved keys used in this request: AWS_REGION") {
		t.Fatalf("reserved env: %v", err)
	}
	c.create(t, "f", "python3.12", "app.h", map[string]string{"app.py": "def h(e, c): return 1"})
	_, err = c.lam.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("f"), Runtime: "python3.12",
		Role: aws.String(role), Handler: aws.String("app.h"), Code: &types.FunctionCode{ZipFile: zip}})
	var rc *types.ResourceConflictException
	if !errorAs(err, &rc) || !strings.Contains(err.Error(), "Function already exist: f") {
		t.Fatalf("conflict: %v", err)
	}
	_, err = c.lam.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("f"), Payload: []byte("abc")})
	var irc *types.InvalidRequestContentException
	if !errorAs(err, &irc) || !strings.Contains(err.Error(), "Could not parse request body into json") {
		t.Fatalf("bad payload: %v", err)
	}
	_, err = c.lam.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("f"), Payload: []byte(`"` + strings.Repeat("x", 6<<20) + `"`)})
	var big *types.RequestTooLargeException
	if !errorAs(err, &big) {
		t.Fatalf("big payload: %v", err)
	}
	_, err = c.lam.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("f"), Qualifier: aws.String("7")})
	if !errorAs(err, &nf) || !strings.Contains(err.Error(), "function:f:7") {
		t.Fatalf("missing version: %v", err)
	}
	dry, err := c.lam.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("f"), InvocationType: types.InvocationTypeDryRun})
	if err != nil || dry.StatusCode != 204 {
		t.Fatalf("dry run: %v %+v", err, dry)
	}
}
