package iam_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/nimbus-cloud/nimbus"
	"github.com/nimbus-cloud/nimbus/nimbustest"
)

var ctx = context.Background()

const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

const inline = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["dynamodb:PutItem", "dynamodb:Query"], "Resource": "arn:aws:dynamodb:us-east-1:000000000000:table/Notes"}]}`

func clients(t testing.TB, url, key, secret, token string) (*iam.Client, *sts.Client) {
	creds := credentials.NewStaticCredentialsProvider(key, secret, token)
	return iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), Credentials: creds, Retryer: aws.NopRetryer{}}),
		sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), Credentials: creds, Retryer: aws.NopRetryer{}})
}

func start(t testing.TB) (*iam.Client, *sts.Client, string) {
	t.Helper()
	srv := nimbustest.Start(t)
	c, s := clients(t, srv.URL, "test", "test", "")
	return c, s, srv.URL
}

func apiErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s error, got %v", code, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("want code %s, got %s: %s", code, ae.ErrorCode(), ae.ErrorMessage())
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("want message\n  %q\ngot\n  %q", msg, ae.ErrorMessage())
	}
}

func decode(t *testing.T, s *string) string {
	t.Helper()
	d, err := url.QueryUnescape(aws.ToString(s))
	if err != nil {
		t.Fatalf("document not percent-encoded: %v", err)
	}
	return d
}

var idRE = regexp.MustCompile(`^[A-Z0-9]{21}$`)

func TestRoleLifecycle(t *testing.T) {
	c, _, _ := start(t)
	out, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("lambda-role"), AssumeRolePolicyDocument: aws.String(trust),
		Description: aws.String("for functions"), Tags: []types.Tag{{Key: aws.String("app"), Value: aws.String("notes")}}})
	if err != nil {
		t.Fatal(err)
	}
	r := out.Role
	if aws.ToString(r.Arn) != "arn:aws:iam::000000000000:role/lambda-role" || aws.ToString(r.Path) != "/" ||
		!strings.HasPrefix(aws.ToString(r.RoleId), "AROA") || !idRE.MatchString(aws.ToString(r.RoleId)) {
		t.Fatalf("role: %+v", r)
	}
	if time.Since(aws.ToTime(r.CreateDate)) > time.Minute || decode(t, r.AssumeRolePolicyDocument) != trust {
		t.Fatalf("role date/doc: %v %q", r.CreateDate, aws.ToString(r.AssumeRolePolicyDocument))
	}
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("LAMBDA-role"), AssumeRolePolicyDocument: aws.String(trust)})
	apiErr(t, err, "EntityAlreadyExists", "Role with name LAMBDA-role already exists.")
	var exists *types.EntityAlreadyExistsException
	if !errors.As(err, &exists) {
		t.Fatalf("not modeled: %T", err)
	}

	g, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("lambda-role")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(g.Role.RoleId) != aws.ToString(r.RoleId) || aws.ToInt32(g.Role.MaxSessionDuration) != 3600 ||
		aws.ToString(g.Role.Description) != "for functions" || len(g.Role.Tags) != 1 {
		t.Fatalf("get role: %+v", g.Role)
	}
	_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("nope")})
	apiErr(t, err, "NoSuchEntity", "The role with name nope cannot be found.")
	var nse *types.NoSuchEntityException
	if !errors.As(err, &nse) {
		t.Fatalf("not modeled: %T", err)
	}

	// Inline policy: stored as written, returned percent-encoded.
	if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("lambda-role"), PolicyName: aws.String("notes"), PolicyDocument: aws.String(inline)}); err != nil {
		t.Fatal(err)
	}
	gp, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("lambda-role"), PolicyName: aws.String("notes")})
	if err != nil {
		t.Fatal(err)
	}
	if decode(t, gp.PolicyDocument) != inline || strings.Contains(aws.ToString(gp.PolicyDocument), "{") || strings.Contains(aws.ToString(gp.PolicyDocument), "+") {
		t.Fatalf("policy document %q", aws.ToString(gp.PolicyDocument))
	}
	_, err = c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("lambda-role"), PolicyName: aws.String("other")})
	apiErr(t, err, "NoSuchEntity", "The role policy with name other cannot be found.")
	lp, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("lambda-role")})
	if err != nil || len(lp.PolicyNames) != 1 || lp.PolicyNames[0] != "notes" || lp.IsTruncated {
		t.Fatalf("list role policies: %+v %v", lp, err)
	}

	// Managed policies.
	basic := "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
	if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("lambda-role"), PolicyArn: aws.String(basic)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("lambda-role"), PolicyArn: aws.String("arn:aws:iam::aws:policy/Nope")})
	apiErr(t, err, "NoSuchEntity", "Policy arn:aws:iam::aws:policy/Nope does not exist or is not attachable.")
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("lambda-role"), PolicyArn: aws.String("not-an-arn-at-all-really")})
	apiErr(t, err, "InvalidInput", "ARN not-an-arn-at-all-really is not valid.")
	la, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("lambda-role")})
	if err != nil || len(la.AttachedPolicies) != 1 || aws.ToString(la.AttachedPolicies[0].PolicyName) != "AWSLambdaBasicExecutionRole" {
		t.Fatalf("attached: %+v %v", la, err)
	}
	gpol, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(basic)})
	if err != nil || aws.ToInt32(gpol.Policy.AttachmentCount) != 1 || aws.ToString(gpol.Policy.DefaultVersionId) != "v1" {
		t.Fatalf("get policy: %+v %v", gpol, err)
	}

	// DeleteRole refuses while policies remain.
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("lambda-role")})
	apiErr(t, err, "DeleteConflict", "Cannot delete entity, must detach all policies first.")
	if _, err := c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("lambda-role"), PolicyArn: aws.String(basic)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("lambda-role"), PolicyArn: aws.String(basic)})
	apiErr(t, err, "NoSuchEntity", "Policy "+basic+" was not found.")
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("lambda-role")})
	apiErr(t, err, "DeleteConflict", "Cannot delete entity, must delete policies first.")
	if _, err := c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("lambda-role"), PolicyName: aws.String("notes")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("lambda-role")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("lambda-role")})
	apiErr(t, err, "NoSuchEntity", "The role with name lambda-role cannot be found.")
}

func TestRoleValidation(t *testing.T) {
	c, _, _ := start(t)
	for _, tc := range []struct {
		name, role, doc, code, msg string
	}{
		{"bad name", "bad name", trust, "ValidationError",
			`1 validation error detected: Value 'bad name' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"long name", strings.Repeat("a", 65), trust, "ValidationError",
			"1 validation error detected: Value '" + strings.Repeat("a", 65) + "' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"bad json", "r", `{"Version":`, "MalformedPolicyDocument", "This policy contains invalid Json"},
		{"no statement", "r", `{"Version":"2012-10-17"}`, "MalformedPolicyDocument", "Syntax errors in policy."},
		{"no version", "r", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
			"MalformedPolicyDocument", "Policy document must be version 2012-10-17 or greater."},
		{"bad effect", "r", `{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
			"MalformedPolicyDocument", "Syntax errors in policy."},
		{"no principal", "r", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`,
			"MalformedPolicyDocument", "Missing required field Principal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(tc.role), AssumeRolePolicyDocument: aws.String(tc.doc)})
			apiErr(t, err, tc.code, tc.msg)
		})
	}
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trust), MaxSessionDuration: aws.Int32(100)})
	apiErr(t, err, "ValidationError", "1 validation error detected: Value '100' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600")
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p"), PolicyDocument: aws.String(trust)})
	apiErr(t, err, "MalformedPolicyDocument", "Policy document should not specify a principal.")
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("nope"), PolicyName: aws.String("p"), PolicyDocument: aws.String(inline)})
	apiErr(t, err, "NoSuchEntity", "The role with name nope cannot be found.")
	// The inline policies of a role share 10,240 characters.
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 6000) + `"}]}`
	if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p1"), PolicyDocument: aws.String(big)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p2"), PolicyDocument: aws.String(big)})
	apiErr(t, err, "LimitExceeded", "Maximum policy size of 10240 bytes exceeded for role r")
	// Replacing the same policy is fine.
	if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p1"), PolicyDocument: aws.String(big)}); err != nil {
		t.Fatal(err)
	}
	// Trust policy updates are validated too.
	_, err = c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("r"), PolicyDocument: aws.String(`[]`)})
	apiErr(t, err, "MalformedPolicyDocument", "Syntax errors in policy.")
	other := strings.Replace(trust, "lambda.amazonaws.com", "apigateway.amazonaws.com", 1)
	if _, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("r"), PolicyDocument: aws.String(other)}); err != nil {
		t.Fatal(err)
	}
	g, _ := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")})
	if decode(t, g.Role.AssumeRolePolicyDocument) != other {
		t.Fatalf("trust not updated: %s", decode(t, g.Role.AssumeRolePolicyDocument))
	}
}

func TestListRolesPaging(t *testing.T) {
	c, _, _ := start(t)
	for i := 0; i < 7; i++ {
		path := "/app/"
		if i%2 == 1 {
			path = "/other/"
		}
		if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(fmt.Sprintf("role-%d", i)), Path: aws.String(path), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	p := iam.NewListRolesPaginator(c, &iam.ListRolesInput{MaxItems: aws.Int32(3)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, r := range out.Roles {
			names = append(names, aws.ToString(r.RoleName))
		}
	}
	if pages != 3 || len(names) != 7 || names[0] != "role-0" || names[6] != "role-6" {
		t.Fatalf("pages %d names %v", pages, names)
	}
	out, err := c.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/app/")})
	if err != nil || len(out.Roles) != 4 || out.IsTruncated {
		t.Fatalf("path prefix: %d %v", len(out.Roles), err)
	}
	_, err = c.ListRoles(ctx, &iam.ListRolesInput{MaxItems: aws.Int32(0)})
	apiErr(t, err, "ValidationError", "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1")
}

func TestRoleTags(t *testing.T) {
	c, _, _ := start(t)
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("r"), Tags: []types.Tag{
		{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("2")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("r"), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("3")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String("r"), TagKeys: []string{"b"}}); err != nil {
		t.Fatal(err)
	}
	out, err := c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("r")})
	if err != nil || len(out.Tags) != 1 || aws.ToString(out.Tags[0].Key) != "a" || aws.ToString(out.Tags[0].Value) != "3" {
		t.Fatalf("tags: %+v %v", out, err)
	}
	var tags []types.Tag
	for i := 0; i < 50; i++ {
		tags = append(tags, types.Tag{Key: aws.String(fmt.Sprintf("k%d", i)), Value: aws.String("v")})
	}
	_, err = c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("r"), Tags: tags})
	apiErr(t, err, "LimitExceeded", "Cannot exceed quota for TagsPerRole: 50")
}

func TestManagedPolicies(t *testing.T) {
	c, _, _ := start(t)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"polly:SynthesizeSpeech","Resource":"*"}]}`
	out, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("speak"), Path: aws.String("/notes/"), PolicyDocument: aws.String(doc)})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.Policy.Arn)
	if arn != "arn:aws:iam::000000000000:policy/notes/speak" || !strings.HasPrefix(aws.ToString(out.Policy.PolicyId), "ANPA") ||
		!idRE.MatchString(aws.ToString(out.Policy.PolicyId)) || aws.ToString(out.Policy.DefaultVersionId) != "v1" || !out.Policy.IsAttachable {
		t.Fatalf("policy: %+v", out.Policy)
	}
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("speak"), PolicyDocument: aws.String(doc)})
	apiErr(t, err, "EntityAlreadyExists", "A policy called speak already exists. Duplicate names are not allowed.")
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("bad"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3:*","Resource":"*"}]}`)})
	apiErr(t, err, "MalformedPolicyDocument", "The policy failed legacy parsing")

	v, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")})
	if err != nil || decode(t, v.PolicyVersion.Document) != doc || !v.PolicyVersion.IsDefaultVersion {
		t.Fatalf("version: %+v %v", v, err)
	}
	_, err = c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v9")})
	apiErr(t, err, "NoSuchEntity", "Policy "+arn+" version v9 does not exist or is not attachable.")
	doc2 := strings.Replace(doc, "SynthesizeSpeech", "*", 1)
	for i := 2; i <= 5; i++ {
		nv, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(doc2), SetAsDefault: i == 3})
		if err != nil || aws.ToString(nv.PolicyVersion.VersionId) != fmt.Sprintf("v%d", i) {
			t.Fatalf("create version %d: %+v %v", i, nv, err)
		}
	}
	_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(doc2)})
	apiErr(t, err, "LimitExceeded", "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")
	gp, _ := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if aws.ToString(gp.Policy.DefaultVersionId) != "v3" {
		t.Fatalf("default %s", aws.ToString(gp.Policy.DefaultVersionId))
	}
	_, err = c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v3")})
	apiErr(t, err, "DeleteConflict", "Cannot delete the default version of a policy.")
	lv, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
	if err != nil || len(lv.Versions) != 5 || aws.ToString(lv.Versions[0].VersionId) != "v5" {
		t.Fatalf("versions: %+v %v", lv, err)
	}

	// Scope filters; AWS managed policies are there with their documents.
	local, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal})
	if err != nil || len(local.Policies) != 1 {
		t.Fatalf("local: %+v %v", local, err)
	}
	awsOnly, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"AWSLambdaBasicExecutionRole": false, "AmazonDynamoDBFullAccess": false, "AmazonS3FullAccess": false, "AmazonPollyFullAccess": false}
	for _, p := range awsOnly.Policies {
		if _, ok := want[aws.ToString(p.PolicyName)]; ok {
			want[aws.ToString(p.PolicyName)] = true
		}
		if strings.Contains(aws.ToString(p.Arn), "000000000000") {
			t.Fatalf("local policy in AWS scope: %s", aws.ToString(p.Arn))
		}
	}
	for n, ok := range want {
		if !ok {
			t.Fatalf("AWS policy %s missing", n)
		}
	}
	all, _ := c.ListPolicies(ctx, &iam.ListPoliciesInput{})
	if len(all.Policies) != len(awsOnly.Policies)+1 {
		t.Fatalf("all: %d", len(all.Policies))
	}
	av, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonPollyFullAccess"), VersionId: aws.String("v1")})
	if err != nil || !strings.Contains(decode(t, av.PolicyVersion.Document), `"polly:*"`) {
		t.Fatalf("AWS policy version: %+v %v", av, err)
	}

	// Attached policies cannot be deleted; multi-version ones neither.
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	apiErr(t, err, "DeleteConflict", "Cannot delete a policy attached to entities.")
	if _, err := c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	apiErr(t, err, "DeleteConflict", "")
	for _, id := range []string{"v1", "v2", "v4", "v5"} {
		if _, err := c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String(id)}); err != nil {
			t.Fatal(id, err)
		}
	}
	if _, err := c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	apiErr(t, err, "NoSuchEntity", "Policy "+arn+" was not found.")

	// At most 10 managed policies per role.
	for i := 0; i < 10; i++ {
		p, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(fmt.Sprintf("p%d", i)), PolicyDocument: aws.String(doc)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: p.Policy.Arn}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonS3FullAccess")})
	apiErr(t, err, "LimitExceeded", "Cannot exceed quota for PoliciesPerRole: 10")
}

func TestUsersAndAccessKeys(t *testing.T) {
	cfg := nimbus.Config{Auth: nimbus.AuthStrict, Credentials: []nimbus.Credential{{AccessKey: "ADMINKEY", Secret: "adminsecret"}}}
	srv := nimbustest.Start(t, cfg)
	c, st := clients(t, srv.URL, "ADMINKEY", "adminsecret", "")
	u, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("deployer")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(u.User.Arn) != "arn:aws:iam::000000000000:user/deployer" || !strings.HasPrefix(aws.ToString(u.User.UserId), "AIDA") || !idRE.MatchString(aws.ToString(u.User.UserId)) {
		t.Fatalf("user: %+v", u.User)
	}
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("deployer")})
	apiErr(t, err, "EntityAlreadyExists", "User with name deployer already exists.")
	k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("deployer")})
	if err != nil {
		t.Fatal(err)
	}
	key := k.AccessKey
	if !regexp.MustCompile(`^AKIA[A-Z0-9]{16}$`).MatchString(aws.ToString(key.AccessKeyId)) || len(aws.ToString(key.SecretAccessKey)) != 40 || key.Status != types.StatusTypeActive {
		t.Fatalf("key: %+v", key)
	}
	// Strict mode accepts requests signed with the new key, as the user.
	_, ust := clients(t, srv.URL, aws.ToString(key.AccessKeyId), aws.ToString(key.SecretAccessKey), "")
	id, err := ust.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != "arn:aws:iam::000000000000:user/deployer" || aws.ToString(id.UserId) != aws.ToString(u.User.UserId) || aws.ToString(id.Account) != "000000000000" {
		t.Fatalf("identity: %+v", id)
	}
	// A wrong secret is refused.
	_, bad := clients(t, srv.URL, aws.ToString(key.AccessKeyId), "wrong", "")
	if _, err := bad.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err == nil {
		t.Fatal("wrong secret accepted")
	}
	root, err := st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(root.Arn) != "arn:aws:iam::000000000000:root" || aws.ToString(root.UserId) != "000000000000" {
		t.Fatalf("root identity: %+v %v", root, err)
	}
	lk, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("deployer")})
	if err != nil || len(lk.AccessKeyMetadata) != 1 || aws.ToString(lk.AccessKeyMetadata[0].AccessKeyId) != aws.ToString(key.AccessKeyId) {
		t.Fatalf("list keys: %+v %v", lk, err)
	}
	if _, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("deployer")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("deployer")})
	apiErr(t, err, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2")
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("deployer")})
	apiErr(t, err, "DeleteConflict", "Cannot delete entity, must delete access keys first.")
	lu, err := c.ListUsers(ctx, &iam.ListUsersInput{})
	if err != nil || len(lu.Users) != 1 {
		t.Fatalf("users: %+v %v", lu, err)
	}
	gu, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("deployer")})
	if err != nil || aws.ToString(gu.User.UserName) != "deployer" {
		t.Fatalf("get user: %+v %v", gu, err)
	}
	// GetUser with no name describes the caller.
	uc, _ := clients(t, srv.URL, aws.ToString(key.AccessKeyId), aws.ToString(key.SecretAccessKey), "")
	me, err := uc.GetUser(ctx, &iam.GetUserInput{})
	if err != nil || aws.ToString(me.User.UserName) != "deployer" {
		t.Fatalf("get user (self): %+v %v", me, err)
	}
	rootUser, err := c.GetUser(ctx, &iam.GetUserInput{})
	if err != nil || aws.ToString(rootUser.User.Arn) != "arn:aws:iam::000000000000:root" || aws.ToString(rootUser.User.UserId) != "000000000000" || rootUser.User.UserName != nil {
		t.Fatalf("get user (root): %+v %v", rootUser, err)
	}
	lk, _ = c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("deployer")})
	for _, m := range lk.AccessKeyMetadata {
		if _, err := c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("deployer"), AccessKeyId: m.AccessKeyId}); err != nil {
			t.Fatal(err)
		}
	}
	// A deleted key no longer signs.
	if _, err := ust.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err == nil {
		t.Fatal("deleted key still accepted")
	}
	_, err = c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("deployer"), AccessKeyId: key.AccessKeyId})
	apiErr(t, err, "NoSuchEntity", "The Access Key with id "+aws.ToString(key.AccessKeyId)+" cannot be found.")
	if _, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("deployer")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("deployer")})
	apiErr(t, err, "NoSuchEntity", "The user with name deployer cannot be found.")
}

// TestAccessKeysSurviveRestart: keys are stored and registered again when
// nimbus starts over the same data directory.
func TestAccessKeysSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	cfg := nimbus.Config{DataDir: dir, Auth: nimbus.AuthStrict, Credentials: []nimbus.Credential{{AccessKey: "ADMINKEY", Secret: "adminsecret"}}}
	srv := nimbustest.Start(t, cfg)
	c, _ := clients(t, srv.URL, "ADMINKEY", "adminsecret", "")
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ci")}); err != nil {
		t.Fatal(err)
	}
	k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ci")})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	srv2 := nimbustest.Start(t, cfg)
	_, st := clients(t, srv2.URL, aws.ToString(k.AccessKey.AccessKeyId), aws.ToString(k.AccessKey.SecretAccessKey), "")
	id, err := st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:iam::000000000000:user/ci" {
		t.Fatalf("after restart: %+v %v", id, err)
	}
}
