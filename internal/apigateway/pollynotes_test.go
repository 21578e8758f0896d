package apigateway_test

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"
)

const listNotes = `
def handler(event, context):
    if event != {"UserId": "student"}:
        raise Exception("unexpected event: %r" % (event,))
    return [
        {"UserId": "student", "NoteId": 1, "Note": "hello world"},
        {"UserId": "student", "NoteId": 2, "Note": "second note"},
    ]
`

// createNote counts its invocations, so the test can tell whether API
// Gateway called it.
const createNote = `
calls = 0
def handler(event, context):
    global calls
    calls += 1
    return {"saved": event, "calls": calls}
`

const noteModel = `{
  "$schema": "http://json-schema.org/draft-04/schema#",
  "title": "NoteModel",
  "type": "object",
  "properties": {
    "UserId": {"type": "string"},
    "NoteId": {"type": "integer"},
    "Note": {"type": "string"}
  },
  "required": ["UserId", "NoteId", "Note"]
}`

const notesResponseTemplate = `#set($inputRoot = $input.path('$'))
[
#foreach($elem in $inputRoot)
    {
    "NoteId" : "$elem.NoteId",
    "Note" : "$elem.Note"
    }#if($foreach.hasNext),#end
#end
]`

// enableCORS does what the console's "Enable CORS" does for a resource:
// an OPTIONS MOCK method answering the preflight, Access-Control-Allow-Origin
// on the other methods' 200 responses, and on DEFAULT_4XX/5XX.
func (b *builder) enableCORS(path string, methods string, others ...string) {
	b.t.Helper()
	rid := b.resource(path)
	gw := b.c.gw
	must[*apigateway.PutMethodOutput](b.t)(gw.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: &b.api, ResourceId: &rid, HttpMethod: aws.String("OPTIONS"), AuthorizationType: aws.String("NONE")}))
	must[*apigateway.PutMethodResponseOutput](b.t)(gw.PutMethodResponse(ctx, &apigateway.PutMethodResponseInput{RestApiId: &b.api, ResourceId: &rid, HttpMethod: aws.String("OPTIONS"),
		StatusCode: aws.String("200"), ResponseModels: map[string]string{"application/json": "Empty"},
		ResponseParameters: map[string]bool{"method.response.header.Access-Control-Allow-Headers": false,
			"method.response.header.Access-Control-Allow-Methods": false, "method.response.header.Access-Control-Allow-Origin": false}}))
	must[*apigateway.PutIntegrationOutput](b.t)(gw.PutIntegration(ctx, &apigateway.PutIntegrationInput{RestApiId: &b.api, ResourceId: &rid, HttpMethod: aws.String("OPTIONS"),
		Type: types.IntegrationTypeMock, RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`}}))
	must[*apigateway.PutIntegrationResponseOutput](b.t)(gw.PutIntegrationResponse(ctx, &apigateway.PutIntegrationResponseInput{RestApiId: &b.api, ResourceId: &rid, HttpMethod: aws.String("OPTIONS"),
		StatusCode: aws.String("200"), ResponseTemplates: map[string]string{"application/json": ""},
		ResponseParameters: map[string]string{
			"method.response.header.Access-Control-Allow-Headers": "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'",
			"method.response.header.Access-Control-Allow-Methods": "'" + methods + "'",
			"method.response.header.Access-Control-Allow-Origin":  "'*'"}}))
	for _, verb := range others {
		must[*apigateway.UpdateMethodResponseOutput](b.t)(gw.UpdateMethodResponse(ctx, &apigateway.UpdateMethodResponseInput{RestApiId: &b.api, ResourceId: &rid, HttpMethod: aws.String(verb), StatusCode: aws.String("200"),
			PatchOperations: []types.PatchOperation{{Op: types.OpAdd, Path: aws.String("/responseParameters/method.response.header.Access-Control-Allow-Origin"), Value: aws.String("false")}}}))
		must[*apigateway.UpdateIntegrationResponseOutput](b.t)(gw.UpdateIntegrationResponse(ctx, &apigateway.UpdateIntegrationResponseInput{RestApiId: &b.api, ResourceId: &rid, HttpMethod: aws.String(verb), StatusCode: aws.String("200"),
			PatchOperations: []types.PatchOperation{{Op: types.OpAdd, Path: aws.String("/responseParameters/method.response.header.Access-Control-Allow-Origin"), Value: aws.String("'*'")}}}))
	}
	for _, typ := range []types.GatewayResponseType{types.GatewayResponseTypeDefault4xx, types.GatewayResponseTypeDefault5xx} {
		must[*apigateway.PutGatewayResponseOutput](b.t)(gw.PutGatewayResponse(ctx, &apigateway.PutGatewayResponseInput{RestApiId: &b.api, ResponseType: typ,
			ResponseParameters: map[string]string{
				"gatewayresponse.header.Access-Control-Allow-Origin":  "'*'",
				"gatewayresponse.header.Access-Control-Allow-Headers": "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'",
				"gatewayresponse.header.Access-Control-Allow-Methods": "'" + methods + "'"}}))
	}
}

// TestPollyNotes builds the course's API: GET /notes (Lambda non-proxy with
// mapping templates), POST /notes (NoteModel and a body validator), CORS,
// a Prod stage, and calls it with plain HTTP.
func TestPollyNotes(t *testing.T) {
	needPython(t)
	c := start(t)
	list := c.pythonFunction(t, "PollyNotes-ListFunction", listNotes, true)
	create := c.pythonFunction(t, "PollyNotes-CreateUpdateFunction", createNote, true)

	b := c.newAPI(t, "PollyNotesAPI")
	model := must[*apigateway.CreateModelOutput](t)(c.gw.CreateModel(ctx, &apigateway.CreateModelInput{RestApiId: &b.api, Name: aws.String("NoteModel"),
		ContentType: aws.String("application/json"), Schema: aws.String(noteModel)}))
	validator := must[*apigateway.CreateRequestValidatorOutput](t)(c.gw.CreateRequestValidator(ctx, &apigateway.CreateRequestValidatorInput{RestApiId: &b.api,
		Name: aws.String("Validate body"), ValidateRequestBody: true}))

	b.method("/notes", "GET", apigateway.PutIntegrationInput{Type: types.IntegrationTypeAws, IntegrationHttpMethod: aws.String("POST"),
		Uri: aws.String(lambdaURI(list)), RequestTemplates: map[string]string{"application/json": `{"UserId":"student"}`}},
		map[string]string{"application/json": notesResponseTemplate})
	b.method("/notes", "POST", apigateway.PutIntegrationInput{Type: types.IntegrationTypeAws, IntegrationHttpMethod: aws.String("POST"),
		Uri: aws.String(lambdaURI(create))}, nil,
		func(in *apigateway.PutMethodInput) {
			in.RequestModels = map[string]string{"application/json": *model.Name}
			in.RequestValidatorId = validator.Id
		})
	b.enableCORS("/notes", "GET,POST,OPTIONS", "GET", "POST")
	b.deploy("Prod", nil)

	r := c.do(t, "GET", c.invokeURL(b.api, "Prod", "/notes"), "")
	want := "[\n    {\n    \"NoteId\" : \"1\",\n    \"Note\" : \"hello world\"\n    },    {\n    \"NoteId\" : \"2\",\n    \"Note\" : \"second note\"\n    }]"
	if r.status != 200 || r.body != want || r.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("GET /notes: %d %q %v", r.status, r.body, r.header)
	}
	var notes []map[string]string
	if err := json.Unmarshal([]byte(r.body), &notes); err != nil || len(notes) != 2 || notes[0]["NoteId"] != "1" {
		t.Fatalf("GET /notes is not the mapped JSON: %v %v", notes, err)
	}

	// A body missing NoteId is refused before Lambda runs.
	r = c.do(t, "POST", c.invokeURL(b.api, "Prod", "/notes"), `{"UserId":"student","Note":"no id"}`, "Content-Type", "application/json")
	if r.status != 400 || r.body != `{"message": "Invalid request body"}` {
		t.Fatalf("invalid POST: %d %s", r.status, r.body)
	}
	if r.header.Get("Access-Control-Allow-Origin") != "*" || r.header.Get("X-Amzn-Errortype") != "BadRequestException" {
		t.Fatalf("invalid POST headers: %v", r.header)
	}
	r = c.do(t, "POST", c.invokeURL(b.api, "Prod", "/notes"), `{"UserId":"student","NoteId":"1","Note":"id is a string"}`, "Content-Type", "application/json")
	if r.status != 400 {
		t.Fatalf("NoteId as string: %d %s", r.status, r.body)
	}
	r = c.do(t, "POST", c.invokeURL(b.api, "Prod", "/notes"), `{"UserId":"student","NoteId":3,"Note":"valid"}`, "Content-Type", "application/json")
	if r.status != 200 {
		t.Fatalf("valid POST: %d %s", r.status, r.body)
	}
	got := decode(t, r.body)
	if got["calls"] != float64(1) || got["saved"].(map[string]any)["Note"] != "valid" {
		t.Fatalf("valid POST: %s (the function must have run once: the invalid bodies never reached it)", r.body)
	}

	// A browser's preflight.
	r = c.do(t, "OPTIONS", c.invokeURL(b.api, "Prod", "/notes"), "", "Origin", "http://localhost:8080",
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type")
	if r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != "*" || r.header.Get("Access-Control-Allow-Methods") != "GET,POST,OPTIONS" ||
		r.header.Get("Access-Control-Allow-Headers") != "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token" || r.body != "" {
		t.Fatalf("preflight: %d %q %v", r.status, r.body, r.header)
	}
}
