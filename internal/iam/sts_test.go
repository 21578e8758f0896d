package iam_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/nimbus-cloud/nimbus"
	"github.com/nimbus-cloud/nimbus/nimbustest"
)

func TestCallerIdentityAccount(t *testing.T) {
	srv := nimbustest.Start(t)
	// A 12-digit access key picks the account, as in LocalStack.
	_, st := clients(t, srv.URL, "111122223333", "test", "")
	id, err := st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != "111122223333" || aws.ToString(id.Arn) != "arn:aws:iam::111122223333:root" {
		t.Fatalf("identity: %+v %v", id, err)
	}
}

func TestAssumeRole(t *testing.T) {
	cfg := nimbus.Config{Auth: nimbus.AuthStrict, Credentials: []nimbus.Credential{{AccessKey: "ADMINKEY", Secret: "adminsecret"}}}
	srv := nimbustest.Start(t, cfg)
	c, st := clients(t, srv.URL, "ADMINKEY", "adminsecret", "")
	role, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("deploy"), AssumeRolePolicyDocument: aws.String(trust), MaxSessionDuration: aws.Int32(7200)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := st.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("ci-run"), DurationSeconds: aws.Int32(1800)})
	if err != nil {
		t.Fatal(err)
	}
	wantARN := "arn:aws:sts::000000000000:assumed-role/deploy/ci-run"
	if aws.ToString(out.AssumedRoleUser.Arn) != wantARN || aws.ToString(out.AssumedRoleUser.AssumedRoleId) != aws.ToString(role.Role.RoleId)+":ci-run" {
		t.Fatalf("assumed role user: %+v", out.AssumedRoleUser)
	}
	cr := out.Credentials
	if !strings.HasPrefix(aws.ToString(cr.AccessKeyId), "ASIA") || aws.ToString(cr.SessionToken) == "" {
		t.Fatalf("credentials: %+v", cr)
	}
	if d := time.Until(aws.ToTime(cr.Expiration)); d < 29*time.Minute || d > 31*time.Minute {
		t.Fatalf("expiration in %v", d)
	}
	// The session signs requests (strict mode) and is the assumed role.
	_, sst := clients(t, srv.URL, aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken))
	id, err := sst.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != wantARN || aws.ToString(id.UserId) != aws.ToString(role.Role.RoleId)+":ci-run" {
		t.Fatalf("session identity: %+v %v", id, err)
	}
	_, err = sst.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	apiErr(t, err, "AccessDenied", "Cannot call GetSessionToken with session credentials")

	_, err = st.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("x"), DurationSeconds: aws.Int32(900)})
	apiErr(t, err, "ValidationError", "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2")
	_, err = st.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("long"), DurationSeconds: aws.Int32(7201)})
	apiErr(t, err, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	_, err = st.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("short"), DurationSeconds: aws.Int32(899)})
	apiErr(t, err, "ValidationError", "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900")
	missing := "arn:aws:iam::000000000000:role/missing"
	_, err = st.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(missing), RoleSessionName: aws.String("s1")})
	apiErr(t, err, "AccessDenied", "User: arn:aws:iam::000000000000:root is not authorized to perform: sts:AssumeRole on resource: "+missing)

	// GetSessionToken for root lasts at most an hour.
	tok, err := st.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(7200)})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(aws.ToTime(tok.Credentials.Expiration)); d > time.Hour+time.Minute {
		t.Fatalf("root session for %v", d)
	}
	_, tst := clients(t, srv.URL, aws.ToString(tok.Credentials.AccessKeyId), aws.ToString(tok.Credentials.SecretAccessKey), aws.ToString(tok.Credentials.SessionToken))
	id, err = tst.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:iam::000000000000:root" {
		t.Fatalf("session token identity: %+v %v", id, err)
	}
}
