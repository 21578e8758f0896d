// Package awserr defines the one error type that reaches the wire.
//
// Every failure a client sees is an *Error. Services return them from their
// operations; the protocol codecs encode them in each protocol's shape
// (awsJson's __type, restJson's x-amzn-ErrorType, restXml's <Error>, awsQuery's
// <ErrorResponse>). Anything else that escapes an operation becomes
// InternalFailure: it is logged with the request id and never echoed.
package awserr

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an AWS error as a client sees it.
type Error struct {
	// Code is the error code, e.g. "ValidationException" or "NoSuchKey".
	Code string
	// Message is the human-readable message, exactly as AWS words it.
	Message string
	// Status is the HTTP status code; 400 when zero.
	Status int
	// Fault is true for server-side faults (5xx, "Receiver" in awsQuery).
	Fault bool
	// Namespace, when set, qualifies Code in awsJson's __type
	// (e.g. "com.amazonaws.dynamodb.v20120810"). Empty means the codec's default.
	Namespace string
	// Fields are extra members encoded beside code and message
	// (e.g. DynamoDB's "Item" on ConditionalCheckFailedException,
	// S3's <BucketName>). Values must be JSON/XML encodable.
	Fields map[string]any
	// Header holds extra response headers.
	Header http.Header
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code
	}
	return e.Code + ": " + e.Message
}

// HTTPStatus returns Status, defaulting to 400 (500 for faults).
func (e *Error) HTTPStatus() int {
	if e.Status != 0 {
		return e.Status
	}
	if e.Fault {
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

// Is matches on Code so errors.Is(err, &Error{Code: "X"}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// New returns a 400 error with the given code and message.
func New(code, msg string) *Error { return &Error{Code: code, Message: msg} }

// Newf is New with fmt formatting.
func Newf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WithStatus returns e with Status set.
func (e *Error) WithStatus(status int) *Error { e.Status = status; return e }

// With adds an extra field and returns e.
func (e *Error) With(key string, v any) *Error {
	if e.Fields == nil {
		e.Fields = map[string]any{}
	}
	e.Fields[key] = v
	return e
}

// As returns the *Error in err's chain, or an InternalFailure wrapping nothing
// (the caller logs err) and false.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return Internal(), false
}

// Internal is the error clients see for an unexpected failure.
func Internal() *Error {
	return &Error{Code: "InternalFailure", Message: "The request processing has failed because of an unknown error, exception or failure.", Status: 500, Fault: true}
}
