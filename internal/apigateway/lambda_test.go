package apigateway_test

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"
)

// echo answers with the proxy event it received; the request's path picks
// malformed answers and failures.
const echo = `
import json
def handler(event, context):
    p = event["path"]
    if p.endswith("/malformed"):
        return {"statusCode": 200, "body": {"not": "a string"}}
    if p.endswith("/fail"):
        raise Exception("boom")
    if p.endswith("/binary"):
        return {"statusCode": 200, "headers": {"Content-Type": "image/png"}, "body": "iVBORw==", "isBase64Encoded": True}
    return {"statusCode": 201, "headers": {"X-Echo": "yes"}, "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
            "body": json.dumps(event)}
`

// picky fails with a message the selection patterns map.
const picky = `
def handler(event, context):
    if event.get("id") == "missing":
        raise Exception("Not found: " + event["id"])
    if event.get("id") == "bad":
        raise Exception("something else")
    return {"id": event.get("id"), "ok": True}
`

func TestLambdaProxy(t *testing.T) {
	needPython(t)
	c := start(t)
	fn := c.pythonFunction(t, "echo", echo, true)
	denied := c.pythonFunction(t, "denied", echo, false)
	b := c.newAPI(t, "proxy")
	proxy := apigateway.PutIntegrationInput{Type: types.IntegrationTypeAwsProxy, IntegrationHttpMethod: aws.String("POST"), Uri: aws.String(lambdaURI(fn))}
	b.method("/{proxy+}", "ANY", proxy, nil)
	b.method("/items/{id}", "GET", proxy, nil)
	b.method("/denied", "GET", apigateway.PutIntegrationInput{Type: types.IntegrationTypeAwsProxy, IntegrationHttpMethod: aws.String("POST"), Uri: aws.String(lambdaURI(denied))}, nil)
	must[*apigateway.UpdateRestApiOutput](t)(c.gw.UpdateRestApi(ctx, &apigateway.UpdateRestApiInput{RestApiId: &b.api,
		PatchOperations: []types.PatchOperation{{Op: types.OpAdd, Path: aws.String("/binaryMediaTypes/application~1octet-stream")}}}))
	b.deploy("test", map[string]string{"color": "blue"})

	r := c.do(t, "GET", c.invokeURL(b.api, "test", "/items/9?a=1&a=2&b=3"), "", "X-Custom", "v")
	if r.status != 201 || r.header.Get("X-Echo") != "yes" || strings.Join(r.header.Values("Set-Cookie"), ";") != "a=1;b=2" {
		t.Fatalf("proxy: %d %v %s", r.status, r.header, r.body)
	}
	ev := decode(t, r.body)
	rc := ev["requestContext"].(map[string]any)
	if ev["resource"] != "/items/{id}" || ev["path"] != "/items/9" || ev["httpMethod"] != "GET" ||
		ev["pathParameters"].(map[string]any)["id"] != "9" ||
		ev["queryStringParameters"].(map[string]any)["a"] != "2" ||
		len(ev["multiValueQueryStringParameters"].(map[string]any)["a"].([]any)) != 2 ||
		ev["headers"].(map[string]any)["X-Custom"] != "v" ||
		ev["stageVariables"].(map[string]any)["color"] != "blue" ||
		ev["body"] != nil || ev["isBase64Encoded"] != false ||
		rc["stage"] != "test" || rc["apiId"] != b.api || rc["resourcePath"] != "/items/{id}" || rc["accountId"] != "000000000000" ||
		rc["identity"].(map[string]any)["sourceIp"] != "127.0.0.1" || rc["path"] != "/test/items/9" {
		t.Fatalf("event: %s", r.body)
	}
	// Greedy path, a body, a binary body.
	r = c.do(t, "PUT", c.invokeURL(b.api, "test", "/a/b"), `{"x":1}`, "Content-Type", "application/json")
	ev = decode(t, r.body)
	if ev["resource"] != "/{proxy+}" || ev["pathParameters"].(map[string]any)["proxy"] != "a/b" || ev["body"] != `{"x":1}` {
		t.Fatalf("greedy: %s", r.body)
	}
	r = c.do(t, "POST", c.invokeURL(b.api, "test", "/upload"), "\x00\x01", "Content-Type", "application/octet-stream")
	ev = decode(t, r.body)
	if ev["isBase64Encoded"] != true || ev["body"] != base64.StdEncoding.EncodeToString([]byte("\x00\x01")) {
		t.Fatalf("binary request: %s", r.body)
	}
	r = c.do(t, "GET", c.invokeURL(b.api, "test", "/binary"), "")
	if r.status != 200 || r.body != "\x89PNG" || r.header.Get("Content-Type") != "image/png" {
		t.Fatalf("binary response: %d %q", r.status, r.body)
	}

	// A malformed answer or a failed function: 502.
	for _, p := range []string{"/malformed", "/fail"} {
		r = c.do(t, "GET", c.invokeURL(b.api, "test", p), "")
		if r.status != 502 || r.body != `{"message": "Internal server error"}` {
			t.Fatalf("%s: %d %s", p, r.status, r.body)
		}
	}
	// No permission for apigateway.amazonaws.com: 500.
	r = c.do(t, "GET", c.invokeURL(b.api, "test", "/denied"), "")
	if r.status != 500 || r.body != `{"message": "Internal server error"}` {
		t.Fatalf("denied: %d %s", r.status, r.body)
	}
}

func TestLambdaNonProxySelection(t *testing.T) {
	needPython(t)
	c := start(t)
	fn := c.pythonFunction(t, "picky", picky, true)
	b := c.newAPI(t, "nonproxy")
	rid := b.resource("/things/{id}")
	b.method("/things/{id}", "GET", apigateway.PutIntegrationInput{Type: types.IntegrationTypeAws, IntegrationHttpMethod: aws.String("POST"), Uri: aws.String(lambdaURI(fn)),
		RequestTemplates: map[string]string{"application/json": `{"id": "$input.params('id')"}`}}, nil)
	must[*apigateway.PutMethodResponseOutput](t)(c.gw.PutMethodResponse(ctx, &apigateway.PutMethodResponseInput{RestApiId: &b.api, ResourceId: &rid, HttpMethod: aws.String("GET"), StatusCode: aws.String("404")}))
	must[*apigateway.PutIntegrationResponseOutput](t)(c.gw.PutIntegrationResponse(ctx, &apigateway.PutIntegrationResponseInput{RestApiId: &b.api, ResourceId: &rid, HttpMethod: aws.String("GET"),
		StatusCode: aws.String("404"), SelectionPattern: aws.String("Not found: .*"),
		ResponseTemplates: map[string]string{"application/json": `{"error": "$input.path('$.errorMessage')"}`}}))
	b.deploy("v1", nil)

	r := c.do(t, "GET", c.invokeURL(b.api, "v1", "/things/abc"), "")
	if r.status != 200 || decode(t, r.body)["id"] != "abc" {
		t.Fatalf("success: %d %s", r.status, r.body)
	}
	r = c.do(t, "GET", c.invokeURL(b.api, "v1", "/things/missing"), "")
	if r.status != 404 || r.body != `{"error": "Not found: missing"}` {
		t.Fatalf("selected error: %d %s", r.status, r.body)
	}
	// An error no pattern matches takes the default response, as AWS does.
	r = c.do(t, "GET", c.invokeURL(b.api, "v1", "/things/bad"), "")
	if r.status != 200 || decode(t, r.body)["errorMessage"] != "something else" {
		t.Fatalf("unmatched error: %d %s", r.status, r.body)
	}
}

func TestHTTPIntegrations(t *testing.T) {
	c := start(t)
	block := make(chan struct{})
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-block
			return
		}
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Backend", "1")
		w.Header().Set("Content-Type", "text/plain")
		if r.URL.Path == "/missing" {
			w.WriteHeader(404)
		}
		io.WriteString(w, r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("X-Mapped")+" "+string(body))
	}))
	// Unblock the slow handler before Close waits for it.
	defer backend.Close()
	defer close(block)

	b := c.newAPI(t, "http")
	b.method("/pass/{proxy+}", "ANY", apigateway.PutIntegrationInput{Type: types.IntegrationTypeHttpProxy, IntegrationHttpMethod: aws.String("ANY"),
		Uri: aws.String(backend.URL + "/{proxy}"), RequestParameters: map[string]string{"integration.request.path.proxy": "method.request.path.proxy"}}, nil,
		func(in *apigateway.PutMethodInput) {
			in.RequestParameters = map[string]bool{"method.request.path.proxy": true}
		})
	b.method("/mapped/{id}", "GET", apigateway.PutIntegrationInput{Type: types.IntegrationTypeHttp, IntegrationHttpMethod: aws.String("POST"),
		Uri: aws.String(backend.URL + "/items/{id}"),
		RequestParameters: map[string]string{"integration.request.path.id": "method.request.path.id",
			"integration.request.querystring.q": "method.request.querystring.search", "integration.request.header.X-Mapped": "'static'"},
		RequestTemplates: map[string]string{"application/json": `{"stage": "$context.stage"}`}}, nil,
		func(in *apigateway.PutMethodInput) {
			in.RequestParameters = map[string]bool{"method.request.path.id": true, "method.request.querystring.search": true}
		})
	timeout := int32(50)
	b.method("/slow", "GET", apigateway.PutIntegrationInput{Type: types.IntegrationTypeHttp, IntegrationHttpMethod: aws.String("GET"),
		Uri: aws.String(backend.URL + "/slow"), TimeoutInMillis: &timeout}, nil)
	b.deploy("live", nil)

	r := c.do(t, "DELETE", c.invokeURL(b.api, "live", "/pass/x/y?z=1"), "payload")
	if r.status != 200 || r.body != "DELETE /x/y?z=1  payload" || r.header.Get("X-Backend") != "1" {
		t.Fatalf("HTTP_PROXY: %d %q %v", r.status, r.body, r.header)
	}
	r = c.do(t, "GET", c.invokeURL(b.api, "live", "/mapped/7?search=term"), "")
	if r.status != 200 || r.body != `POST /items/7?q=term static {"stage": "live"}` {
		t.Fatalf("HTTP: %d %q", r.status, r.body)
	}
	r = c.do(t, "GET", c.invokeURL(b.api, "live", "/slow"), "")
	if r.status != 504 || r.body != `{"message": "Endpoint request timed out"}` {
		t.Fatalf("timeout: %d %q", r.status, r.body)
	}
}

func TestRequestParameterValidation(t *testing.T) {
	c := start(t)
	b := c.newAPI(t, "params")
	v := must[*apigateway.CreateRequestValidatorOutput](t)(c.gw.CreateRequestValidator(ctx, &apigateway.CreateRequestValidatorInput{RestApiId: &b.api,
		Name: aws.String("Validate query string parameters and headers"), ValidateRequestParameters: true}))
	b.method("/search", "GET", mock(`{"statusCode": 200}`), map[string]string{"application/json": `ok`}, func(in *apigateway.PutMethodInput) {
		in.RequestValidatorId = v.Id
		in.RequestParameters = map[string]bool{"method.request.querystring.q": true, "method.request.header.X-Token": true, "method.request.querystring.opt": false}
	})
	b.deploy("v", nil)
	r := c.do(t, "GET", c.invokeURL(b.api, "v", "/search"), "")
	if r.status != 400 || r.body != `{"message":"Missing required request parameters: [X-Token, q]"}` {
		t.Fatalf("missing: %d %s", r.status, r.body)
	}
	r = c.do(t, "GET", c.invokeURL(b.api, "v", "/search?q=x"), "", "X-Token", "t")
	if r.status != 200 || r.body != "ok" {
		t.Fatalf("present: %d %s", r.status, r.body)
	}
}

func TestBinaryContentHandling(t *testing.T) {
	c := start(t)
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/image" {
			io.WriteString(w, base64.StdEncoding.EncodeToString([]byte("\x89PNG\x00")))
			return
		}
		w.Write(body)
	}))
	defer backend.Close()
	b := c.newAPI(t, "binary")
	must[*apigateway.UpdateRestApiOutput](t)(c.gw.UpdateRestApi(ctx, &apigateway.UpdateRestApiInput{RestApiId: &b.api,
		PatchOperations: []types.PatchOperation{{Op: types.OpAdd, Path: aws.String("/binaryMediaTypes/image~1png")}}}))
	// A binary upload reaches a template base64-encoded.
	b.method("/upload", "POST", apigateway.PutIntegrationInput{Type: types.IntegrationTypeHttp, IntegrationHttpMethod: aws.String("POST"),
		Uri: aws.String(backend.URL + "/echo"), RequestTemplates: map[string]string{"image/png": `{"data": "$input.body"}`}}, nil)
	// A base64 answer converted to binary.
	rid := b.resource("/image")
	b.method("/image", "GET", apigateway.PutIntegrationInput{Type: types.IntegrationTypeHttp, IntegrationHttpMethod: aws.String("GET"),
		Uri: aws.String(backend.URL + "/image")}, nil)
	must[*apigateway.UpdateIntegrationResponseOutput](t)(c.gw.UpdateIntegrationResponse(ctx, &apigateway.UpdateIntegrationResponseInput{RestApiId: &b.api, ResourceId: &rid,
		HttpMethod: aws.String("GET"), StatusCode: aws.String("200"),
		PatchOperations: []types.PatchOperation{{Op: types.OpReplace, Path: aws.String("/contentHandling"), Value: aws.String("CONVERT_TO_BINARY")}}}))
	b.deploy("v1", nil)

	r := c.do(t, "POST", c.invokeURL(b.api, "v1", "/upload"), "\x00\x01\x02", "Content-Type", "image/png")
	if r.status != 200 || r.body != `{"data": "AAEC"}` {
		t.Fatalf("binary request: %d %q", r.status, r.body)
	}
	r = c.do(t, "GET", c.invokeURL(b.api, "v1", "/image"), "", "Accept", "image/png")
	if r.status != 200 || r.body != "\x89PNG\x00" || r.header.Get("Content-Type") != "image/png" {
		t.Fatalf("binary response: %d %q %v", r.status, r.body, r.header)
	}
}
