package httpbind

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
)

// Response is what Prepare learned about an output struct.
type Response struct {
	// Status is the statusCode member when set (non-zero), else the default.
	Status int
	// Payload is the payload member (invalid when there is none).
	Payload reflect.Value
	// HasPayload says whether there is a payload member.
	HasPayload bool
	// HasBody says whether there are body members (and no payload member).
	HasBody bool
}

// Prepare writes out's header and header-prefix members into h and finds
// its status code and payload. out is a struct or a pointer to one; a nil
// pointer or nil interface is an output with no members; any other value
// (a map, say) is all body.
func Prepare(h http.Header, out any, status int) (Response, error) {
	resp := Response{Status: status}
	rv := reflect.ValueOf(out)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return resp, nil
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return resp, nil
	}
	if rv.Kind() != reflect.Struct {
		// A map or other document: all body, no bindings.
		resp.HasBody = true
		return resp, nil
	}
	fields := Fields(rv.Type())
	for _, f := range fields {
		fv := FieldByIndex(rv, f.Index)
		switch f.Location {
		case Header:
			if err := writeHeader(h, f, fv); err != nil {
				return resp, fmt.Errorf("%s.%s: %w", rv.Type(), f.GoName, err)
			}
		case Headers:
			// Stored under the exact name, not canonicalized: the keys are
			// user data (S3 metadata), and S3 sends them lower-cased, so
			// clients that do not fold case (boto3's dict) see what they
			// would from S3.
			iter := fv.MapRange()
			for iter.Next() {
				h[f.Name+iter.Key().String()] = []string{fmt.Sprint(iter.Value().Interface())}
			}
		case StatusCode:
			v := fv
			if v.Kind() == reflect.Pointer {
				if v.IsNil() {
					continue
				}
				v = v.Elem()
			}
			if v.CanInt() && v.Int() != 0 {
				resp.Status = int(v.Int())
			}
		case Payload:
			resp.Payload, resp.HasPayload = fv, true
		case Body:
			resp.HasBody = true
		}
	}
	if resp.HasPayload {
		resp.HasBody = false
	}
	return resp, nil
}

func writeHeader(h http.Header, f Field, fv reflect.Value) error {
	format := headerFormat(f.TimestampFormat)
	if fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() != reflect.Uint8 {
		if fv.IsNil() {
			return nil
		}
		parts := make([]string, 0, fv.Len())
		for i := 0; i < fv.Len(); i++ {
			s, _, err := FormatScalar(fv.Index(i), format)
			if err != nil {
				return err
			}
			if strings.ContainsAny(s, `,"`) {
				s = `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
			}
			parts = append(parts, s)
		}
		h.Set(f.Name, strings.Join(parts, ", "))
		return nil
	}
	s, ok, err := FormatScalar(fv, format)
	if err != nil || !ok {
		return err
	}
	h.Set(f.Name, s)
	return nil
}
