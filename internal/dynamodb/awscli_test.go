package dynamodb_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestAWSCLI drives nimbus with the installed AWS CLI, as the course does.
func TestAWSCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not installed; skipping the CLI test (pip install awscli or apt-get install awscli)")
	}
	_, url := newClient(t)
	home := t.TempDir()
	run := func(args ...string) map[string]any {
		t.Helper()
		cmd := exec.Command("aws", append([]string{"--endpoint-url", url, "--region", "us-east-1", "--output", "json", "dynamodb"}, args...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "HOME="+home,
			"AWS_CONFIG_FILE="+home+"/none", "AWS_SHARED_CREDENTIALS_FILE="+home+"/none", "AWS_PAGER=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws dynamodb %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		var m map[string]any
		if len(strings.TrimSpace(string(out))) > 0 {
			if err := json.Unmarshal(out, &m); err != nil {
				t.Fatalf("aws output: %v\n%s", err, out)
			}
		}
		return m
	}
	run("create-table", "--table-name", "Notes",
		"--attribute-definitions", "AttributeName=UserId,AttributeType=S", "AttributeName=NoteId,AttributeType=N",
		"--key-schema", "AttributeName=UserId,KeyType=HASH", "AttributeName=NoteId,KeyType=RANGE",
		"--billing-mode", "PAY_PER_REQUEST")
	run("wait", "table-exists", "--table-name", "Notes")
	run("put-item", "--table-name", "Notes", "--item", `{"UserId":{"S":"student"},"NoteId":{"N":"1"},"Note":{"S":"hello from the CLI"}}`)
	run("put-item", "--table-name", "Notes", "--item", `{"UserId":{"S":"student"},"NoteId":{"N":"2"},"Note":{"S":"second"}}`)
	q := run("query", "--table-name", "Notes", "--key-condition-expression", "UserId = :u",
		"--expression-attribute-values", `{":u":{"S":"student"}}`)
	if q["Count"].(float64) != 2 {
		t.Fatalf("query: %v", q)
	}
	sc := run("scan", "--table-name", "Notes", "--filter-expression", "contains(Note, :t)",
		"--expression-attribute-values", `{":t":{"S":"CLI"}}`)
	if sc["Count"].(float64) != 1 {
		t.Fatalf("scan: %v", sc)
	}
	g := run("get-item", "--table-name", "Notes", "--key", `{"UserId":{"S":"student"},"NoteId":{"N":"1"}}`)
	if g["Item"].(map[string]any)["Note"].(map[string]any)["S"] != "hello from the CLI" {
		t.Fatalf("get-item: %v", g)
	}
	l := run("list-tables")
	if len(l["TableNames"].([]any)) != 1 {
		t.Fatalf("list-tables: %v", l)
	}
}
