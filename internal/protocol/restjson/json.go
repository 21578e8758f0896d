package restjson

import (
	"bytes"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/protocol/restjson/httpbind"
)

// The JSON document codec. encoding/json would do most of this, but
// restJson1 writes timestamps as epoch seconds, must skip members bound to
// the URI, query or headers, and should report type errors with the member
// path; so values are walked here with the same json tags encoding/json
// reads (name, omitempty, "-"). Types that implement json.Marshaler or
// json.Unmarshaler keep control of their own encoding.

var (
	jsonMarshalerType   = reflect.TypeFor[json.Marshaler]()
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textMarshalerType   = reflect.TypeFor[encoding.TextMarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	timeType            = reflect.TypeFor[time.Time]()
	numberType          = reflect.TypeFor[json.Number]()
)

// jsonField is a body member as JSON sees it.
type jsonField struct {
	httpbind.Field
	key       string
	omitEmpty bool
}

func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for _, f := range httpbind.Fields(t) {
		if f.Location != httpbind.Body {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		if name == "" {
			name = f.GoName
		}
		out = append(out, jsonField{Field: f, key: name, omitEmpty: strings.Contains(","+opts+",", ",omitempty,")})
	}
	return out
}

// pathError is a type mismatch at a member path.
type pathError struct {
	path string
	msg  string
}

func (e *pathError) Error() string {
	if e.path == "" {
		return e.msg
	}
	return e.msg + " at '" + e.path + "'"
}

// DecodeJSON decodes a JSON document into dst, a pointer. Unknown members
// are ignored, as AWS's JSON services ignore them; members bound to a
// location other than the body are never read from it. The error says what
// is wrong and where, ready to be put in a SerializationException.
func DecodeJSON(body []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("Could not parse request body into json: %s", describeSyntax(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("Could not parse request body into json: unexpected data after the JSON value")
	}
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("restjson: DecodeJSON needs a non-nil pointer, got %T", dst)
	}
	return assign(rv.Elem(), doc, "", "")
}

func describeSyntax(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s (at byte %d)", se.Error(), se.Offset)
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return "unexpected end of JSON input"
	}
	return err.Error()
}

func typeName(src any) string {
	switch src.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

func mismatch(path, want string, src any) error {
	return &pathError{path: path, msg: fmt.Sprintf("Expected %s but found %s", want, typeName(src))}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func assign(dst reflect.Value, src any, path, tsFormat string) error {
	if src == nil {
		return nil // null and absent are the same to AWS
	}
	if dst.CanAddr() && dst.Addr().Type().Implements(jsonUnmarshalerType) && dst.Type() != timeType {
		raw, err := json.Marshal(src)
		if err != nil {
			return &pathError{path: path, msg: err.Error()}
		}
		if err := dst.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(raw); err != nil {
			return &pathError{path: path, msg: err.Error()}
		}
		return nil
	}
	switch dst.Kind() {
	case reflect.Pointer:
		p := reflect.New(dst.Type().Elem())
		if err := assign(p.Elem(), src, path, tsFormat); err != nil {
			return err
		}
		dst.Set(p)
		return nil
	case reflect.Interface:
		if dst.NumMethod() != 0 {
			return &pathError{path: path, msg: "cannot decode into " + dst.Type().String()}
		}
		dst.Set(reflect.ValueOf(plain(src)))
		return nil
	}
	if dst.Type() == timeType {
		var s string
		switch v := src.(type) {
		case json.Number:
			s = string(v)
		case string:
			s = v
		default:
			return mismatch(path, "a timestamp", src)
		}
		t, err := httpbind.ParseTime(s, tsFormat)
		if err != nil {
			return &pathError{path: path, msg: err.Error()}
		}
		dst.Set(reflect.ValueOf(t))
		return nil
	}
	if dst.Type() == numberType {
		n, ok := src.(json.Number)
		if !ok {
			return mismatch(path, "a number", src)
		}
		dst.SetString(string(n))
		return nil
	}
	if dst.CanAddr() && dst.Addr().Type().Implements(textUnmarshalerType) {
		s, ok := src.(string)
		if !ok {
			return mismatch(path, "a string", src)
		}
		if err := dst.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			return &pathError{path: path, msg: err.Error()}
		}
		return nil
	}
	switch dst.Kind() {
	case reflect.String:
		s, ok := src.(string)
		if !ok {
			return mismatch(path, "a string", src)
		}
		dst.SetString(s)
	case reflect.Bool:
		b, ok := src.(bool)
		if !ok {
			return mismatch(path, "a boolean", src)
		}
		dst.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := src.(json.Number)
		if !ok {
			return mismatch(path, "an integer", src)
		}
		i, err := strconv.ParseInt(string(n), 10, dst.Type().Bits())
		if err != nil {
			return &pathError{path: path, msg: fmt.Sprintf("%s is not an integer in range", n)}
		}
		dst.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := src.(json.Number)
		if !ok {
			return mismatch(path, "an integer", src)
		}
		i, err := strconv.ParseUint(string(n), 10, dst.Type().Bits())
		if err != nil {
			return &pathError{path: path, msg: fmt.Sprintf("%s is not a non-negative integer in range", n)}
		}
		dst.SetUint(i)
	case reflect.Float32, reflect.Float64:
		var f float64
		var err error
		switch v := src.(type) {
		case json.Number:
			f, err = strconv.ParseFloat(string(v), dst.Type().Bits())
		case string: // restJson1 sends non-finite floats as strings
			switch v {
			case "NaN":
				f = math.NaN()
			case "Infinity":
				f = math.Inf(1)
			case "-Infinity":
				f = math.Inf(-1)
			default:
				return mismatch(path, "a number", src)
			}
		default:
			return mismatch(path, "a number", src)
		}
		if err != nil {
			return &pathError{path: path, msg: fmt.Sprintf("%v is not a number in range", src)}
		}
		dst.SetFloat(f)
	case reflect.Slice:
		if dst.Type().Elem().Kind() == reflect.Uint8 {
			s, ok := src.(string)
			if !ok {
				return mismatch(path, "a base64 string", src)
			}
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return &pathError{path: path, msg: "Expected a base64 string"}
			}
			dst.SetBytes(b)
			return nil
		}
		arr, ok := src.([]any)
		if !ok {
			return mismatch(path, "an array", src)
		}
		s := reflect.MakeSlice(dst.Type(), len(arr), len(arr))
		for i, e := range arr {
			if err := assign(s.Index(i), e, path+"["+strconv.Itoa(i)+"]", tsFormat); err != nil {
				return err
			}
		}
		dst.Set(s)
	case reflect.Map:
		obj, ok := src.(map[string]any)
		if !ok {
			return mismatch(path, "an object", src)
		}
		t := dst.Type()
		if t.Key().Kind() != reflect.String {
			return &pathError{path: path, msg: "cannot decode into " + t.String()}
		}
		m := reflect.MakeMapWithSize(t, len(obj))
		for k, e := range obj {
			ev := reflect.New(t.Elem()).Elem()
			if err := assign(ev, e, join(path, k), tsFormat); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), ev)
		}
		dst.Set(m)
	case reflect.Struct:
		obj, ok := src.(map[string]any)
		if !ok {
			return mismatch(path, "an object", src)
		}
		for _, f := range jsonFields(dst.Type()) {
			e, ok := obj[f.key]
			if !ok {
				continue
			}
			if err := assign(httpbind.FieldByIndex(dst, f.Index), e, join(path, f.key), f.TimestampFormat); err != nil {
				return err
			}
		}
	default:
		return &pathError{path: path, msg: "cannot decode into " + dst.Type().String()}
	}
	return nil
}

// plain turns a decoded document into what encoding/json would have given
// an interface{}: numbers become float64.
func plain(src any) any {
	switch v := src.(type) {
	case json.Number:
		f, _ := v.Float64()
		return f
	case []any:
		for i := range v {
			v[i] = plain(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = plain(v[k])
		}
	}
	return src
}

// EncodeJSON encodes v (a struct's body members, a map, or any value) as
// restJson1 writes it: timestamps as epoch seconds unless a timestampFormat
// tag says otherwise, []byte as base64, nil pointers, slices and maps
// omitted from objects, map keys sorted.
func EncodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := encodeValue(&buf, reflect.ValueOf(v), ""); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func isNilable(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
		return true
	}
	return false
}

func encodeValue(buf *bytes.Buffer, v reflect.Value, tsFormat string) error {
	if !v.IsValid() {
		buf.WriteString("null")
		return nil
	}
	if isNilable(v) && v.IsNil() {
		buf.WriteString("null")
		return nil
	}
	if v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		return encodeValue(buf, v.Elem(), tsFormat)
	}
	t := v.Type()
	switch {
	case t == timeType:
		t := v.Interface().(time.Time)
		switch tsFormat {
		case "", httpbind.EpochSeconds:
			buf.WriteString(httpbind.FormatEpoch(t))
		default:
			writeString(buf, httpbind.FormatTime(t, tsFormat))
		}
		return nil
	case t == numberType:
		if v.String() == "" {
			buf.WriteString("0")
		} else {
			buf.WriteString(v.String())
		}
		return nil
	case t.Implements(jsonMarshalerType):
		return marshalWith(buf, v.Interface().(json.Marshaler))
	case v.CanAddr() && v.Addr().Type().Implements(jsonMarshalerType):
		return marshalWith(buf, v.Addr().Interface().(json.Marshaler))
	case t.Implements(textMarshalerType):
		b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return err
		}
		writeString(buf, string(b))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		writeString(buf, v.String())
	case reflect.Bool:
		buf.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		buf.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		buf.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			writeString(buf, httpbind.FormatFloat(f, 64))
			return nil
		}
		b, _ := json.Marshal(f) // encoding/json's float formatting is what clients expect
		if t.Kind() == reflect.Float32 {
			b, _ = json.Marshal(float32(f))
		}
		buf.Write(b)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && v.Kind() == reflect.Slice {
			writeString(buf, base64.StdEncoding.EncodeToString(v.Bytes()))
			return nil
		}
		buf.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := encodeValue(buf, v.Index(i), tsFormat); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return fmt.Errorf("restjson: cannot encode map with %s keys", t.Key())
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeString(buf, k.String())
			buf.WriteByte(':')
			if err := encodeValue(buf, v.MapIndex(k), tsFormat); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case reflect.Struct:
		buf.WriteByte('{')
		first := true
		for _, f := range jsonFields(t) {
			fv := httpbind.FieldByIndex(v, f.Index)
			if isNilable(fv) && fv.IsNil() || f.omitEmpty && fv.IsZero() {
				continue
			}
			if fv.Type() == timeType && fv.IsZero() {
				continue // the zero time is never a real AWS timestamp
			}
			if !first {
				buf.WriteByte(',')
			}
			first = false
			writeString(buf, f.key)
			buf.WriteByte(':')
			if err := encodeValue(buf, fv, f.TimestampFormat); err != nil {
				return fmt.Errorf("%s.%s: %w", t, f.GoName, err)
			}
		}
		buf.WriteByte('}')
	default:
		return fmt.Errorf("restjson: cannot encode %s", t)
	}
	return nil
}

func marshalWith(buf *bytes.Buffer, m json.Marshaler) error {
	b, err := m.MarshalJSON()
	if err != nil {
		return err
	}
	if !json.Valid(b) {
		return fmt.Errorf("restjson: %T.MarshalJSON returned invalid JSON", m)
	}
	return json.Compact(buf, b)
}

func writeString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s)
	buf.Write(b)
}
