package httpbind

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/request"
)

// DefaultMaxBody bounds a body read into memory when Options.MaxBodyBytes
// is zero. It is above Lambda's 50 MB direct-upload limit once base64'd.
const DefaultMaxBody = 80 << 20

// Options configure Bind.
type Options struct {
	// BadRequest builds the error for a request that cannot be decoded
	// (malformed body, a header or parameter of the wrong type). Required.
	BadRequest func(msg string) *awserr.Error
	// TooLarge builds the error for a body over MaxBodyBytes; a 413
	// RequestEntityTooLargeException when nil.
	TooLarge func(limit int64) *awserr.Error
	// MaxBodyBytes bounds the body read into memory; DefaultMaxBody when 0.
	// Streaming payloads (io.Reader members) are not bounded here.
	MaxBodyBytes int64
	// DecodeBody decodes a non-empty body document into dst, a pointer to
	// the input struct (when it has body members) or to the payload member
	// (when that is a struct). The protocol's decoder must skip members that
	// have a location. Errors that are not *awserr.Error go through BadRequest.
	DecodeBody func(body []byte, dst any) error
}

func (o *Options) tooLarge(limit int64) *awserr.Error {
	if o.TooLarge != nil {
		return o.TooLarge(limit)
	}
	return &awserr.Error{Code: "RequestEntityTooLargeException", Status: http.StatusRequestEntityTooLarge,
		Message: fmt.Sprintf("Request must be smaller than %d bytes", limit)}
}

// Bind fills in (a pointer to a struct) from r: URI labels from params
// (as the router extracted them, already unescaped), query parameters,
// headers and the body. The body is request.From(r.Context()).Body when the
// edge has read it, r.Body otherwise.
func Bind(r *http.Request, params map[string]string, in any, o Options) error {
	rv := reflect.ValueOf(in)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		panic(fmt.Sprintf("httpbind: Bind needs a pointer to a struct, got %T", in))
	}
	rv = rv.Elem()
	fields := Fields(rv.Type())
	query := r.URL.Query()
	bound := map[string]bool{}
	for _, f := range fields {
		if f.Location == Query && f.Name != "" {
			bound[f.Name] = true
		}
	}
	for _, f := range fields {
		fv := FieldByIndex(rv, f.Index)
		var err error
		switch f.Location {
		case URI:
			if s, ok := params[f.Name]; ok {
				err = ParseScalar(fv, s, f.TimestampFormat)
			}
		case Query:
			err = bindQuery(fv, f, query, bound)
		case Header:
			err = bindHeader(fv, f, r.Header)
		case Headers:
			bindHeaderMap(fv, f, r.Header)
		}
		if err != nil {
			return o.BadRequest(fmt.Sprintf("Invalid value for %s %q: %v", locationNoun(f.Location), f.Name, err))
		}
	}

	if pf, ok := PayloadField(fields); ok {
		return bindPayload(r, FieldByIndex(rv, pf.Index), &o)
	}
	if !HasBody(fields) {
		return nil
	}
	body, err := readBody(r, &o)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	return o.decode(body, in)
}

func (o *Options) decode(body []byte, dst any) error {
	if err := o.DecodeBody(body, dst); err != nil {
		var ae *awserr.Error
		if errors.As(err, &ae) {
			return ae
		}
		return o.BadRequest(err.Error())
	}
	return nil
}

func locationNoun(loc string) string {
	switch loc {
	case URI:
		return "path parameter"
	case Query:
		return "query parameter"
	}
	return "header"
}

func bindQuery(fv reflect.Value, f Field, q map[string][]string, bound map[string]bool) error {
	t := fv.Type()
	if t.Kind() == reflect.Map {
		// httpQueryParams: every parameter no other member binds.
		m := reflect.MakeMap(t)
		multi := t.Elem().Kind() == reflect.Slice
		for k, vs := range q {
			if bound[k] || len(vs) == 0 {
				continue
			}
			if multi {
				m.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), reflect.ValueOf(append([]string(nil), vs...)).Convert(t.Elem()))
			} else {
				m.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), reflect.ValueOf(vs[0]).Convert(t.Elem()))
			}
		}
		if m.Len() > 0 {
			fv.Set(m)
		}
		return nil
	}
	vs, ok := q[f.Name]
	if !ok || len(vs) == 0 {
		return nil
	}
	if t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 {
		s := reflect.MakeSlice(t, len(vs), len(vs))
		for i, v := range vs {
			if err := ParseScalar(s.Index(i), v, f.TimestampFormat); err != nil {
				return err
			}
		}
		fv.Set(s)
		return nil
	}
	return ParseScalar(fv, vs[0], f.TimestampFormat)
}

func bindHeader(fv reflect.Value, f Field, h http.Header) error {
	vs := h.Values(f.Name)
	if len(vs) == 0 {
		return nil
	}
	t := fv.Type()
	if t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 {
		// A list header may arrive as one comma-separated line or several
		// lines (RFC 9110 5.3); http-date lists are the one case whose
		// items contain commas, and no AWS API we emulate has one.
		var items []string
		for _, v := range vs {
			for _, it := range splitHeaderList(v) {
				items = append(items, it)
			}
		}
		s := reflect.MakeSlice(t, len(items), len(items))
		for i, it := range items {
			if err := ParseScalar(s.Index(i), it, headerFormat(f.TimestampFormat)); err != nil {
				return err
			}
		}
		fv.Set(s)
		return nil
	}
	return ParseScalar(fv, strings.TrimSpace(vs[0]), headerFormat(f.TimestampFormat))
}

// splitHeaderList splits a comma-separated header value, honouring quoted
// strings as Smithy's httpHeader lists are written.
func splitHeaderList(v string) []string {
	var out []string
	var cur strings.Builder
	inQuote, escaped := false, false
	flush := func() {
		s := strings.TrimSpace(cur.String())
		if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
			s = s[1 : len(s)-1]
		}
		if s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	for _, c := range v {
		switch {
		case escaped:
			escaped = false
		case c == '\\' && inQuote:
			escaped = true
			continue
		case c == '"':
			inQuote = !inQuote
		case c == ',' && !inQuote:
			flush()
			continue
		}
		cur.WriteRune(c)
	}
	flush()
	return out
}

func headerFormat(f string) string {
	if f == "" {
		return HTTPDate
	}
	return f
}

func bindHeaderMap(fv reflect.Value, f Field, h http.Header) {
	prefix := strings.ToLower(f.Name)
	t := fv.Type()
	m := reflect.MakeMap(t)
	for k, vs := range h {
		lk := strings.ToLower(k)
		if !strings.HasPrefix(lk, prefix) || len(lk) == len(prefix) {
			continue
		}
		m.SetMapIndex(reflect.ValueOf(lk[len(prefix):]).Convert(t.Key()), reflect.ValueOf(strings.Join(vs, ",")).Convert(t.Elem()))
	}
	if m.Len() > 0 {
		fv.Set(m)
	}
}

var readCloserType = reflect.TypeFor[io.ReadCloser]()

func bindPayload(r *http.Request, fv reflect.Value, o *Options) error {
	t := fv.Type()
	if t.Kind() == reflect.Interface {
		if !readCloserType.Implements(t) {
			panic(fmt.Sprintf("httpbind: payload of type %s", t))
		}
		// Streaming payload: hand the body over unread (S3 PutObject).
		if b := request.From(r.Context()).Body; b != nil {
			fv.Set(reflect.ValueOf(io.NopCloser(bytes.NewReader(b))))
		} else if r.Body != nil {
			fv.Set(reflect.ValueOf(r.Body))
		} else {
			fv.Set(reflect.ValueOf(io.NopCloser(bytes.NewReader(nil))))
		}
		return nil
	}
	body, err := readBody(r, o)
	if err != nil {
		return err
	}
	switch {
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		fv.SetBytes(body)
		return nil
	case t.Kind() == reflect.String:
		fv.SetString(string(body))
		return nil
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.String:
		if len(body) > 0 {
			s := string(body)
			fv.Set(reflect.ValueOf(&s).Convert(t))
		}
		return nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if t.Kind() == reflect.Pointer {
		p := reflect.New(t.Elem())
		if err := o.decode(body, p.Interface()); err != nil {
			return err
		}
		fv.Set(p)
		return nil
	}
	return o.decode(body, fv.Addr().Interface())
}

func readBody(r *http.Request, o *Options) ([]byte, error) {
	limit := o.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	if b := request.From(r.Context()).Body; b != nil {
		if int64(len(b)) > limit {
			return nil, o.tooLarge(limit)
		}
		return b, nil
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > limit {
		return nil, o.tooLarge(limit)
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, o.BadRequest("Could not read the request body: " + err.Error())
	}
	if int64(len(b)) > limit {
		return nil, o.tooLarge(limit)
	}
	return b, nil
}
