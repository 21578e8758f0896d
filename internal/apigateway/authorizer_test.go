package apigateway_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"
)

const tokenAuthorizer = `
calls = 0
def handler(event, context):
    global calls
    calls += 1
    token = event["authorizationToken"]
    if token == "error":
        raise Exception("Unauthorized")
    if token == "broken":
        return {"nothing": True}
    effect = "Deny" if token == "deny" else "Allow"
    return {"principalId": "user-" + token,
            "policyDocument": {"Version": "2012-10-17", "Statement": [
                {"Action": "execute-api:Invoke", "Effect": effect, "Resource": event["methodArn"]}]},
            "context": {"tier": "gold", "calls": calls}}
`

func TestLambdaAuthorizer(t *testing.T) {
	needPython(t)
	c := start(t)
	fn := c.pythonFunction(t, "authz", tokenAuthorizer, true)
	b := c.newAPI(t, "secure")
	_, err := c.gw.CreateAuthorizer(ctx, &apigateway.CreateAuthorizerInput{RestApiId: &b.api, Name: aws.String("bad"), Type: types.AuthorizerTypeToken,
		AuthorizerUri: aws.String(lambdaURI(fn)), IdentitySource: aws.String("method.request.querystring.token")})
	apiErr(t, err, "BadRequestException", "")
	az := must[*apigateway.CreateAuthorizerOutput](t)(c.gw.CreateAuthorizer(ctx, &apigateway.CreateAuthorizerInput{RestApiId: &b.api, Name: aws.String("token"),
		Type: types.AuthorizerTypeToken, AuthorizerUri: aws.String(lambdaURI(fn)), IdentitySource: aws.String("method.request.header.Authorization")}))
	if *az.AuthorizerResultTtlInSeconds != 300 {
		t.Fatalf("CreateAuthorizer: %+v", az)
	}
	_, err = c.gw.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: &b.api, ResourceId: aws.String(b.resource("/x")), HttpMethod: aws.String("GET"),
		AuthorizationType: aws.String("CUSTOM"), AuthorizerId: aws.String("nope00")})
	apiErr(t, err, "BadRequestException", "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.")
	b.method("/secure", "GET", mock(`{"statusCode": 200}`),
		map[string]string{"application/json": `{"principal": "$context.authorizer.principalId", "tier": "$context.authorizer.tier", "calls": "$context.authorizer.calls"}`},
		func(in *apigateway.PutMethodInput) {
			in.AuthorizationType, in.AuthorizerId = aws.String("CUSTOM"), az.Id
		})
	b.deploy("v1", nil)
	url := c.invokeURL(b.api, "v1", "/secure")

	if r := c.do(t, "GET", url, ""); r.status != 401 || r.body != `{"message":"Unauthorized"}` {
		t.Fatalf("no token: %d %s", r.status, r.body)
	}
	r := c.do(t, "GET", url, "", "Authorization", "alice")
	if r.status != 200 || r.body != `{"principal": "user-alice", "tier": "gold", "calls": "1"}` {
		t.Fatalf("allowed: %d %s", r.status, r.body)
	}
	// The result is cached for the TTL: the authorizer does not run again.
	if r = c.do(t, "GET", url, "", "Authorization", "alice"); r.body != `{"principal": "user-alice", "tier": "gold", "calls": "1"}` {
		t.Fatalf("cached: %d %s", r.status, r.body)
	}
	if r = c.do(t, "GET", url, "", "Authorization", "deny"); r.status != 403 || r.body != `{"Message":"User is not authorized to access this resource with an explicit deny"}` {
		t.Fatalf("denied: %d %s", r.status, r.body)
	}
	if r = c.do(t, "GET", url, "", "Authorization", "error"); r.status != 401 || r.body != `{"message":"Unauthorized"}` {
		t.Fatalf("Unauthorized error: %d %s", r.status, r.body)
	}
	if r = c.do(t, "GET", url, "", "Authorization", "broken"); r.status != 500 || r.body != `{"message":null}` {
		t.Fatalf("malformed answer: %d %s", r.status, r.body)
	}
}
