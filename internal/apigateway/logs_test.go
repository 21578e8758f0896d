package apigateway_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// waitLog polls a log group (logs are written in the background) until a
// message containing want appears, or fails after a few seconds.
func waitLog(t *testing.T, logs *cloudwatchlogs.Client, group, want string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		out, err := logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group)})
		if err == nil {
			for _, e := range out.Events {
				if strings.Contains(*e.Message, want) {
					return *e.Message
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log line with %q in %s (err %v)", want, group, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestAccessAndExecutionLogs(t *testing.T) {
	c := start(t)
	logs := cloudwatchlogs.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(c.url),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	b := c.newAPI(t, "logged")
	b.method("/hello", "GET", mock(`{"statusCode": 200}`), map[string]string{"application/json": `hi`})
	b.deploy("dev", nil)
	must[*apigateway.UpdateStageOutput](t)(c.gw.UpdateStage(ctx, &apigateway.UpdateStageInput{RestApiId: &b.api, StageName: aws.String("dev"),
		PatchOperations: []types.PatchOperation{
			{Op: types.OpReplace, Path: aws.String("/accessLogSettings/destinationArn"), Value: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:access")},
			{Op: types.OpReplace, Path: aws.String("/accessLogSettings/format"), Value: aws.String(`$context.identity.sourceIp "$context.httpMethod $context.resourcePath" $context.status $context.responseLength $context.requestId`)},
			{Op: types.OpReplace, Path: aws.String("/*/*/logging/loglevel"), Value: aws.String("INFO")},
		}}))
	r := c.do(t, "GET", c.invokeURL(b.api, "dev", "/hello"), "")
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	id := r.header.Get("X-Amzn-Requestid")
	line := waitLog(t, logs, "access", id)
	if line != `127.0.0.1 "GET /hello" 200 2 `+id {
		t.Fatalf("access log: %q", line)
	}
	waitLog(t, logs, "API-Gateway-Execution-Logs_"+b.api+"/dev", "Method completed with status: 200")
}
