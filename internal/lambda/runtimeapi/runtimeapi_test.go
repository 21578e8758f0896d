package runtimeapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func FuzzRoute(f *testing.F) {
	for _, p := range []string{prefix + "invocation/next", prefix + "invocation/abc/response", prefix + "invocation/abc/error",
		prefix + "init/error", prefix + "invocation//response", prefix + "invocation/a/b/response", "/"} {
		f.Add("POST", p)
		f.Add("GET", p)
	}
	f.Fuzz(func(t *testing.T, method, path string) {
		kind, id := route(method, path)
		if kind == routeResponse || kind == routeError {
			if id == "" || strings.Contains(id, "/") {
				t.Fatalf("route(%q) gave id %q", path, id)
			}
			if !strings.HasPrefix(path, prefix) {
				t.Fatalf("route(%q) matched outside the prefix", path)
			}
		}
		if kind == routeNone && id != "" {
			t.Fatal("id without a route")
		}
	})
}

func TestRoute(t *testing.T) {
	cases := []struct {
		method, path string
		kind         int
		id           string
	}{
		{"GET", prefix + "invocation/next", routeNext, ""},
		{"POST", prefix + "invocation/next", routeNone, ""},
		{"POST", prefix + "invocation/r1/response", routeResponse, "r1"},
		{"POST", prefix + "invocation/r1/error", routeError, "r1"},
		{"GET", prefix + "invocation/r1/error", routeNone, ""},
		{"POST", prefix + "init/error", routeInitError, ""},
		{"POST", prefix + "invocation/r1/x/response", routeNone, ""},
		{"POST", "/2018-06-02/runtime/init/error", routeNone, ""},
	}
	for _, c := range cases {
		kind, id := route(c.method, c.path)
		if kind != c.kind || id != c.id {
			t.Errorf("route(%s %s) = %d %q, want %d %q", c.method, c.path, kind, id, c.kind, c.id)
		}
	}
}

func TestServerFlow(t *testing.T) {
	s, err := Listen()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	base := "http://" + s.Addr() + prefix
	inv := NewInvocation("req-1", []byte(`{"a":1}`))
	inv.Deadline = time.UnixMilli(1_800_000_000_123)
	inv.FunctionARN = "arn:aws:lambda:us-east-1:000000000000:function:f:live"
	go s.Deliver(context.Background(), inv)
	resp, err := http.Get(base + "invocation/next")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != `{"a":1}` || resp.Header.Get("Lambda-Runtime-Aws-Request-Id") != "req-1" ||
		resp.Header.Get("Lambda-Runtime-Deadline-Ms") != "1800000000123" ||
		resp.Header.Get("Lambda-Runtime-Invoked-Function-Arn") != inv.FunctionARN {
		t.Fatalf("next: %s %v", body, resp.Header)
	}
	// A wrong id is refused.
	resp, _ = http.Post(base+"invocation/other/response", "application/json", strings.NewReader("1"))
	if resp.StatusCode != 400 {
		t.Fatalf("wrong id: %d", resp.StatusCode)
	}
	resp.Body.Close()
	// A chunked body with error trailers is an error result.
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", base+"invocation/req-1/response", pr)
	req.Trailer = http.Header{"Lambda-Runtime-Function-Error-Type": nil, "Lambda-Runtime-Function-Error-Body": nil}
	go func() {
		pw.Write([]byte("partial"))
		req.Trailer.Set("Lambda-Runtime-Function-Error-Type", "Runtime.StreamError")
		req.Trailer.Set("Lambda-Runtime-Function-Error-Body", base64.StdEncoding.EncodeToString([]byte(`{"errorType":"Runtime.StreamError"}`)))
		pw.Close()
	}()
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 202 {
		t.Fatalf("response: %d", resp.StatusCode)
	}
	res := <-inv.Done()
	if !res.Error || res.ErrorType != "Runtime.StreamError" || !bytes.Contains(res.Payload, []byte("StreamError")) {
		t.Fatalf("result %+v", res)
	}
	// Init errors are recorded.
	resp, _ = http.Post(base+"init/error", "application/json", strings.NewReader(`{"errorType":"X"}`))
	resp.Body.Close()
	<-s.InitFailed()
	if string(s.InitError()) != `{"errorType":"X"}` {
		t.Fatalf("init error %s", s.InitError())
	}
}
