package apigateway_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TestDynamoDBIntegration: AWS integrations with DynamoDB actions, the
// other pattern the course's API module shows.
func TestDynamoDBIntegration(t *testing.T) {
	c := start(t)
	ddb := dynamodb.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(c.url),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	must[*dynamodb.CreateTableOutput](t)(ddb.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("notes"),
		AttributeDefinitions: []dtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: dtypes.ScalarAttributeTypeS}},
		KeySchema:            []dtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: dtypes.KeyTypeHash}},
		BillingMode:          dtypes.BillingModePayPerRequest}))

	b := c.newAPI(t, "ddb")
	uri := func(action string) *string {
		return aws.String("arn:aws:apigateway:us-east-1:dynamodb:action/" + action)
	}
	b.method("/items", "POST", apigateway.PutIntegrationInput{Type: types.IntegrationTypeAws, IntegrationHttpMethod: aws.String("POST"), Uri: uri("PutItem"),
		Credentials:      aws.String("arn:aws:iam::000000000000:role/apigw-dynamodb"),
		RequestTemplates: map[string]string{"application/json": `{"TableName": "notes", "Item": {"id": {"S": "$input.path('$.id')"}, "text": {"S": "$util.escapeJavaScript($input.path('$.text'))"}}}`}},
		map[string]string{"application/json": `{"saved": true}`})
	rid := b.resource("/items/{id}")
	b.method("/items/{id}", "GET", apigateway.PutIntegrationInput{Type: types.IntegrationTypeAws, IntegrationHttpMethod: aws.String("POST"), Uri: uri("GetItem"),
		RequestTemplates: map[string]string{"application/json": `{"TableName": "$stageVariables.table", "Key": {"id": {"S": "$input.params('id')"}}}`}},
		map[string]string{"application/json": `#if(!$input.path('$.Item'))#set($context.responseOverride.status = 404){"error": "not found"}#else{"text": "$input.path('$.Item.text.S')"}#end`})
	must[*apigateway.PutMethodResponseOutput](t)(c.gw.PutMethodResponse(ctx, &apigateway.PutMethodResponseInput{RestApiId: &b.api, ResourceId: &rid, HttpMethod: aws.String("GET"), StatusCode: aws.String("400")}))
	must[*apigateway.PutIntegrationResponseOutput](t)(c.gw.PutIntegrationResponse(ctx, &apigateway.PutIntegrationResponseInput{RestApiId: &b.api, ResourceId: &rid, HttpMethod: aws.String("GET"),
		StatusCode: aws.String("400"), SelectionPattern: aws.String(`4\d{2}`), ResponseTemplates: map[string]string{"application/json": `{"error": "$input.path('$.message')"}`}}))
	b.deploy("prod", map[string]string{"table": "notes"})

	r := c.do(t, "POST", c.invokeURL(b.api, "prod", "/items"), `{"id": "n1", "text": "hello \"world\""}`, "Content-Type", "application/json")
	if r.status != 200 || r.body != `{"saved": true}` {
		t.Fatalf("PutItem: %d %s", r.status, r.body)
	}
	item := must[*dynamodb.GetItemOutput](t)(ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("notes"), Key: map[string]dtypes.AttributeValue{"id": &dtypes.AttributeValueMemberS{Value: "n1"}}}))
	if item.Item["text"].(*dtypes.AttributeValueMemberS).Value != `hello "world"` {
		t.Fatalf("item: %+v", item.Item)
	}
	if r = c.do(t, "GET", c.invokeURL(b.api, "prod", "/items/n1"), ""); r.status != 200 || r.body != `{"text": "hello "world""}` {
		t.Fatalf("GetItem: %d %s", r.status, r.body)
	}
	if r = c.do(t, "GET", c.invokeURL(b.api, "prod", "/items/none"), ""); r.status != 404 || r.body != `{"error": "not found"}` {
		t.Fatalf("GetItem missing: %d %s", r.status, r.body)
	}
	// A DynamoDB error (no such table in another stage's variables) takes the 4xx response.
	must[*apigateway.CreateStageOutput](t)(c.gw.CreateStage(ctx, &apigateway.CreateStageInput{RestApiId: &b.api, StageName: aws.String("broken"),
		DeploymentId: must[*apigateway.GetStageOutput](t)(c.gw.GetStage(ctx, &apigateway.GetStageInput{RestApiId: &b.api, StageName: aws.String("prod")})).DeploymentId,
		Variables:    map[string]string{"table": "missing"}}))
	if r = c.do(t, "GET", c.invokeURL(b.api, "broken", "/items/n1"), ""); r.status != 400 || r.body != `{"error": "Requested resource not found"}` {
		t.Fatalf("DynamoDB error: %d %s", r.status, r.body)
	}
}
