package apigateway_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestAWSCLI builds an API with the AWS CLI as the developer guide's
// tutorials do (create-rest-api, get-resources, create-resource,
// put-method, put-integration, put-integration-response,
// put-method-response, create-deployment, update-stage) and calls it.
func TestAWSCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the AWS CLI (aws) is not installed")
	}
	c := start(t)
	run := func(args ...string) map[string]any {
		t.Helper()
		cmd := exec.Command("aws", append(append([]string{"apigateway"}, args...), "--endpoint-url", c.url, "--region", "us-east-1", "--output", "json")...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_PAGER=",
			"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_MAX_ATTEMPTS=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws apigateway %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		m := map[string]any{}
		if len(strings.TrimSpace(string(out))) > 0 {
			if err := json.Unmarshal(out, &m); err != nil {
				t.Fatalf("aws apigateway %s: %v\n%s", args[0], err, out)
			}
		}
		return m
	}
	api := run("create-rest-api", "--name", "cli-api", "--endpoint-configuration", "types=REGIONAL")["id"].(string)
	items := run("get-resources", "--rest-api-id", api)["items"].([]any)
	root := items[0].(map[string]any)["id"].(string)
	res := run("create-resource", "--rest-api-id", api, "--parent-id", root, "--path-part", "greeting")["id"].(string)
	run("put-method", "--rest-api-id", api, "--resource-id", res, "--http-method", "GET", "--authorization-type", "NONE",
		"--request-parameters", "method.request.querystring.greeter=false")
	run("put-integration", "--rest-api-id", api, "--resource-id", res, "--http-method", "GET", "--type", "MOCK",
		"--request-templates", `{"application/json": "{\"statusCode\": 200}"}`)
	run("put-integration-response", "--rest-api-id", api, "--resource-id", res, "--http-method", "GET", "--status-code", "200",
		"--response-templates", `{"application/json": "{\"greeting\": \"Hello $input.params('greeter')\"}"}`)
	run("put-method-response", "--rest-api-id", api, "--resource-id", res, "--http-method", "GET", "--status-code", "200",
		"--response-models", "application/json=Empty")
	run("create-deployment", "--rest-api-id", api, "--stage-name", "dev", "--description", "first")
	st := run("update-stage", "--rest-api-id", api, "--stage-name", "dev", "--patch-operations",
		"op=replace,path=/variables/who,value=world", "op=replace,path=/*/*/logging/loglevel,value=INFO")
	if st["variables"].(map[string]any)["who"] != "world" {
		t.Fatalf("update-stage: %v", st)
	}
	m := run("get-method", "--rest-api-id", api, "--resource-id", res, "--http-method", "GET")
	if m["methodIntegration"].(map[string]any)["type"] != "MOCK" {
		t.Fatalf("get-method: %v", m)
	}

	r := c.do(t, "GET", c.invokeURL(api, "dev", "/greeting?greeter=cli"), "")
	if r.status != 200 || r.body != `{"greeting": "Hello cli"}` {
		t.Fatalf("invoke: %d %s", r.status, r.body)
	}

	// GetExport in YAML (the Go SDK always sends Accept: application/json;
	// the CLI sends --accepts).
	out := t.TempDir() + "/export.yaml"
	run("get-export", "--rest-api-id", api, "--stage-name", "dev", "--export-type", "oas30", "--accepts", "application/yaml",
		"--parameters", "extensions=integrations", out)
	if b, err := os.ReadFile(out); err != nil || !strings.Contains(string(b), "openapi: 3.0.1") || !strings.Contains(string(b), "x-amazon-apigateway-integration") {
		t.Fatalf("get-export yaml: %v %s", err, b)
	}

	// An error the CLI reports in AWS's words.
	cmd := exec.Command("aws", "apigateway", "get-rest-api", "--rest-api-id", "nope", "--endpoint-url", c.url, "--region", "us-east-1")
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	msg, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(msg), "(NotFoundException) when calling the GetRestApi operation: Invalid API identifier specified 000000000000:nope") {
		t.Fatalf("get-rest-api nope: %v %s", err, msg)
	}
}
