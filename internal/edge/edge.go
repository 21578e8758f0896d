// Package edge is nimbus's front door: one http.Handler in front of every
// service. For each request it assigns a request id, recovers panics, limits
// and gunzips the body, decides which service the request is for, checks its
// SigV4 signature (strict mode) or reads the account and region from it
// (accept mode), and writes one access log line.
//
// Which service a request is for comes from, in order: the SigV4 credential
// scope (Authorization header or X-Amz-Credential query), the X-Amz-Target
// header, then each route's own Match (path or Host). Services never see a
// request the edge has not routed and, in strict mode, authenticated.
package edge

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/config"
	"github.com/nimbus-cloud/nimbus/internal/credentials"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/sigv4"
)

// Route sends a family of requests to one service.
type Route struct {
	// Name identifies the service in health and logs ("dynamodb").
	Name string
	// SigningNames are the SigV4 service names routed here ("dynamodb").
	SigningNames []string
	// TargetPrefixes are X-Amz-Target prefixes routed here ("DynamoDB_20120810").
	TargetPrefixes []string
	// Match, if set, claims requests that neither the scope nor the target
	// routed (S3 virtual hosts, execute-api hosts, path prefixes).
	Match func(r *http.Request) bool
	// Handler serves the request. request.From(r.Context()) has the Info.
	Handler http.Handler
	// WriteError encodes an error the edge raises in the service's protocol.
	WriteError func(w http.ResponseWriter, r *http.Request, e *awserr.Error)
	// AuthFamily says how the service words authentication failures
	// (sigv4.FamilyJSON when zero).
	AuthFamily sigv4.Family
	// Streaming routes get the raw body (not buffered, not size-limited by
	// the edge); the service reads and limits it itself.
	Streaming bool
	// Public routes take unsigned requests even in strict mode: API
	// Gateway's invocation endpoint serves browsers and curl. A request
	// that is signed is still verified.
	Public bool
}

// Edge routes and guards requests.
type Edge struct {
	cfg     config.Config
	log     *slog.Logger
	version string
	routes  []*Route
	byScope map[string]*Route
	byTgt   map[string]*Route
	auth    *authenticator
	ready   atomic.Bool
	served  atomic.Uint64
	// console serves /_nimbus/ and its assets (the web console); nil: 404.
	console http.Handler
}

// Served counts the requests the edge has accepted.
func (e *Edge) Served() uint64 { return e.served.Load() }

// New returns an Edge for cfg (with defaults applied). keys holds the
// access keys whose secrets nimbus knows.
func New(cfg config.Config, version string, keys *credentials.Store) *Edge {
	return &Edge{
		cfg:     cfg,
		log:     cfg.Logger,
		version: version,
		byScope: map[string]*Route{},
		byTgt:   map[string]*Route{},
		auth:    &authenticator{strict: cfg.Auth == config.AuthStrict, keys: keys, fallback: cfg.Account},
	}
}

// Handle adds a route. Call before serving.
func (e *Edge) Handle(rt *Route) {
	e.routes = append(e.routes, rt)
	for _, n := range rt.SigningNames {
		e.byScope[n] = rt
	}
	for _, p := range rt.TargetPrefixes {
		e.byTgt[p] = rt
	}
	if rt.AuthFamily == 0 {
		rt.AuthFamily = sigv4.FamilyJSON
	}
	if rt.WriteError == nil {
		rt.WriteError = writeGenericError
	}
}

// SetConsole sets the handler for /_nimbus/ and the paths under it other
// than the edge's own (/_nimbus/health). Call before serving.
func (e *Edge) SetConsole(h http.Handler) { e.console = h }

// SetReady marks the server ready; health answers 503 until then.
func (e *Edge) SetReady() { e.ready.Store(true) }

// statusWriter records the status for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Flush lets streaming responses through.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// ReadFrom lets io.Copy reach the real writer's ReadFrom, so that a file
// body (S3's GetObject) goes out with sendfile instead of through a buffer.
func (w *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	var n int64
	var err error
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(r)
	} else {
		n, err = io.Copy(w.ResponseWriter, r)
	}
	w.bytes += n
	return n, err
}

// ServeHTTP implements http.Handler.
func (e *Edge) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	start := time.Now()
	e.served.Add(1)
	info := &request.Info{ID: NewRequestID(), Received: start, Region: e.cfg.Region, Account: e.cfg.Account}
	w := &statusWriter{ResponseWriter: rw}
	w.Header()["X-Amzn-Requestid"] = []string{info.ID}
	var rt *Route
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			e.log.Error("panic serving request", "request_id", info.ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if w.status == 0 {
				ie := &awserr.Error{Code: "InternalServerError", Message: "Internal server error", Status: 500, Fault: true}
				if rt != nil {
					rt.WriteError(w, r, ie)
				} else {
					writeGenericError(w, r, ie)
				}
			}
		}
		if !e.cfg.NoAccessLog && e.log.Enabled(r.Context(), slog.LevelInfo) {
			e.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("id", info.ID), slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.String("service", info.Service), slog.String("op", info.Operation),
				slog.Int("status", w.status), slog.Int64("bytes", w.bytes),
				slog.Duration("dur", time.Since(start)))
		}
	}()

	if r.URL.Path == "/_nimbus" && e.console != nil {
		// The console's relative asset paths need the trailing slash.
		http.Redirect(w, r, "/_nimbus/", http.StatusMovedPermanently)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/_nimbus/") {
		e.serveInternal(w, r, info)
		return
	}
	accessKey, region, service, signed := scope(r)
	if signed {
		rt = e.byScope[service]
		if region != "" {
			info.Region = region
		}
		info.AccessKey = accessKey
	}
	if rt == nil {
		if tgt := r.Header.Get("X-Amz-Target"); tgt != "" {
			prefix, _, _ := strings.Cut(tgt, ".")
			rt = e.byTgt[prefix]
		}
	}
	if rt == nil {
		for _, cand := range e.routes {
			if cand.Match != nil && cand.Match(r) {
				rt = cand
				break
			}
		}
	}
	if rt == nil {
		if !signed && r.URL.Path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			// DynamoDB's health check: clients and load balancers probe it unsigned.
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "healthy: dynamodb."+info.Region+".amazonaws.com ")
			return
		}
		writeGenericError(w, r, &awserr.Error{Code: "UnknownService", Status: http.StatusBadRequest,
			Message: "nimbus could not tell which AWS service this request is for (no SigV4 credential scope, X-Amz-Target or known path)"})
		return
	}
	info.Service = rt.Name

	// raw is the body as sent: what the signature's payload hash covers.
	var body, raw []byte
	if !rt.Streaming {
		var aerr *awserr.Error
		body, raw, aerr = e.readBody(r)
		if aerr != nil {
			rt.WriteError(w, r, aerr)
			return
		}
		info.Body = body
	}
	streaming := rt.Streaming
	if streaming && e.auth.strict && r.Header.Get("Authorization") != "" && r.Header.Get("X-Amz-Content-Sha256") == "" {
		// The SDKs sign the body's SHA-256 without sending it for every
		// service but S3 (Lambda's CreateFunction, Invoke): to verify them
		// the edge has to hash the body, so it buffers it here and hands
		// the service the same bytes. Only in strict mode; bounded.
		var aerr *awserr.Error
		raw, aerr = readRaw(r, maxStreamingHashBytes)
		if aerr != nil {
			rt.WriteError(w, r, aerr)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
		streaming = false
	}
	if err := e.auth.check(r, info, raw, streaming, rt.Public, start); err != nil {
		rt.WriteError(w, r, authError(err, rt.AuthFamily))
		return
	}
	rt.Handler.ServeHTTP(w, r.WithContext(request.With(r.Context(), info)))
}

// maxStreamingHashBytes bounds the body of a streaming route the edge
// buffers to verify its signature: Lambda's largest request (a 50 MB zip
// in base64 JSON) fits.
const maxStreamingHashBytes = 70 << 20

// readRaw reads the body as sent (still encoded: the signature covers
// those bytes) within limit.
func readRaw(r *http.Request, limit int64) ([]byte, *awserr.Error) {
	if r.ContentLength > limit {
		return nil, &awserr.Error{Code: "RequestEntityTooLargeException", Status: http.StatusRequestEntityTooLarge,
			Message: fmt.Sprintf("Request must be smaller than %d bytes", limit)}
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, &awserr.Error{Code: "SerializationException", Message: "Could not read the request body: " + err.Error()}
	}
	if int64(len(b)) > limit {
		return nil, &awserr.Error{Code: "RequestEntityTooLargeException", Status: http.StatusRequestEntityTooLarge,
			Message: fmt.Sprintf("Request must be smaller than %d bytes", limit)}
	}
	return b, nil
}

// readBody reads the whole body within the size limit, gunzipping it when
// Content-Encoding says gzip. It returns the decoded body and the bytes as
// sent (what a SigV4 payload hash covers); they are the same slice unless
// the body was compressed. The Content-Encoding header stays: SDKs sign it.
func (e *Edge) readBody(r *http.Request) (body, raw []byte, _ *awserr.Error) {
	limit := e.cfg.MaxRequestBytes
	tooLarge := &awserr.Error{Code: "RequestEntityTooLargeException", Status: http.StatusRequestEntityTooLarge,
		Message: fmt.Sprintf("Request must be smaller than %d bytes for the %s operation", limit, r.Header.Get("X-Amz-Target"))}
	if r.ContentLength > limit {
		return nil, nil, tooLarge
	}
	size := r.ContentLength
	if size < 0 || size > 1<<20 {
		size = 512
	}
	read := func(src io.Reader, hint int64) ([]byte, *awserr.Error) {
		buf := bytes.NewBuffer(make([]byte, 0, hint+1))
		n, err := buf.ReadFrom(io.LimitReader(src, limit+1))
		if err != nil {
			return nil, &awserr.Error{Code: "SerializationException", Message: "Could not read the request body: " + err.Error()}
		}
		if n > limit {
			return nil, tooLarge
		}
		return buf.Bytes(), nil
	}
	raw, aerr := read(r.Body, size)
	if aerr != nil {
		return nil, nil, aerr
	}
	if !strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
		return raw, raw, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, nil, &awserr.Error{Code: "SerializationException", Message: "Request body is not valid gzip: " + err.Error()}
	}
	defer zr.Close()
	body, aerr = read(zr, int64(len(raw))*4)
	if aerr != nil {
		return nil, nil, aerr
	}
	return body, raw, nil
}

func (e *Edge) serveInternal(w http.ResponseWriter, r *http.Request, info *request.Info) {
	info.Service = "nimbus"
	switch r.URL.Path {
	case "/_nimbus/health":
		info.Operation = "Health"
		services := map[string]string{}
		state := "running"
		status := http.StatusOK
		if !e.ready.Load() {
			state, status = "starting", http.StatusServiceUnavailable
		}
		for _, rt := range e.routes {
			services[rt.Name] = state
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"version": e.version, "services": services, "status": state})
	default:
		if e.console != nil {
			info.Operation = "Console"
			e.console.ServeHTTP(w, r)
			return
		}
		writeGenericError(w, r, &awserr.Error{Code: "NotFound", Status: 404, Message: "no such nimbus endpoint: " + r.URL.Path})
	}
}

// writeGenericError answers requests no service claimed, in a JSON shape
// every SDK can at least report.
func writeGenericError(w http.ResponseWriter, r *http.Request, e *awserr.Error) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", e.Code)
	w.WriteHeader(e.HTTPStatus())
	json.NewEncoder(w).Encode(map[string]string{"__type": e.Code, "message": e.Message})
}

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// NewRequestID returns a 52-character id in the alphabet AWS uses.
func NewRequestID() string {
	var b [52]byte
	for i := 0; i < len(b); i += 8 {
		x := rand.Uint64()
		for j := i; j < i+8 && j < len(b); j++ {
			b[j] = idAlphabet[x%36]
			x /= 36
		}
	}
	return string(b[:])
}
