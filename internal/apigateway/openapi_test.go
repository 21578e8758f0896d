package apigateway_test

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
)

const petsYAML = `openapi: 3.0.1
info:
  title: Pets
  version: "1.0"
paths:
  /pets:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Pet'
      x-amazon-apigateway-request-validator: body
      responses:
        "200":
          description: ok
          headers:
            Access-Control-Allow-Origin:
              schema: {type: string}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates:
          application/json: '{"statusCode": 200}'
        responses:
          default:
            statusCode: "200"
            responseParameters:
              method.response.header.Access-Control-Allow-Origin: "'*'"
            responseTemplates:
              application/json: '{"created": true}'
  /pets/{id}:
    get:
      parameters:
        - name: id
          in: path
          required: true
          schema: {type: string}
      responses:
        "200": {description: ok}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates:
          application/json: '{"statusCode": 200}'
        responses:
          default:
            statusCode: "200"
            responseTemplates:
              application/json: '{"id": "$input.params(''id'')"}'
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
x-amazon-apigateway-request-validators:
  body:
    validateRequestBody: true
    validateRequestParameters: false
`

func TestImportExport(t *testing.T) {
	c := start(t)
	_, err := c.gw.ImportRestApi(ctx, &apigateway.ImportRestApiInput{Body: []byte(`{"not": "openapi"}`)})
	apiErr(t, err, "BadRequestException", "Invalid OpenAPI input.")
	api := must[*apigateway.ImportRestApiOutput](t)(c.gw.ImportRestApi(ctx, &apigateway.ImportRestApiInput{Body: []byte(petsYAML)}))
	if *api.Name != "Pets" {
		t.Fatalf("ImportRestApi: %+v", api)
	}
	must[*apigateway.CreateDeploymentOutput](t)(c.gw.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: api.Id, StageName: aws.String("v1")}))
	check := func(api string) {
		t.Helper()
		if r := c.do(t, "GET", c.invokeURL(api, "v1", "/pets/5"), ""); r.status != 200 || r.body != `{"id": "5"}` {
			t.Fatalf("GET /pets/5: %d %s", r.status, r.body)
		}
		if r := c.do(t, "POST", c.invokeURL(api, "v1", "/pets"), `{}`, "Content-Type", "application/json"); r.status != 400 {
			t.Fatalf("invalid POST: %d %s", r.status, r.body)
		}
		r := c.do(t, "POST", c.invokeURL(api, "v1", "/pets"), `{"name": "rex"}`, "Content-Type", "application/json")
		if r.status != 200 || r.body != `{"created": true}` || r.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Fatalf("POST: %d %s %v", r.status, r.body, r.header)
		}
	}
	check(*api.Id)

	for _, typ := range []string{"oas30", "swagger"} {
		exp := must[*apigateway.GetExportOutput](t)(c.gw.GetExport(ctx, &apigateway.GetExportInput{RestApiId: api.Id, StageName: aws.String("v1"),
			ExportType: aws.String(typ), Accepts: aws.String("application/json"), Parameters: map[string]string{"extensions": "integrations"}}))
		var doc map[string]any
		if err := json.Unmarshal(exp.Body, &doc); err != nil || doc["paths"].(map[string]any)["/pets/{id}"] == nil {
			t.Fatalf("export %s: %v %s", typ, err, exp.Body)
		}
		// The export imports back into a working API.
		again := must[*apigateway.ImportRestApiOutput](t)(c.gw.ImportRestApi(ctx, &apigateway.ImportRestApiInput{Body: exp.Body}))
		must[*apigateway.CreateDeploymentOutput](t)(c.gw.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: again.Id, StageName: aws.String("v1")}))
		check(*again.Id)
	}
	// PutRestApi overwrite replaces the API's definition.
	put := must[*apigateway.PutRestApiOutput](t)(c.gw.PutRestApi(ctx, &apigateway.PutRestApiInput{RestApiId: api.Id, Mode: "overwrite",
		Body: []byte(`{"openapi": "3.0.1", "info": {"title": "Pets2"}, "paths": {"/only": {"get": {"responses": {}, "x-amazon-apigateway-integration": {"type": "mock"}}}}}`)}))
	if *put.Name != "Pets2" {
		t.Fatalf("PutRestApi: %+v", put)
	}
	res := must[*apigateway.GetResourcesOutput](t)(c.gw.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: api.Id}))
	if len(res.Items) != 2 {
		t.Fatalf("after overwrite: %d resources", len(res.Items))
	}
}
