package lambda_test

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

func TestVersionsAliasesConcurrency(t *testing.T) {
	needPython(t)
	c := start(t)
	ctx := context.Background()
	src := func(v string) map[string]string {
		return map[string]string{"app.py": "def handler(e, c):\n    return {'v': '" + v + "', 'arn': c.invoked_function_arn}\n"}
	}
	c.create(t, "ver", "python3.12", "app.handler", src("one"))
	v1, err := c.lam.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("ver"), Description: aws.String("first")})
	if err != nil || *v1.Version != "1" {
		t.Fatalf("publish: %v %+v", err, v1)
	}
	// Publishing an unchanged $LATEST returns the same version.
	again, err := c.lam.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("ver")})
	if err != nil || *again.Version != "1" {
		t.Fatalf("republish: %v %+v", err, again)
	}
	if _, err := c.lam.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("ver"), ZipFile: zipFiles(t, src("two")), Publish: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.lam.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: aws.String("ver"), Name: aws.String("live"), FunctionVersion: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ q, want, executed string }{
		{"", `"v": "two"`, "$LATEST"}, {"1", `"v": "one"`, "1"}, {"2", `"v": "two"`, "2"},
		{"live", `"v": "one", "arn": "arn:aws:lambda:us-east-1:000000000000:function:ver:live"`, "1"},
	} {
		out := c.invoke(t, "ver", "{}", func(in *lambda.InvokeInput) {
			if tc.q != "" {
				in.Qualifier = aws.String(tc.q)
			}
		})
		if !strings.Contains(string(out.Payload), tc.want) || *out.ExecutedVersion != tc.executed {
			t.Errorf("qualifier %q: %s (version %s)", tc.q, out.Payload, *out.ExecutedVersion)
		}
	}
	if _, err := c.lam.UpdateAlias(ctx, &lambda.UpdateAliasInput{FunctionName: aws.String("ver"), Name: aws.String("live"), FunctionVersion: aws.String("2")}); err != nil {
		t.Fatal(err)
	}
	out := c.invoke(t, "ver", "{}", func(in *lambda.InvokeInput) { in.Qualifier = aws.String("live") })
	if !strings.Contains(string(out.Payload), `"v": "two"`) {
		t.Errorf("after UpdateAlias: %s", out.Payload)
	}
	// Weighted aliases route their share to the additional version.
	if _, err := c.lam.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: aws.String("ver"), Name: aws.String("canary"), FunctionVersion: aws.String("1"),
		RoutingConfig: &types.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{"2": 1.0}}}); err != nil {
		t.Fatal(err)
	}
	out = c.invoke(t, "ver", "{}", func(in *lambda.InvokeInput) { in.Qualifier = aws.String("canary") })
	if !strings.Contains(string(out.Payload), `"v": "two"`) || *out.ExecutedVersion != "2" {
		t.Errorf("canary: %s (version %s)", out.Payload, *out.ExecutedVersion)
	}
	if _, err := c.lam.DeleteAlias(ctx, &lambda.DeleteAliasInput{FunctionName: aws.String("ver"), Name: aws.String("canary")}); err != nil {
		t.Fatal(err)
	}
	vs, err := c.lam.ListVersionsByFunction(ctx, &lambda.ListVersionsByFunctionInput{FunctionName: aws.String("ver")})
	if err != nil || len(vs.Versions) != 3 || *vs.Versions[0].Version != "$LATEST" || *vs.Versions[2].Version != "2" {
		t.Fatalf("versions: %v %+v", err, vs)
	}
	as, err := c.lam.ListAliases(ctx, &lambda.ListAliasesInput{FunctionName: aws.String("ver")})
	if err != nil || len(as.Aliases) != 1 || *as.Aliases[0].FunctionVersion != "2" {
		t.Fatalf("aliases: %v %+v", err, as)
	}
	if _, err := c.lam.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("ver"), Qualifier: aws.String("2")}); err == nil {
		t.Fatal("deleted a version an alias points to")
	}
	if _, err := c.lam.DeleteAlias(ctx, &lambda.DeleteAliasInput{FunctionName: aws.String("ver"), Name: aws.String("live")}); err != nil {
		t.Fatal(err)
	}

	// Reserved concurrency: one call at a time, the second is throttled.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c.create(t, "one-at-a-time", "python3.12", "app.handler", map[string]string{"app.py": `
import socket
def handler(event, context):
    s = socket.create_connection(("127.0.0.1", event["port"]))
    s.recv(1)
    return "released"
`})
	if _, err := c.lam.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("one-at-a-time"), ReservedConcurrentExecutions: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	payload := `{"port": ` + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port) + `}`
	first := make(chan string, 1)
	go func() {
		out, err := c.lam.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("one-at-a-time"), Payload: []byte(payload)})
		if err != nil {
			first <- err.Error()
			return
		}
		first <- string(out.Payload)
	}()
	conn, err := ln.Accept() // the first call is running
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.lam.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("one-at-a-time"), Payload: []byte(payload)})
	var tmr *types.TooManyRequestsException
	if !errorAs(err, &tmr) || tmr.Reason != types.ThrottleReasonReservedFunctionConcurrentInvocationLimitExceeded {
		t.Fatalf("second call: %v", err)
	}
	conn.Write([]byte("x"))
	conn.Close()
	if got := <-first; got != `"released"` {
		t.Fatalf("first call: %s", got)
	}
	gc, err := c.lam.GetFunctionConcurrency(ctx, &lambda.GetFunctionConcurrencyInput{FunctionName: aws.String("one-at-a-time")})
	if err != nil || *gc.ReservedConcurrentExecutions != 1 {
		t.Fatalf("GetFunctionConcurrency: %v %+v", err, gc)
	}
	if _, err := c.lam.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("one-at-a-time"), ReservedConcurrentExecutions: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	if _, err = c.lam.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("one-at-a-time"), Payload: []byte(payload)}); !errorAs(err, &tmr) {
		t.Fatalf("reserved 0: %v", err)
	}

	// Event invocations: 202 and the function runs.
	if _, err := c.lam.DeleteFunctionConcurrency(ctx, &lambda.DeleteFunctionConcurrencyInput{FunctionName: aws.String("one-at-a-time")}); err != nil {
		t.Fatal(err)
	}
	ev, err := c.lam.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("one-at-a-time"), Payload: []byte(payload), InvocationType: types.InvocationTypeEvent})
	if err != nil || ev.StatusCode != 202 {
		t.Fatalf("event: %v %+v", err, ev)
	}
	conn, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	conn.Write([]byte("x"))
	conn.Close()

	// Tags and policy.
	arn := "arn:aws:lambda:us-east-1:000000000000:function:one-at-a-time"
	if _, err := c.lam.TagResource(ctx, &lambda.TagResourceInput{Resource: aws.String(arn), Tags: map[string]string{"team": "course"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.lam.ListTags(ctx, &lambda.ListTagsInput{Resource: aws.String(arn)})
	if err != nil || tags.Tags["team"] != "course" {
		t.Fatalf("tags: %v %+v", err, tags)
	}
	if _, err := c.lam.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("one-at-a-time"), StatementId: aws.String("s3"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com"), SourceArn: aws.String("arn:aws:s3:::b")}); err != nil {
		t.Fatal(err)
	}
	pol, err := c.lam.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("one-at-a-time")})
	if err != nil || !strings.Contains(*pol.Policy, `"Service":"s3.amazonaws.com"`) || !strings.Contains(*pol.Policy, `"AWS:SourceArn":"arn:aws:s3:::b"`) {
		t.Fatalf("policy: %v %v", err, pol)
	}
	if _, err := c.lam.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String("one-at-a-time"), StatementId: aws.String("s3")}); err != nil {
		t.Fatal(err)
	}
	settings, err := c.lam.GetAccountSettings(ctx, &lambda.GetAccountSettingsInput{})
	if err != nil || settings.AccountUsage.FunctionCount != 2 || settings.AccountLimit.ConcurrentExecutions != 1000 {
		t.Fatalf("settings: %v %+v", err, settings)
	}
	list, err := c.lam.ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if err != nil || len(list.Functions) != 2 {
		t.Fatalf("list: %v %+v", err, list)
	}
}

func TestLogsAPI(t *testing.T) {
	needPython(t)
	c := start(t)
	ctx := context.Background()
	c.create(t, "logger", "python3.12", "app.handler", map[string]string{"app.py": `
import logging
log = logging.getLogger()
def handler(event, context):
    print("line", event["i"])
    log.warning("warned %s", event["i"])
    return event["i"]
`})
	for i := 0; i < 3; i++ {
		c.invoke(t, "logger", `{"i": `+strconv.Itoa(i)+`}`)
	}
	groups, err := c.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/")})
	if err != nil || len(groups.LogGroups) != 1 || *groups.LogGroups[0].LogGroupName != "/aws/lambda/logger" {
		t.Fatalf("groups: %v %+v", err, groups)
	}
	streams, err := c.logs.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("/aws/lambda/logger")})
	if err != nil || len(streams.LogStreams) != 1 || !strings.Contains(*streams.LogStreams[0].LogStreamName, "/[$LATEST]") {
		t.Fatalf("streams: %v %+v", err, streams)
	}
	ev, err := c.logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/aws/lambda/logger"),
		LogStreamName: streams.LogStreams[0].LogStreamName, StartFromHead: aws.Bool(true), Limit: aws.Int32(5)})
	if err != nil || len(ev.Events) != 5 {
		t.Fatalf("get: %v %+v", err, ev)
	}
	var msgs []string
	for _, e := range ev.Events {
		msgs = append(msgs, *e.Message)
	}
	if !strings.HasPrefix(msgs[0], "INIT_START") || !strings.HasPrefix(msgs[1], "START RequestId:") || msgs[2] != "line 0" {
		t.Fatalf("first events: %q", msgs)
	}
	if !strings.Contains(msgs[3], "[WARNING]") || !strings.Contains(msgs[3], "warned 0") {
		t.Errorf("logging line: %q", msgs[3])
	}
	next, err := c.logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/aws/lambda/logger"),
		LogStreamName: streams.LogStreams[0].LogStreamName, NextToken: ev.NextForwardToken, Limit: aws.Int32(100)})
	if err != nil || len(next.Events) != 1+3*5-5 { // INIT_START once, then 5 lines per call
		t.Fatalf("next page: %v %d", err, len(next.Events))
	}
	fe, err := c.logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/logger"), FilterPattern: aws.String("REPORT")})
	if err != nil || len(fe.Events) != 3 || !strings.Contains(*fe.Events[0].Message, "Billed Duration:") {
		t.Fatalf("filter: %v %+v", err, fe)
	}
	_, err = c.logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/aws/lambda/nope"), LogStreamName: aws.String("x")})
	if err == nil || !strings.Contains(err.Error(), "ResourceNotFoundException") || !strings.Contains(err.Error(), "The specified log group does not exist.") {
		t.Fatalf("missing group: %v", err)
	}
	// PutLogEvents into a group of our own.
	if _, err := c.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("app")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("app")}); err == nil || !strings.Contains(err.Error(), "ResourceAlreadyExistsException") {
		t.Fatalf("duplicate group: %v", err)
	}
}
