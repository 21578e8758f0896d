package vtl

import (
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Values inside the engine are Go values standing in for the Java objects a
// Velocity template sees in API Gateway:
//
//	nil       Java null
//	string    java.lang.String
//	bool      java.lang.Boolean
//	int64     java.lang.Integer / Long
//	float64   java.lang.Double
//	*List     java.util.ArrayList (mutable: add, set)
//	*Map      java.util.LinkedHashMap with string keys (insertion order kept,
//	          as JSON objects parsed by API Gateway keep it)
//	*entry    a Map.Entry from entrySet()
//	object    the built-in objects ($input, $util, $foreach, #define blocks)

// List is a mutable Java list.
type List struct{ items []any }

// Map is an insertion-ordered map with string keys. Small maps (most JSON
// objects) are searched linearly; an index is built past mapIndexAt keys.
type Map struct {
	keys []string
	vals []any
	idx  map[string]int
}

const mapIndexAt = 8

// newSmallMap allocates a map and room for four keys at once: JSON
// objects are mostly small and parsed by the thousand.
func newSmallMap() *Map {
	b := &struct {
		m Map
		k [4]string
		v [4]any
	}{}
	b.m.keys, b.m.vals = b.k[:0], b.v[:0]
	return &b.m
}

func newMap(n int) *Map { return &Map{keys: make([]string, 0, n), vals: make([]any, 0, n)} }

func (m *Map) find(k string) int {
	if m.idx != nil {
		if i, ok := m.idx[k]; ok {
			return i
		}
		return -1
	}
	for i, kk := range m.keys {
		if kk == k {
			return i
		}
	}
	return -1
}

func (m *Map) get(k string) (any, bool) {
	if i := m.find(k); i >= 0 {
		return m.vals[i], true
	}
	return nil, false
}

// put stores v under k and returns the previous value.
func (m *Map) put(k string, v any) any {
	if i := m.find(k); i >= 0 {
		old := m.vals[i]
		m.vals[i] = v
		return old
	}
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
	if m.idx != nil {
		m.idx[k] = len(m.keys) - 1
	} else if len(m.keys) > mapIndexAt {
		m.reindex()
	}
	return nil
}

func (m *Map) reindex() {
	m.idx = make(map[string]int, len(m.keys))
	for i, k := range m.keys {
		m.idx[k] = i
	}
}

func (m *Map) remove(k string) any {
	i := m.find(k)
	if i < 0 {
		return nil
	}
	old := m.vals[i]
	m.keys = append(m.keys[:i:i], m.keys[i+1:]...)
	m.vals = append(m.vals[:i:i], m.vals[i+1:]...)
	if m.idx != nil {
		m.reindex()
	}
	return old
}

func (m *Map) clear() {
	m.keys, m.vals, m.idx = nil, nil, nil
}

func (m *Map) size() int { return len(m.keys) }

type entry struct {
	key string
	val any
	m   *Map
}

// object is a built-in object with Java-like methods and bean properties.
type object interface {
	// call invokes the method name; ok is false if there is no such method
	// (Velocity then renders the reference literally).
	call(e *evaluator, name string, args []any) (v any, ok bool, err error)
}

// toValue converts caller-supplied Go data (Context, stage variables) into
// engine values.
func toValue(v any) any {
	switch x := v.(type) {
	case nil, string, bool, int64, float64, *List, *Map:
		return x
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case uint32:
		return int64(x)
	case float32:
		return float64(x)
	case map[string]any:
		m := newMap(len(x))
		for _, k := range sortedKeys(x) {
			m.put(k, toValue(x[k]))
		}
		return m
	case map[string]string:
		m := newMap(len(x))
		for _, k := range sortedKeys(x) {
			m.put(k, x[k])
		}
		return m
	case []any:
		l := &List{items: make([]any, len(x))}
		for i, e := range x {
			l.items[i] = toValue(e)
		}
		return l
	case []string:
		l := &List{items: make([]any, len(x))}
		for i, e := range x {
			l.items[i] = e
		}
		return l
	case interface{ String() string }:
		return x.String()
	}
	return reflectValue(reflect.ValueOf(v), 0)
}

// reflectValue converts the remaining kinds (other integer widths, typed
// maps and slices) by reflection.
func reflectValue(rv reflect.Value, depth int) any {
	if depth > 64 {
		return nil
	}
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return float64(u)
		}
		return int64(u)
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	case reflect.String:
		return rv.String()
	case reflect.Bool:
		return rv.Bool()
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil
		}
		return toValue(rv.Elem().Interface())
	case reflect.Slice, reflect.Array:
		l := &List{items: make([]any, rv.Len())}
		for i := range l.items {
			l.items[i] = toValue(rv.Index(i).Interface())
		}
		return l
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return nil
		}
		keys := make([]string, 0, rv.Len())
		for _, k := range rv.MapKeys() {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		m := newMap(len(keys))
		for _, k := range keys {
			m.put(k, toValue(rv.MapIndex(reflect.ValueOf(k).Convert(rv.Type().Key())).Interface()))
		}
		return m
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// truthy is Velocity 1.7's #if test: only null and false are false.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	}
	return true
}

// toString renders a value as Java's toString would.
func toString(v any) string {
	var b strings.Builder
	writeString(&b, v, 0)
	return b.String()
}

func writeString(b *strings.Builder, v any, depth int) {
	if depth > 64 || b.Len() > MaxOutputBytes {
		b.WriteString("...")
		return
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		b.WriteString(x)
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
				b.WriteString(", ")
			}
			if l, ok := e.(*List); ok && l == x {
				b.WriteString("(this Collection)")
				continue
			}
			writeString(b, e, depth+1)
		}
		b.WriteByte(']')
	case *Map:
		b.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k)
			b.WriteByte('=')
			if m, ok := x.vals[i].(*Map); ok && m == x {
				b.WriteString("(this Map)")
				continue
			}
			writeString(b, x.vals[i], depth+1)
		}
		b.WriteByte('}')
	case *entry:
		b.WriteString(x.key)
		b.WriteByte('=')
		writeString(b, x.val, depth+1)
	case interface{ String() string }:
		b.WriteString(x.String())
	default:
		b.WriteString("?")
	}
}

// javaDouble formats f as java.lang.Double.toString does: shortest digits,
// plain notation for 1e-3 <= |f| < 1e7, otherwise d.dddE±n.
func javaDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	a := math.Abs(f)
	if a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // 1.5e+10
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	if exp[0] == '+' {
		exp = exp[1:]
	}
	exp = strings.TrimLeft(exp, "0")
	if strings.HasPrefix(exp, "-") {
		exp = "-" + strings.TrimLeft(exp[1:], "0")
	}
	return mant + "E" + exp
}

// bigInt is a JSON integer too large for int64, kept as its digits as
// Java's BigInteger would be; arithmetic on it is done in float64.
type bigInt string

// isNumber reports whether v is a number.
func isNumber(v any) bool {
	switch v.(type) {
	case int64, float64, bigInt:
		return true
	}
	return false
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	case bigInt:
		f, _ := strconv.ParseFloat(string(x), 64)
		return f
	}
	return 0
}

// toInt converts a method argument to a Java int; ok is false for non-numbers.
func toInt(v any) (int, bool) {
	switch x := v.(type) {
	case int64:
		if x > math.MaxInt32 || x < math.MinInt32 {
			return 0, false
		}
		return int(x), true
	case float64:
		return 0, false
	}
	return 0, false
}

// valueEquals is Java's equals as Velocity's == uses it: numbers compare by
// value, same-typed values with equals, different types by their toString.
func valueEquals(a, b any) bool {
	budget := 100_000
	return equals(a, b, &budget)
}

// equals spends one unit of budget per comparison: a template can build
// lists that contain themselves, and comparing those must still end.
func equals(a, b any, budget *int) bool {
	*budget--
	if *budget < 0 {
		return false
	}
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if isNumber(a) && isNumber(b) {
		ai, aok := a.(int64)
		bi, bok := b.(int64)
		if aok && bok {
			return ai == bi
		}
		if x, ok := a.(bigInt); ok {
			if y, ok := b.(bigInt); ok {
				return x == y
			}
		}
		return toFloat(a) == toFloat(b)
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return x == y
		}
	case bool:
		if y, ok := b.(bool); ok {
			return x == y
		}
	case *List:
		if y, ok := b.(*List); ok {
			if x == y {
				return true
			}
			if len(x.items) != len(y.items) {
				return false
			}
			for i := range x.items {
				if !equals(x.items[i], y.items[i], budget) {
					return false
				}
			}
			return true
		}
	case *Map:
		if y, ok := b.(*Map); ok {
			if x == y {
				return true
			}
			if x.size() != y.size() {
				return false
			}
			for i, k := range x.keys {
				v := x.vals[i]
				w, ok := y.get(k)
				if !ok || !equals(v, w, budget) {
					return false
				}
			}
			return true
		}
	}
	if *budget < 0 {
		return false
	}
	return toString(a) == toString(b)
}

// getOK is get for callers that only want the value.
func (m *Map) getOK(k string) any {
	v, _ := m.get(k)
	return v
}
