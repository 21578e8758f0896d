package iam_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// BenchmarkGetRole is a deploy script's most frequent IAM call, end to end
// through the SDK, the edge and storage.
func BenchmarkGetRole(b *testing.B) {
	c, _, _ := start(b)
	for i := 0; i < 100; i++ {
		if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(fmt.Sprintf("r%d", i)), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(fmt.Sprintf("r%d", i%100))}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPutRolePolicy(b *testing.B) {
	c, _, _ := start(b)
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p"), PolicyDocument: aws.String(inline)}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetCallerIdentity(b *testing.B) {
	_, st, _ := start(b)
	for b.Loop() {
		if _, err := st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			b.Fatal(err)
		}
	}
}
