package expr

import (
	"strings"
	"testing"
)

// evalItem is the item the condition tests evaluate against.
const evalItem = `{
	"s": {"S": "abc"}, "e": {"S": "é😀"}, "n": {"N": "10"}, "neg": {"N": "-1.5"},
	"b": {"B": "AQID"}, "t": {"BOOL": true}, "nul": {"NULL": true},
	"ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": ["AQ==", "Ag=="]},
	"l": {"L": [{"S": "x"}, {"N": "2"}, {"L": [{"S": "deep"}]}]},
	"m": {"M": {"k": {"S": "v"}, "n": {"N": "3"}, "nest": {"M": {"z": {"BOOL": false}}}}},
	"name": {"S": "reserved"}, "a.b": {"S": "dotted"}
}`

func TestEval(t *testing.T) {
	it := item(t, evalItem)
	tests := []struct {
		cond string
		want bool
	}{
		// comparisons
		{"s = :s", true},
		{"s = :s2", false},
		{"s <> :s2", true},
		{"s <> :s", false},
		{"n = :n10", true},
		{"n = :n10x", true}, // 10.0 and 10 are the same number
		{"n < :n11", true},
		{"n > :n9", true},
		{"n >= :n10", true},
		{"n <= :n9", false},
		{"neg < :zero", true},
		{"s < :s2", true},
		{"b > :b0", true},
		// different types: false, and true for <>
		{"s = :n10", false},
		{"s <> :n10", true},
		{"s < :n10", false},
		{"n > :s", false},
		// absent attributes
		{"absent = :s", false},
		{"absent <> :s", true},
		{"absent < :s", false},
		{"m.nope = :s", false},
		{"s.x = :s", false},
		{"l[7] = :s", false},
		{"l.x = :s", false},
		{"m[0] = :s", false},
		// documents
		{"l[0] = :x", true},
		{"l[2][0] = :deep", true},
		{"m.k = :v", true},
		{"m.nest.z = :f", true},
		{"#n = :reserved", true},
		{"#dot = :dotted", true},
		{"l = :l", true},
		{"m = :m", true},
		{"ss = :ssba", true}, // sets compare as sets
		{"ns = :ns", true},
		{"t = :t", true},
		{"nul = :nul", true},
		// BETWEEN
		{"n BETWEEN :n9 AND :n11", true},
		{"n BETWEEN :n10 AND :n10", true},
		{"n BETWEEN :n11 AND :n12", false},
		{"s BETWEEN :a AND :z", true},
		{"s BETWEEN :n9 AND :n11", false},
		{"absent BETWEEN :n9 AND :n11", false},
		{"size(s) BETWEEN :n1 AND :n3", true},
		// IN
		{"s IN (:s2, :s)", true},
		{"s IN (:s2)", false},
		{"n IN (:s, :n10x)", true},
		{"absent IN (:s)", false},
		// logic and precedence
		{"s = :s AND n = :n10", true},
		{"s = :s AND n = :n9", false},
		{"s = :s2 OR n = :n10", true},
		{"NOT s = :s2", true},
		{"NOT s = :s", false},
		{"s = :s2 AND n = :n9 OR n = :n10", true},
		{"s = :s2 AND (n = :n9 OR n = :n10)", false},
		{"NOT s = :s2 AND s = :s2", false},
		{"NOT (s = :s2 AND s = :s2)", true},
		// attribute_exists, attribute_not_exists
		{"attribute_exists(s)", true},
		{"attribute_exists(absent)", false},
		{"attribute_exists(m.nest.z)", true},
		{"attribute_exists(l[2][0])", true},
		{"attribute_exists(l[3])", false},
		{"attribute_exists(nul)", true},
		{"attribute_not_exists(absent)", true},
		{"attribute_not_exists(s)", false},
		// attribute_type
		{"attribute_type(s, :typeS)", true},
		{"attribute_type(s, :typeN)", false},
		{"attribute_type(n, :typeN)", true},
		{"attribute_type(ss, :typeSS)", true},
		{"attribute_type(nul, :typeNULL)", true},
		{"attribute_type(l, :typeL)", true},
		{"attribute_type(m, :typeM)", true},
		{"attribute_type(t, :typeBOOL)", true},
		{"attribute_type(absent, :typeS)", false},
		// begins_with
		{"begins_with(s, :a)", true},
		{"begins_with(s, :s)", true},
		{"begins_with(s, :z)", false},
		{"begins_with(b, :b1)", true},
		{"begins_with(b, :b0)", false},
		{"begins_with(n, :a)", false},
		{"begins_with(absent, :a)", false},
		{"begins_with(:s, :a)", true},
		// contains
		{"contains(s, :bc)", true},
		{"contains(s, :z)", false},
		{"contains(b, :b23)", true},
		{"contains(ss, :a)", true},
		{"contains(ss, :z)", false},
		{"contains(ns, :n2_5)", true},
		{"contains(ns, :n1)", true},
		{"contains(ns, :a)", false},
		{"contains(bs, :b2)", true},
		{"contains(l, :x)", true},
		{"contains(l, :n2)", true},
		{"contains(l, :deepl)", true},
		{"contains(l, :a)", false},
		{"contains(m, :v)", false},
		{"contains(n, :n1)", false},
		{"contains(absent, :a)", false},
		// size
		{"size(s) = :n3", true},
		{"size(e) = :n3", true}, // UTF-16 code units: é is one, 😀 two
		{"size(b) = :n3", true},
		{"size(ss) = :n2", true},
		{"size(ns) = :n2", true},
		{"size(bs) = :n2", true},
		{"size(l) = :n3", true},
		{"size(m) = :n3", true},
		{"size(n) = :n2", false},
		{"size(n) <> :n2", true}, // no size: a absent operand
		{"size(t) > :zero", false},
		{"size(absent) = :zero", false},
		{"size(absent) <> :zero", true},
		{"size(s) > size(ss)", true},
		{"size(s) IN (:n1, :n3)", true},
		{"contains(l, size(ss))", true},
		{"(s) = :s", true},
		{"((s = :s) AND (n = :n10))", true},
	}
	for _, tc := range tests {
		env := evalEnv(t)
		c, err := env.Condition("ConditionExpression", tc.cond)
		if err != nil {
			t.Errorf("%s: %v", tc.cond, err)
			continue
		}
		got, err := c.Eval(it)
		if err != nil || got != tc.want {
			t.Errorf("%s = %v, %v; want %v", tc.cond, got, err, tc.want)
		}
	}
}

func TestCondPaths(t *testing.T) {
	c, err := evalEnv(t).Condition("FilterExpression", "#n = :s AND (size(l[0]) > :n1 OR contains(m.k, :a)) AND NOT s IN (:s, :a) AND n BETWEEN :n1 AND :n2")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.Paths() {
		got = append(got, p.String())
	}
	if s := strings.Join(got, " "); s != "[name] [l, [0]] [m, k] [s] [n]" {
		t.Errorf("Paths = %s", s)
	}
}

func evalEnv(t testing.TB) *Env {
	vals := item(t, `{
		":s": {"S": "abc"}, ":s2": {"S": "abd"}, ":a": {"S": "a"}, ":z": {"S": "z"}, ":bc": {"S": "bc"},
		":x": {"S": "x"}, ":v": {"S": "v"}, ":deep": {"S": "deep"}, ":reserved": {"S": "reserved"}, ":dotted": {"S": "dotted"},
		":n1": {"N": "1"}, ":n2": {"N": "2"}, ":n3": {"N": "3"}, ":n9": {"N": "9"}, ":n10": {"N": "10"},
		":n10x": {"N": "10.00"}, ":n11": {"N": "11"}, ":n12": {"N": "12"}, ":zero": {"N": "0"}, ":n2_5": {"N": "2.50"},
		":b0": {"B": "AA=="}, ":b1": {"B": "AQ=="}, ":b2": {"B": "Ag=="}, ":b23": {"B": "AgM="},
		":t": {"BOOL": true}, ":f": {"BOOL": false}, ":nul": {"NULL": true},
		":l": {"L": [{"S": "x"}, {"N": "2"}, {"L": [{"S": "deep"}]}]}, ":deepl": {"L": [{"S": "deep"}]},
		":m": {"M": {"k": {"S": "v"}, "n": {"N": "3"}, "nest": {"M": {"z": {"BOOL": false}}}}},
		":ssba": {"SS": ["b", "a"]}, ":ns": {"NS": ["2.5", "1"]},
		":typeS": {"S": "S"}, ":typeN": {"S": "N"}, ":typeSS": {"S": "SS"}, ":typeNULL": {"S": "NULL"},
		":typeL": {"S": "L"}, ":typeM": {"S": "M"}, ":typeBOOL": {"S": "BOOL"}
	}`)
	return NewEnv(map[string]string{"#n": "name", "#dot": "a.b"}, vals)
}

func TestUnused(t *testing.T) {
	s := func(v string) map[string]string { return map[string]string{"#a": "a", "#b": "b", "#c": v} }
	vals := item(t, `{":a": {"S": "x"}, ":b": {"S": "y"}, ":c": {"S": "z"}}`)
	env := NewEnv(s("c"), vals)
	if _, err := env.Condition("ConditionExpression", "#a = :a"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Projection("#c"); err != nil {
		t.Fatal(err)
	}
	err := env.Unused()
	if want := "ValidationException: Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}"; err == nil || err.Error() != want {
		t.Fatalf("Unused = %v, want %s", err, want)
	}
	if _, err := env.Update("SET #b = :c"); err != nil {
		t.Fatal(err)
	}
	err = env.Unused()
	if want := "ValidationException: Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}"; err == nil || err.Error() != want {
		t.Fatalf("Unused = %v, want %s", err, want)
	}
	env = NewEnv(nil, vals)
	err = env.Unused()
	if want := "ValidationException: Value provided in ExpressionAttributeValues unused in expressions: keys: {:a, :b, :c}"; err == nil || err.Error() != want {
		t.Fatalf("Unused = %v, want %s", err, want)
	}
	if err := NewEnv(nil, nil).Unused(); err != nil {
		t.Fatal(err)
	}
}
