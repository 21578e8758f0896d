package restjson

import (
	"io"
	"net/http"
	"reflect"
	"strconv"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/protocol/restjson/httpbind"
	"github.com/nimbus-cloud/nimbus/internal/request"
)

// Codec holds one service's restJson1 choices. The zero value is the
// common case (API Gateway, Polly); Lambda sets MessageKey and BadRequest.
type Codec struct {
	// MessageKey is the error body member that carries the message:
	// "message" when empty. Lambda's errors use "Message". Both SDK
	// families read either spelling.
	MessageKey string
	// ErrorTypeSuffix, when set, is appended to x-amzn-ErrorType as
	// "Code:Suffix", the way some services name their error namespace
	// (e.g. "http://internal.amazon.com/coral/com.amazonaws.backplane.controlplane/"
	// for API Gateway). The SDKs strip it.
	ErrorTypeSuffix string
	// BadRequest builds the error for a request that cannot be decoded:
	// malformed JSON, a value of the wrong type, a bad header or query
	// parameter. A 400 SerializationException when nil; Lambda answers
	// InvalidRequestContentException, API Gateway BadRequestException.
	BadRequest func(msg string) *awserr.Error
	// TooLarge builds the error for a body over MaxBodyBytes; a 413
	// RequestEntityTooLargeException when nil.
	TooLarge func(limit int64) *awserr.Error
	// MaxBodyBytes bounds a body read into memory; httpbind.DefaultMaxBody when 0.
	MaxBodyBytes int64
}

// SerializationException is the default BadRequest.
func SerializationException(msg string) *awserr.Error {
	return &awserr.Error{Code: "SerializationException", Message: msg, Status: http.StatusBadRequest}
}

func (c *Codec) options() httpbind.Options {
	bad := c.BadRequest
	if bad == nil {
		bad = SerializationException
	}
	return httpbind.Options{BadRequest: bad, TooLarge: c.TooLarge, MaxBodyBytes: c.MaxBodyBytes, DecodeBody: DecodeJSON}
}

// Decode fills in, a pointer to an input struct, from r: members tagged
// location:"uri" from params (the router's labels), "querystring" from the
// query, "header"/"headers" from headers, "payload" from the raw body, and
// the untagged members from the JSON body. See package httpbind for the tags.
// It returns an *awserr.Error (BadRequest's or TooLarge's) on bad input.
func (c Codec) Decode(r *http.Request, params map[string]string, in any) error {
	return httpbind.Bind(r, params, in, c.options())
}

// WriteResponse encodes out (a pointer to an output struct, or nil): its
// header members as headers, its statusCode member (if non-zero) or status
// as the status, and its payload member raw, or else its body members as a
// JSON object. 204 and 304 responses, and responses to HEAD, have no body.
// Nothing is written when it returns an error, so the caller can still send
// an InternalFailure.
func (c Codec) WriteResponse(w http.ResponseWriter, status int, out any) error {
	_, err := writeResponse(w, status, out, false)
	return err
}

// writeResponse reports whether it wrote the status line, after which an
// error can only be logged.
func writeResponse(w http.ResponseWriter, status int, out any, head bool) (written bool, err error) {
	h := w.Header()
	saved := h.Clone()
	resp, err := httpbind.Prepare(h, out, status)
	if err != nil {
		restoreHeader(h, saved)
		return false, err
	}
	noBody := head || resp.Status == http.StatusNoContent || resp.Status == http.StatusNotModified
	var body []byte
	var stream io.Reader
	contentType := "application/json"
	switch {
	case resp.HasPayload:
		body, stream, contentType, err = payloadBody(resp.Payload)
	case noBody:
	default:
		body, err = EncodeJSON(out)
		if err == nil && len(body) == 4 && string(body) == "null" {
			body = []byte("{}")
		}
	}
	if err != nil {
		restoreHeader(h, saved)
		return false, err
	}
	if stream != nil {
		if c, ok := stream.(io.Closer); ok {
			defer c.Close()
		}
	}
	if (body != nil || stream != nil) && h.Get("Content-Type") == "" {
		h.Set("Content-Type", contentType)
	}
	if body != nil && !noBody && h.Get("Content-Length") == "" {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(resp.Status)
	if noBody {
		return true, nil
	}
	if stream != nil {
		_, err := io.Copy(w, stream)
		return true, err
	}
	_, err = w.Write(body)
	return true, err
}

func restoreHeader(h, saved http.Header) {
	for k := range h {
		delete(h, k)
	}
	for k, v := range saved {
		h[k] = v
	}
}

// payloadBody returns the payload member's bytes (or stream) and the
// content type to use when the output sets none.
func payloadBody(v reflect.Value) (body []byte, stream io.Reader, contentType string, err error) {
	const octets = "application/octet-stream"
	if v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, nil, "", nil
		}
		if r, ok := v.Interface().(io.Reader); ok {
			return nil, r, octets, nil
		}
		if v.Kind() == reflect.Interface {
			v = v.Elem()
		}
	}
	switch {
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
		if v.IsNil() {
			return nil, nil, "", nil
		}
		return v.Bytes(), nil, octets, nil
	case v.Kind() == reflect.String:
		return []byte(v.String()), nil, "text/plain", nil
	case v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.String:
		return []byte(v.Elem().String()), nil, "text/plain", nil
	}
	b, err := EncodeJSON(v.Interface())
	if err != nil {
		return nil, nil, "", err
	}
	return b, nil, "application/json", nil
}

// WriteError encodes e as restJson1 services do: status from e, header
// x-amzn-ErrorType with the code, x-amzn-RequestId, e.Header, and a JSON
// body with the message (under MessageKey) and e.Fields beside it, e.g.
// Lambda's {"Type":"User","Message":"..."}. requestID "" takes the id the
// edge put in the request's context. Responses to HEAD have no body.
func (c Codec) WriteError(w http.ResponseWriter, r *http.Request, requestID string, e *awserr.Error) {
	if requestID == "" && r != nil {
		requestID = request.From(r.Context()).ID
	}
	h := w.Header()
	for k, vs := range e.Header {
		h[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	code := e.Code
	if c.ErrorTypeSuffix != "" {
		code += ":" + c.ErrorTypeSuffix
	}
	h.Set("X-Amzn-Errortype", code)
	if requestID != "" {
		h.Set("X-Amzn-Requestid", requestID)
	}
	h.Set("Content-Type", "application/json")
	body := c.errorBody(e)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Del("Content-Encoding")
	w.WriteHeader(e.HTTPStatus())
	if r != nil && r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

func (c Codec) errorBody(e *awserr.Error) []byte {
	key := c.MessageKey
	if key == "" {
		key = "message"
	}
	doc := make(map[string]any, len(e.Fields)+1)
	for k, v := range e.Fields {
		doc[k] = v
	}
	doc[key] = e.Message
	b, err := EncodeJSON(doc)
	if err != nil {
		// A field that cannot be encoded must not cost the client the
		// error itself.
		b, _ = EncodeJSON(map[string]string{key: e.Message})
	}
	return b
}

// Decode is Codec{}.Decode.
func Decode(r *http.Request, params map[string]string, in any) error {
	return Codec{}.Decode(r, params, in)
}

// WriteResponse is Codec{}.WriteResponse.
func WriteResponse(w http.ResponseWriter, status int, out any) error {
	return Codec{}.WriteResponse(w, status, out)
}

// WriteError is Codec{}.WriteError.
func WriteError(w http.ResponseWriter, r *http.Request, requestID string, e *awserr.Error) {
	Codec{}.WriteError(w, r, requestID, e)
}
