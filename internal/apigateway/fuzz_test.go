package apigateway

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// FuzzParseProxyResponse: any Lambda answer is either a response or an
// error (502), never a panic; a parsed status is a valid HTTP status.
func FuzzParseProxyResponse(f *testing.F) {
	for _, s := range []string{
		`{"statusCode": 200, "body": "ok"}`,
		`{"statusCode": "201", "headers": {"a": 1, "b": null}, "multiValueHeaders": {"c": ["x", 2]}, "body": "aGk=", "isBase64Encoded": true}`,
		`{"statusCode": 200, "body": {"x": 1}}`, `null`, `[]`, `"x"`, `{"statusCode": 99}`, `{"body": "x"}`, `{"statusCode": 1e3}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		status, h, _, err := parseProxyResponse(b)
		if err == nil && (status < 100 || status > 599 || h == nil) {
			t.Fatalf("accepted status %d", status)
		}
	})
}

// FuzzPatch: patch operations from clients never panic, and the patched
// method still encodes.
func FuzzPatch(f *testing.F) {
	f.Add("replace", "/requestParameters/method.request.querystring.q", "true")
	f.Add("add", "/authorizationScopes/a~1b", "")
	f.Add("remove", "/requestModels/application~1json", "")
	f.Add("move", "/operationName", "/authorizationType")
	f.Add("copy", "/x/y/z", "~0~1")
	f.Fuzz(func(t *testing.T, op, path, value string) {
		m := &Method{HTTPMethod: "GET", AuthorizationType: "NONE", RequestModels: map[string]string{"application/json": "Empty"}}
		ops := []PatchOperation{{Op: op, Path: path, Value: &value, From: &value}}
		applyPatch(m, ops, methodPatch)
		if _, err := json.Marshal(m); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzMatch: host and path parsing of invocation requests never panic and
// what they extract is well formed.
func FuzzMatch(f *testing.F) {
	f.Add("abc123.execute-api.localhost:4566", "/dev/notes")
	f.Add("localhost:4566", "/restapis/abc/dev/_user_request_/notes/1")
	f.Add("x.execute-api.us-east-1.amazonaws.com", "/restapis//_user_request_")
	f.Add("[::1]:80", "/restapis/a/b/_user_request_")
	f.Fuzz(func(t *testing.T, host, path string) {
		r := &http.Request{Host: host, URL: &url.URL{Path: path}}
		Match(r)

		if api, _, ok := hostAPI(host); ok && (api == "" || strings.Contains(api, ".")) {
			t.Fatalf("host %q gave api %q", host, api)
		}
		if api, stage, rest, ok := pathAPI(path); ok && (api == "" || stage == "" || !strings.HasPrefix(rest, "/")) {
			t.Fatalf("path %q gave %q %q %q", path, api, stage, rest)
		}
		segs := strings.Split(path, "/")
		root := &node{res: &Resource{Path: "/"}, literal: map[string]*node{}}
		root.greedy = &node{res: &Resource{Path: "/{proxy+}"}, name: "proxy", literal: map[string]*node{}}
		root.match(segs, map[string]string{})
	})
}
