package apigateway_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"

	"github.com/nimbus-cloud/nimbus"
	"github.com/nimbus-cloud/nimbus/internal/config"
	"github.com/nimbus-cloud/nimbus/nimbustest"
)

// TestStrictMode: with SigV4 verified, the control plane needs a valid
// signature but the deployed API answers unsigned callers.
func TestStrictMode(t *testing.T) {
	srv := nimbustest.Start(t, nimbus.Config{Auth: config.AuthStrict,
		Credentials: []config.Credential{{AccessKey: "AKIDSTRICT", Secret: "secret"}}})
	gw := func(secret string) *apigateway.Client {
		return apigateway.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
			Credentials: credentials.NewStaticCredentialsProvider("AKIDSTRICT", secret, "")},
			func(o *apigateway.Options) { o.RetryMaxAttempts = 1 })
	}
	if _, err := gw("wrong").GetRestApis(ctx, &apigateway.GetRestApisInput{}); err == nil {
		t.Fatal("a bad signature reached the control plane")
	}
	c := &cloud{url: srv.URL, gw: gw("secret")}
	b := c.newAPI(t, "strict")
	b.method("/open", "GET", mock(`{"statusCode": 200}`), map[string]string{"application/json": `open`})
	b.deploy("prod", nil)
	if r := c.do(t, "GET", c.invokeURL(b.api, "prod", "/open"), ""); r.status != 200 || r.body != "open" {
		t.Fatalf("unsigned invocation in strict mode: %d %s", r.status, r.body)
	}
}
