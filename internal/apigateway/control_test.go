package apigateway_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"
)

func TestControlPlane(t *testing.T) {
	c := start(t)
	api := must[*apigateway.CreateRestApiOutput](t)(c.gw.CreateRestApi(ctx, &apigateway.CreateRestApiInput{
		Name: aws.String("notes"), BinaryMediaTypes: []string{"image/png"},
		EndpointConfiguration: &types.EndpointConfiguration{Types: []types.EndpointType{types.EndpointTypeRegional}}}))
	if len(*api.Id) != 10 || api.RootResourceId == nil || api.EndpointConfiguration.Types[0] != types.EndpointTypeRegional || api.ApiKeySource != types.ApiKeySourceTypeHeader {
		t.Fatalf("CreateRestApi: %+v", api)
	}
	_, err := c.gw.GetRestApi(ctx, &apigateway.GetRestApiInput{RestApiId: aws.String("nosuchapi0")})
	apiErr(t, err, "NotFoundException", "Invalid API identifier specified 000000000000:nosuchapi0")

	list := must[*apigateway.GetRestApisOutput](t)(c.gw.GetRestApis(ctx, &apigateway.GetRestApisInput{}))
	if len(list.Items) != 1 || *list.Items[0].Name != "notes" {
		t.Fatalf("GetRestApis: %+v", list.Items)
	}

	res := must[*apigateway.GetResourcesOutput](t)(c.gw.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: api.Id}))
	if len(res.Items) != 1 || *res.Items[0].Path != "/" {
		t.Fatalf("GetResources: %+v", res.Items)
	}
	notes := must[*apigateway.CreateResourceOutput](t)(c.gw.CreateResource(ctx, &apigateway.CreateResourceInput{RestApiId: api.Id, ParentId: api.RootResourceId, PathPart: aws.String("notes")}))
	if *notes.Path != "/notes" {
		t.Fatalf("path %s", *notes.Path)
	}
	_, err = c.gw.CreateResource(ctx, &apigateway.CreateResourceInput{RestApiId: api.Id, ParentId: api.RootResourceId, PathPart: aws.String("notes")})
	apiErr(t, err, "ConflictException", "Another resource with the same parent already has this name: notes")
	id := must[*apigateway.CreateResourceOutput](t)(c.gw.CreateResource(ctx, &apigateway.CreateResourceInput{RestApiId: api.Id, ParentId: notes.Id, PathPart: aws.String("{id}")}))
	if *id.Path != "/notes/{id}" {
		t.Fatalf("path %s", *id.Path)
	}
	_, err = c.gw.CreateResource(ctx, &apigateway.CreateResourceInput{RestApiId: api.Id, ParentId: notes.Id, PathPart: aws.String("{other}")})
	apiErr(t, err, "BadRequestException", "A sibling ({id}) of this resource already has a variable path part -- only one is allowed")
	_, err = c.gw.CreateResource(ctx, &apigateway.CreateResourceInput{RestApiId: api.Id, ParentId: notes.Id, PathPart: aws.String("a b")})
	apiErr(t, err, "BadRequestException", "")

	_, err = c.gw.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: api.Id, ResourceId: notes.Id, HttpMethod: aws.String("FETCH"), AuthorizationType: aws.String("NONE")})
	apiErr(t, err, "BadRequestException", "Invalid HttpMethod specified. Valid options are ANY,DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT")
	m := must[*apigateway.PutMethodOutput](t)(c.gw.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: api.Id, ResourceId: notes.Id,
		HttpMethod: aws.String("GET"), AuthorizationType: aws.String("NONE"),
		RequestParameters: map[string]bool{"method.request.querystring.q": false}}))
	if *m.HttpMethod != "GET" || m.RequestParameters["method.request.querystring.q"] {
		t.Fatalf("PutMethod: %+v", m)
	}
	_, err = c.gw.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: api.Id, ResourceId: notes.Id, HttpMethod: aws.String("GET"), AuthorizationType: aws.String("NONE")})
	apiErr(t, err, "ConflictException", "Method already exists for this resource")
	_, err = c.gw.GetIntegration(ctx, &apigateway.GetIntegrationInput{RestApiId: api.Id, ResourceId: notes.Id, HttpMethod: aws.String("GET")})
	apiErr(t, err, "NotFoundException", "No integration defined for method")

	// A deployment needs an integration on every method.
	_, err = c.gw.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: api.Id, StageName: aws.String("dev")})
	apiErr(t, err, "BadRequestException", "No integration defined for method")

	_, err = c.gw.PutIntegration(ctx, &apigateway.PutIntegrationInput{RestApiId: api.Id, ResourceId: notes.Id, HttpMethod: aws.String("GET"),
		Type: types.IntegrationTypeAwsProxy, Uri: aws.String(lambdaURI("arn:aws:lambda:us-east-1:000000000000:function:f"))})
	apiErr(t, err, "BadRequestException", "Enumeration value for HttpMethod must be non-empty")
	ig := must[*apigateway.PutIntegrationOutput](t)(c.gw.PutIntegration(ctx, &apigateway.PutIntegrationInput{RestApiId: api.Id, ResourceId: notes.Id,
		HttpMethod: aws.String("GET"), Type: types.IntegrationTypeMock, RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`}}))
	if ig.PassthroughBehavior == nil || *ig.PassthroughBehavior != "WHEN_NO_MATCH" || ig.TimeoutInMillis != 29000 || *ig.CacheNamespace != *notes.Id {
		t.Fatalf("PutIntegration: %+v", ig)
	}
	must[*apigateway.PutMethodResponseOutput](t)(c.gw.PutMethodResponse(ctx, &apigateway.PutMethodResponseInput{RestApiId: api.Id, ResourceId: notes.Id,
		HttpMethod: aws.String("GET"), StatusCode: aws.String("200"), ResponseParameters: map[string]bool{"method.response.header.X-Test": false}}))
	_, err = c.gw.PutIntegrationResponse(ctx, &apigateway.PutIntegrationResponseInput{RestApiId: api.Id, ResourceId: notes.Id,
		HttpMethod: aws.String("GET"), StatusCode: aws.String("200"), ResponseParameters: map[string]string{"method.response.header.X-Other": "'x'"}})
	apiErr(t, err, "BadRequestException", "Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression parameter specified: method.response.header.X-Other]")
	must[*apigateway.PutIntegrationResponseOutput](t)(c.gw.PutIntegrationResponse(ctx, &apigateway.PutIntegrationResponseInput{RestApiId: api.Id, ResourceId: notes.Id,
		HttpMethod: aws.String("GET"), StatusCode: aws.String("200"), ResponseParameters: map[string]string{"method.response.header.X-Test": "'yes'"},
		ResponseTemplates: map[string]string{"application/json": `{"hello": "world"}`}}))

	got := must[*apigateway.GetMethodOutput](t)(c.gw.GetMethod(ctx, &apigateway.GetMethodInput{RestApiId: api.Id, ResourceId: notes.Id, HttpMethod: aws.String("GET")}))
	if got.MethodIntegration == nil || got.MethodIntegration.IntegrationResponses["200"].StatusCode == nil || got.MethodResponses["200"].StatusCode == nil {
		t.Fatalf("GetMethod: %+v", got)
	}
	plain := must[*apigateway.GetResourcesOutput](t)(c.gw.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: api.Id}))
	for _, r := range plain.Items {
		if m, ok := r.ResourceMethods["GET"]; *r.Path == "/notes" && (!ok || m.HttpMethod != nil) {
			t.Fatalf("GetResources without embed lists methods as {}: %+v", r.ResourceMethods)
		}
	}
	embedded := must[*apigateway.GetResourcesOutput](t)(c.gw.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: api.Id, Embed: []string{"methods"}}))
	for _, r := range embedded.Items {
		if *r.Path == "/notes" && r.ResourceMethods["GET"].MethodIntegration == nil {
			t.Fatalf("embed=methods: %+v", r.ResourceMethods)
		}
	}

	// Patch operations.
	up := must[*apigateway.UpdateMethodOutput](t)(c.gw.UpdateMethod(ctx, &apigateway.UpdateMethodInput{RestApiId: api.Id, ResourceId: notes.Id, HttpMethod: aws.String("GET"),
		PatchOperations: []types.PatchOperation{
			{Op: types.OpReplace, Path: aws.String("/requestParameters/method.request.querystring.q"), Value: aws.String("true")},
			{Op: types.OpAdd, Path: aws.String("/requestParameters/method.request.header.X-Id"), Value: aws.String("false")},
			{Op: types.OpReplace, Path: aws.String("/apiKeyRequired"), Value: aws.String("false")},
		}}))
	if !up.RequestParameters["method.request.querystring.q"] || len(up.RequestParameters) != 2 {
		t.Fatalf("UpdateMethod: %+v", up.RequestParameters)
	}
	_, err = c.gw.UpdateMethod(ctx, &apigateway.UpdateMethodInput{RestApiId: api.Id, ResourceId: notes.Id, HttpMethod: aws.String("GET"),
		PatchOperations: []types.PatchOperation{{Op: types.OpReplace, Path: aws.String("/nosuch"), Value: aws.String("x")}}})
	apiErr(t, err, "BadRequestException", "")
	ua := must[*apigateway.UpdateRestApiOutput](t)(c.gw.UpdateRestApi(ctx, &apigateway.UpdateRestApiInput{RestApiId: api.Id,
		PatchOperations: []types.PatchOperation{
			{Op: types.OpReplace, Path: aws.String("/name"), Value: aws.String("renamed")},
			{Op: types.OpAdd, Path: aws.String("/binaryMediaTypes/image~1jpeg")},
			{Op: types.OpRemove, Path: aws.String("/binaryMediaTypes/image~1png")},
		}}))
	if *ua.Name != "renamed" || len(ua.BinaryMediaTypes) != 1 || ua.BinaryMediaTypes[0] != "image/jpeg" {
		t.Fatalf("UpdateRestApi: %+v", ua)
	}

	// Models and validators.
	models := must[*apigateway.GetModelsOutput](t)(c.gw.GetModels(ctx, &apigateway.GetModelsInput{RestApiId: api.Id}))
	if len(models.Items) != 2 || *models.Items[0].Name != "Empty" || *models.Items[1].Name != "Error" {
		t.Fatalf("default models: %+v", models.Items)
	}
	_, err = c.gw.CreateModel(ctx, &apigateway.CreateModelInput{RestApiId: api.Id, Name: aws.String("Bad"), ContentType: aws.String("application/json"), Schema: aws.String(`{"type": 5}`)})
	apiErr(t, err, "BadRequestException", "Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified]")
	_, err = c.gw.CreateModel(ctx, &apigateway.CreateModelInput{RestApiId: api.Id, Name: aws.String("Empty"), ContentType: aws.String("application/json"), Schema: aws.String(`{}`)})
	apiErr(t, err, "ConflictException", "Model name already exists for this REST API")
	_, err = c.gw.GetModel(ctx, &apigateway.GetModelInput{RestApiId: api.Id, ModelName: aws.String("Nope")})
	apiErr(t, err, "NotFoundException", "Invalid model name specified: Nope")
	v := must[*apigateway.CreateRequestValidatorOutput](t)(c.gw.CreateRequestValidator(ctx, &apigateway.CreateRequestValidatorInput{RestApiId: api.Id,
		Name: aws.String("Validate body"), ValidateRequestBody: true}))
	uv := must[*apigateway.UpdateRequestValidatorOutput](t)(c.gw.UpdateRequestValidator(ctx, &apigateway.UpdateRequestValidatorInput{RestApiId: api.Id, RequestValidatorId: v.Id,
		PatchOperations: []types.PatchOperation{{Op: types.OpReplace, Path: aws.String("/validateRequestParameters"), Value: aws.String("true")}}}))
	if !uv.ValidateRequestBody || !uv.ValidateRequestParameters {
		t.Fatalf("UpdateRequestValidator: %+v", uv)
	}

	// Deployments and stages.
	dep := must[*apigateway.CreateDeploymentOutput](t)(c.gw.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: api.Id, StageName: aws.String("dev"),
		Variables: map[string]string{"env": "dev"}}))
	st := must[*apigateway.GetStageOutput](t)(c.gw.GetStage(ctx, &apigateway.GetStageInput{RestApiId: api.Id, StageName: aws.String("dev")}))
	if *st.DeploymentId != *dep.Id || st.Variables["env"] != "dev" {
		t.Fatalf("GetStage: %+v", st)
	}
	_, err = c.gw.CreateStage(ctx, &apigateway.CreateStageInput{RestApiId: api.Id, StageName: aws.String("dev"), DeploymentId: dep.Id})
	apiErr(t, err, "ConflictException", "Stage already exists")
	must[*apigateway.CreateStageOutput](t)(c.gw.CreateStage(ctx, &apigateway.CreateStageInput{RestApiId: api.Id, StageName: aws.String("Prod"), DeploymentId: dep.Id}))
	us := must[*apigateway.UpdateStageOutput](t)(c.gw.UpdateStage(ctx, &apigateway.UpdateStageInput{RestApiId: api.Id, StageName: aws.String("Prod"),
		PatchOperations: []types.PatchOperation{
			{Op: types.OpReplace, Path: aws.String("/variables/table"), Value: aws.String("notes")},
			{Op: types.OpReplace, Path: aws.String("/*/*/logging/loglevel"), Value: aws.String("INFO")},
			{Op: types.OpReplace, Path: aws.String("/*/*/metrics/enabled"), Value: aws.String("true")},
			{Op: types.OpReplace, Path: aws.String("/description"), Value: aws.String("production")},
		}}))
	if us.Variables["table"] != "notes" || us.MethodSettings["*/*"].LoggingLevel == nil || *us.MethodSettings["*/*"].LoggingLevel != "INFO" ||
		!us.MethodSettings["*/*"].MetricsEnabled || *us.Description != "production" {
		t.Fatalf("UpdateStage: %+v", us)
	}
	stages := must[*apigateway.GetStagesOutput](t)(c.gw.GetStages(ctx, &apigateway.GetStagesInput{RestApiId: api.Id}))
	if len(stages.Item) != 2 {
		t.Fatalf("GetStages: %+v", stages.Item)
	}
	_, err = c.gw.DeleteDeployment(ctx, &apigateway.DeleteDeploymentInput{RestApiId: api.Id, DeploymentId: dep.Id})
	apiErr(t, err, "BadRequestException", "Active stages pointing to this deployment must be moved or deleted")
	_, err = c.gw.GetStage(ctx, &apigateway.GetStageInput{RestApiId: api.Id, StageName: aws.String("nope")})
	apiErr(t, err, "NotFoundException", "Invalid stage identifier specified")

	// Gateway responses.
	gr := must[*apigateway.GetGatewayResponsesOutput](t)(c.gw.GetGatewayResponses(ctx, &apigateway.GetGatewayResponsesInput{RestApiId: api.Id, Limit: aws.Int32(100)}))
	if len(gr.Items) != 21 {
		t.Fatalf("GetGatewayResponses: %d", len(gr.Items))
	}
	must[*apigateway.PutGatewayResponseOutput](t)(c.gw.PutGatewayResponse(ctx, &apigateway.PutGatewayResponseInput{RestApiId: api.Id,
		ResponseType: types.GatewayResponseTypeDefault4xx, ResponseParameters: map[string]string{"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"}}))
	g := must[*apigateway.GetGatewayResponseOutput](t)(c.gw.GetGatewayResponse(ctx, &apigateway.GetGatewayResponseInput{RestApiId: api.Id, ResponseType: types.GatewayResponseTypeMissingAuthenticationToken}))
	if *g.StatusCode != "403" || g.ResponseParameters["gatewayresponse.header.Access-Control-Allow-Origin"] != "'*'" {
		t.Fatalf("GetGatewayResponse: %+v", g)
	}

	// Delete.
	must[*apigateway.DeleteResourceOutput](t)(c.gw.DeleteResource(ctx, &apigateway.DeleteResourceInput{RestApiId: api.Id, ResourceId: notes.Id}))
	_, err = c.gw.GetResource(ctx, &apigateway.GetResourceInput{RestApiId: api.Id, ResourceId: id.Id})
	apiErr(t, err, "NotFoundException", "Invalid Resource identifier specified")
	must[*apigateway.DeleteRestApiOutput](t)(c.gw.DeleteRestApi(ctx, &apigateway.DeleteRestApiInput{RestApiId: api.Id}))
	_, err = c.gw.GetRestApi(ctx, &apigateway.GetRestApiInput{RestApiId: api.Id})
	apiErr(t, err, "NotFoundException", "")
}
