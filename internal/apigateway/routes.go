package apigateway

import "github.com/nimbus-cloud/nimbus/internal/protocol/restjson"

// routes binds the control-plane operations to botocore's URIs and
// success codes (apigateway 2015-07-09).
func (s *Service) routes() {
	h := s.h
	op := func(name, pattern string, status int, o restjson.Op) { h.Handle(name, pattern, status, o) }
	const api = "/restapis/{restapi_id}"
	const res = api + "/resources/{resource_id}"
	const meth = res + "/methods/{http_method}"

	op("CreateRestApi", "POST /restapis", 201, restjson.Operation(s.CreateRestApi))
	op("ImportRestApi", "POST /restapis?mode=import", 201, restjson.Operation(s.ImportRestApi))
	op("PutRestApi", "PUT "+api, 200, restjson.Operation(s.PutRestApi))
	op("GetExport", "GET "+api+"/stages/{stage_name}/exports/{export_type}", 200, restjson.Operation(s.GetExport))
	op("GetRestApis", "GET /restapis", 200, restjson.Operation(s.GetRestApis))
	op("GetRestApi", "GET "+api, 200, restjson.Operation(s.GetRestApi))
	op("DeleteRestApi", "DELETE "+api, 202, restjson.Operation(s.DeleteRestApi))
	op("UpdateRestApi", "PATCH "+api, 200, restjson.Operation(s.UpdateRestApi))

	op("GetResources", "GET "+api+"/resources", 200, restjson.Operation(s.GetResources))
	op("CreateResource", "POST "+api+"/resources/{parent_id}", 201, restjson.Operation(s.CreateResource))
	op("GetResource", "GET "+res, 200, restjson.Operation(s.GetResource))
	op("DeleteResource", "DELETE "+res, 202, restjson.Operation(s.DeleteResource))
	op("UpdateResource", "PATCH "+res, 200, restjson.Operation(s.UpdateResource))

	op("PutMethod", "PUT "+meth, 201, restjson.Operation(s.PutMethod))
	op("GetMethod", "GET "+meth, 200, restjson.Operation(s.GetMethod))
	op("DeleteMethod", "DELETE "+meth, 204, restjson.Operation(s.DeleteMethod))
	op("UpdateMethod", "PATCH "+meth, 200, restjson.Operation(s.UpdateMethod))
	op("TestInvokeMethod", "POST "+meth, 200, restjson.Operation(s.TestInvokeMethod))

	op("PutMethodResponse", "PUT "+meth+"/responses/{status_code}", 201, restjson.Operation(s.PutMethodResponse))
	op("GetMethodResponse", "GET "+meth+"/responses/{status_code}", 200, restjson.Operation(s.GetMethodResponse))
	op("DeleteMethodResponse", "DELETE "+meth+"/responses/{status_code}", 204, restjson.Operation(s.DeleteMethodResponse))
	op("UpdateMethodResponse", "PATCH "+meth+"/responses/{status_code}", 201, restjson.Operation(s.UpdateMethodResponse))

	op("PutIntegration", "PUT "+meth+"/integration", 201, restjson.Operation(s.PutIntegration))
	op("GetIntegration", "GET "+meth+"/integration", 200, restjson.Operation(s.GetIntegration))
	op("DeleteIntegration", "DELETE "+meth+"/integration", 204, restjson.Operation(s.DeleteIntegration))
	op("UpdateIntegration", "PATCH "+meth+"/integration", 200, restjson.Operation(s.UpdateIntegration))

	const ir = meth + "/integration/responses/{status_code}"
	op("PutIntegrationResponse", "PUT "+ir, 201, restjson.Operation(s.PutIntegrationResponse))
	op("GetIntegrationResponse", "GET "+ir, 200, restjson.Operation(s.GetIntegrationResponse))
	op("DeleteIntegrationResponse", "DELETE "+ir, 204, restjson.Operation(s.DeleteIntegrationResponse))
	op("UpdateIntegrationResponse", "PATCH "+ir, 200, restjson.Operation(s.UpdateIntegrationResponse))

	op("CreateModel", "POST "+api+"/models", 201, restjson.Operation(s.CreateModel))
	op("GetModels", "GET "+api+"/models", 200, restjson.Operation(s.GetModels))
	op("GetModel", "GET "+api+"/models/{model_name}", 200, restjson.Operation(s.GetModel))
	op("GetModelTemplate", "GET "+api+"/models/{model_name}/default_template", 200, restjson.Operation(s.GetModelTemplate))
	op("DeleteModel", "DELETE "+api+"/models/{model_name}", 202, restjson.Operation(s.DeleteModel))
	op("UpdateModel", "PATCH "+api+"/models/{model_name}", 200, restjson.Operation(s.UpdateModel))

	const rv = api + "/requestvalidators"
	op("CreateRequestValidator", "POST "+rv, 201, restjson.Operation(s.CreateRequestValidator))
	op("GetRequestValidators", "GET "+rv, 200, restjson.Operation(s.GetRequestValidators))
	op("GetRequestValidator", "GET "+rv+"/{requestvalidator_id}", 200, restjson.Operation(s.GetRequestValidator))
	op("DeleteRequestValidator", "DELETE "+rv+"/{requestvalidator_id}", 202, restjson.Operation(s.DeleteRequestValidator))
	op("UpdateRequestValidator", "PATCH "+rv+"/{requestvalidator_id}", 200, restjson.Operation(s.UpdateRequestValidator))

	const gr = api + "/gatewayresponses"
	op("GetGatewayResponses", "GET "+gr, 200, restjson.Operation(s.GetGatewayResponses))
	op("GetGatewayResponse", "GET "+gr+"/{response_type}", 200, restjson.Operation(s.GetGatewayResponse))
	op("PutGatewayResponse", "PUT "+gr+"/{response_type}", 201, restjson.Operation(s.PutGatewayResponse))
	op("DeleteGatewayResponse", "DELETE "+gr+"/{response_type}", 202, restjson.Operation(s.DeleteGatewayResponse))
	op("UpdateGatewayResponse", "PATCH "+gr+"/{response_type}", 200, restjson.Operation(s.UpdateGatewayResponse))

	const dep = api + "/deployments"
	op("CreateDeployment", "POST "+dep, 201, restjson.Operation(s.CreateDeployment))
	op("GetDeployments", "GET "+dep, 200, restjson.Operation(s.GetDeployments))
	op("GetDeployment", "GET "+dep+"/{deployment_id}", 200, restjson.Operation(s.GetDeployment))
	op("DeleteDeployment", "DELETE "+dep+"/{deployment_id}", 202, restjson.Operation(s.DeleteDeployment))
	op("UpdateDeployment", "PATCH "+dep+"/{deployment_id}", 200, restjson.Operation(s.UpdateDeployment))

	const au = api + "/authorizers"
	op("CreateAuthorizer", "POST "+au, 201, restjson.Operation(s.CreateAuthorizer))
	op("GetAuthorizers", "GET "+au, 200, restjson.Operation(s.GetAuthorizers))
	op("GetAuthorizer", "GET "+au+"/{authorizer_id}", 200, restjson.Operation(s.GetAuthorizer))
	op("DeleteAuthorizer", "DELETE "+au+"/{authorizer_id}", 202, restjson.Operation(s.DeleteAuthorizer))
	op("UpdateAuthorizer", "PATCH "+au+"/{authorizer_id}", 200, restjson.Operation(s.UpdateAuthorizer))

	op("CreateApiKey", "POST /apikeys", 201, restjson.Operation(s.CreateApiKey))
	op("GetApiKeys", "GET /apikeys", 200, restjson.Operation(s.GetApiKeys))
	op("GetApiKey", "GET /apikeys/{api_Key}", 200, restjson.Operation(s.GetApiKey))
	op("DeleteApiKey", "DELETE /apikeys/{api_Key}", 202, restjson.Operation(s.DeleteApiKey))
	op("UpdateApiKey", "PATCH /apikeys/{api_Key}", 200, restjson.Operation(s.UpdateApiKey))
	op("CreateUsagePlan", "POST /usageplans", 201, restjson.Operation(s.CreateUsagePlan))
	op("GetUsagePlans", "GET /usageplans", 200, restjson.Operation(s.GetUsagePlans))
	op("GetUsagePlan", "GET /usageplans/{usageplanId}", 200, restjson.Operation(s.GetUsagePlan))
	op("DeleteUsagePlan", "DELETE /usageplans/{usageplanId}", 202, restjson.Operation(s.DeleteUsagePlan))
	op("UpdateUsagePlan", "PATCH /usageplans/{usageplanId}", 200, restjson.Operation(s.UpdateUsagePlan))
	op("CreateUsagePlanKey", "POST /usageplans/{usageplanId}/keys", 201, restjson.Operation(s.CreateUsagePlanKey))
	op("GetUsagePlanKeys", "GET /usageplans/{usageplanId}/keys", 200, restjson.Operation(s.GetUsagePlanKeys))
	op("GetUsagePlanKey", "GET /usageplans/{usageplanId}/keys/{keyId}", 200, restjson.Operation(s.GetUsagePlanKey))
	op("DeleteUsagePlanKey", "DELETE /usageplans/{usageplanId}/keys/{keyId}", 202, restjson.Operation(s.DeleteUsagePlanKey))

	const st = api + "/stages"
	op("CreateStage", "POST "+st, 201, restjson.Operation(s.CreateStage))
	op("GetStages", "GET "+st, 200, restjson.Operation(s.GetStages))
	op("GetStage", "GET "+st+"/{stage_name}", 200, restjson.Operation(s.GetStage))
	op("DeleteStage", "DELETE "+st+"/{stage_name}", 202, restjson.Operation(s.DeleteStage))
	op("UpdateStage", "PATCH "+st+"/{stage_name}", 200, restjson.Operation(s.UpdateStage))
}
