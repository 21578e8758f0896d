package apigateway_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"
)

// builder shortens building an API in tests.
type builder struct {
	t   testing.TB
	c   *cloud
	api string
	ids map[string]string // path → resource id
}

func (c *cloud) newAPI(t testing.TB, name string) *builder {
	t.Helper()
	api := must[*apigateway.CreateRestApiOutput](t)(c.gw.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String(name)}))
	return &builder{t: t, c: c, api: *api.Id, ids: map[string]string{"/": *api.RootResourceId}}
}

// resource creates (or returns) the resource at path, with its parents.
func (b *builder) resource(path string) string {
	b.t.Helper()
	if id, ok := b.ids[path]; ok {
		return id
	}
	i := strings.LastIndex(path, "/")
	parent := path[:i]
	if parent == "" {
		parent = "/"
	}
	pid := b.resource(parent)
	r := must[*apigateway.CreateResourceOutput](b.t)(b.c.gw.CreateResource(ctx, &apigateway.CreateResourceInput{RestApiId: &b.api, ParentId: &pid, PathPart: aws.String(path[i+1:])}))
	b.ids[path] = *r.Id
	return *r.Id
}

// method puts a method with an integration and, for non-proxy
// integrations, a 200 method response and default integration response.
func (b *builder) method(path, verb string, ig apigateway.PutIntegrationInput, respTemplates map[string]string, mut ...func(*apigateway.PutMethodInput)) {
	b.t.Helper()
	rid := b.resource(path)
	pm := &apigateway.PutMethodInput{RestApiId: &b.api, ResourceId: &rid, HttpMethod: &verb, AuthorizationType: aws.String("NONE")}
	for _, m := range mut {
		m(pm)
	}
	must[*apigateway.PutMethodOutput](b.t)(b.c.gw.PutMethod(ctx, pm))
	ig.RestApiId, ig.ResourceId, ig.HttpMethod = &b.api, &rid, &verb
	must[*apigateway.PutIntegrationOutput](b.t)(b.c.gw.PutIntegration(ctx, &ig))
	if ig.Type == types.IntegrationTypeAwsProxy || ig.Type == types.IntegrationTypeHttpProxy {
		return
	}
	must[*apigateway.PutMethodResponseOutput](b.t)(b.c.gw.PutMethodResponse(ctx, &apigateway.PutMethodResponseInput{RestApiId: &b.api, ResourceId: &rid, HttpMethod: &verb, StatusCode: aws.String("200")}))
	must[*apigateway.PutIntegrationResponseOutput](b.t)(b.c.gw.PutIntegrationResponse(ctx, &apigateway.PutIntegrationResponseInput{RestApiId: &b.api, ResourceId: &rid, HttpMethod: &verb,
		StatusCode: aws.String("200"), ResponseTemplates: respTemplates}))
}

func (b *builder) deploy(stage string, vars map[string]string) {
	b.t.Helper()
	must[*apigateway.CreateDeploymentOutput](b.t)(b.c.gw.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: &b.api, StageName: &stage, Variables: vars}))
}

func mock(tmpl string) apigateway.PutIntegrationInput {
	return apigateway.PutIntegrationInput{Type: types.IntegrationTypeMock, RequestTemplates: map[string]string{"application/json": tmpl}}
}

func TestInvokeMock(t *testing.T) {
	c := start(t)
	b := c.newAPI(t, "mock")
	b.method("/", "GET", mock(`{"statusCode": 200}`), map[string]string{"application/json": `{"root": true}`})
	b.method("/notes/{id}", "GET", mock(`{"statusCode": 200}`),
		map[string]string{"application/json": `{"id": "$input.params('id')", "q": "$input.params('q')", "stage": "$context.stage", "env": "$stageVariables.env", "path": "$context.resourcePath"}`})
	b.method("/notes/special", "GET", mock(`{"statusCode": 200}`), map[string]string{"application/json": `{"special": true}`})
	b.method("/files/{proxy+}", "ANY", mock(`{"statusCode": 200}`), map[string]string{"application/json": `{"file": "$input.params('proxy')", "method": "$context.httpMethod"}`})
	b.deploy("dev", map[string]string{"env": "development"})

	r := c.do(t, "GET", c.invokeURL(b.api, "dev", "/"), "")
	if r.status != 200 || r.body != `{"root": true}` || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /: %+v", r)
	}
	r = c.do(t, "GET", c.invokeURL(b.api, "dev", "/notes/42?q=hello"), "")
	want := `{"id": "42", "q": "hello", "stage": "dev", "env": "development", "path": "/notes/{id}"}`
	if r.status != 200 || r.body != want {
		t.Fatalf("GET /notes/42: %d %s", r.status, r.body)
	}
	// A literal path part wins over {id}.
	if r = c.do(t, "GET", c.invokeURL(b.api, "dev", "/notes/special"), ""); r.body != `{"special": true}` {
		t.Fatalf("GET /notes/special: %s", r.body)
	}
	// Greedy {proxy+} and ANY.
	r = c.do(t, "DELETE", c.invokeURL(b.api, "dev", "/files/a/b/c.txt"), "")
	if r.status != 200 || r.body != `{"file": "a/b/c.txt", "method": "DELETE"}` {
		t.Fatalf("DELETE /files/a/b/c.txt: %d %s", r.status, r.body)
	}
	// Host-based form.
	host := b.api + ".execute-api.localhost:" + mustPort(t, c.url)
	r = c.do(t, "GET", c.url+"/dev/notes/7", "", "Host", host)
	if r.status != 200 || !strings.Contains(r.body, `"id": "7"`) {
		t.Fatalf("host form: %d %s", r.status, r.body)
	}
	// No route: 403 Missing Authentication Token; no stage: 403 Forbidden.
	r = c.do(t, "POST", c.invokeURL(b.api, "dev", "/notes/42"), "")
	if r.status != 403 || r.body != `{"message":"Missing Authentication Token"}` || r.header.Get("X-Amzn-Errortype") != "MissingAuthenticationTokenException" {
		t.Fatalf("no method: %d %s %v", r.status, r.body, r.header)
	}
	if r = c.do(t, "GET", c.invokeURL(b.api, "nostage", "/"), ""); r.status != 403 || r.body != `{"message":"Forbidden"}` {
		t.Fatalf("no stage: %d %s", r.status, r.body)
	}

	// Changes are invisible until deployed.
	b.method("/later", "GET", mock(`{"statusCode": 200}`), map[string]string{"application/json": `later`})
	if r = c.do(t, "GET", c.invokeURL(b.api, "dev", "/later"), ""); r.status != 403 {
		t.Fatalf("undeployed method answered: %d %s", r.status, r.body)
	}
	b.deploy("dev", nil)
	if r = c.do(t, "GET", c.invokeURL(b.api, "dev", "/later"), ""); r.status != 200 || r.body != "later" {
		t.Fatalf("after redeploy: %d %s", r.status, r.body)
	}
}

func mustPort(t testing.TB, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Port()
}

func TestInvokeMockSelectionAndPassthrough(t *testing.T) {
	c := start(t)
	b := c.newAPI(t, "sel")
	// The request template picks the status; integration responses map it.
	rid := b.resource("/items")
	b.method("/items", "GET", mock(`{"statusCode": $input.params('code')}`), map[string]string{"application/json": `{"ok": true}`})
	must[*apigateway.PutMethodResponseOutput](t)(c.gw.PutMethodResponse(ctx, &apigateway.PutMethodResponseInput{RestApiId: &b.api, ResourceId: &rid, HttpMethod: aws.String("GET"),
		StatusCode: aws.String("404"), ResponseParameters: map[string]bool{"method.response.header.X-Reason": false}}))
	must[*apigateway.PutIntegrationResponseOutput](t)(c.gw.PutIntegrationResponse(ctx, &apigateway.PutIntegrationResponseInput{RestApiId: &b.api, ResourceId: &rid, HttpMethod: aws.String("GET"),
		StatusCode: aws.String("404"), SelectionPattern: aws.String("4\\d\\d"), ResponseParameters: map[string]string{"method.response.header.X-Reason": "'missing'"},
		ResponseTemplates: map[string]string{"application/json": `{"error": "not found"}`}}))
	// NEVER refuses content types without a template.
	ig := mock(`{"statusCode": 200}`)
	ig.PassthroughBehavior = aws.String("NEVER")
	b.method("/strict", "POST", ig, nil)
	b.deploy("v1", nil)

	r := c.do(t, "GET", c.invokeURL(b.api, "v1", "/items?code=200"), "")
	if r.status != 200 || r.body != `{"ok": true}` {
		t.Fatalf("200: %d %s", r.status, r.body)
	}
	r = c.do(t, "GET", c.invokeURL(b.api, "v1", "/items?code=404"), "")
	if r.status != 404 || r.body != `{"error": "not found"}` || r.header.Get("X-Reason") != "missing" {
		t.Fatalf("404: %d %s %v", r.status, r.body, r.header)
	}
	// No integration response matches 500 and there is a default (200)... which is taken.
	r = c.do(t, "POST", c.invokeURL(b.api, "v1", "/strict"), "hello", "Content-Type", "text/plain")
	if r.status != 415 || r.body != `{"message": "Unsupported Media Type"}` {
		t.Fatalf("NEVER: %d %s", r.status, r.body)
	}
	r = c.do(t, "POST", c.invokeURL(b.api, "v1", "/strict"), "{}", "Content-Type", "application/json")
	if r.status != 200 {
		t.Fatalf("NEVER with a template: %d %s", r.status, r.body)
	}
}

func decode(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return m
}

// TestConcurrentInvocations exercises the compiled-deployment and template
// caches from many goroutines while a redeployment happens (run with -race).
func TestConcurrentInvocations(t *testing.T) {
	c := start(t)
	b := c.newAPI(t, "concurrent")
	b.method("/n/{id}", "GET", mock(`{"statusCode": 200}`), map[string]string{"application/json": `$input.params('id')`})
	b.deploy("dev", nil)
	errs := make(chan string, 8)
	for w := 0; w < 8; w++ {
		go func() {
			for i := 0; i < 40; i++ {
				id := strconv.Itoa(w*1000 + i)
				req, _ := http.NewRequest("GET", c.invokeURL(b.api, "dev", "/n/"+id), nil)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err.Error()
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || string(body) != id {
					errs <- fmt.Sprintf("%d %s", resp.StatusCode, body)
					return
				}
			}
			errs <- ""
		}()
	}
	b.deploy("dev", nil)
	for w := 0; w < 8; w++ {
		if e := <-errs; e != "" {
			t.Fatal(e)
		}
	}
}
