package legacy

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/expr"
)

// legacyMatch is the documented meaning of a legacy comparison (the API
// reference's Condition and ExpectedAttributeValue), written independently
// of package expr so that the translation can be checked against it.
func legacyMatch(op string, a attr.Value, exists bool, vals []attr.Value) bool {
	eq := func(x, y attr.Value) bool { return attr.Equal(x, y) }
	cmp := func(test func(int) bool) bool {
		if !exists || a.Kind != vals[0].Kind {
			return false
		}
		c, ok := attr.Compare(a, vals[0])
		return ok && test(c)
	}
	switch op {
	case "EQ":
		return exists && eq(a, vals[0])
	case "NE":
		return !exists || !eq(a, vals[0])
	case "LT":
		return cmp(func(c int) bool { return c < 0 })
	case "LE":
		return cmp(func(c int) bool { return c <= 0 })
	case "GT":
		return cmp(func(c int) bool { return c > 0 })
	case "GE":
		return cmp(func(c int) bool { return c >= 0 })
	case "NULL":
		return !exists
	case "NOT_NULL":
		return exists
	case "CONTAINS":
		return exists && legacyContains(a, vals[0])
	case "NOT_CONTAINS":
		return exists && !legacyContains(a, vals[0])
	case "BEGINS_WITH":
		switch {
		case !exists || a.Kind != vals[0].Kind:
			return false
		case a.Kind == attr.S:
			return strings.HasPrefix(a.Str, vals[0].Str)
		case a.Kind == attr.B:
			return bytes.HasPrefix(a.Bytes, vals[0].Bytes)
		}
		return false
	case "IN":
		return exists && slices.ContainsFunc(vals, func(v attr.Value) bool { return eq(a, v) })
	case "BETWEEN":
		if !exists {
			return false
		}
		lo, ok1 := attr.Compare(a, vals[0])
		hi, ok2 := attr.Compare(a, vals[1])
		return ok1 && ok2 && lo >= 0 && hi <= 0
	}
	panic(op)
}

// legacyContains: a substring of a string, a subsequence of a binary, a
// member of a set, an element of a list.
func legacyContains(a, v attr.Value) bool {
	switch a.Kind {
	case attr.S:
		return v.Kind == attr.S && strings.Contains(a.Str, v.Str)
	case attr.B:
		return v.Kind == attr.B && bytes.Contains(a.Bytes, v.Bytes)
	case attr.SS:
		return v.Kind == attr.S && slices.Contains(a.Strs, v.Str)
	case attr.NS:
		return v.Kind == attr.N && slices.ContainsFunc(a.Strs, func(s string) bool {
			return attr.CompareNumbers(s, v.Str) == 0
		})
	case attr.BS:
		return v.Kind == attr.B && slices.ContainsFunc(a.Bins, func(b []byte) bool { return bytes.Equal(b, v.Bytes) })
	case attr.L:
		return slices.ContainsFunc(a.List, func(x attr.Value) bool { return attr.Equal(x, v) })
	}
	return false
}

func s(v string) attr.Value { return attr.Value{Kind: attr.S, Str: v} }

// n makes a number in canonical form, as the wire decoder gives it.
func n(v string) attr.Value {
	c, err := attr.ParseNumber(v)
	if err != nil {
		panic(err)
	}
	return attr.Value{Kind: attr.N, Str: c}
}
func b(v string) attr.Value     { return attr.Value{Kind: attr.B, Bytes: []byte(v)} }
func ss(v ...string) attr.Value { return attr.Value{Kind: attr.SS, Strs: v} }
func ns(v ...string) attr.Value { return attr.Value{Kind: attr.NS, Strs: v} }
func bs(v ...string) attr.Value {
	var bins [][]byte
	for _, x := range v {
		bins = append(bins, []byte(x))
	}
	return attr.Value{Kind: attr.BS, Bins: bins}
}
func list(v ...attr.Value) attr.Value { return attr.Value{Kind: attr.L, List: v} }

var (
	tru  = attr.Value{Kind: attr.BOOL, Bool: true}
	null = attr.Value{Kind: attr.NULL}
)

// samples are the values attribute "a" takes in the items tried; a missing
// attribute is tried too.
var samples = []attr.Value{
	s("apple"), s("b"), s("app"), n("5"), n("-1.5"), n("100"), b("\x00\xffab"), b("ab"),
	ss("apple", "b"), ns("5", "7"), bs("ab", "cd"), tru, null,
	list(s("b"), n("5"), tru, null), list(), {Kind: attr.M, Map: map[string]attr.Value{"b": s("apple")}},
}

// operands are the AttributeValueLists tried with each operator; the
// invalid combinations must be rejected, the valid ones checked.
var operands = [][]attr.Value{
	nil, {}, {s("app")}, {s("b")}, {s("apple")}, {n("5")}, {n("5.0")}, {b("ab")}, {b("\x00")},
	{tru}, {null}, {ss("apple", "b")}, {ns("7", "5")}, {bs("cd", "ab")},
	{list(s("b"), n("5"), tru, null)}, {list()}, {attr.Value{Kind: attr.M, Map: map[string]attr.Value{"b": s("apple")}}},
	{s("a"), s("c")}, {n("-2"), n("6")}, {b("a"), b("b")}, {s("c"), s("a")}, {s("b"), s("apple"), s("zz")},
	{n("100"), n("-1.5")}, {n("1"), s("1")},
}

var ops = []string{"EQ", "NE", "IN", "LE", "LT", "GE", "GT", "BETWEEN", "NOT_NULL", "NULL", "CONTAINS", "NOT_CONTAINS", "BEGINS_WITH"}

// items returns the sample items: "a" with each sample value, and without.
func items() []attr.Item {
	its := []attr.Item{{"k": s("missing")}}
	for _, v := range samples {
		its = append(its, attr.Item{"k": s("x"), "a": v})
	}
	return its
}

// TestFilterSemantics checks every operator with every operand list: the
// translation is rejected, or it parses through expr and evaluates on every
// sample item as the documented legacy semantics say.
func TestFilterSemantics(t *testing.T) {
	checked := 0
	for _, op := range ops {
		for _, vals := range operands {
			name := fmt.Sprintf("%s %v", op, vals)
			var o Out
			src, err := o.Conditions("ScanFilter", map[string]Condition{"a": {ComparisonOperator: &op, AttributeValueList: vals}}, nil)
			if err != nil {
				if ok := checkOperands(op, vals); ok == nil {
					t.Errorf("%s: rejected: %v", name, err)
				}
				continue
			}
			env := expr.NewEnv(o.Names, o.Values)
			c, err := env.Condition("FilterExpression", src)
			if err != nil {
				t.Errorf("%s: %q does not parse: %v", name, src, err)
				continue
			}
			if err := env.Unused(); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			for _, it := range items() {
				a, exists := it["a"]
				want := legacyMatch(op, a, exists, vals)
				got, _ := c.Eval(it)
				if got != want {
					t.Errorf("%s on a=%v (exists %v): %q gives %v, legacy semantics %v", name, a, exists, src, got, want)
				}
				checked++
			}
		}
	}
	if checked < 1000 {
		t.Errorf("only %d evaluations checked", checked)
	}
}

// TestExpectedSemantics checks the Exists/Value forms and ConditionalOperator.
func TestExpectedSemantics(t *testing.T) {
	f, tr := false, true
	x := s("apple")
	tests := []struct {
		e    ExpectedAttributeValue
		want func(a attr.Value, exists bool) bool
	}{
		{ExpectedAttributeValue{Value: &x}, func(a attr.Value, ok bool) bool { return ok && attr.Equal(a, x) }},
		{ExpectedAttributeValue{Value: &x, Exists: &tr}, func(a attr.Value, ok bool) bool { return ok && attr.Equal(a, x) }},
		{ExpectedAttributeValue{Exists: &f}, func(a attr.Value, ok bool) bool { return !ok }},
		{ExpectedAttributeValue{ComparisonOperator: ptr("NOT_CONTAINS"), Value: &x}, func(a attr.Value, ok bool) bool {
			return ok && !legacyContains(a, x)
		}},
	}
	for i, tt := range tests {
		var o Out
		src, err := o.Expected(map[string]ExpectedAttributeValue{"a": tt.e}, nil)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		c, err := expr.NewEnv(o.Names, o.Values).Condition("ConditionExpression", src)
		if err != nil {
			t.Fatalf("%d: %q: %v", i, src, err)
		}
		for _, it := range items() {
			a, ok := it["a"]
			if got, _ := c.Eval(it); got != tt.want(a, ok) {
				t.Errorf("%d: %q on a=%v (exists %v) gives %v", i, src, a, ok, got)
			}
		}
	}

	// AND and OR over two entries, on every pair of sample values.
	for _, op := range []string{"AND", "OR"} {
		var o Out
		src, err := o.Expected(map[string]ExpectedAttributeValue{
			"a": {ComparisonOperator: ptr("BETWEEN"), AttributeValueList: []attr.Value{s("a"), s("b")}},
			"b": {ComparisonOperator: ptr("NOT_CONTAINS"), AttributeValueList: []attr.Value{n("5")}},
		}, &op)
		if err != nil {
			t.Fatal(err)
		}
		c, err := expr.NewEnv(o.Names, o.Values).Condition("ConditionExpression", src)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		for _, it1 := range items() {
			for _, it2 := range items() {
				it := attr.Item{}
				av, aok := it1["a"]
				bv, bok := it2["a"]
				if aok {
					it["a"] = av
				}
				if bok {
					it["b"] = bv
				}
				l := legacyMatch("BETWEEN", av, aok, []attr.Value{s("a"), s("b")})
				r := legacyMatch("NOT_CONTAINS", bv, bok, []attr.Value{n("5")})
				want := l && r
				if op == "OR" {
					want = l || r
				}
				if got, _ := c.Eval(it); got != want {
					t.Errorf("%q on %v gives %v, want %v", src, it, got, want)
				}
			}
		}
	}
}

// TestUpdateSemantics applies translated AttributeUpdates through expr and
// compares with the documented effect of each action.
func TestUpdateSemantics(t *testing.T) {
	base := attr.Item{
		"k":    s("key"),
		"num":  n("10"),
		"set":  ss("a", "b", "c"),
		"nums": ns("1", "2"),
		"lst":  list(s("x")),
		"str":  s("old"),
	}
	tests := []struct {
		name string
		upd  map[string]AttributeValueUpdate
		want attr.Item // the attributes that change (nil value: removed)
		err  string
	}{
		{"put replaces", map[string]AttributeValueUpdate{"str": {Value: &attr.Value{Kind: attr.S, Str: "new"}}},
			attr.Item{"str": s("new")}, ""},
		{"put adds", map[string]AttributeValueUpdate{"fresh": {Action: ptr("PUT"), Value: ptr2(list(n("1")))}},
			attr.Item{"fresh": list(n("1"))}, ""},
		{"delete removes", map[string]AttributeValueUpdate{"str": {Action: ptr("DELETE")}, "nothing": {Action: ptr("DELETE")}},
			attr.Item{"str": {}}, ""},
		{"delete from set", map[string]AttributeValueUpdate{"set": {Action: ptr("DELETE"), Value: ptr2(ss("a", "c", "z"))}},
			attr.Item{"set": ss("b")}, ""},
		{"delete last members", map[string]AttributeValueUpdate{"nums": {Action: ptr("DELETE"), Value: ptr2(ns("1", "2"))}},
			attr.Item{"nums": {}}, ""},
		{"add number", map[string]AttributeValueUpdate{"num": {Action: ptr("ADD"), Value: ptr2(n("-3"))}},
			attr.Item{"num": n("7")}, ""},
		{"add number to missing", map[string]AttributeValueUpdate{"count": {Action: ptr("ADD"), Value: ptr2(n("3"))}},
			attr.Item{"count": n("3")}, ""},
		{"add to set", map[string]AttributeValueUpdate{"set": {Action: ptr("ADD"), Value: ptr2(ss("d"))}},
			attr.Item{"set": ss("a", "b", "c", "d")}, ""},
		{"add set to missing", map[string]AttributeValueUpdate{"tags": {Action: ptr("ADD"), Value: ptr2(ns("4"))}},
			attr.Item{"tags": ns("4")}, ""},
		{"add to list appends", map[string]AttributeValueUpdate{"lst": {Action: ptr("ADD"), Value: ptr2(list(s("y"), n("1")))}},
			attr.Item{"lst": list(s("x"), s("y"), n("1"))}, ""},
		{"add list to missing", map[string]AttributeValueUpdate{"newlist": {Action: ptr("ADD"), Value: ptr2(list(s("y")))}},
			attr.Item{"newlist": list(s("y"))}, ""},
		{"all sections", map[string]AttributeValueUpdate{
			"str":  {Action: ptr("DELETE")},
			"num":  {Action: ptr("ADD"), Value: ptr2(n("1"))},
			"set":  {Action: ptr("DELETE"), Value: ptr2(ss("a"))},
			"lst":  {Action: ptr("ADD"), Value: ptr2(list(s("z")))},
			"put1": {Value: ptr2(tru)},
		}, attr.Item{"str": {}, "num": n("11"), "set": ss("b", "c"), "lst": list(s("x"), s("z")), "put1": tru}, ""},

		{"put without value", map[string]AttributeValueUpdate{"a": {Action: ptr("PUT")}}, nil,
			ip + "Only DELETE action is allowed when no attribute value is specified"},
		{"default without value", map[string]AttributeValueUpdate{"a": {}}, nil,
			ip + "Only DELETE action is allowed when no attribute value is specified"},
		{"add without value", map[string]AttributeValueUpdate{"a": {Action: ptr("ADD")}}, nil,
			ip + "Only DELETE action is allowed when no attribute value is specified"},
		{"delete string", map[string]AttributeValueUpdate{"a": {Action: ptr("DELETE"), Value: ptr2(s("x"))}}, nil,
			ip + "DELETE action with value is not supported for the type S"},
		{"delete list", map[string]AttributeValueUpdate{"a": {Action: ptr("DELETE"), Value: ptr2(list())}}, nil,
			ip + "DELETE action with value is not supported for the type L"},
		{"add string", map[string]AttributeValueUpdate{"a": {Action: ptr("ADD"), Value: ptr2(s("x"))}}, nil,
			ip + "ADD action is not supported for the type S"},
		{"add bool", map[string]AttributeValueUpdate{"a": {Action: ptr("ADD"), Value: ptr2(tru)}}, nil,
			ip + "ADD action is not supported for the type BOOL"},
		{"add map", map[string]AttributeValueUpdate{"a": {Action: ptr("ADD"), Value: ptr2(attr.Value{Kind: attr.M, Map: map[string]attr.Value{}})}}, nil,
			ip + "ADD action is not supported for the type M"},
		{"bad action", map[string]AttributeValueUpdate{"a": {Action: ptr("SET"), Value: ptr2(s("x"))}}, nil,
			"1 validation error detected: Value 'SET' at 'attributeUpdates.a.member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, DELETE, PUT]"},
	}
	for _, tt := range tests {
		var o Out
		src, err := o.AttributeUpdates(tt.upd)
		if tt.err != "" {
			wantErr(t, tt.name, err, tt.err)
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		env := expr.NewEnv(o.Names, o.Values)
		u, err := env.Update(src)
		if err != nil {
			t.Fatalf("%s: %q does not parse: %v", tt.name, src, err)
		}
		if err := env.Unused(); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		got, err := u.Apply(base)
		if err != nil {
			t.Fatalf("%s: %q: %v", tt.name, src, err)
		}
		want := attr.Item{}
		for k, v := range base {
			want[k] = v
		}
		for k, v := range tt.want {
			if v.Kind == 0 {
				delete(want, k)
			} else {
				want[k] = v
			}
		}
		if !attr.Equal(attr.Value{Kind: attr.M, Map: got}, attr.Value{Kind: attr.M, Map: want}) {
			t.Errorf("%s: %q gives %v, want %v", tt.name, src, got, want)
		}
	}

	// An empty map is no update.
	if src, err := (&Out{}).AttributeUpdates(map[string]AttributeValueUpdate{}); src != "" || err != nil {
		t.Errorf("empty: %q, %v", src, err)
	}
}

func ptr2(v attr.Value) *attr.Value { return &v }

// TestKeyConditionSemantics checks the translated key conditions against the
// legacy semantics on items with sample sort-key values.
func TestKeyConditionSemantics(t *testing.T) {
	checked := 0
	for _, op := range []string{"EQ", "LE", "LT", "GE", "GT", "BEGINS_WITH", "BETWEEN"} {
		for _, vals := range operands {
			if checkOperands(op, vals) != nil {
				continue
			}
			var o Out
			src, err := o.KeyConditions(map[string]Condition{
				"pk": {ComparisonOperator: ptr("EQ"), AttributeValueList: []attr.Value{s("x")}},
				"a":  {ComparisonOperator: &op, AttributeValueList: vals},
			})
			if err != nil {
				t.Fatalf("%s %v: %v", op, vals, err)
			}
			kc, err := expr.NewEnv(o.Names, o.Values).ParseKeyCondition(src)
			if err != nil {
				t.Fatalf("%q: %v", src, err)
			}
			bound, err := kc.Bind("pk", "a")
			if err != nil {
				t.Fatalf("%q: %v", src, err)
			}
			for _, it := range items() {
				it["pk"] = it["k"]
				a, ok := it["a"]
				want := legacyMatch("EQ", it["pk"], true, []attr.Value{s("x")}) && legacyMatch(op, a, ok, vals)
				if got, _ := bound.Cond().Eval(it); got != want {
					t.Errorf("%q on %v gives %v, legacy semantics %v", src, it, got, want)
				}
				if ok && a.Kind == vals[0].Kind && slices.Contains(scalar, a.Kind) { // key values are scalars
					if got := bound.MatchRange(a); got != legacyMatch(op, a, true, vals) {
						t.Errorf("%q: MatchRange(%v) = %v", src, a, got)
					}
				}
				checked++
			}
		}
	}
	if checked < 200 {
		t.Errorf("only %d evaluations checked", checked)
	}
}
