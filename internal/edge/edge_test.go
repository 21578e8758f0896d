package edge

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/config"
	"github.com/nimbus-cloud/nimbus/internal/credentials"
	"github.com/nimbus-cloud/nimbus/internal/request"
)

func testEdge(t *testing.T, log io.Writer) *Edge {
	cfg := config.Config{Memory: true, LogOutput: log, LogFormat: "json"}.WithDefaults()
	e := New(cfg, "test", credentials.NewStore())
	e.Handle(&Route{
		Name:           "boom",
		SigningNames:   []string{"boom"},
		TargetPrefixes: []string{"Boom_1"},
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			info := request.From(r.Context())
			info.Operation = "Explode"
			if r.Header.Get("X-Explode") != "" {
				panic("kaboom")
			}
			json.NewEncoder(w).Encode(map[string]any{"account": info.Account, "region": info.Region, "body": string(info.Body)})
		}),
		WriteError: func(w http.ResponseWriter, r *http.Request, e *awserr.Error) {
			w.WriteHeader(e.HTTPStatus())
			io.WriteString(w, e.Code)
		},
	})
	e.SetReady()
	return e
}

func TestPanicBecomesInternalServerError(t *testing.T) {
	var logs bytes.Buffer
	e := testEdge(t, &logs)
	r := httptest.NewRequest("POST", "/", strings.NewReader("{}"))
	r.Header.Set("X-Amz-Target", "Boom_1.Explode")
	r.Header.Set("X-Explode", "1")
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	if w.Code != 500 || w.Body.String() != "InternalServerError" {
		t.Fatalf("got %d %q", w.Code, w.Body.String())
	}
	if !strings.Contains(logs.String(), "kaboom") || !strings.Contains(logs.String(), w.Header().Get("X-Amzn-Requestid")) {
		t.Fatalf("panic not logged with the request id: %s", logs.String())
	}
	if !strings.Contains(logs.String(), `"msg":"request"`) || !strings.Contains(logs.String(), `"status":500`) {
		t.Fatalf("no access log line: %s", logs.String())
	}
}

func TestRoutingByScopeTargetAndAccount(t *testing.T) {
	e := testEdge(t, io.Discard)
	r := httptest.NewRequest("POST", "/", strings.NewReader("hi"))
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=123456789012/20260101/eu-west-2/boom/aws4_request, SignedHeaders=host, Signature=00")
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	var got map[string]string
	json.Unmarshal(w.Body.Bytes(), &got)
	if got["account"] != "123456789012" || got["region"] != "eu-west-2" || got["body"] != "hi" {
		t.Fatalf("got %v", got)
	}
	if id := w.Header().Get("X-Amzn-Requestid"); len(id) != 52 {
		t.Fatalf("request id %q", id)
	}
}

func TestHealthAndRoot(t *testing.T) {
	e := testEdge(t, io.Discard)
	w := httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest("GET", "/_nimbus/health", nil))
	var h struct {
		Version  string
		Services map[string]string
	}
	if err := json.Unmarshal(w.Body.Bytes(), &h); err != nil || w.Code != 200 || h.Services["boom"] != "running" || h.Version != "test" {
		t.Fatalf("health: %d %s", w.Code, w.Body.String())
	}
	w = httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 200 || !strings.HasPrefix(w.Body.String(), "healthy: dynamodb.us-east-1.amazonaws.com") {
		t.Fatalf("root: %d %q", w.Code, w.Body.String())
	}
	w = httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest("POST", "/", strings.NewReader("{}")))
	if w.Code != 400 {
		t.Fatalf("unroutable: %d", w.Code)
	}
}

func TestBodyLimit(t *testing.T) {
	cfg := config.Config{Memory: true, LogOutput: io.Discard, MaxRequestBytes: 10}.WithDefaults()
	e := New(cfg, "test", credentials.NewStore())
	e.Handle(&Route{Name: "x", TargetPrefixes: []string{"X"}, Handler: http.NotFoundHandler(),
		WriteError: func(w http.ResponseWriter, r *http.Request, e *awserr.Error) {
			w.WriteHeader(e.HTTPStatus())
			io.WriteString(w, e.Code)
		}})
	r := httptest.NewRequest("POST", "/", strings.NewReader(strings.Repeat("a", 11)))
	r.Header.Set("X-Amz-Target", "X.Y")
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	if w.Code != 413 || w.Body.String() != "RequestEntityTooLargeException" {
		t.Fatalf("got %d %s", w.Code, w.Body.String())
	}
}

// TestPublicRouteInStrictMode: strict mode refuses unsigned requests,
// except on public routes (API Gateway's invocation endpoint), where a
// request that is signed is still verified.
func TestPublicRouteInStrictMode(t *testing.T) {
	cfg := config.Config{Memory: true, LogOutput: io.Discard, Auth: config.AuthStrict}.WithDefaults()
	e := New(cfg, "test", credentials.NewStore())
	for _, public := range []bool{false, true} {
		name := "private"
		if public {
			name = "public"
		}
		e.Handle(&Route{Name: name, Public: public, Match: func(r *http.Request) bool { return r.URL.Path == "/"+name },
			Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }),
			WriteError: func(w http.ResponseWriter, r *http.Request, e *awserr.Error) {
				w.WriteHeader(e.HTTPStatus())
				io.WriteString(w, e.Code)
			}})
	}
	e.SetReady()
	get := func(path, auth string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		if auth != "" {
			r.Header.Set("Authorization", auth)
			r.Header.Set("X-Amz-Date", "20260101T000000Z")
		}
		w := httptest.NewRecorder()
		e.ServeHTTP(w, r)
		return w
	}
	if w := get("/private", ""); w.Code == 200 {
		t.Fatalf("strict mode let an unsigned request through: %d %s", w.Code, w.Body)
	}
	if w := get("/public", ""); w.Code != 200 || w.Body.String() != "ok" {
		t.Fatalf("public route refused an unsigned request: %d %s", w.Code, w.Body)
	}
	bad := "AWS4-HMAC-SHA256 Credential=UNKNOWN/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
	if w := get("/public", bad); w.Code == 200 {
		t.Fatalf("public route accepted a bad signature: %d %s", w.Code, w.Body)
	}
}

// The console gets /_nimbus/ and its assets; health stays the edge's own.
func TestConsoleHook(t *testing.T) {
	e := testEdge(t, io.Discard)
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec
	}
	if rec := get("/_nimbus/app.js"); rec.Code != 404 {
		t.Fatalf("without a console: %d", rec.Code)
	}
	e.SetConsole(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "console "+r.URL.Path) }))
	if rec := get("/_nimbus/app.js"); rec.Code != 200 || rec.Body.String() != "console /_nimbus/app.js" {
		t.Fatalf("asset: %d %q", rec.Code, rec.Body.String())
	}
	if rec := get("/_nimbus"); rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "/_nimbus/" {
		t.Fatalf("redirect: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if rec := get("/_nimbus/health"); !strings.Contains(rec.Body.String(), `"status":"running"`) {
		t.Fatalf("health: %s", rec.Body.String())
	}
}

// SDKs sign the body's hash without sending X-Amz-Content-Sha256 for
// services other than S3; a streaming route (Lambda) in strict mode must
// still verify them, and hand the service the whole body.
func TestStreamingRouteVerifiesSignedBody(t *testing.T) {
	cfg := config.Config{Memory: true, LogOutput: io.Discard, Auth: config.AuthStrict,
		Credentials: []config.Credential{{AccessKey: "AKIDSTREAM", Secret: "secret"}}}.WithDefaults()
	keys := credentials.NewStore()
	keys.Add(credentials.Key{AccessKey: "AKIDSTREAM", Secret: "secret", Account: cfg.Account})
	e := New(cfg, "test", keys)
	e.Handle(&Route{Name: "lambda", SigningNames: []string{"lambda"}, Streaming: true,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			w.Write(b)
		}),
		WriteError: func(w http.ResponseWriter, r *http.Request, e *awserr.Error) {
			w.WriteHeader(e.HTTPStatus())
			io.WriteString(w, e.Code)
		}})
	e.SetReady()
	send := func(signed, sent string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "http://127.0.0.1:4566/2015-03-31/functions/f/invocations", strings.NewReader(sent))
		sum := sha256.Sum256([]byte(signed))
		err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKIDSTREAM", SecretAccessKey: "secret"},
			r, hex.EncodeToString(sum[:]), "lambda", "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if r.Header.Get("X-Amz-Content-Sha256") != "" {
			t.Fatal("the signer sent X-Amz-Content-Sha256; the test needs a request without it")
		}
		w := httptest.NewRecorder()
		e.ServeHTTP(w, r)
		return w
	}
	if w := send(`{"a":1}`, `{"a":1}`); w.Code != 200 || w.Body.String() != `{"a":1}` {
		t.Fatalf("signed body: %d %s", w.Code, w.Body)
	}
	if w := send(`{"a":1}`, `{"a":2}`); w.Code == 200 || !strings.Contains(w.Body.String(), "SignatureDoesNotMatch") && !strings.Contains(w.Body.String(), "InvalidSignature") {
		t.Fatalf("altered body: %d %s", w.Code, w.Body)
	}
}
