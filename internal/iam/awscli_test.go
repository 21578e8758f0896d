package iam_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestAWSCLI is the course's deploy flow with the installed AWS CLI:
// create-role from a trust file, attach-role-policy, put-role-policy from
// each of the Polly Notes policy files, get-role-policy (which the CLI
// decodes from IAM's percent-encoding), and sts get-caller-identity.
func TestAWSCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not installed; skipping the CLI test (pip install awscli)")
	}
	c, _, url := start(t)
	home := t.TempDir()
	run := func(wantErr string, args ...string) map[string]any {
		t.Helper()
		cmd := exec.Command("aws", append([]string{"--endpoint-url", url, "--region", "us-east-1", "--output", "json"}, args...)...)
		cmd.Dir = home
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "HOME="+home,
			"AWS_CONFIG_FILE="+home+"/none", "AWS_SHARED_CREDENTIALS_FILE="+home+"/none", "AWS_PAGER=", "AWS_MAX_ATTEMPTS=1")
		out, err := cmd.CombinedOutput()
		if wantErr != "" {
			if err == nil || !strings.Contains(string(out), wantErr) {
				t.Fatalf("aws %s: want error %q, got %v\n%s", strings.Join(args, " "), wantErr, err, out)
			}
			return nil
		}
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		var m map[string]any
		if len(strings.TrimSpace(string(out))) > 0 {
			if err := json.Unmarshal(out, &m); err != nil {
				t.Fatalf("aws output: %v\n%s", err, out)
			}
		}
		return m
	}
	trustFile, err := os.ReadFile("../../examples/polly-notes/iam/lambda-trust-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "trust.json"), trustFile, 0o600); err != nil {
		t.Fatal(err)
	}
	cr := run("", "iam", "create-role", "--role-name", "lambda-role", "--assume-role-policy-document", "file://trust.json")
	role := cr["Role"].(map[string]any)
	if role["Arn"] != "arn:aws:iam::000000000000:role/lambda-role" {
		t.Fatalf("create-role: %v", cr)
	}
	// botocore decodes the percent-encoded trust policy into JSON.
	if doc, ok := role["AssumeRolePolicyDocument"].(map[string]any); !ok || doc["Version"] != "2012-10-17" {
		t.Fatalf("trust policy: %#v", role["AssumeRolePolicyDocument"])
	}
	run("EntityAlreadyExists", "iam", "create-role", "--role-name", "lambda-role", "--assume-role-policy-document", "file://trust.json")
	run("", "iam", "attach-role-policy", "--role-name", "lambda-role", "--policy-arn", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")

	files, _ := filepath.Glob("../../examples/polly-notes/iam/*-policy.json")
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "trust-policy.json") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc := strings.NewReplacer("${REGION}", "us-east-1", "${ACCOUNT_ID}", "000000000000", "${TABLE_NAME}", "Notes",
			"${MP3_BUCKET_NAME}", "notes-mp3").Replace(string(b))
		name := strings.TrimSuffix(filepath.Base(f), "-policy.json")
		if err := os.WriteFile(filepath.Join(home, "policy.json"), []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		run("", "iam", "put-role-policy", "--role-name", "lambda-role", "--policy-name", "PollyNotes-"+name, "--policy-document", "file://policy.json")
		// The CLI's get-role-policy once (it is slow to start); the SDK
		// checks the others byte for byte.
		if n == 0 {
			got := run("", "iam", "get-role-policy", "--role-name", "lambda-role", "--policy-name", "PollyNotes-"+name)
			var want any
			json.Unmarshal([]byte(doc), &want)
			gb, _ := json.Marshal(got["PolicyDocument"])
			wb, _ := json.Marshal(want)
			if string(gb) != string(wb) {
				t.Fatalf("get-role-policy %s:\n got %s\nwant %s", name, gb, wb)
			}
		}
		gp, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("lambda-role"), PolicyName: aws.String("PollyNotes-" + name)})
		if err != nil || decode(t, gp.PolicyDocument) != doc {
			t.Fatalf("GetRolePolicy %s: %v", name, err)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no course policy files found")
	}
	lp, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("lambda-role")})
	if err != nil || len(lp.PolicyNames) != n {
		t.Fatalf("ListRolePolicies: %v %v", lp, err)
	}
	la, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("lambda-role")})
	if err != nil || len(la.AttachedPolicies) != 1 {
		t.Fatalf("ListAttachedRolePolicies: %v %v", la, err)
	}
	// deploy.sh probes for IAM with list-roles --max-items 1.
	if lr := run("", "iam", "list-roles", "--max-items", "1"); len(lr["Roles"].([]any)) != 1 {
		t.Fatalf("list-roles: %v", lr)
	}
	if err := os.WriteFile(filepath.Join(home, "bad.json"), []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	run("MalformedPolicyDocument", "iam", "put-role-policy", "--role-name", "lambda-role", "--policy-name", "bad", "--policy-document", "file://bad.json")
	run("NoSuchEntity", "iam", "get-role", "--role-name", "missing")

	id := run("", "sts", "get-caller-identity")
	if id["Account"] != "000000000000" || id["Arn"] != "arn:aws:iam::000000000000:root" {
		t.Fatalf("get-caller-identity: %v", id)
	}
}
