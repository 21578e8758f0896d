package expr

import "testing"

func TestProjection(t *testing.T) {
	it := item(t, updateItem)
	tests := []struct{ proj, want string }{
		{"s", `{s: "abc"}`},
		{"s, n, absent", `{n: 10, s: "abc"}`},
		{"m.k", `{m: {k: "v"}}`},
		{"m.k, m.n", `{m: {k: "v", n: 1}}`},
		{"m.absent", `{}`},
		{"m.l[0].x", `{m: {l: [{x: 1}]}}`},
		{"l[3], l[1]", `{l: ["l1", "l3"]}`}, // list elements keep their order
		{"l[1], l[9]", `{l: ["l1"]}`},
		{"l[9]", `{}`},
		{"l.x", `{}`},
		{"m[0]", `{}`},
		{"s.x", `{}`},
		{"#k", `{}`},
		{"m.#k", `{m: {k: "v"}}`},
	}
	for _, tc := range tests {
		env := NewEnv(map[string]string{"#k": "k"}, nil)
		p, err := env.Projection(tc.proj)
		if err != nil {
			t.Errorf("%s: %v", tc.proj, err)
			continue
		}
		if got := show(p.Apply(it)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.proj, got, tc.want)
		}
	}
}

func TestKeyCondMatchRange(t *testing.T) {
	vals := item(t, `{":p": {"S": "p"}, ":a": {"S": "a"}, ":c": {"S": "c"}, ":n": {"N": "5"}, ":b": {"B": "AQ=="}}`)
	v := item(t, `{"ab": {"S": "ab"}, "b": {"S": "b"}, "d": {"S": "d"}, "n5": {"N": "5.0"}, "n6": {"N": "6"}, "bin": {"B": "AQI="}}`)
	tests := []struct {
		cond, val string
		want      bool
	}{
		{"pk = :p", "d", true},
		{"pk = :p AND sk = :a", "ab", false},
		{"pk = :p AND sk > :a", "ab", true},
		{"pk = :p AND :a < sk", "ab", true},
		{"pk = :p AND sk <= :a", "ab", false},
		{"pk = :p AND sk BETWEEN :a AND :c", "b", true},
		{"pk = :p AND sk BETWEEN :a AND :c", "d", false},
		{"pk = :p AND begins_with(sk, :a)", "ab", true},
		{"pk = :p AND begins_with(sk, :a)", "b", false},
		{"pk = :p AND begins_with(sk, :b)", "bin", true},
		{"pk = :p AND sk = :n", "n5", true},
		{"pk = :p AND sk >= :n", "n6", true},
		{"pk = :p AND sk < :n", "ab", false},
	}
	for _, tc := range tests {
		env := NewEnv(nil, vals)
		k, err := env.KeyCondition(tc.cond, "pk", "sk")
		if err != nil {
			t.Errorf("%s: %v", tc.cond, err)
			continue
		}
		if got := k.MatchRange(v[tc.val]); got != tc.want {
			t.Errorf("%s with %s: %v", tc.cond, tc.val, got)
		}
	}
	env := NewEnv(nil, vals)
	k, err := env.KeyCondition("pk = :p AND sk > :n", "pk", "sk")
	if err != nil {
		t.Fatal(err)
	}
	if err := k.CheckTypes(attrS, attrN); err != nil {
		t.Error(err)
	}
	if err := k.CheckTypes(attrS, attrS); err == nil || err.Error() != "ValidationException: One or more parameter values were invalid: Condition parameter type does not match schema type" {
		t.Error(err)
	}
}
