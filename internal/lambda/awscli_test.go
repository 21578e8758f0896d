package lambda_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// awsCLI runs the installed AWS CLI against c, in dir.
func (c *cloud) awsCLI(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("aws", append(args, "--endpoint-url", c.url, "--region", "us-east-1", "--output", "json")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_PAGER=",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_MAX_ATTEMPTS=1")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func needCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the AWS CLI (aws) is not installed")
	}
}

// TestCourseLab follows the course's Lambda lab with the AWS CLI: create a
// function from a zip, invoke it with --payload fileb://event.json
// response.txt, update its code and configuration, invoke again, read the
// logs.
func TestCourseLab(t *testing.T) {
	needCLI(t)
	needPython(t)
	c := start(t)
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("function.zip", string(zipFiles(t, map[string]string{"lambda_function.py": `
import os
def lambda_handler(event, context):
    print("processing", event["key1"])
    return {"statusCode": 200, "body": "Hello " + event["key1"] + os.environ.get("SUFFIX", "")}
`})))
	write("event.json", `{"key1": "value1", "key2": "value2"}`)
	run := func(args ...string) string {
		t.Helper()
		out, err := c.awsCLI(t, dir, args...)
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	out := run("lambda", "create-function", "--function-name", "my-function", "--runtime", "python3.12",
		"--zip-file", "fileb://function.zip", "--handler", "lambda_function.lambda_handler", "--role", role)
	if !strings.Contains(out, `"State": "Pending"`) {
		t.Errorf("create-function: %s", out)
	}
	run("lambda", "wait", "function-active-v2", "--function-name", "my-function")
	out = run("lambda", "invoke", "--function-name", "my-function", "--payload", "fileb://event.json", "response.txt")
	if !strings.Contains(out, `"StatusCode": 200`) || !strings.Contains(out, `"ExecutedVersion": "$LATEST"`) {
		t.Errorf("invoke: %s", out)
	}
	resp, _ := os.ReadFile(filepath.Join(dir, "response.txt"))
	if string(resp) != `{"statusCode": 200, "body": "Hello value1"}` {
		t.Errorf("response.txt: %s", resp)
	}
	// Update code and configuration, invoke again.
	write("function.zip", string(zipFiles(t, map[string]string{"lambda_function.py": `
import os
def lambda_handler(event, context):
    return {"statusCode": 201, "body": "Bye " + event["key2"] + os.environ.get("SUFFIX", "")}
`})))
	run("lambda", "update-function-code", "--function-name", "my-function", "--zip-file", "fileb://function.zip")
	if err := lambda.NewFunctionUpdatedV2Waiter(c.lam).Wait(context.Background(), &lambda.GetFunctionInput{FunctionName: aws.String("my-function")}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	run("lambda", "update-function-configuration", "--function-name", "my-function", "--timeout", "10", "--memory-size", "256",
		"--environment", "Variables={SUFFIX=!}")
	cfg, err := c.lam.GetFunctionConfiguration(context.Background(), &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("my-function")})
	if err != nil || *cfg.Timeout != 10 || *cfg.MemorySize != 256 || cfg.Environment.Variables["SUFFIX"] != "!" || cfg.LastUpdateStatus != "Successful" {
		t.Errorf("configuration: %v %+v", err, cfg)
	}
	out = run("lambda", "invoke", "--function-name", "my-function", "--payload", "fileb://event.json", "--log-type", "Tail", "response.txt")
	resp, _ = os.ReadFile(filepath.Join(dir, "response.txt"))
	if string(resp) != `{"statusCode": 201, "body": "Bye value2!"}` || !strings.Contains(out, `"LogResult"`) {
		t.Errorf("second invoke: %s %s", out, resp)
	}
	// An error: the CLI reports FunctionError, exit status 0, no retry.
	write("bad.json", `{"nokey": 1}`)
	out = run("lambda", "invoke", "--function-name", "my-function", "--payload", "fileb://bad.json", "response.txt")
	resp, _ = os.ReadFile(filepath.Join(dir, "response.txt"))
	if !strings.Contains(out, `"FunctionError": "Unhandled"`) || !strings.Contains(string(resp), `"errorType": "KeyError"`) {
		t.Errorf("error invoke: %s %s", out, resp)
	}
	// Errors from the API are worded as AWS words them.
	out, err = c.awsCLI(t, dir, "lambda", "invoke", "--function-name", "nope", "response.txt")
	if err == nil || !strings.Contains(out, "An error occurred (ResourceNotFoundException) when calling the Invoke operation: Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope") {
		t.Errorf("missing function: %v %s", err, out)
	}
	// The logs (the CLI v1 has no "logs tail"; v2's tail is FilterLogEvents,
	// tested below).
	ls, err := c.logs.DescribeLogStreams(context.Background(), &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("/aws/lambda/my-function"),
		OrderBy: "LastEventTime", Descending: aws.Bool(true)})
	if err != nil || len(ls.LogStreams) == 0 {
		t.Fatalf("describe-log-streams: %v", err)
	}
	out = run("logs", "get-log-events", "--log-group-name", "/aws/lambda/my-function", "--log-stream-name", *ls.LogStreams[len(ls.LogStreams)-1].LogStreamName, "--start-from-head")
	for _, want := range []string{"START RequestId:", "processing value1", "REPORT RequestId:", "Init Duration"} {
		if !strings.Contains(out, want) {
			t.Errorf("get-log-events lacks %q:\n%s", want, out)
		}
	}
	out = run("logs", "filter-log-events", "--log-group-name", "/aws/lambda/my-function", "--filter-pattern", "KeyError")
	var fe struct{ Events []struct{ Message string } }
	json.Unmarshal([]byte(out), &fe)
	if len(fe.Events) == 0 || !strings.Contains(fe.Events[0].Message, "KeyError") {
		t.Errorf("filter-log-events: %s", out)
	}
	if _, err := c.lam.DeleteFunction(context.Background(), &lambda.DeleteFunctionInput{FunctionName: aws.String("my-function")}); err != nil {
		t.Fatal(err)
	}
}

// TestBoto3DynamoDB: a Python handler uses boto3, with the credentials and
// endpoint nimbus gives it, to write an item; the item is there.
func TestBoto3DynamoDB(t *testing.T) {
	needPython(t)
	if exec.Command("python3", "-c", "import boto3").Run() != nil {
		t.Skip("boto3 is not installed for python3")
	}
	c := start(t)
	ctx := context.Background()
	ddb := dynamodb.NewFromConfig(c.cfg)
	_, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("notes"),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
	c.create(t, "writer", "python3.12", "app.handler", map[string]string{"app.py": `
import boto3
table = boto3.resource("dynamodb").Table("notes")
def handler(event, context):
    table.put_item(Item={"id": event["id"], "text": event["text"]})
    return {"written": event["id"]}
`})
	out := c.invoke(t, "writer", `{"id": "n1", "text": "hello from lambda"}`)
	if out.FunctionError != nil {
		t.Fatalf("%s: %s", *out.FunctionError, out.Payload)
	}
	item, err := ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("notes"),
		Key: map[string]ddbtypes.AttributeValue{"id": &ddbtypes.AttributeValueMemberS{Value: "n1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := item.Item["text"].(*ddbtypes.AttributeValueMemberS); !ok || v.Value != "hello from lambda" {
		t.Fatalf("item %+v", item.Item)
	}
}
