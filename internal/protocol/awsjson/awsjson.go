// Package awsjson is the awsJson 1.0/1.1 protocol (DynamoDB, DynamoDB
// Streams, CloudWatch Logs, EventBridge, ...): POST / with X-Amz-Target
// "Prefix.Operation" and a JSON body; responses are JSON; errors carry
// "__type" and "message".
//
// A Handler maps operation names to typed functions. It decodes the body into
// the operation's input struct, calls it, and encodes the output or the
// *awserr.Error. Anything else an operation returns is logged with the
// request id and answered as InternalServerError, never echoed.
package awsjson

import (
	"context"
	"encoding/json"
	"errors"
	"hash/crc32"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/request"
)

// Op is one operation: it decodes body itself (see Operation) and returns
// the output to encode as JSON.
type Op func(ctx context.Context, body []byte) (any, error)

// Operation adapts a typed operation. The body is decoded into a new In with
// encoding/json; In's fields may implement json.Unmarshaler and return
// *awserr.Error values, which are passed through.
func Operation[In, Out any](f func(context.Context, *In) (*Out, error)) Op {
	return func(ctx context.Context, body []byte) (any, error) {
		in := new(In)
		if err := Decode(body, in); err != nil {
			return nil, err
		}
		return f(ctx, in)
	}
}

// Appender is implemented by outputs that encode themselves faster than
// encoding/json can (which re-validates every MarshalJSON result): the hot
// DynamoDB responses. AppendJSON must produce exactly what json.Marshal
// would.
type Appender interface {
	AppendJSON(dst []byte) []byte
}

// Handler serves one awsJson service.
type Handler struct {
	// Version is "1.0" or "1.1" (the Content-Type's x-amz-json-N).
	Version string
	// TargetPrefix is the X-Amz-Target prefix before the dot, e.g. "DynamoDB_20120810".
	TargetPrefix string
	// Namespace qualifies error codes in __type, e.g. "com.amazonaws.dynamodb.v20120810".
	Namespace string
	// CRC32 adds x-amz-crc32 (DynamoDB does; the SDKs check it).
	CRC32 bool
	// Ops by operation name.
	Ops map[string]Op
	// Log receives internal errors.
	Log *slog.Logger
}

// ServeHTTP implements the protocol. The edge has already read the body into
// request.Info.Body.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	info := request.From(r.Context())
	if r.Method != http.MethodPost {
		h.WriteError(w, r, &awserr.Error{Code: "UnknownOperationException", Status: 400})
		return
	}
	target := r.Header.Get("X-Amz-Target")
	prefix, opName, ok := strings.Cut(target, ".")
	if !ok || prefix != h.TargetPrefix {
		h.WriteError(w, r, &awserr.Error{Code: "UnknownOperationException", Status: 400})
		return
	}
	op := h.Ops[opName]
	if op == nil {
		h.WriteError(w, r, &awserr.Error{Code: "UnknownOperationException", Status: 400})
		return
	}
	info.Operation = opName
	body := info.Body
	if len(body) == 0 {
		// An empty body is an empty input, as the SDKs send for no-input ops.
		body = []byte("{}")
	}
	out, err := op(r.Context(), body)
	if err != nil {
		h.WriteError(w, r, err)
		return
	}
	var buf []byte
	if a, ok := out.(Appender); ok {
		buf = a.AppendJSON(make([]byte, 0, 512))
	} else if buf, err = json.Marshal(out); err != nil {
		h.WriteError(w, r, err)
		return
	}
	h.write(w, http.StatusOK, buf)
}

func (h *Handler) write(w http.ResponseWriter, status int, body []byte) {
	hdr := w.Header()
	hdr["Content-Type"] = []string{"application/x-amz-json-" + h.Version}
	hdr["Content-Length"] = []string{strconv.Itoa(len(body))}
	if h.CRC32 {
		hdr["X-Amz-Crc32"] = []string{strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10)}
	}
	w.WriteHeader(status)
	w.Write(body)
}

// coralNamespaces are the error codes AWS's framework raises before a
// service sees the request; their __type carries the framework's namespace.
var coralNamespaces = map[string]string{
	"ValidationException":                 "com.amazon.coral.validate",
	"SerializationException":              "com.amazon.coral.service",
	"UnknownOperationException":           "com.amazon.coral.service",
	"MissingAuthenticationTokenException": "com.amazon.coral.service",
	"InvalidSignatureException":           "com.amazon.coral.service",
	"UnrecognizedClientException":         "com.amazon.coral.service",
	"IncompleteSignatureException":        "com.amazon.coral.service",
	"AccessDeniedException":               "com.amazon.coral.service",
	"RequestEntityTooLargeException":      "com.amazon.coral.service",
	"InternalFailure":                     "com.amazon.coral.service",
	"ExpiredTokenException":               "com.amazon.coral.service",
	"ThrottlingException":                 "com.amazon.coral.availability",
}

// WriteError encodes err. A non-*awserr.Error is logged and answered as
// InternalServerError.
func (h *Handler) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	var e *awserr.Error
	if !errors.As(err, &e) {
		info := request.From(r.Context())
		if h.Log != nil {
			h.Log.Error("internal error", "request_id", info.ID, "operation", info.Operation, "err", err)
		}
		e = InternalServerError()
	}
	WriteErrorWith(w, e, h.Version, h.Namespace, h.CRC32)
}

// InternalServerError is what a client sees for an unexpected failure.
func InternalServerError() *awserr.Error {
	return &awserr.Error{Code: "InternalServerError", Message: "Internal server error", Status: 500, Fault: true}
}

// WriteErrorWith encodes e for any awsJson service; the edge uses it for
// errors raised before a Handler runs.
func WriteErrorWith(w http.ResponseWriter, e *awserr.Error, version, namespace string, withCRC bool) {
	ns := e.Namespace
	if ns == "" {
		ns = coralNamespaces[e.Code]
	}
	if ns == "" {
		ns = namespace
	}
	typ := e.Code
	if ns != "" {
		typ = ns + "#" + e.Code
	}
	m := make(map[string]any, 2+len(e.Fields))
	for k, v := range e.Fields {
		m[k] = v
	}
	m["__type"] = typ
	if e.Message != "" {
		m["message"] = e.Message
	}
	buf, err := json.Marshal(m)
	if err != nil {
		buf = []byte(`{"__type":"com.amazon.coral.service#InternalFailure"}`)
	}
	for k, vs := range e.Header {
		w.Header()[k] = vs
	}
	h := Handler{Version: version, CRC32: withCRC}
	if h.Version == "" {
		h.Version = "1.0"
	}
	h.write(w, e.HTTPStatus(), buf)
}

// Decode unmarshals a request body into v with AWS's error for malformed
// input: SerializationException for bad JSON or wrong JSON types. Errors an
// UnmarshalJSON method returns as *awserr.Error pass through.
func Decode(body []byte, v any) error {
	if decodeFast(body, v) {
		return nil
	}
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var ae *awserr.Error
	if errors.As(err, &ae) {
		return ae
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &awserr.Error{Code: "SerializationException", Message: typeErrorMessage(te)}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// AWS answers unparseable JSON with a bare SerializationException.
		return &awserr.Error{Code: "SerializationException"}
	}
	return &awserr.Error{Code: "SerializationException", Message: err.Error()}
}

// typeErrorMessage words a JSON type mismatch as AWS's deserializer does.
func typeErrorMessage(te *json.UnmarshalTypeError) string {
	want := "String"
	switch te.Type.Kind().String() {
	case "int", "int32", "int64", "uint", "uint32", "uint64":
		want = "Long"
	case "bool":
		want = "Boolean"
	case "map", "struct":
		return "Start of structure or map found where not expected."
	case "slice", "array":
		return "Start of list found where not expected"
	}
	switch te.Value {
	case "number":
		return "NUMBER_VALUE can not be converted to " + want
	case "string":
		return "STRING_VALUE can not be converted to " + want
	case "bool":
		return "TRUE_VALUE can not be converted to " + want
	case "array":
		return "Start of list found where not expected"
	case "object":
		return "Start of structure or map found where not expected."
	}
	return "Unexpected value type in payload"
}
