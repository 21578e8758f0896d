package lambda_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

const pyEcho = `
import json, os
def handler(event, context):
    print("got", json.dumps(event))
    return {"event": event, "name": context.function_name, "mem": context.memory_limit_in_mb,
            "arn": context.invoked_function_arn, "rid": context.aws_request_id,
            "left": context.get_remaining_time_in_millis(), "region": os.environ["AWS_REGION"],
            "tmp": os.environ["TMPDIR"], "home": os.environ.get("HOME")}
`

func TestPython(t *testing.T) {
	needPython(t)
	c := start(t)
	ctx := context.Background()
	created := c.create(t, "py-echo", "python3.12", "app.handler", map[string]string{"app.py": pyEcho})
	if created.State != types.StatePending || created.CodeSize == 0 || *created.CodeSha256 == "" {
		t.Fatalf("created %+v", created)
	}
	if err := lambda.NewFunctionActiveV2Waiter(c.lam).Wait(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("py-echo")}, 10e9); err != nil {
		t.Fatal(err)
	}
	out := c.invoke(t, "py-echo", `{"a": 1}`, func(in *lambda.InvokeInput) { in.LogType = types.LogTypeTail })
	if out.FunctionError != nil {
		t.Fatalf("function error %s: %s", *out.FunctionError, out.Payload)
	}
	p := string(out.Payload)
	for _, want := range []string{`"event": {"a": 1}`, `"name": "py-echo"`, `"mem": "128"`, `"arn": "arn:aws:lambda:us-east-1:000000000000:function:py-echo"`, `"region": "us-east-1"`, `"home": null`} {
		if !strings.Contains(p, want) {
			t.Errorf("payload %s lacks %s", p, want)
		}
	}
	if *out.ExecutedVersion != "$LATEST" {
		t.Errorf("executed %s", *out.ExecutedVersion)
	}
	tail, _ := base64.StdEncoding.DecodeString(*out.LogResult)
	if !strings.HasPrefix(string(tail), "INIT_START Runtime Version: python:3.12") {
		t.Errorf("cold start log does not begin with INIT_START:\n%s", tail)
	}
	for _, want := range []string{"START RequestId:", `got {"a": 1}`, "END RequestId:", "REPORT RequestId:", "Init Duration:", "Memory Size: 128 MB"} {
		if !strings.Contains(string(tail), want) {
			t.Errorf("log tail lacks %q:\n%s", want, tail)
		}
	}
	// Warm: no Init Duration.
	out = c.invoke(t, "py-echo", `[1,2]`, func(in *lambda.InvokeInput) { in.LogType = types.LogTypeTail })
	tail, _ = base64.StdEncoding.DecodeString(*out.LogResult)
	if strings.Contains(string(tail), "Init Duration") || !strings.Contains(string(out.Payload), `"event": [1, 2]`) {
		t.Errorf("warm: %s\n%s", out.Payload, tail)
	}
}

// TestPythonOutputEdges: output without a final newline and very long
// lines are logged and never stall the invocation.
func TestPythonOutputEdges(t *testing.T) {
	needPython(t)
	c := start(t)
	c.create(t, "py-edges", "python3.12", "app.handler", map[string]string{"app.py": `
import sys
def handler(event, context):
    sys.stdout.write("x" * (600 * 1024) + "\n")
    sys.stdout.write("no newline at the end")
    return "done"
`})
	for i := 0; i < 2; i++ {
		out := c.invoke(t, "py-edges", `{}`, func(in *lambda.InvokeInput) { in.LogType = types.LogTypeTail })
		tail, _ := base64.StdEncoding.DecodeString(*out.LogResult)
		if string(out.Payload) != `"done"` || !strings.Contains(string(tail), "no newline at the end\nEND RequestId") {
			t.Fatalf("payload %s, tail:\n%s", out.Payload, tail)
		}
	}
	// DynamoDB hands boto3 users Decimals; AWS's runtime serialises them.
	c.create(t, "py-decimal", "python3.12", "app.handler", map[string]string{"app.py": `
from decimal import Decimal
def handler(event, context):
    return {"n": Decimal("1.5"), "i": Decimal(3)}
`})
	if out := c.invoke(t, "py-decimal", `{}`); string(out.Payload) != `{"n": 1.5, "i": 3}` {
		t.Fatalf("decimal: %s", out.Payload)
	}
}
