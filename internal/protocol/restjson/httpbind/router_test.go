package httpbind

import (
	"maps"
	"net/http/httptest"
	"testing"
)

func TestRouter(t *testing.T) {
	var rt Router[string]
	for _, p := range []string{
		"GET /2015-03-31/functions/",
		"POST /2015-03-31/functions",
		"GET /2015-03-31/functions/{FunctionName}",
		"POST /2015-03-31/functions/{FunctionName}/invocations",
		"GET /2015-03-31/functions/{FunctionName}/configuration",
		"PUT /tags/{resource_arn}",
		"GET /{Bucket}",
		"GET /{Bucket}?list-type=2",
		"GET /{Bucket}?uploads",
		"GET /{Bucket}/{Key+}",
		"GET /{Bucket}/{Key+}?uploadId",
		"GET /restapis/{id}/{stage}/_user_request_/{proxy+}",
		"GET /prefix/{Rest+}/suffix",
		"GET /",
	} {
		rt.Handle(p, p)
	}
	tests := []struct {
		method, url string
		want        string
		params      map[string]string
	}{
		{"GET", "/2015-03-31/functions/", "GET /2015-03-31/functions/", map[string]string{}},
		{"GET", "/2015-03-31/functions", "GET /2015-03-31/functions/", map[string]string{}},
		{"POST", "/2015-03-31/functions", "POST /2015-03-31/functions", map[string]string{}},
		{"POST", "/2015-03-31/functions/", "POST /2015-03-31/functions", map[string]string{}},
		{"GET", "/2015-03-31/functions/my-fn", "GET /2015-03-31/functions/{FunctionName}", map[string]string{"FunctionName": "my-fn"}},
		{"GET", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af", "GET /2015-03-31/functions/{FunctionName}",
			map[string]string{"FunctionName": "arn:aws:lambda:us-east-1:000000000000:function:f"}},
		{"GET", "/2015-03-31/functions/f/configuration", "GET /2015-03-31/functions/{FunctionName}/configuration", map[string]string{"FunctionName": "f"}},
		{"POST", "/2015-03-31/functions/f/invocations?Qualifier=1", "POST /2015-03-31/functions/{FunctionName}/invocations", map[string]string{"FunctionName": "f"}},
		{"PUT", "/tags/arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Frestapis%2Fabc", "PUT /tags/{resource_arn}",
			map[string]string{"resource_arn": "arn:aws:apigateway:us-east-1::/restapis/abc"}},
		{"GET", "/bucket", "GET /{Bucket}", map[string]string{"Bucket": "bucket"}},
		{"GET", "/bucket/", "GET /{Bucket}", map[string]string{"Bucket": "bucket"}},
		{"GET", "/bucket?list-type=2", "GET /{Bucket}?list-type=2", map[string]string{"Bucket": "bucket"}},
		{"GET", "/bucket?list-type=3", "GET /{Bucket}", map[string]string{"Bucket": "bucket"}},
		{"GET", "/bucket?uploads", "GET /{Bucket}?uploads", map[string]string{"Bucket": "bucket"}},
		{"GET", "/bucket/a/b/c.txt", "GET /{Bucket}/{Key+}", map[string]string{"Bucket": "bucket", "Key": "a/b/c.txt"}},
		{"GET", "/bucket/dir/", "GET /{Bucket}/{Key+}", map[string]string{"Bucket": "bucket", "Key": "dir/"}},
		{"GET", "/bucket//double", "GET /{Bucket}/{Key+}", map[string]string{"Bucket": "bucket", "Key": "/double"}},
		{"GET", "/bucket/sp%20ace%2Fslash", "GET /{Bucket}/{Key+}", map[string]string{"Bucket": "bucket", "Key": "sp ace/slash"}},
		{"GET", "/bucket/k?uploadId=x", "GET /{Bucket}/{Key+}?uploadId", map[string]string{"Bucket": "bucket", "Key": "k"}},
		{"GET", "/restapis/a1/prod/_user_request_/pets/1", "GET /restapis/{id}/{stage}/_user_request_/{proxy+}",
			map[string]string{"id": "a1", "stage": "prod", "proxy": "pets/1"}},
		{"GET", "/prefix/x/y/suffix", "GET /prefix/{Rest+}/suffix", map[string]string{"Rest": "x/y"}},
		{"GET", "/", "GET /", map[string]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.url, func(t *testing.T) {
			h, params, err := rt.Match(httptest.NewRequest(tc.method, tc.url, nil))
			if err != nil {
				t.Fatalf("no match: %v", err)
			}
			if h != tc.want {
				t.Errorf("matched %q, want %q", h, tc.want)
			}
			if !maps.Equal(params, tc.params) {
				t.Errorf("params %v, want %v", params, tc.params)
			}
		})
	}
}

func TestRouterNotFound(t *testing.T) {
	var rt Router[int]
	rt.Handle("GET /2015-03-31/functions/{FunctionName}", 1)
	for _, u := range []string{"/nope", "/2015-03-31/functions//", "/2015-03-31/functions/a/b"} {
		_, _, err := rt.Match(httptest.NewRequest("GET", u, nil))
		if err == nil || err.Code != "UnknownOperationException" || err.HTTPStatus() != 404 {
			t.Errorf("%s: got %v, want 404 UnknownOperationException", u, err)
		}
	}
	if _, _, err := rt.Match(httptest.NewRequest("DELETE", "/2015-03-31/functions/f", nil)); err == nil {
		t.Error("method mismatch matched")
	}
}

func TestRouterBadPatterns(t *testing.T) {
	for _, p := range []string{"/no-method", "GET nope", "GET /{a+}/{b+}", "GET /x{y}", "GET /{}"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%q: no panic", p)
				}
			}()
			var rt Router[int]
			rt.Handle(p, 0)
		}()
	}
}

func FuzzRouter(f *testing.F) {
	var rt Router[int]
	for i, p := range []string{"GET /{Bucket}", "GET /{Bucket}/{Key+}", "GET /{Bucket}?uploads", "GET /a/{b}/c", "GET /p/{R+}/s", "GET /x/"} {
		rt.Handle(p, i)
	}
	for _, s := range []string{"/b", "/b/k/x", "/b?uploads", "/a/%2F/c", "/p/1/2/s", "/x", "//", "/%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, u string) {
		req := httptest.NewRequest("GET", "/", nil)
		req.URL.RawPath = ""
		req.URL.Path = u
		req.URL.RawQuery = ""
		_, _, _ = rt.Match(req)
	})
}
