package expr

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
)

// item decodes DynamoDB JSON ({"a": {"S": "x"}}) into an item, for tests.
func item(t testing.TB, s string) attr.Item {
	t.Helper()
	var m map[string]map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("bad item %s: %v", s, err)
	}
	it := attr.Item{}
	for k, v := range m {
		it[k] = value(t, v)
	}
	return it
}

func value(t testing.TB, m map[string]any) attr.Value {
	t.Helper()
	for k, v := range m {
		switch k {
		case "S":
			return attr.Value{Kind: attr.S, Str: v.(string)}
		case "N":
			n, err := attr.ParseNumber(v.(string))
			if err != nil {
				t.Fatal(err)
			}
			return attr.Value{Kind: attr.N, Str: n}
		case "B":
			b, err := base64.StdEncoding.DecodeString(v.(string))
			if err != nil {
				t.Fatal(err)
			}
			return attr.Value{Kind: attr.B, Bytes: b}
		case "BOOL":
			return attr.Value{Kind: attr.BOOL, Bool: v.(bool)}
		case "NULL":
			return attr.Value{Kind: attr.NULL, Bool: true}
		case "SS", "NS":
			var ss []string
			for _, x := range v.([]any) {
				s := x.(string)
				if k == "NS" {
					s, _ = attr.ParseNumber(s)
				}
				ss = append(ss, s)
			}
			kind := attr.SS
			if k == "NS" {
				kind = attr.NS
			}
			return attr.Value{Kind: kind, Strs: ss}
		case "BS":
			var bs [][]byte
			for _, x := range v.([]any) {
				b, _ := base64.StdEncoding.DecodeString(x.(string))
				bs = append(bs, b)
			}
			return attr.Value{Kind: attr.BS, Bins: bs}
		case "L":
			l := []attr.Value{}
			for _, x := range v.([]any) {
				l = append(l, value(t, x.(map[string]any)))
			}
			return attr.Value{Kind: attr.L, List: l}
		case "M":
			mm := map[string]attr.Value{}
			for kk, x := range v.(map[string]any) {
				mm[kk] = value(t, x.(map[string]any))
			}
			return attr.Value{Kind: attr.M, Map: mm}
		}
	}
	t.Fatalf("bad value %v", m)
	return attr.Value{}
}

// show renders an item canonically (sorted keys), for comparisons.
func show(it attr.Item) string {
	keys := make([]string, 0, len(it))
	for k := range it {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s: %s", k, showValue(it[k]))
	}
	b.WriteByte('}')
	return b.String()
}

func showValue(v attr.Value) string {
	switch v.Kind {
	case attr.S:
		return fmt.Sprintf("%q", v.Str)
	case attr.N:
		return v.Str
	case attr.B:
		return "b" + fmt.Sprintf("%q", v.Bytes)
	case attr.BOOL:
		return fmt.Sprint(v.Bool)
	case attr.NULL:
		return "null"
	case attr.SS:
		return "SS" + fmt.Sprintf("%q", v.Strs)
	case attr.NS:
		return "NS" + fmt.Sprint(v.Strs)
	case attr.BS:
		return "BS" + fmt.Sprintf("%q", v.Bins)
	case attr.L:
		parts := make([]string, len(v.List))
		for i, x := range v.List {
			parts[i] = showValue(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case attr.M:
		return show(attr.Item(v.Map))
	}
	return "?"
}

type attrValue = attr.Value

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

const (
	attrS = attr.S
	attrN = attr.N
)

// dump renders a tree as an S-expression.
func dump(n node) string {
	var b strings.Builder
	n.dump(&b)
	return b.String()
}
