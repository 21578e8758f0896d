package vtl

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Input is the request (or integration response) a template maps: $input.
type Input struct {
	Body   []byte
	Params struct {
		Path, QueryString, Header map[string]string
	}
}

// Context holds $context: requestId, stage, resourcePath, httpMethod,
// identity (a nested map with sourceIp...), authorizer and so on. Nested
// values may be map[string]any, map[string]string, []any, []string, string,
// bool, int, int64 or float64. Execute never modifies it.
type Context map[string]any

// Overrides are what the template set under $context.requestOverride and
// $context.responseOverride.
type Overrides struct {
	Request struct {
		Header, Path, QueryString map[string]string
	}
	Response struct {
		Status int // 0 if the template did not set it
		Header map[string]string
	}
}

// Render parses and executes tmpl once. Callers that render the same
// template repeatedly should Parse it once and call Execute.
func Render(tmpl string, in *Input, ctx Context, stageVars map[string]string) (string, Overrides, error) {
	t, err := Parse(tmpl)
	if err != nil {
		return "", Overrides{}, err
	}
	return t.Execute(in, ctx, stageVars)
}

// Execute renders the template with API Gateway's variables: $input (nil
// leaves it undefined), $util, $context and $stageVariables. It returns the
// output and the overrides the template set; on error the output is empty.
func (t *Template) Execute(in *Input, ctx Context, stageVars map[string]string) (string, Overrides, error) {
	e := &evaluator{t: t, vars: make(map[string]any, 8), in: in, ctx: ctx, stage: stageVars}
	n := len(t.src) + 256
	if in != nil {
		n += len(in.Body) + len(in.Body)/4
	}
	e.out = make([]byte, 0, min(n, MaxOutputBytes))
	err := e.render(t.nodes)
	if err == errStop || err == errBreak {
		err = nil
	}
	if err != nil {
		return "", Overrides{}, err
	}
	return string(e.out), e.overrides(), nil
}

func (e *evaluator) overrides() Overrides {
	var o Overrides
	if e.ctxMap == nil {
		return o
	}
	strs := func(m *Map, key string) map[string]string {
		v, _ := m.get(key)
		sub, ok := v.(*Map)
		if !ok || sub.size() == 0 {
			return nil
		}
		r := make(map[string]string, sub.size())
		for i, k := range sub.keys {
			if sub.vals[i] != nil {
				r[k] = toString(sub.vals[i])
			}
		}
		return r
	}
	if req, ok := e.ctxMap.getOK("requestOverride").(*Map); ok {
		o.Request.Header = strs(req, "header")
		o.Request.Path = strs(req, "path")
		o.Request.QueryString = strs(req, "querystring")
	}
	if resp, ok := e.ctxMap.getOK("responseOverride").(*Map); ok {
		o.Response.Header = strs(resp, "header")
		switch s := resp.getOK("status").(type) {
		case int64:
			o.Response.Status = int(s)
		case float64:
			o.Response.Status = int(s)
		case string:
			o.Response.Status, _ = strconv.Atoi(strings.TrimSpace(s))
		}
	}
	return o
}

// inputObj is $input.
type inputObj struct {
	in *Input
	// The body parsed once and reused until the template mutates any list
	// or map (which could be part of it): every $input.path call then sees
	// the body as sent, as API Gateway's re-parsing does, without parsing a
	// large body once per loop iteration.
	parsed    any
	parsedGen int
	parseErr  error
	hasParsed bool
}

func (i *inputObj) call(e *evaluator, name string, args []any) (any, bool, error) {
	switch name {
	case "body", "getBody":
		if len(args) == 0 {
			return string(i.in.Body), true, nil
		}
	case "json", "path":
		if len(args) != 1 {
			return nil, false, nil
		}
		p, ok := args[0].(string)
		if !ok {
			return nil, false, nil
		}
		root, err := i.root(e)
		if err != nil {
			return nil, true, err
		}
		if strings.Contains(p, "..") || strings.Contains(p, "*") {
			// scans cost the size of the document
			if err := e.charge(len(i.in.Body), 0); err != nil {
				return nil, true, err
			}
		}
		v, err := jsonPath(root, p)
		if err != nil {
			return nil, true, err
		}
		if name == "path" {
			return v, true, nil
		}
		var b strings.Builder
		writeJSON(&b, v, 0)
		return b.String(), true, nil
	case "params":
		switch len(args) {
		case 0:
			m := newMap(3)
			m.put("path", toValue(orEmpty(i.in.Params.Path)))
			m.put("querystring", toValue(orEmpty(i.in.Params.QueryString)))
			m.put("header", toValue(orEmpty(i.in.Params.Header)))
			return m, true, nil
		case 1:
			n, ok := args[0].(string)
			if !ok {
				return nil, false, nil
			}
			for _, src := range []map[string]string{i.in.Params.Path, i.in.Params.QueryString, i.in.Params.Header} {
				if v, ok := src[n]; ok {
					return v, true, nil
				}
			}
			// headers are case-insensitive
			for k, v := range i.in.Params.Header {
				if strings.EqualFold(k, n) {
					return v, true, nil
				}
			}
			return "", true, nil
		}
	}
	return nil, false, nil
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// root parses the body as JSON; an empty body is the empty object, as API
// Gateway treats it.
func (i *inputObj) root(e *evaluator) (any, error) {
	if i.hasParsed && i.parsedGen == e.mutations {
		return i.parsed, i.parseErr
	}
	i.hasParsed, i.parsedGen = true, e.mutations
	i.parsed, i.parseErr = nil, nil
	body := strings.TrimSpace(string(i.in.Body))
	if body == "" {
		i.parsed = newMap(0)
		return i.parsed, nil
	}
	v, err := parseJSON(body)
	if err != nil {
		i.parseErr = javaException("Unable to parse input as JSON: " + err.Error())
		return nil, i.parseErr
	}
	i.parsed = v
	return v, nil
}

// utilObj is $util.
type utilObj struct{}

func (utilObj) call(e *evaluator, name string, args []any) (any, bool, error) {
	if len(args) != 1 {
		return nil, false, nil
	}
	if args[0] == nil {
		// a null argument: Velocity finds the method, which returns null
		return nil, true, nil
	}
	s := toString(args[0])
	switch name {
	case "escapeJavaScript":
		return escapeJavaScript(s), true, nil
	case "parseJson":
		v, err := parseJSON(s)
		if err != nil {
			return nil, true, javaException("Unable to parse JSON: " + err.Error())
		}
		return v, true, nil
	case "urlEncode":
		return javaURLEncode(s), true, nil
	case "urlDecode":
		r, err := javaURLDecode(s)
		return r, true, err
	case "base64Encode":
		return base64.StdEncoding.EncodeToString([]byte(s)), true, nil
	case "base64Decode":
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
		}
		if err != nil {
			return nil, true, javaException("Illegal base64 character")
		}
		return string(b), true, nil
	}
	return nil, false, nil
}

// escapeJavaScript is Apache Commons Lang 2's StringEscapeUtils.escapeJavaScript,
// which API Gateway uses: ' becomes \', / becomes \/, control characters
// get their short escapes or \u00XX, and every non-ASCII UTF-16 unit \uXXXX.
func escapeJavaScript(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	hex := func(u uint16) {
		fmt.Fprintf(&b, "\\u%04X", u)
	}
	for _, r := range s {
		switch {
		case r > 0xffff:
			for _, u := range utf16.Encode([]rune{r}) {
				hex(u)
			}
		case r > 0x7f:
			hex(uint16(r))
		case r < 32:
			switch r {
			case '\b':
				b.WriteString(`\b`)
			case '\n':
				b.WriteString(`\n`)
			case '\t':
				b.WriteString(`\t`)
			case '\f':
				b.WriteString(`\f`)
			case '\r':
				b.WriteString(`\r`)
			default:
				hex(uint16(r))
			}
		default:
			switch r {
			case '\'':
				b.WriteString(`\'`)
			case '"':
				b.WriteString(`\"`)
			case '\\':
				b.WriteString(`\\`)
			case '/':
				b.WriteString(`\/`)
			default:
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// javaURLEncode is java.net.URLEncoder.encode(s, "UTF-8").
func javaURLEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isLetter(c) || isDigit(c) || c == '.' || c == '-' || c == '*' || c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// javaURLDecode is java.net.URLDecoder.decode(s, "UTF-8").
func javaURLDecode(s string) (string, error) {
	r, err := url.QueryUnescape(s)
	if err != nil {
		return "", javaException("URLDecoder: Illegal hex characters in escape (%) pattern")
	}
	return r, nil
}

// JSON: a small parser into engine values (objects keep their key order)
// and a compact writer for $input.json.

type jsonParser struct {
	s     string
	i     int
	depth int
}

var errJSON = errors.New("invalid JSON")

func parseJSON(s string) (v any, err error) {
	p := &jsonParser{s: s}
	p.ws()
	v, err = p.value()
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i != len(p.s) {
		return nil, fmt.Errorf("%w: unexpected data at offset %d", errJSON, p.i)
	}
	return v, nil
}

func (p *jsonParser) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) fail() error {
	return fmt.Errorf("%w at offset %d", errJSON, p.i)
}

func (p *jsonParser) value() (any, error) {
	if p.i >= len(p.s) {
		return nil, p.fail()
	}
	switch c := p.s[p.i]; {
	case c == '{':
		p.depth++
		if p.depth > 512 {
			return nil, p.fail()
		}
		p.i++
		m := newSmallMap()
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			p.depth--
			return m, nil
		}
		for {
			p.ws()
			if p.i >= len(p.s) || p.s[p.i] != '"' {
				return nil, p.fail()
			}
			k, err := p.str()
			if err != nil {
				return nil, err
			}
			p.ws()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return nil, p.fail()
			}
			p.i++
			p.ws()
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			m.put(k, v)
			p.ws()
			if p.i >= len(p.s) {
				return nil, p.fail()
			}
			if p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.s[p.i] == '}' {
				p.i++
				p.depth--
				return m, nil
			}
			return nil, p.fail()
		}
	case c == '[':
		p.depth++
		if p.depth > 512 {
			return nil, p.fail()
		}
		p.i++
		l := &List{items: make([]any, 0, 8)}
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			p.depth--
			return l, nil
		}
		for {
			p.ws()
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			l.items = append(l.items, v)
			p.ws()
			if p.i >= len(p.s) {
				return nil, p.fail()
			}
			if p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.s[p.i] == ']' {
				p.i++
				p.depth--
				return l, nil
			}
			return nil, p.fail()
		}
	case c == '"':
		return p.str()
	case c == 't' && strings.HasPrefix(p.s[p.i:], "true"):
		p.i += 4
		return true, nil
	case c == 'f' && strings.HasPrefix(p.s[p.i:], "false"):
		p.i += 5
		return false, nil
	case c == 'n' && strings.HasPrefix(p.s[p.i:], "null"):
		p.i += 4
		return nil, nil
	case c == '-' || isDigit(c):
		return p.number()
	}
	return nil, p.fail()
}

func (p *jsonParser) number() (any, error) {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
	}
	digits := p.i
	for p.i < len(p.s) && isDigit(p.s[p.i]) {
		p.i++
	}
	if p.i == digits || (p.s[digits] == '0' && p.i-digits > 1) {
		return nil, p.fail()
	}
	isFloat := false
	if p.i < len(p.s) && p.s[p.i] == '.' {
		isFloat = true
		p.i++
		d := p.i
		for p.i < len(p.s) && isDigit(p.s[p.i]) {
			p.i++
		}
		if p.i == d {
			return nil, p.fail()
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		isFloat = true
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		d := p.i
		for p.i < len(p.s) && isDigit(p.s[p.i]) {
			p.i++
		}
		if p.i == d {
			return nil, p.fail()
		}
	}
	text := p.s[start:p.i]
	if !isFloat {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n, nil
		}
		return bigInt(text), nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, p.fail()
	}
	return f, nil
}

func (p *jsonParser) str() (string, error) {
	p.i++ // opening quote
	start := p.i
	for p.i < len(p.s) && p.s[p.i] != '"' && p.s[p.i] != '\\' && p.s[p.i] >= 0x20 {
		p.i++
	}
	if p.i < len(p.s) && p.s[p.i] == '"' {
		p.i++
		return p.s[start : p.i-1], nil
	}
	var b strings.Builder
	b.WriteString(p.s[start:p.i])
	for {
		if p.i >= len(p.s) {
			return "", p.fail()
		}
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), nil
		case c < 0x20:
			return "", p.fail()
		case c == '\\':
			p.i++
			if p.i >= len(p.s) {
				return "", p.fail()
			}
			switch p.s[p.i] {
			case '"', '\\', '/':
				b.WriteByte(p.s[p.i])
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, ok := p.hex4(p.i + 1)
				if !ok {
					return "", p.fail()
				}
				p.i += 4
				if utf16.IsSurrogate(r) {
					if r2, ok := p.hex4(p.i + 3); ok && p.i+2 < len(p.s) && p.s[p.i+1] == '\\' && p.s[p.i+2] == 'u' {
						if d := utf16.DecodeRune(r, r2); d != '\uFFFD' {
							r = d
							p.i += 6
						}
					}
				}
				b.WriteRune(r)
			default:
				return "", p.fail()
			}
			p.i++
		default:
			b.WriteByte(c)
			p.i++
		}
	}
}

func (p *jsonParser) hex4(at int) (rune, bool) {
	if at+4 > len(p.s) {
		return 0, false
	}
	n, err := strconv.ParseUint(p.s[at:at+4], 16, 16)
	return rune(n), err == nil
}

func writeJSON(b *strings.Builder, v any, depth int) {
	if depth > 512 || b.Len() > MaxOutputBytes {
		b.WriteString("null")
		return
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		writeJSONString(b, x)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		b.WriteString(javaDouble(x))
	case bigInt:
		b.WriteString(string(x))
	case *List:
		b.WriteByte('[')
		for i, e := range x.items {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, e, depth+1)
		}
		b.WriteByte(']')
	case *Map:
		b.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			writeJSON(b, x.vals[i], depth+1)
		}
		b.WriteByte('}')
	default:
		writeJSONString(b, toString(v))
	}
}

func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			b.WriteString(`\"`)
		case c == '\\':
			b.WriteString(`\\`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\b':
			b.WriteString(`\b`)
		case c == '\f':
			b.WriteString(`\f`)
		case c < 0x20:
			fmt.Fprintf(b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}
