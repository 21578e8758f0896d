// Package apigateway is Amazon API Gateway's REST APIs: the control plane
// (apigateway 2015-07-09, restJson1, signing name "apigateway") and the
// invocation endpoint that serves deployed APIs.
//
// Model. An API is stored as one document (apiDoc: the API's settings, its
// resource tree with methods, method responses, integrations and
// integration responses, its models, request validators and gateway
// responses) under apigateway/api/{account}/{region}/{id}; every control
// plane change is a read-modify-write of that document in one storage
// transaction. CreateDeployment freezes a copy of the document
// (apigateway/dep/...); a stage (apigateway/stage/...) names a deployment.
// The invocation endpoint serves only deployments, so changes are invisible
// until the next deployment, as in AWS. A deployment never changes, so its
// compiled form (routing tree, JSON Schema validators) is cached in memory.
//
// Invocation. Requests reach InvokeHandler through Match: Host
// {api}.execute-api.localhost[:port] (or {api}.execute-api.{region}.amazonaws.com)
// with /{stage}/{path}, or /restapis/{api}/{stage}/_user_request_/{path} on
// any host. Routing prefers a literal path part over {param} over
// {proxy+}, and a method over ANY. Then: authorization (AWS_IAM needs a
// signed request; CUSTOM runs the Lambda authorizer, TOKEN or REQUEST, and
// evaluates its IAM policy, caching the answer by identity for the TTL),
// the API key (x-api-key must be an enabled key in a usage plan that covers
// the stage, within its quota), the request validator (parameters, then
// the body against the method's model: 400 {"message": "Invalid request
// body"}), and the integration: AWS_PROXY (the Lambda proxy event, version
// 1.0), AWS (Lambda non-proxy with request and response mapping templates
// and selection patterns on errorMessage; other services' actions and
// paths, sent to nimbus's own endpoint signed with credentials issued for
// the API's account), MOCK, HTTP and HTTP_PROXY. Errors API Gateway raises
// itself go through the API's gateway responses (status, headers,
// template), so "Enable CORS" headers appear on them. Access and execution
// logs go to CloudWatch Logs in the background when the stage enables them.
//
// ImportRestApi, PutRestApi and GetExport translate between the stored
// document and OpenAPI 3 / Swagger 2 with the x-amazon-apigateway-*
// extensions.
//
// Lambda is reached through Options.Lambda (InvokeFunc), which the app
// wiring binds to the Lambda service with the principal
// apigateway.amazonaws.com and the execute-api source ARN, so a function's
// resource policy decides, as in AWS.
//
// Mapping templates are Velocity (package vtl), parsed once and cached;
// templates without Velocity syntax are used as they are.
package apigateway
