package awsjson

import (
	"encoding/json"
	"reflect"
	"strconv"
	"sync"
	"unicode/utf8"
)

// decodeFast decodes the common shape of a request — a flat JSON object
// whose members name fields of *v exactly — without encoding/json's
// validation pass over the whole body: it finds each member's value span
// with one scan and hands the span to the field (string fields are
// unquoted directly; fields with their own UnmarshalJSON, like DynamoDB
// items, get their raw bytes once). It reports false, having changed
// nothing the caller keeps, whenever the input is anything else (not an
// object, malformed, a member that matches a field only case-insensitively,
// an escaped member name): the caller then decodes with encoding/json,
// which gives the exact AWS error. Results equal encoding/json's
// (FuzzDecodeFast).
func decodeFast(body []byte, v any) bool {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return false
	}
	fields := fieldsOf(rv.Elem().Type())
	s := scanner{b: body}
	s.ws()
	if !s.take('{') {
		return false
	}
	// Decode into a scratch value so a half-decoded input never leaks.
	tmp := reflect.New(rv.Elem().Type()).Elem()
	s.ws()
	if s.take('}') {
		return s.end() && set(rv, tmp)
	}
	for {
		s.ws()
		name, ok := s.plainString()
		if !ok {
			return false
		}
		s.ws()
		if !s.take(':') {
			return false
		}
		s.ws()
		start := s.i
		if !s.value(0) {
			return false
		}
		span := body[start:s.i]
		if f, known := fields.exact[name]; known {
			if !decodeField(tmp.FieldByIndex(f.index), f, span) {
				return false
			}
		} else if fields.folded(name) {
			return false // encoding/json would match it case-insensitively
		}
		s.ws()
		if s.take(',') {
			continue
		}
		if s.take('}') {
			return s.end() && set(rv, tmp)
		}
		return false
	}
}

func set(dst, src reflect.Value) bool {
	dst.Elem().Set(src)
	return true
}

type field struct {
	index    []int
	isString bool // *string
}

type fieldSet struct {
	exact map[string]field
	lower map[string]bool
}

func (fs *fieldSet) folded(name string) bool {
	return fs.lower[lowerASCII(name)]
}

var fieldCache sync.Map // reflect.Type → *fieldSet

// fieldsOf lists a struct's JSON members as encoding/json sees them,
// including those of embedded structs.
func fieldsOf(t reflect.Type) *fieldSet {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.(*fieldSet)
	}
	fs := &fieldSet{exact: map[string]field{}, lower: map[string]bool{}}
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			idx := append(append([]int(nil), index...), i)
			tag := sf.Tag.Get("json")
			if sf.Anonymous && tag == "" && sf.Type.Kind() == reflect.Struct {
				walk(sf.Type, idx)
				continue
			}
			if !sf.IsExported() || tag == "-" {
				continue
			}
			name := sf.Name
			if tag != "" {
				if n, _, _ := cut(tag, ','); n != "" {
					name = n
				}
			}
			fs.exact[name] = field{index: idx, isString: sf.Type.Kind() == reflect.Pointer && sf.Type.Elem().Kind() == reflect.String}
			fs.lower[lowerASCII(name)] = true
		}
	}
	walk(t, nil)
	actual, _ := fieldCache.LoadOrStore(t, fs)
	return actual.(*fieldSet)
}

func cut(s string, sep byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// decodeField sets one field from its value's bytes.
func decodeField(fv reflect.Value, f field, span []byte) bool {
	if f.isString && len(span) >= 2 && span[0] == '"' {
		if str, ok := plainUnquote(span); ok {
			p := new(string)
			*p = str
			fv.Set(reflect.ValueOf(p))
			return true
		}
	}
	if string(span) == "null" {
		fv.Set(reflect.Zero(fv.Type())) // what encoding/json does for pointers, maps, slices
		return true
	}
	// Everything else (items, maps, numbers, lists) through encoding/json on
	// just this span, so custom unmarshalers and their errors are as usual.
	err := json.Unmarshal(span, fv.Addr().Interface())
	return err == nil
}

// plainUnquote unquotes a JSON string without escapes and with valid UTF-8.
func plainUnquote(span []byte) (string, bool) {
	inner := span[1 : len(span)-1]
	for _, c := range inner {
		if c == '\\' || c == '"' || c < 0x20 {
			return "", false
		}
	}
	if !utf8.Valid(inner) {
		return "", false
	}
	return string(inner), true
}

// scanner finds value spans; it accepts exactly valid JSON (anything it
// cannot vouch for makes decodeFast give up).
type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) take(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *scanner) end() bool {
	s.ws()
	return s.i == len(s.b)
}

// plainString reads a member name without escapes.
func (s *scanner) plainString() (string, bool) {
	start := s.i
	if !s.str() {
		return "", false
	}
	name, ok := plainUnquote(s.b[start:s.i])
	return name, ok
}

// str skips a string, validating escapes.
func (s *scanner) str() bool {
	if !s.take('"') {
		return false
	}
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return true
		case c == '\\':
			if s.i+1 >= len(s.b) {
				return false
			}
			switch s.b[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i += 2
			case 'u':
				if s.i+6 > len(s.b) {
					return false
				}
				for _, h := range s.b[s.i+2 : s.i+6] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return false
					}
				}
				s.i += 6
			default:
				return false
			}
		case c < 0x20:
			return false
		default:
			s.i++
		}
	}
	return false
}

const maxFastDepth = 10000

// value skips one JSON value.
func (s *scanner) value(depth int) bool {
	if depth > maxFastDepth || s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		return s.str()
	case c == '{' || c == '[':
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		s.i++
		s.ws()
		if s.take(closer) {
			return true
		}
		for {
			s.ws()
			if c == '{' {
				if !s.str() {
					return false
				}
				s.ws()
				if !s.take(':') {
					return false
				}
				s.ws()
			}
			if !s.value(depth + 1) {
				return false
			}
			s.ws()
			if s.take(',') {
				continue
			}
			return s.take(closer)
		}
	case c == 't':
		return s.lit("true")
	case c == 'f':
		return s.lit("false")
	case c == 'n':
		return s.lit("null")
	default:
		return s.number()
	}
}

func (s *scanner) lit(w string) bool {
	if len(s.b)-s.i >= len(w) && string(s.b[s.i:s.i+len(w)]) == w {
		s.i += len(w)
		return true
	}
	return false
}

func (s *scanner) number() bool {
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			s.i++
			continue
		}
		break
	}
	if s.i == start {
		return false
	}
	_, err := strconv.ParseFloat(string(s.b[start:s.i]), 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return false
		}
	}
	return json.Valid(s.b[start:s.i])
}
