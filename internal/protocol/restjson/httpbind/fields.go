package httpbind

import (
	"fmt"
	"reflect"
	"strings"
)

// Locations a member can be bound to.
const (
	Body       = ""            // the protocol's body document (JSON object, XML element)
	URI        = "uri"         // a {Label} of the route's path template
	Query      = "querystring" // a query parameter (map: all unbound parameters)
	Header     = "header"      // one header (map: a header prefix, like Headers)
	Headers    = "headers"     // every header with the prefix in name
	Payload    = "payload"     // the whole body, raw ([]byte, string, io.Reader) or as a document (struct)
	StatusCode = "statusCode"  // the HTTP status (outputs)
)

// Field is one exported struct member and its binding.
type Field struct {
	// Index is the member's index path for reflect.Value.FieldByIndex.
	Index []int
	// GoName is the Go field name.
	GoName string
	// Location is one of the location constants; Body when untagged.
	Location string
	// Name is the wire name: the name tag for bound members, the field name
	// otherwise (body codecs apply their own json/xml tags on top).
	Name string
	// TimestampFormat is the timestampFormat tag, "" for the location's default.
	TimestampFormat string
	// Type is the member's type.
	Type reflect.Type
	// Tag is the whole struct tag, for the body codecs.
	Tag reflect.StructTag
}

// Fields returns t's exported members, including those promoted from embedded
// structs (embedded by value; members reached through an embedded pointer are
// skipped, since writing them would need an allocation nobody asked for).
// t must be a struct type. Tags are validated: an unknown location panics,
// because it is a programming error caught by any test that touches the type.
func Fields(t reflect.Type) []Field {
	var out []Field
	for _, sf := range reflect.VisibleFields(t) {
		if !sf.IsExported() || (sf.Anonymous && sf.Type.Kind() == reflect.Struct) {
			continue
		}
		if throughPointer(t, sf.Index) {
			continue
		}
		loc := sf.Tag.Get("location")
		switch loc {
		case Body, URI, Query, Header, Headers, Payload, StatusCode:
		default:
			panic(fmt.Sprintf("httpbind: %s.%s: unknown location %q", t, sf.Name, loc))
		}
		if loc == Header && sf.Type.Kind() == reflect.Map {
			loc = Headers
		}
		name := sf.Tag.Get("name")
		if name == "" && loc != Query && loc != Headers {
			name = sf.Name
		}
		if loc == Query && name == "" && sf.Type.Kind() != reflect.Map {
			name = sf.Name
		}
		out = append(out, Field{
			Index:           sf.Index,
			GoName:          sf.Name,
			Location:        loc,
			Name:            name,
			TimestampFormat: normalizeFormat(sf.Tag.Get("timestampFormat")),
			Type:            sf.Type,
			Tag:             sf.Tag,
		})
	}
	return out
}

func throughPointer(t reflect.Type, index []int) bool {
	for _, i := range index[:len(index)-1] {
		f := t.Field(i)
		if f.Type.Kind() == reflect.Pointer {
			return true
		}
		t = f.Type
	}
	return false
}

// HasBody reports whether any of fields is a body member.
func HasBody(fields []Field) bool {
	for _, f := range fields {
		if f.Location == Body {
			return true
		}
	}
	return false
}

// PayloadField returns the payload member, if any.
func PayloadField(fields []Field) (Field, bool) {
	for _, f := range fields {
		if f.Location == Payload {
			return f, true
		}
	}
	return Field{}, false
}

func normalizeFormat(f string) string {
	switch strings.ToLower(f) {
	case "":
		return ""
	case "iso8601", "date-time", "datetime":
		return DateTime
	case "rfc822", "http-date", "httpdate":
		return HTTPDate
	case "unixtimestamp", "epoch-seconds", "epochseconds":
		return EpochSeconds
	}
	panic(fmt.Sprintf("httpbind: unknown timestampFormat %q", f))
}

// FieldByIndex is reflect.Value.FieldByIndex that allocates nothing and
// works on the embedded-by-value paths Fields returns.
func FieldByIndex(v reflect.Value, index []int) reflect.Value {
	for _, i := range index {
		v = v.Field(i)
	}
	return v
}
