package restxml

import (
	"bytes"
	"encoding"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/protocol/restjson/httpbind"
)

// The XML document encoder, shared with awsQuery. It reads encoding/xml's
// tags with encoding/xml's meaning, so one struct decodes with xml.Unmarshal
// and encodes here the same way:
//
//	Name  string    `xml:"Name"`              // <Name>..</Name>
//	Parts []Part    `xml:"Part"`              // flattened: <Part/><Part/>
//	Tags  []Tag     `xml:"TagSet>Tag"`        // wrapped:   <TagSet><Tag/><Tag/></TagSet>
//	Users []User    `xml:"Users>member"`      // awsQuery lists
//	Type  string    `xml:"xsi:type,attr"`     // attribute
//	Value string    `xml:",chardata"`         // text content
//	XMLName struct{} `xml:"ListBucketResult"` // root element name
//
// What it adds: time.Time is written as ISO 8601 with milliseconds
// (2006-01-02T15:04:05.000Z), or per a timestampFormat tag; []byte as
// base64; map[string]T as <entry><key/><value/></entry> (awsQuery's map
// shape); nil pointers, slices and maps are absent, while an empty non-nil
// slice under a wrapper writes the empty wrapper (<Users></Users>), as IAM
// does for an empty list; members with a location tag (headers, URI, ...)
// are not body members and are skipped; the zero time is absent.

// TimeFormat is how S3 (and awsQuery) write timestamps.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// Header is the XML declaration S3 puts before every document.
const Header = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

var (
	timeType          = reflect.TypeFor[time.Time]()
	xmlMarshalerType  = reflect.TypeFor[xml.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

type xmlField struct {
	httpbind.Field
	parents   []string
	name      string
	attr      bool
	chardata  bool
	omitEmpty bool
}

func xmlFields(t reflect.Type) []xmlField {
	var out []xmlField
	for _, f := range httpbind.Fields(t) {
		if f.Location != httpbind.Body || f.GoName == "XMLName" {
			continue
		}
		tag := f.Tag.Get("xml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		xf := xmlField{Field: f}
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "attr":
				xf.attr = true
			case "chardata":
				xf.chardata = true
			case "omitempty":
				xf.omitEmpty = true
			}
		}
		if i := strings.LastIndexByte(name, ' '); i >= 0 {
			name = name[i+1:] // a namespace URL before the name: ignored on members
		}
		if name == "" {
			name = f.GoName
		}
		parts := strings.Split(name, ">")
		xf.parents, xf.name = parts[:len(parts)-1], parts[len(parts)-1]
		out = append(out, xf)
	}
	return out
}

// rootName returns the element name for a struct: its XMLName tag, else the
// type's name; and the namespace given in the tag, if any.
func rootName(t reflect.Type) (name, ns string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct {
		if f, ok := t.FieldByName("XMLName"); ok {
			tag, _, _ := strings.Cut(f.Tag.Get("xml"), ",")
			if i := strings.LastIndexByte(tag, ' '); i >= 0 {
				ns, tag = tag[:i], tag[i+1:]
			}
			if tag != "" {
				return tag, ns
			}
		}
	}
	return t.Name(), ns
}

// Marshal returns v as a document: the XML declaration, then v's root
// element (named by its XMLName tag or type) carrying xmlns=namespace unless
// the XMLName tag names its own namespace or namespace is "".
func Marshal(v any, namespace string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(Header)
	if err := encodeRoot(&buf, v, namespace); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func encodeRoot(w io.Writer, v any, namespace string) error {
	name, ns := rootName(reflect.TypeOf(v))
	if ns != "" {
		namespace = ns
	}
	if name == "" {
		return fmt.Errorf("restxml: %T has no element name (add an XMLName field)", v)
	}
	e := xml.NewEncoder(w)
	start := xml.StartElement{Name: xml.Name{Local: name}}
	if namespace != "" {
		start.Attr = []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: namespace}}
	}
	if err := encodeValue(e, start, reflect.ValueOf(v), ""); err != nil {
		return err
	}
	return e.Flush()
}

// EncodeElement writes v to e as one element named name (v's XMLName or
// type name when name is ""), with the member rules above. A nil v writes
// an empty element.
func EncodeElement(e *xml.Encoder, name string, v any) error {
	if name == "" {
		name, _ = rootName(reflect.TypeOf(v))
	}
	start := xml.StartElement{Name: xml.Name{Local: name}}
	rv := reflect.ValueOf(v)
	if !rv.IsValid() || isNilable(rv) && rv.IsNil() {
		if err := e.EncodeToken(start); err != nil {
			return err
		}
		return e.EncodeToken(start.End())
	}
	return encodeValue(e, start, rv, "")
}

func isNilable(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
		return true
	}
	return false
}

// absent reports whether a member is left out.
func absent(v reflect.Value, omitEmpty bool) bool {
	if isNilable(v) && v.IsNil() {
		return true
	}
	if omitEmpty && v.IsZero() {
		return true
	}
	return v.Type() == timeType && v.IsZero()
}

// FormatTime writes t as restXml and awsQuery do by default, or in format
// (a timestampFormat tag value).
func FormatTime(t time.Time, format string) string {
	switch format {
	case httpbind.HTTPDate, httpbind.EpochSeconds:
		return httpbind.FormatTime(t, format)
	}
	return t.UTC().Format(TimeFormat)
}

// text returns the character data for a scalar, ok false if v is not one.
func text(v reflect.Value, tsFormat string) (s string, ok bool, err error) {
	t := v.Type()
	switch {
	case t == timeType:
		return FormatTime(v.Interface().(time.Time), tsFormat), true, nil
	case t.Implements(textMarshalerType):
		b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		return string(b), true, err
	}
	switch v.Kind() {
	case reflect.String:
		return v.String(), true, nil
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), true, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), true, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(v.Uint(), 10), true, nil
	case reflect.Float32, reflect.Float64:
		return httpbind.FormatFloat(v.Float(), t.Bits()), true, nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return base64.StdEncoding.EncodeToString(v.Bytes()), true, nil
		}
	}
	return "", false, nil
}

func encodeValue(e *xml.Encoder, start xml.StartElement, v reflect.Value, tsFormat string) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	t := v.Type()
	if t != timeType {
		if t.Implements(xmlMarshalerType) {
			return e.EncodeElement(v.Interface(), start)
		}
		if v.CanAddr() && v.Addr().Type().Implements(xmlMarshalerType) {
			return e.EncodeElement(v.Addr().Interface(), start)
		}
	}
	if s, ok, err := text(v, tsFormat); ok || err != nil {
		if err != nil {
			return err
		}
		return writeText(e, start, s)
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		// A list with no member name of its own: repeat the element.
		for i := 0; i < v.Len(); i++ {
			if err := encodeValue(e, start, v.Index(i), tsFormat); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		return encodeMap(e, start, v, tsFormat)
	case reflect.Struct:
		return encodeStruct(e, start, v)
	}
	return fmt.Errorf("restxml: cannot encode %s", t)
}

func writeText(e *xml.Encoder, start xml.StartElement, s string) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if s != "" {
		if err := e.EncodeToken(xml.CharData(s)); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

func encodeMap(e *xml.Encoder, start xml.StartElement, v reflect.Value, tsFormat string) error {
	if v.Type().Key().Kind() != reflect.String {
		return fmt.Errorf("restxml: cannot encode map with %s keys", v.Type().Key())
	}
	keys := v.MapKeys()
	sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for _, k := range keys {
		entry := xml.StartElement{Name: xml.Name{Local: "entry"}}
		if err := e.EncodeToken(entry); err != nil {
			return err
		}
		if err := writeText(e, xml.StartElement{Name: xml.Name{Local: "key"}}, k.String()); err != nil {
			return err
		}
		if err := encodeValue(e, xml.StartElement{Name: xml.Name{Local: "value"}}, v.MapIndex(k), tsFormat); err != nil {
			return err
		}
		if err := e.EncodeToken(entry.End()); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

func encodeStruct(e *xml.Encoder, start xml.StartElement, v reflect.Value) error {
	fields := xmlFields(v.Type())
	start.Attr = append([]xml.Attr(nil), start.Attr...)
	var chardata *string
	for _, f := range fields {
		fv := httpbind.FieldByIndex(v, f.Index)
		if absent(fv, f.omitEmpty) {
			continue
		}
		switch {
		case f.attr:
			for fv.Kind() == reflect.Pointer || fv.Kind() == reflect.Interface {
				fv = fv.Elem()
			}
			s, ok, err := text(fv, f.TimestampFormat)
			if err != nil || !ok {
				return fmt.Errorf("restxml: attribute %s.%s must be a scalar (%v)", v.Type(), f.GoName, err)
			}
			start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: f.name}, Value: s})
		case f.chardata:
			for fv.Kind() == reflect.Pointer || fv.Kind() == reflect.Interface {
				fv = fv.Elem()
			}
			s, _, err := text(fv, f.TimestampFormat)
			if err != nil {
				return err
			}
			chardata = &s
		}
	}
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if chardata != nil && *chardata != "" {
		if err := e.EncodeToken(xml.CharData(*chardata)); err != nil {
			return err
		}
	}
	for _, f := range fields {
		if f.attr || f.chardata {
			continue
		}
		fv := httpbind.FieldByIndex(v, f.Index)
		if absent(fv, f.omitEmpty) {
			continue
		}
		if err := encodeMember(e, f, fv); err != nil {
			return fmt.Errorf("%s.%s: %w", v.Type(), f.GoName, err)
		}
	}
	return e.EncodeToken(start.End())
}

func encodeMember(e *xml.Encoder, f xmlField, fv reflect.Value) error {
	for _, p := range f.parents {
		if err := e.EncodeToken(xml.StartElement{Name: xml.Name{Local: p}}); err != nil {
			return err
		}
	}
	if err := encodeValue(e, xml.StartElement{Name: xml.Name{Local: f.name}}, fv, f.TimestampFormat); err != nil {
		return err
	}
	for i := len(f.parents) - 1; i >= 0; i-- {
		if err := e.EncodeToken(xml.EndElement{Name: xml.Name{Local: f.parents[i]}}); err != nil {
			return err
		}
	}
	return nil
}
