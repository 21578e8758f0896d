package vtl

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// voidResult is what a Java method declared void returns to Velocity 1.7:
// an empty string, so the reference renders as nothing.
const voidResult = ""

func capitalize(s string) string {
	if s == "" {
		return s
	}
	if s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// property resolves $v.name the way Velocity's introspector does: a Map's
// key, otherwise getName() / isName().
func (e *evaluator) property(v any, name string, pos int) (any, error) {
	switch x := v.(type) {
	case *Map:
		r, _ := x.get(name)
		return r, nil
	case *entry:
		switch name {
		case "key":
			return x.key, nil
		case "value":
			return x.val, nil
		}
		return nil, nil
	case object:
		r, ok, err := x.call(e, name, nil)
		if ok || err != nil {
			return r, err
		}
	}
	if r, err := e.invoke(v, "get"+capitalize(name), nil, pos); r != nil || err != nil {
		return r, err
	}
	return e.invoke(v, "is"+capitalize(name), nil, pos)
}

// index resolves $v[i]: list and string-keyed map access.
func (e *evaluator) index(v, idx any, pos int) (any, error) {
	switch x := v.(type) {
	case *List:
		i, ok := toInt(idx)
		if !ok {
			return nil, nil
		}
		if i < 0 || i >= len(x.items) {
			return nil, e.errAt(ErrInvocation, pos, fmt.Sprintf("index %d out of bounds for length %d", i, len(x.items)))
		}
		return x.items[i], nil
	case *Map:
		if idx == nil {
			return nil, nil
		}
		r, _ := x.get(toString(idx))
		return r, nil
	}
	return nil, nil
}

// invoke calls a Java-like method. An unknown method or arguments of the
// wrong types give nil (Velocity renders the reference literally); a method
// that would throw gives ErrInvocation.
func (e *evaluator) invoke(v any, name string, args []any, pos int) (any, error) {
	var r any
	var err error
	switch x := v.(type) {
	case string:
		// most string methods cost the length of the string
		if err := e.charge(len(x), pos); err != nil {
			return nil, err
		}
		r, err = stringMethod(e, x, name, args)
	case *List:
		if err := e.charge(len(x.items)*16, pos); err != nil {
			return nil, err
		}
		e.mutations += mutators[name]
		r, err = listMethod(x, name, args)
	case *Map:
		if err := e.charge(x.size()*16, pos); err != nil {
			return nil, err
		}
		e.mutations += mutators[name]
		r, err = mapMethod(x, name, args)
	case *entry:
		e.mutations += mutators[name]
		r = entryMethod(x, name, args)
	case object:
		var ok bool
		r, ok, err = x.call(e, name, args)
		if !ok && err == nil {
			r = commonMethod(v, name, args)
		}
	default:
		r = commonMethod(v, name, args)
	}
	if err != nil {
		var ve *Error
		if asErr(err, &ve) {
			return nil, err
		}
		return nil, e.errAt(ErrInvocation, pos, fmt.Sprintf("%s: %v", name, err))
	}
	if s, ok := r.(string); ok && len(s) > 256 {
		if err := e.charge(len(s), pos); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func asErr(err error, target **Error) bool {
	e, ok := err.(*Error)
	if ok {
		*target = e
	}
	return ok
}

// mutators are the list, map and entry methods that change them in place.
var mutators = map[string]int{"add": 1, "addAll": 1, "set": 1, "remove": 1, "clear": 1,
	"put": 1, "putAll": 1, "setValue": 1}

// commonMethod: methods every Java object (and the boxed numbers) has.
func commonMethod(v any, name string, args []any) any {
	switch name {
	case "toString":
		if len(args) == 0 {
			return toString(v)
		}
	case "equals":
		if len(args) == 1 {
			return valueEquals(v, args[0]) && sameKind(v, args[0])
		}
	}
	switch x := v.(type) {
	case int64:
		if len(args) == 0 {
			switch name {
			case "intValue", "longValue":
				return x
			case "doubleValue", "floatValue":
				return float64(x)
			}
		}
	case float64:
		if len(args) == 0 {
			switch name {
			case "intValue", "longValue":
				return int64(x)
			case "doubleValue", "floatValue":
				return x
			case "isNaN":
				return x != x
			}
		}
	case bool:
		if name == "booleanValue" && len(args) == 0 {
			return x
		}
	}
	return nil
}

// sameKind: Java's equals is false between an Integer and a String.
func sameKind(a, b any) bool {
	switch a.(type) {
	case int64:
		_, ok := b.(int64)
		return ok
	case float64:
		_, ok := b.(float64)
		return ok
	case string:
		_, ok := b.(string)
		return ok
	case bool:
		_, ok := b.(bool)
		return ok
	case *List:
		_, ok := b.(*List)
		return ok
	case *Map:
		_, ok := b.(*Map)
		return ok
	}
	return true
}

// Java strings are UTF-16: lengths and indexes count UTF-16 code units.

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

type jstring struct {
	s     string
	ascii bool
	u     []uint16
}

func newJString(s string) *jstring {
	j := &jstring{s: s, ascii: isASCII(s)}
	if !j.ascii {
		j.u = utf16.Encode([]rune(s))
	}
	return j
}

func (j *jstring) len() int {
	if j.ascii {
		return len(j.s)
	}
	return len(j.u)
}

func (j *jstring) slice(b, e int) string {
	if j.ascii {
		return j.s[b:e]
	}
	return string(utf16.Decode(j.u[b:e]))
}

// offset converts a byte offset of s into a UTF-16 index.
func (j *jstring) offset(byteOff int) int {
	if j.ascii {
		return byteOff
	}
	return len(utf16.Encode([]rune(j.s[:byteOff])))
}

// byteOffset converts a UTF-16 index into a byte offset.
func (j *jstring) byteOffset(i int) int {
	if j.ascii {
		return i
	}
	return len(string(utf16.Decode(j.u[:i])))
}

type javaException string

func (e javaException) Error() string { return string(e) }

func argString(args []any, i int) (string, bool) {
	if i >= len(args) {
		return "", false
	}
	s, ok := args[i].(string)
	return s, ok
}

func stringMethod(e *evaluator, s, name string, args []any) (any, error) {
	n := len(args)
	switch name {
	case "length", "size":
		if n == 0 {
			return int64(newJString(s).len()), nil
		}
	case "isEmpty":
		if n == 0 {
			return s == "", nil
		}
	case "toString", "trim", "toLowerCase", "toUpperCase", "intern":
		if n != 0 {
			break
		}
		switch name {
		case "trim":
			return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' }), nil
		case "toLowerCase":
			return strings.ToLower(s), nil
		case "toUpperCase":
			return strings.ToUpper(s), nil
		}
		return s, nil
	case "equals":
		if n == 1 {
			o, ok := args[0].(string)
			return ok && o == s, nil
		}
	case "equalsIgnoreCase":
		if n == 1 {
			o, ok := args[0].(string)
			return ok && strings.EqualFold(o, s), nil
		}
	case "contains":
		if n == 1 && args[0] != nil {
			return strings.Contains(s, toString(args[0])), nil
		}
	case "startsWith":
		p, ok := argString(args, 0)
		if n == 1 && ok {
			return strings.HasPrefix(s, p), nil
		}
		if n == 2 && ok {
			j := newJString(s)
			off, ok := toInt(args[1])
			if !ok {
				break
			}
			if off < 0 || off > j.len() {
				return false, nil
			}
			return strings.HasPrefix(j.slice(off, j.len()), p), nil
		}
	case "endsWith":
		if p, ok := argString(args, 0); ok && n == 1 {
			return strings.HasSuffix(s, p), nil
		}
	case "concat":
		if p, ok := argString(args, 0); ok && n == 1 {
			if len(s)+len(p) > MaxOutputBytes {
				return nil, e.errAt(ErrOutputLimit, 0, "string larger than 10 MB")
			}
			return s + p, nil
		}
	case "charAt":
		if n == 1 {
			i, ok := toInt(args[0])
			if !ok {
				break
			}
			j := newJString(s)
			if i < 0 || i >= j.len() {
				return nil, javaException(fmt.Sprintf("String index out of range: %d", i))
			}
			return j.slice(i, i+1), nil
		}
	case "substring":
		if n < 1 || n > 2 {
			break
		}
		j := newJString(s)
		b, ok := toInt(args[0])
		if !ok {
			break
		}
		end := j.len()
		if n == 2 {
			if end, ok = toInt(args[1]); !ok {
				break
			}
		}
		if b < 0 || end > j.len() || b > end {
			return nil, javaException(fmt.Sprintf("begin %d, end %d, length %d", b, end, j.len()))
		}
		return j.slice(b, end), nil
	case "indexOf", "lastIndexOf":
		if n < 1 || n > 2 || args[0] == nil {
			break
		}
		sub := toString(args[0])
		if _, isStr := args[0].(string); !isStr {
			break
		}
		j := newJString(s)
		if name == "indexOf" {
			from := 0
			if n == 2 {
				f, ok := toInt(args[1])
				if !ok {
					break
				}
				from = min(max(f, 0), j.len())
			}
			bo := j.byteOffset(from)
			i := strings.Index(s[bo:], sub)
			if i < 0 {
				return int64(-1), nil
			}
			return int64(j.offset(bo + i)), nil
		}
		end := len(s)
		if n == 2 {
			f, ok := toInt(args[1])
			if !ok {
				break
			}
			if f < 0 {
				return int64(-1), nil
			}
			f = min(f, j.len())
			end = min(j.byteOffset(f)+len(sub), len(s))
		}
		i := strings.LastIndex(s[:end], sub)
		if i < 0 {
			return int64(-1), nil
		}
		return int64(j.offset(i)), nil
	case "replace":
		if n == 2 && args[0] != nil && args[1] != nil {
			old, nw := toString(args[0]), toString(args[1])
			var r string
			if old == "" {
				// Java inserts the replacement between every character
				var b strings.Builder
				b.WriteString(nw)
				for _, c := range s {
					b.WriteRune(c)
					b.WriteString(nw)
				}
				r = b.String()
			} else {
				r = strings.ReplaceAll(s, old, nw)
			}
			if len(r) > MaxOutputBytes {
				return nil, e.errAt(ErrOutputLimit, 0, "string larger than 10 MB")
			}
			return r, nil
		}
	case "replaceAll", "replaceFirst":
		re, ok := argString(args, 0)
		repl, ok2 := argString(args, 1)
		if n != 2 || !ok || !ok2 {
			break
		}
		rx, err := e.t.compile(re)
		if err != nil {
			return nil, err
		}
		goRepl, err := javaReplacement(repl)
		if err != nil {
			return nil, err
		}
		var r string
		if name == "replaceAll" {
			r = rx.ReplaceAllString(s, goRepl)
		} else if loc := rx.FindStringSubmatchIndex(s); loc != nil {
			r = s[:loc[0]] + string(rx.ExpandString(nil, goRepl, s, loc)) + s[loc[1]:]
		} else {
			r = s
		}
		if len(r) > MaxOutputBytes {
			return nil, e.errAt(ErrOutputLimit, 0, "string larger than 10 MB")
		}
		return r, nil
	case "matches":
		if re, ok := argString(args, 0); ok && n == 1 {
			rx, err := e.t.compile(`^(?:` + re + `)$`)
			if err != nil {
				return nil, err
			}
			return rx.MatchString(s), nil
		}
	case "split":
		re, ok := argString(args, 0)
		if !ok || n < 1 || n > 2 {
			break
		}
		limit := 0
		if n == 2 {
			if limit, ok = toInt(args[1]); !ok {
				break
			}
		}
		rx, err := e.t.compile(re)
		if err != nil {
			return nil, err
		}
		return javaSplit(rx, s, limit), nil
	case "compareTo":
		if o, ok := argString(args, 0); ok && n == 1 {
			return int64(strings.Compare(s, o)), nil
		}
	case "hashCode":
		if n == 0 {
			var h int32
			for _, c := range utf16.Encode([]rune(s)) {
				h = 31*h + int32(c)
			}
			return int64(h), nil
		}
	}
	return nil, nil
}

// javaSplit is String.split: trailing empty strings are removed when limit
// is 0, and a zero-width match at the start produces no leading empty string.
func javaSplit(rx *regexp.Regexp, s string, limit int) *List {
	if s == "" {
		return &List{items: []any{""}}
	}
	n := -1
	if limit > 0 {
		n = limit
	}
	locs := rx.FindAllStringIndex(s, -1)
	var parts []string
	last := 0
	for _, loc := range locs {
		if n > 0 && len(parts) == n-1 {
			break
		}
		if loc[1] == 0 { // zero-width match at the beginning
			continue
		}
		if loc[0] == loc[1] && loc[0] >= len(s) {
			break
		}
		parts = append(parts, s[last:loc[0]])
		last = loc[1]
	}
	parts = append(parts, s[last:])
	if limit == 0 {
		for len(parts) > 0 && parts[len(parts)-1] == "" {
			parts = parts[:len(parts)-1]
		}
	}
	l := &List{items: make([]any, len(parts))}
	for i, p := range parts {
		l.items[i] = p
	}
	return l
}

// javaReplacement converts a java.util.regex replacement ($1, ${name},
// \$ escapes) into Go's syntax.
func javaReplacement(r string) (string, error) {
	if !strings.ContainsAny(r, `$\`) {
		return r, nil
	}
	var b strings.Builder
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch c {
		case '\\':
			i++
			if i >= len(r) {
				return "", javaException("character to be escaped is missing")
			}
			if r[i] == '$' {
				b.WriteString("$$")
			} else {
				b.WriteByte(r[i])
			}
		case '$':
			i++
			if i >= len(r) {
				return "", javaException("Illegal group reference: group index is missing")
			}
			if r[i] == '{' {
				end := strings.IndexByte(r[i:], '}')
				if end < 0 {
					return "", javaException("named capturing group is missing trailing '}'")
				}
				b.WriteString("${" + r[i+1:i+end] + "}")
				i += end
				continue
			}
			if !isDigit(r[i]) {
				return "", javaException("Illegal group reference")
			}
			j := i
			for j < len(r) && isDigit(r[j]) && j-i < 2 {
				j++
			}
			b.WriteString("${" + r[i:j] + "}")
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// compile translates a Java regular expression into Go's RE2 syntax and
// caches it on the template. Constructs RE2 lacks (backreferences,
// lookaround, possessive quantifiers) fail as PatternSyntaxException would.
func (t *Template) compile(pattern string) (*regexp.Regexp, error) {
	if v, ok := t.regexp.Load(pattern); ok {
		if rx, ok := v.(*regexp.Regexp); ok {
			return rx, nil
		}
		return nil, v.(error)
	}
	var v any
	rx, err := regexp.Compile(javaToRE2(pattern))
	if err != nil {
		v = javaException("invalid regular expression: " + err.Error())
	} else {
		v = rx
	}
	// Patterns are usually literals of the template; a template that builds
	// them from request data must not grow the cache without bound.
	if len(pattern) < 1024 && t.regexpN.Add(1) <= maxCachedRegexps {
		t.regexp.Store(pattern, v)
	}
	if err != nil {
		return nil, v.(error)
	}
	return rx, nil
}

// javaToRE2 rewrites the few Java spellings Go spells differently.
func javaToRE2(p string) string {
	if !strings.Contains(p, `\p{`) && !strings.Contains(p, "(?<") {
		return p
	}
	r := strings.NewReplacer(`\p{Alpha}`, `[a-zA-Z]`, `\p{Digit}`, `[0-9]`, `\p{Alnum}`, `[a-zA-Z0-9]`,
		`\p{Upper}`, `[A-Z]`, `\p{Lower}`, `[a-z]`, `\p{Punct}`, `[!-/:-@\[-`+"`"+`{-~]`, `\p{Space}`, `\s`,
		`\p{javaLowerCase}`, `\p{Ll}`, `\p{javaUpperCase}`, `\p{Lu}`)
	p = r.Replace(p)
	// named groups: Java (?<name>...) is Go (?P<name>...); keep lookbehind (?<= (?<! as is (it fails)
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if strings.HasPrefix(p[i:], "(?<") && i+3 < len(p) && p[i+3] != '=' && p[i+3] != '!' && (i == 0 || p[i-1] != '\\') {
			b.WriteString("(?P<")
			i += 2
			continue
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

func listMethod(l *List, name string, args []any) (any, error) {
	n := len(args)
	switch name {
	case "size":
		if n == 0 {
			return int64(len(l.items)), nil
		}
	case "isEmpty":
		if n == 0 {
			return len(l.items) == 0, nil
		}
	case "get":
		if n == 1 {
			i, ok := toInt(args[0])
			if !ok {
				break
			}
			if i < 0 || i >= len(l.items) {
				return nil, javaException(fmt.Sprintf("Index %d out of bounds for length %d", i, len(l.items)))
			}
			return l.items[i], nil
		}
	case "contains":
		if n == 1 {
			return listIndex(l, args[0]) >= 0, nil
		}
	case "indexOf":
		if n == 1 {
			return int64(listIndex(l, args[0])), nil
		}
	case "add":
		if len(l.items) >= MaxSteps {
			return nil, javaException("list too large")
		}
		if n == 1 {
			l.items = append(l.items, args[0])
			return true, nil
		}
		if n == 2 {
			i, ok := toInt(args[0])
			if !ok {
				break
			}
			if i < 0 || i > len(l.items) {
				return nil, javaException(fmt.Sprintf("Index: %d, Size: %d", i, len(l.items)))
			}
			l.items = append(l.items, nil)
			copy(l.items[i+1:], l.items[i:])
			l.items[i] = args[1]
			return voidResult, nil
		}
	case "addAll":
		if o, ok := args0List(args); ok && n == 1 {
			if len(l.items)+len(o.items) > MaxSteps {
				return nil, javaException("list too large")
			}
			l.items = append(l.items, o.items...)
			return len(o.items) > 0, nil
		}
	case "set":
		if n == 2 {
			i, ok := toInt(args[0])
			if !ok {
				break
			}
			if i < 0 || i >= len(l.items) {
				return nil, javaException(fmt.Sprintf("Index %d out of bounds for length %d", i, len(l.items)))
			}
			old := l.items[i]
			l.items[i] = args[1]
			return old, nil
		}
	case "remove":
		if n == 1 {
			if i, ok := args[0].(int64); ok {
				if i < 0 || int(i) >= len(l.items) {
					return nil, javaException(fmt.Sprintf("Index %d out of bounds for length %d", i, len(l.items)))
				}
				old := l.items[i]
				l.items = append(l.items[:i:i], l.items[i+1:]...)
				return old, nil
			}
			i := listIndex(l, args[0])
			if i >= 0 {
				l.items = append(l.items[:i:i], l.items[i+1:]...)
			}
			return i >= 0, nil
		}
	case "clear":
		if n == 0 {
			l.items = l.items[:0:0]
			return voidResult, nil
		}
	case "toString":
		if n == 0 {
			return toString(l), nil
		}
	case "equals":
		if n == 1 {
			o, ok := args[0].(*List)
			return ok && valueEquals(l, o), nil
		}
	}
	return nil, nil
}

func args0List(args []any) (*List, bool) {
	if len(args) == 0 {
		return nil, false
	}
	l, ok := args[0].(*List)
	return l, ok
}

func listIndex(l *List, v any) int {
	for i, it := range l.items {
		if (it == nil && v == nil) || (it != nil && v != nil && sameKind(it, v) && valueEquals(it, v)) {
			return i
		}
	}
	return -1
}

func mapKey(v any) (string, bool) {
	switch v.(type) {
	case nil:
		return "", false
	case string:
		return v.(string), true
	}
	// keys of JSON objects are strings; other keys are looked up by their text
	return toString(v), true
}

func mapMethod(m *Map, name string, args []any) (any, error) {
	n := len(args)
	switch name {
	case "get":
		if n == 1 {
			k, ok := mapKey(args[0])
			if !ok {
				return nil, nil
			}
			v, _ := m.get(k)
			return v, nil
		}
	case "getOrDefault":
		if n == 2 {
			k, ok := mapKey(args[0])
			if v, found := m.get(k); ok && found {
				return v, nil
			}
			return args[1], nil
		}
	case "put":
		if n == 2 {
			k, ok := mapKey(args[0])
			if !ok {
				return nil, nil
			}
			if m.size() >= MaxSteps {
				return nil, javaException("map too large")
			}
			return m.put(k, args[1]), nil
		}
	case "putAll":
		if n == 1 {
			if o, ok := args[0].(*Map); ok {
				for i, k := range o.keys {
					m.put(k, o.vals[i])
				}
				return voidResult, nil
			}
		}
	case "remove":
		if n == 1 {
			k, _ := mapKey(args[0])
			return m.remove(k), nil
		}
	case "containsKey":
		if n == 1 {
			k, ok := mapKey(args[0])
			_, found := m.get(k)
			return ok && found, nil
		}
	case "containsValue":
		if n == 1 {
			for _, v := range m.vals {
				if valueEquals(v, args[0]) {
					return true, nil
				}
			}
			return false, nil
		}
	case "keySet":
		if n == 0 {
			l := &List{items: make([]any, len(m.keys))}
			for i, k := range m.keys {
				l.items[i] = k
			}
			return l, nil
		}
	case "values":
		if n == 0 {
			l := &List{items: make([]any, len(m.keys))}
			copy(l.items, m.vals)
			return l, nil
		}
	case "entrySet":
		if n == 0 {
			l := &List{items: make([]any, len(m.keys))}
			for i, k := range m.keys {
				l.items[i] = &entry{key: k, val: m.vals[i], m: m}
			}
			return l, nil
		}
	case "size":
		if n == 0 {
			return int64(m.size()), nil
		}
	case "isEmpty":
		if n == 0 {
			return m.size() == 0, nil
		}
	case "clear":
		if n == 0 {
			m.clear()
			return voidResult, nil
		}
	case "toString":
		if n == 0 {
			return toString(m), nil
		}
	case "equals":
		if n == 1 {
			o, ok := args[0].(*Map)
			return ok && valueEquals(m, o), nil
		}
	}
	return nil, nil
}

func entryMethod(en *entry, name string, args []any) any {
	switch name {
	case "getKey":
		if len(args) == 0 {
			return en.key
		}
	case "getValue":
		if len(args) == 0 {
			return en.val
		}
	case "setValue":
		if len(args) == 1 {
			old := en.val
			en.val = args[0]
			if en.m != nil {
				en.m.put(en.key, args[0])
			}
			return old
		}
	case "toString":
		if len(args) == 0 {
			return toString(en)
		}
	}
	return nil
}

var _ = strconv.Itoa
