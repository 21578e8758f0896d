package apigateway_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"
)

func TestAPIKeysAndUsagePlans(t *testing.T) {
	c := start(t)
	b := c.newAPI(t, "keys")
	b.method("/paid", "GET", mock(`{"statusCode": 200}`), map[string]string{"application/json": `{"key": "$context.identity.apiKeyId"}`},
		func(in *apigateway.PutMethodInput) { in.ApiKeyRequired = true })
	b.deploy("prod", nil)
	url := c.invokeURL(b.api, "prod", "/paid")

	_, err := c.gw.CreateApiKey(ctx, &apigateway.CreateApiKeyInput{Name: aws.String("short"), Value: aws.String("tooshort")})
	apiErr(t, err, "BadRequestException", "API Key value should be at least 20 characters")
	key := must[*apigateway.CreateApiKeyOutput](t)(c.gw.CreateApiKey(ctx, &apigateway.CreateApiKeyInput{Name: aws.String("student"), Enabled: true}))
	if len(*key.Value) != 40 || !key.Enabled {
		t.Fatalf("CreateApiKey: %+v", key)
	}
	got := must[*apigateway.GetApiKeyOutput](t)(c.gw.GetApiKey(ctx, &apigateway.GetApiKeyInput{ApiKey: key.Id}))
	if got.Value != nil {
		t.Fatalf("GetApiKey without includeValue shows the value")
	}

	// A key in no usage plan, or none at all: 403 Forbidden.
	if r := c.do(t, "GET", url, ""); r.status != 403 || r.body != `{"message":"Forbidden"}` {
		t.Fatalf("no key: %d %s", r.status, r.body)
	}
	if r := c.do(t, "GET", url, "", "x-api-key", *key.Value); r.status != 403 {
		t.Fatalf("key in no plan: %d %s", r.status, r.body)
	}
	_, err = c.gw.CreateUsagePlan(ctx, &apigateway.CreateUsagePlanInput{Name: aws.String("bad"), ApiStages: []types.ApiStage{{ApiId: &b.api, Stage: aws.String("nostage")}}})
	apiErr(t, err, "BadRequestException", "")
	plan := must[*apigateway.CreateUsagePlanOutput](t)(c.gw.CreateUsagePlan(ctx, &apigateway.CreateUsagePlanInput{Name: aws.String("basic"),
		ApiStages: []types.ApiStage{{ApiId: &b.api, Stage: aws.String("prod")}},
		Quota:     &types.QuotaSettings{Limit: 2, Period: types.QuotaPeriodTypeDay}}))
	must[*apigateway.CreateUsagePlanKeyOutput](t)(c.gw.CreateUsagePlanKey(ctx, &apigateway.CreateUsagePlanKeyInput{UsagePlanId: plan.Id, KeyId: key.Id, KeyType: aws.String("API_KEY")}))

	for i := 0; i < 2; i++ {
		if r := c.do(t, "GET", url, "", "x-api-key", *key.Value); r.status != 200 || r.body != `{"key": "`+*key.Id+`"}` {
			t.Fatalf("with key: %d %s", r.status, r.body)
		}
	}
	if r := c.do(t, "GET", url, "", "x-api-key", *key.Value); r.status != 429 || r.body != `{"message":"Limit Exceeded"}` {
		t.Fatalf("quota: %d %s", r.status, r.body)
	}
	// A disabled key is refused.
	must[*apigateway.UpdateApiKeyOutput](t)(c.gw.UpdateApiKey(ctx, &apigateway.UpdateApiKeyInput{ApiKey: key.Id,
		PatchOperations: []types.PatchOperation{{Op: types.OpReplace, Path: aws.String("/enabled"), Value: aws.String("false")}}}))
	if r := c.do(t, "GET", url, "", "x-api-key", *key.Value); r.status != 403 {
		t.Fatalf("disabled key: %d %s", r.status, r.body)
	}
	keys := must[*apigateway.GetUsagePlanKeysOutput](t)(c.gw.GetUsagePlanKeys(ctx, &apigateway.GetUsagePlanKeysInput{UsagePlanId: plan.Id}))
	if len(keys.Items) != 1 || *keys.Items[0].Id != *key.Id {
		t.Fatalf("GetUsagePlanKeys: %+v", keys.Items)
	}
	plans := must[*apigateway.GetUsagePlansOutput](t)(c.gw.GetUsagePlans(ctx, &apigateway.GetUsagePlansInput{KeyId: key.Id}))
	if len(plans.Items) != 1 {
		t.Fatalf("GetUsagePlans by key: %+v", plans.Items)
	}
	must[*apigateway.DeleteUsagePlanKeyOutput](t)(c.gw.DeleteUsagePlanKey(ctx, &apigateway.DeleteUsagePlanKeyInput{UsagePlanId: plan.Id, KeyId: key.Id}))
	must[*apigateway.DeleteApiKeyOutput](t)(c.gw.DeleteApiKey(ctx, &apigateway.DeleteApiKeyInput{ApiKey: key.Id}))
	_, err = c.gw.GetApiKey(ctx, &apigateway.GetApiKeyInput{ApiKey: key.Id})
	apiErr(t, err, "NotFoundException", "Invalid API Key identifier specified")
}
