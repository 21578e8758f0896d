package query

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/request"
)

// Op is one operation: it decodes its input from the request and returns
// the result to encode (nil for an operation with no output).
type Op func(ctx context.Context, req *Request) (any, error)

// Operation adapts a typed operation, the shape every service method has.
func Operation[In, Out any](f func(context.Context, *In) (*Out, error)) Op {
	return func(ctx context.Context, req *Request) (any, error) {
		in := new(In)
		if err := req.Decode(in); err != nil {
			return nil, err
		}
		out, err := f(ctx, in)
		if err != nil || out == nil {
			return nil, err
		}
		return out, nil
	}
}

// Handler serves one awsQuery service (IAM, STS, ...): it reads the
// parameters, dispatches on Action, and encodes the result or error.
//
//	h := &query.Handler{Codec: query.Codec{Namespace: query.IAMNamespace}, Version: "2010-05-08",
//		Ops: map[string]query.Op{"CreateUser": query.Operation(svc.CreateUser)}}
//
// Errors that are not *awserr.Error are logged with the request id and
// answered as InternalFailure, never echoed.
type Handler struct {
	Codec
	// Version is the service's API version, used in InvalidAction's message.
	Version string
	// Ops by Action.
	Ops map[string]Op
	// BadRequest words decoding errors (InvalidParameterValue when nil).
	BadRequest func(msg string) *awserr.Error
	// MaxBodyBytes bounds the body; DefaultMaxBody when 0.
	MaxBodyBytes int64
	// Log receives internal errors; slog.Default() when nil.
	Log *slog.Logger
}

// InvalidAction is the error for an Action the service does not have.
func InvalidAction(action, version string) *awserr.Error {
	return awserr.Newf("InvalidAction", "Could not find operation %s for version %s", action, version)
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req, err := ReadRequest(r, h.MaxBodyBytes)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	req.BadRequest = h.BadRequest
	op := h.Ops[req.Action]
	if op == nil {
		version := req.Version
		if version == "" {
			version = h.Version
		}
		h.fail(w, r, InvalidAction(req.Action, version))
		return
	}
	request.From(r.Context()).Operation = req.Action
	out, err := op(r.Context(), req)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.WriteResponse(w, request.From(r.Context()).ID, req.Action, out); err != nil {
		h.fail(w, r, err)
	}
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ae *awserr.Error
	if !errors.As(err, &ae) {
		log := h.Log
		if log == nil {
			log = slog.Default()
		}
		info := request.From(r.Context())
		log.Error("internal error", "request_id", info.ID, "operation", info.Operation, "err", err)
		ae = awserr.Internal()
	}
	h.WriteError(w, r, "", ae)
}
