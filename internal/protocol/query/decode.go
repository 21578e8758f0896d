package query

import (
	"bytes"
	"encoding"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/protocol/restjson/httpbind"
	"github.com/nimbus-cloud/nimbus/internal/request"
)

// DefaultMaxBody bounds a request body when no other limit is given. A
// 1 MiB SQS-style message, percent-encoded, fits.
const DefaultMaxBody = 4 << 20

// Request is a parsed awsQuery request.
type Request struct {
	// Action is the operation name ("CreateUser").
	Action string
	// Version is the API version the client sent ("2010-05-08"), "" if none.
	Version string
	// Params holds every parameter, Action and Version included.
	Params url.Values
	// BadRequest, when set, builds the errors Decode returns for values of
	// the wrong type; InvalidParameterValue otherwise.
	BadRequest func(msg string) *awserr.Error
}

// MissingAction is the error for a request with no Action.
func MissingAction() *awserr.Error {
	return &awserr.Error{Code: "MissingAction", Message: "The request must contain the parameter Action.", Status: http.StatusBadRequest}
}

// MalformedQueryString is the error for a body or query string that is
// not valid application/x-www-form-urlencoded.
func MalformedQueryString(detail string) *awserr.Error {
	return &awserr.Error{Code: "MalformedQueryString", Message: "The query string contains a syntax error: " + detail, Status: http.StatusBadRequest}
}

// InvalidParameterValue is the default error for a parameter that does
// not parse as its member's type.
func InvalidParameterValue(msg string) *awserr.Error {
	return &awserr.Error{Code: "InvalidParameterValue", Message: msg, Status: http.StatusBadRequest}
}

// ReadRequest parses r: the query string, plus for POST the
// application/x-www-form-urlencoded body (request.Info.Body when the edge
// has read it, else r.Body, within maxBody bytes, DefaultMaxBody when 0).
// It returns an *awserr.Error: MissingAction, MalformedQueryString, or a
// 413 RequestEntityTooLarge.
func ReadRequest(r *http.Request, maxBody int64) (*Request, error) {
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, MalformedQueryString(err.Error())
	}
	if r.Method == http.MethodPost && isForm(r.Header.Get("Content-Type")) {
		body, aerr := readBody(r, maxBody)
		if aerr != nil {
			return nil, aerr
		}
		form, err := url.ParseQuery(string(bytes.TrimSpace(body)))
		if err != nil {
			return nil, MalformedQueryString(err.Error())
		}
		for k, vs := range form {
			params[k] = append(params[k], vs...)
		}
	}
	req := &Request{Action: params.Get("Action"), Version: params.Get("Version"), Params: params}
	if req.Action == "" {
		return nil, MissingAction()
	}
	return req, nil
}

func isForm(contentType string) bool {
	if contentType == "" {
		return true // curl and some SDK presigners leave it out
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

func readBody(r *http.Request, max int64) ([]byte, *awserr.Error) {
	if max <= 0 {
		max = DefaultMaxBody
	}
	tooLarge := &awserr.Error{Code: "RequestEntityTooLarge", Status: http.StatusRequestEntityTooLarge,
		Message: fmt.Sprintf("Request body must be smaller than %d bytes", max)}
	if b := request.From(r.Context()).Body; b != nil {
		if int64(len(b)) > max {
			return nil, tooLarge
		}
		return b, nil
	}
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	if err != nil {
		return nil, MalformedQueryString("could not read the body: " + err.Error())
	}
	if int64(len(b)) > max {
		return nil, tooLarge
	}
	return b, nil
}

// Decode fills in, a pointer to an input struct, from the parameters.
// Members are named by their query tag or field name and nest with dots:
//
//	UserName string                                  // UserName=alice
//	Tags     []Tag                                   // Tags.member.1.Key=k&Tags.member.1.Value=v
//	Names    []string `query:"AttributeName,flattened"`   // AttributeName.1=a&AttributeName.2=b
//	Attrs    map[string]string `query:"Attributes"`      // Attributes.entry.1.key=k&Attributes.entry.1.value=v
//	Attr     map[string]string `query:"Attribute,flattened,key=Name,value=Value"` // Attribute.1.Name=k&Attribute.1.Value=v
//	Items    []Item `query:"Entries,member=Entry"`       // Entries.Entry.1.Id=...
//	Policy   *PolicyDoc                              // Policy.Version=...
//
// List and map entries are ordered by their index, which need not be
// contiguous; an empty list arrives as "Tags=" and decodes as an empty,
// non-nil slice. Scalars are strings, booleans ("true"/"false"), integers,
// floats, time.Time (ISO 8601), []byte (base64), and pointers to them; a
// pointer stays nil when its parameter is absent. A value that does not
// parse is an InvalidParameterValue error (or BadRequest's).
func (req *Request) Decode(in any) error {
	return Decode(req.Params, in, req.BadRequest)
}

// Decode is Request.Decode for bare parameters; bad may be nil.
func Decode(params url.Values, in any, bad func(msg string) *awserr.Error) error {
	rv := reflect.ValueOf(in)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		panic(fmt.Sprintf("query: Decode needs a pointer to a struct, got %T", in))
	}
	if bad == nil {
		bad = InvalidParameterValue
	}
	d := &decoder{params: params, bad: bad}
	d.keys = make([]string, 0, len(params))
	for k := range params {
		d.keys = append(d.keys, k)
	}
	sort.Strings(d.keys)
	return d.structFields(rv.Elem(), "")
}

type decoder struct {
	params url.Values
	keys   []string
	bad    func(string) *awserr.Error
}

type fieldOpts struct {
	name       string
	flattened  bool
	member     string
	key, value string
}

func parseOpts(f httpbind.Field) fieldOpts {
	o := fieldOpts{name: f.GoName, member: "member", key: "key", value: "value"}
	tag, ok := f.Tag.Lookup("query")
	if !ok {
		return o
	}
	parts := strings.Split(tag, ",")
	if parts[0] != "" {
		o.name = parts[0]
	}
	for _, p := range parts[1:] {
		k, v, _ := strings.Cut(p, "=")
		switch k {
		case "flattened":
			o.flattened = true
		case "member":
			o.member = v
		case "key":
			o.key = v
		case "value":
			o.value = v
		}
	}
	return o
}

// withPrefix returns the sorted keys that start with prefix.
func (d *decoder) withPrefix(prefix string) []string {
	i := sort.SearchStrings(d.keys, prefix)
	j := i
	for j < len(d.keys) && strings.HasPrefix(d.keys[j], prefix) {
		j++
	}
	return d.keys[i:j]
}

// present reports whether key or anything below it was sent.
func (d *decoder) present(key string) bool {
	if _, ok := d.params[key]; ok {
		return true
	}
	return len(d.withPrefix(key+".")) > 0
}

// indices returns the distinct positive indices N of keys "prefix.N" and
// "prefix.N.*", in numeric order.
func (d *decoder) indices(prefix string) []string {
	prefix += "."
	seen := map[int]string{}
	for _, k := range d.withPrefix(prefix) {
		seg, _, _ := strings.Cut(k[len(prefix):], ".")
		n, err := strconv.Atoi(seg)
		if err != nil || n < 1 || seg[0] == '+' {
			continue
		}
		seen[n] = seg
	}
	nums := make([]int, 0, len(seen))
	for n := range seen {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	out := make([]string, len(nums))
	for i, n := range nums {
		out[i] = seen[n]
	}
	return out
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func (d *decoder) structFields(v reflect.Value, prefix string) error {
	for _, f := range httpbind.Fields(v.Type()) {
		if f.Tag.Get("query") == "-" {
			continue
		}
		o := parseOpts(f)
		if err := d.value(httpbind.FieldByIndex(v, f.Index), join(prefix, o.name), o, f.TimestampFormat); err != nil {
			return err
		}
	}
	return nil
}

var textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()

func isScalar(t reflect.Type) bool {
	if reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return true // time.Time and other text types
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	case reflect.Slice:
		return t.Elem().Kind() == reflect.Uint8
	}
	return false
}

func (d *decoder) value(v reflect.Value, key string, o fieldOpts, tsFormat string) error {
	t := v.Type()
	if t.Kind() == reflect.Pointer {
		if !d.present(key) {
			return nil
		}
		p := reflect.New(t.Elem())
		if err := d.value(p.Elem(), key, o, tsFormat); err != nil {
			return err
		}
		v.Set(p)
		return nil
	}
	if isScalar(t) {
		vs, ok := d.params[key]
		if !ok || len(vs) == 0 {
			return nil
		}
		if err := httpbind.ParseScalar(v, vs[0], tsFormat); err != nil {
			return d.bad(fmt.Sprintf("Invalid value for parameter %s: %v", key, err))
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Slice:
		prefix := key
		if !o.flattened {
			prefix = key + "." + o.member
		}
		idx := d.indices(prefix)
		if len(idx) == 0 {
			if vs, ok := d.params[key]; ok && len(vs) > 0 && vs[0] == "" {
				v.Set(reflect.MakeSlice(t, 0, 0))
			}
			return nil
		}
		s := reflect.MakeSlice(t, len(idx), len(idx))
		elemOpts := fieldOpts{member: "member", key: "key", value: "value"}
		for i, n := range idx {
			if err := d.value(s.Index(i), prefix+"."+n, elemOpts, tsFormat); err != nil {
				return err
			}
		}
		v.Set(s)
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			panic(fmt.Sprintf("query: map keys must be strings, not %s", t.Key()))
		}
		prefix := key
		if !o.flattened {
			prefix = key + ".entry"
		}
		idx := d.indices(prefix)
		if len(idx) == 0 {
			return nil
		}
		m := reflect.MakeMapWithSize(t, len(idx))
		elemOpts := fieldOpts{member: "member", key: "key", value: "value"}
		for _, n := range idx {
			k, ok := d.params[prefix+"."+n+"."+o.key]
			if !ok || len(k) == 0 {
				continue
			}
			ev := reflect.New(t.Elem()).Elem()
			if err := d.value(ev, prefix+"."+n+"."+o.value, elemOpts, tsFormat); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(k[0]).Convert(t.Key()), ev)
		}
		v.Set(m)
	case reflect.Struct:
		return d.structFields(v, key)
	default:
		panic(fmt.Sprintf("query: cannot decode into %s", t))
	}
	return nil
}
