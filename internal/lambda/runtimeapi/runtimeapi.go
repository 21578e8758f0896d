// Package runtimeapi is the Lambda Runtime API one sandbox's runtime talks
// to: GET /2018-06-01/runtime/invocation/next hands out the next event,
// POST .../invocation/{id}/response and .../error take its result, and
// POST .../init/error reports a failed initialisation.
//
// Each sandbox gets its own Server on its own loopback port rather than a
// path token on a shared listener: a function can then only ever see its
// own invocations (there is nothing to guess), a runtime that misbehaves on
// the wire affects only its own listener, and AWS_LAMBDA_RUNTIME_API is a
// plain host:port as runtimes expect. A listener costs one goroutine and
// one file descriptor per sandbox.
//
// Status codes and bodies follow the real API: 200 with the event on next,
// 202 {"status":"OK"} on response and error, 400 InvalidRequestID for an
// id that is not the current invocation, 413 RequestEntityTooLarge for a
// response over the limit (which also fails the invocation with
// Function.ResponseSizeTooLarge), and chunked bodies whose trailers carry
// Lambda-Runtime-Function-Error-Type/-Body (streamed responses) are read.
package runtimeapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MaxResponseBytes is the largest response a function may return
// (6 MB, plus the allowance AWS's error message names).
const MaxResponseBytes = 6*1024*1024 + 100

// Invocation is one event handed to the runtime.
type Invocation struct {
	ID              string
	Payload         []byte
	Deadline        time.Time
	FunctionARN     string
	TraceID         string
	ClientContext   string
	CognitoIdentity string

	done chan Result
}

// NewInvocation prepares an invocation; Server.Deliver hands it out.
func NewInvocation(id string, payload []byte) *Invocation {
	return &Invocation{ID: id, Payload: payload, done: make(chan Result, 1)}
}

// Done is closed-with-a-value when the runtime has answered.
func (inv *Invocation) Done() <-chan Result { return inv.done }

// Result is what the runtime reported for an invocation.
type Result struct {
	Payload []byte
	// Error is set when the runtime posted to /error (or the response was
	// too large); ErrorType is its Lambda-Runtime-Function-Error-Type.
	Error     bool
	ErrorType string
}

// Server serves one sandbox's Runtime API.
type Server struct {
	ln   net.Listener
	srv  *http.Server
	next chan *Invocation

	mu        sync.Mutex
	current   *Invocation
	initErr   []byte
	initDone  chan struct{}
	initOnce  sync.Once
	initFail  chan struct{}
	closeOnce sync.Once
	closed    chan struct{}
}

// Listen starts a Server on a fresh loopback port.
func Listen() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{
		ln:       ln,
		next:     make(chan *Invocation),
		initDone: make(chan struct{}),
		initFail: make(chan struct{}),
		closed:   make(chan struct{}),
	}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
	return s, nil
}

// Addr is host:port, the value of AWS_LAMBDA_RUNTIME_API.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Ready is closed when the runtime first asks for an event: its
// initialisation is over.
func (s *Server) Ready() <-chan struct{} { return s.initDone }

// InitFailed is closed when the runtime posted /init/error; InitError
// returns the body it posted.
func (s *Server) InitFailed() <-chan struct{} { return s.initFail }

// InitError is the body posted to /init/error, nil if none.
func (s *Server) InitError() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.initErr
}

// Deliver waits until the runtime asks for the next event and hands it inv.
// It returns ctx's error, or ErrClosed after Close, if that comes first.
func (s *Server) Deliver(ctx context.Context, inv *Invocation) error {
	select {
	case s.next <- inv:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.closed:
		return ErrClosed
	}
}

// Abandon forgets the current invocation (after a timeout) so a late
// response from it is refused.
func (s *Server) Abandon(inv *Invocation) {
	s.mu.Lock()
	if s.current == inv {
		s.current = nil
	}
	s.mu.Unlock()
}

// Close stops the listener and any waiting requests.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { close(s.closed) })
	return s.srv.Close()
}

// Route kinds.
const (
	routeNone = iota
	routeNext
	routeResponse
	routeError
	routeInitError
)

const prefix = "/2018-06-01/runtime/"

// route parses a Runtime API path into its kind and request id.
func route(method, path string) (kind int, id string) {
	rest, ok := strings.CutPrefix(path, prefix)
	if !ok {
		return routeNone, ""
	}
	switch {
	case rest == "invocation/next":
		if method == http.MethodGet {
			return routeNext, ""
		}
	case rest == "init/error":
		if method == http.MethodPost {
			return routeInitError, ""
		}
	case strings.HasPrefix(rest, "invocation/"):
		if method != http.MethodPost {
			return routeNone, ""
		}
		rest = rest[len("invocation/"):]
		id, what, ok := strings.Cut(rest, "/")
		if !ok || id == "" || strings.Contains(what, "/") {
			return routeNone, ""
		}
		switch what {
		case "response":
			return routeResponse, id
		case "error":
			return routeError, id
		}
	}
	return routeNone, ""
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	kind, id := route(r.Method, r.URL.Path)
	switch kind {
	case routeNext:
		s.serveNext(w, r)
	case routeResponse, routeError:
		s.serveResult(w, r, id, kind == routeError)
	case routeInitError:
		body, _ := io.ReadAll(io.LimitReader(r.Body, MaxResponseBytes))
		s.mu.Lock()
		first := s.initErr == nil
		if first {
			if len(body) == 0 {
				body = []byte(`{"errorType":"Runtime.Unknown","errorMessage":"Unknown init error"}`)
			}
			s.initErr = body
		}
		s.mu.Unlock()
		writeJSON(w, http.StatusAccepted, map[string]string{"status": "OK"})
		if first {
			close(s.initFail)
		}
	default:
		writeJSON(w, http.StatusNotFound, errBody("InvalidRequest", "Not Found"))
	}
}

func (s *Server) serveNext(w http.ResponseWriter, r *http.Request) {
	s.initOnce.Do(func() { close(s.initDone) })
	var inv *Invocation
	select {
	case inv = <-s.next:
	case <-r.Context().Done():
		return
	case <-s.closed:
		return
	}
	s.mu.Lock()
	s.current = inv
	s.mu.Unlock()
	h := w.Header()
	h.Set("Lambda-Runtime-Aws-Request-Id", inv.ID)
	h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.Deadline.UnixMilli(), 10))
	h.Set("Lambda-Runtime-Invoked-Function-Arn", inv.FunctionARN)
	if inv.TraceID != "" {
		h.Set("Lambda-Runtime-Trace-Id", inv.TraceID)
	}
	if inv.ClientContext != "" {
		h.Set("Lambda-Runtime-Client-Context", inv.ClientContext)
	}
	if inv.CognitoIdentity != "" {
		h.Set("Lambda-Runtime-Cognito-Identity", inv.CognitoIdentity)
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(inv.Payload)))
	w.WriteHeader(http.StatusOK)
	w.Write(inv.Payload)
}

func (s *Server) serveResult(w http.ResponseWriter, r *http.Request, id string, isError bool) {
	s.mu.Lock()
	inv := s.current
	if inv == nil || inv.ID != id {
		s.mu.Unlock()
		writeJSON(w, http.StatusBadRequest, errBody("InvalidRequestID", "Invalid request ID"))
		return
	}
	s.mu.Unlock()
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxResponseBytes+1))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errBody("InvalidRequest", err.Error()))
		return
	}
	res := Result{Payload: body, Error: isError}
	if isError {
		res.ErrorType = r.Header.Get("Lambda-Runtime-Function-Error-Type")
	}
	status := http.StatusAccepted
	var reply any = map[string]string{"status": "OK"}
	switch {
	case len(body) > MaxResponseBytes:
		msg := fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", MaxResponseBytes)
		res = Result{Error: true, ErrorType: "Function.ResponseSizeTooLarge",
			Payload: mustJSON(map[string]string{"errorMessage": msg, "errorType": "Function.ResponseSizeTooLarge"})}
		status, reply = http.StatusRequestEntityTooLarge, errBody("RequestEntityTooLarge", msg)
	case r.Trailer.Get("Lambda-Runtime-Function-Error-Type") != "":
		// A streamed response that failed midway reports the error in trailers.
		res.Error = true
		res.ErrorType = r.Trailer.Get("Lambda-Runtime-Function-Error-Type")
		if b, err := base64.StdEncoding.DecodeString(r.Trailer.Get("Lambda-Runtime-Function-Error-Body")); err == nil && len(b) > 0 {
			res.Payload = b
		} else {
			res.Payload = mustJSON(map[string]string{"errorType": res.ErrorType, "errorMessage": ""})
		}
	}
	s.mu.Lock()
	if s.current != inv {
		// Abandoned (timed out) while the body was read.
		s.mu.Unlock()
		writeJSON(w, http.StatusBadRequest, errBody("InvalidRequestID", "Invalid request ID"))
		return
	}
	s.current = nil
	s.mu.Unlock()
	writeJSON(w, status, reply)
	inv.done <- res
}

func errBody(typ, msg string) map[string]string {
	return map[string]string{"errorType": typ, "errorMessage": msg}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b := mustJSON(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// ErrClosed is returned by Deliver after Close.
var ErrClosed = errors.New("runtimeapi: closed")
