package restxml

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/protocol/restjson/httpbind"
	"github.com/nimbus-cloud/nimbus/internal/request"
)

// Router matches method and path templates; see httpbind.Router.
type Router[H any] = httpbind.Router[H]

// Call is one matched request, handed to an Op.
type Call struct {
	// Request is the HTTP request.
	Request *http.Request
	// Params are the path labels the route extracted, decoded.
	Params map[string]string
	codec  *Codec
}

// Decode fills in from the request with the handler's Codec.
func (c *Call) Decode(in any) error {
	return c.codec.Decode(c.Request, c.Params, in)
}

// Op is an operation bound to a route: it decodes its input from the call,
// runs, and returns the output for WriteResponse (nil for an empty body).
type Op func(ctx context.Context, c *Call) (any, error)

// Operation adapts a typed operation, the shape every service method has.
func Operation[In, Out any](f func(context.Context, *In) (*Out, error)) Op {
	return func(ctx context.Context, c *Call) (any, error) {
		in := new(In)
		if err := c.Decode(in); err != nil {
			return nil, err
		}
		out, err := f(ctx, in)
		if err != nil {
			return nil, err
		}
		if out == nil {
			return nil, nil
		}
		return out, nil
	}
}

type entry struct {
	name   string
	status int
	op     Op
}

// Handler serves one restXml service (S3): it routes, decodes, calls the
// operation and encodes the output or the error. Build it before serving:
//
//	h := &restxml.Handler{Log: log}
//	h.Handle("GetObject", "GET /{Bucket}/{Key+}", 200, restxml.Operation(svc.GetObject))
//	h.Handle("ListObjectsV2", "GET /{Bucket}?list-type=2", 200, restxml.Operation(svc.ListObjectsV2))
//
// Errors that are not *awserr.Error are logged with the request id and
// answered as InternalFailure, never echoed.
type Handler struct {
	Codec
	// Log receives internal errors; slog.Default() when nil.
	Log    *slog.Logger
	router httpbind.Router[*entry]
}

// Handle routes pattern ("METHOD /path/{Label}[?query]") to op, named name
// in the access log; status is the success status (the Smithy @http code),
// which a statusCode member of the output overrides.
func (h *Handler) Handle(name, pattern string, status int, op Op) {
	if status == 0 {
		status = http.StatusOK
	}
	h.router.Handle(pattern, &entry{name: name, status: status, op: op})
}

// NotFound sets the error for requests no route matches (404
// UnknownOperationException by default).
func (h *Handler) NotFound(f func(r *http.Request) *awserr.Error) { h.router.NotFound = f }

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e, params, aerr := h.router.Match(r)
	if aerr != nil {
		h.WriteError(w, r, "", aerr)
		return
	}
	request.From(r.Context()).Operation = e.name
	out, err := e.op(r.Context(), &Call{Request: r, Params: params, codec: &h.Codec})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	written, err := h.Codec.writeResponse(w, e.status, out, r.Method == http.MethodHead)
	if err != nil && written {
		h.logger().Warn("writing response", "request_id", request.From(r.Context()).ID, "operation", e.name, "err", err)
	} else if err != nil {
		h.fail(w, r, err)
	}
}

func (h *Handler) logger() *slog.Logger {
	if h.Log == nil {
		return slog.Default()
	}
	return h.Log
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ae *awserr.Error
	if !errors.As(err, &ae) {
		info := request.From(r.Context())
		h.logger().Error("internal error", "request_id", info.ID, "operation", info.Operation, "err", err)
		ae = awserr.Internal()
	}
	h.WriteError(w, r, "", ae)
}
