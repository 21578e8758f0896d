package expr

import (
	"strings"
	"testing"
)

const updateItem = `{
	"pk": {"S": "k"}, "s": {"S": "abc"}, "n": {"N": "10"},
	"ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]}, "bs": {"BS": ["AQ=="]},
	"l": {"L": [{"S": "l0"}, {"S": "l1"}, {"S": "l2"}, {"S": "l3"}]},
	"m": {"M": {"k": {"S": "v"}, "n": {"N": "1"}, "l": {"L": [{"M": {"x": {"N": "1"}}}]}}},
	"big": {"N": "9.9999999999999999999999999999999999999E+125"}
}`

func updateEnv(t testing.TB) *Env {
	vals := item(t, `{
		":s": {"S": "new"}, ":one": {"N": "1"}, ":n": {"N": "5"}, ":neg": {"N": "-0.5"}, ":zero": {"N": "0"},
		":ss": {"SS": ["b", "c"]}, ":ssa": {"SS": ["a"]}, ":ssab": {"SS": ["a", "b", "z"]},
		":ns": {"NS": ["2", "3.0"]}, ":bs": {"BS": ["AQ==", "Ag=="]},
		":l": {"L": [{"S": "x"}]}, ":empty": {"L": []}, ":m": {"M": {"a": {"S": "b"}}},
		":t": {"BOOL": true}, ":huge": {"N": "9E+125"}
	}`)
	return NewEnv(map[string]string{"#n": "name", "#k": "k"}, vals)
}

func TestApply(t *testing.T) {
	tests := []struct {
		update string
		want   string // the changed attributes, or "error: ..."
	}{
		// SET
		{"SET s = :s", `s: "new"`},
		{"SET x = :s", `x: "new"`},
		{"SET x = s", `x: "abc"`},
		{"SET s = n, n = s", `n: "abc", s: 10`}, // operands read the old item
		{"SET n = n + :one", "n: 11"},
		{"SET n = n - :n", "n: 5"},
		{"SET n = :n + n", "n: 15"},
		{"SET n = n + :neg", "n: 9.5"},
		{"SET x = if_not_exists(x, :zero) + :one", "x: 1"},
		{"SET n = if_not_exists(n, :zero) + :one", "n: 11"},
		{"SET s = if_not_exists(s, :s)", ""},
		{"SET x = if_not_exists(x, :s)", `x: "new"`},
		{"SET l = list_append(l, :l)", `l: ["l0", "l1", "l2", "l3", "x"]`},
		{"SET l = list_append(:l, l)", `l: ["x", "l0", "l1", "l2", "l3"]`},
		{"SET x = list_append(if_not_exists(x, :empty), :l)", `x: ["x"]`},
		{"SET m.k = :s", `m: {k: "new", l: [{x: 1}], n: 1}`},
		{"SET m.#k = :s, m.z = :one", `m: {k: "new", l: [{x: 1}], n: 1, z: 1}`},
		{"SET m.l[0].x = m.l[0].x + :one", `m: {k: "v", l: [{x: 2}], n: 1}`},
		{"SET l[1] = :s", `l: ["l0", "new", "l2", "l3"]`},
		{"SET l[10] = :s", `l: ["l0", "l1", "l2", "l3", "new"]`},
		{"SET l[9] = :n, l[7] = :one", `l: ["l0", "l1", "l2", "l3", 1, 5]`},
		{"SET (x) = :s", "error: Invalid UpdateExpression: Syntax error; token: \"(\", near: \"SET (x\""},
		{"SET x = (s)", `x: "abc"`},
		// SET errors
		{"SET x = absent", "error: The provided expression refers to an attribute that does not exist in the item"},
		{"SET x = absent + :one", "error: The provided expression refers to an attribute that does not exist in the item"},
		{"SET x = :one + absent", "error: The provided expression refers to an attribute that does not exist in the item"},
		{"SET x = s + :one", "error: An operand in the update expression has an incorrect data type"},
		{"SET x = :one - ss", "error: An operand in the update expression has an incorrect data type"},
		{"SET x = s + absent", "error: An operand in the update expression has an incorrect data type"}, // operands are checked in turn
		{"SET x = list_append(s, :l)", "error: An operand in the update expression has an incorrect data type"},
		{"SET x = list_append(absent, :l)", "error: The provided expression refers to an attribute that does not exist in the item"},
		{"SET x = if_not_exists(s, absent)", "error: The provided expression refers to an attribute that does not exist in the item"},
		{"SET x = big + :huge", "error: Number overflow. Attempting to store a number with magnitude larger than supported range"},
		{"SET absent.x = :s", "error: The document path provided in the update expression is invalid for update"},
		{"SET s.x = :s", "error: The document path provided in the update expression is invalid for update"},
		{"SET m[0] = :s", "error: The document path provided in the update expression is invalid for update"},
		{"SET l.x = :s", "error: The document path provided in the update expression is invalid for update"},
		{"SET l[7].x = :s", "error: The document path provided in the update expression is invalid for update"},
		{"SET m.absent.x = :s", "error: The document path provided in the update expression is invalid for update"},
		// REMOVE
		{"REMOVE s", "s: <removed>"},
		{"REMOVE absent", ""},
		{"REMOVE m.k", `m: {l: [{x: 1}], n: 1}`},
		{"REMOVE m.absent", ""},
		{"REMOVE l[1]", `l: ["l0", "l2", "l3"]`},
		{"REMOVE l[0], l[2]", `l: ["l1", "l3"]`}, // indexes name the list as it was
		{"REMOVE l[2], l[0]", `l: ["l1", "l3"]`},
		{"REMOVE l[9]", ""},
		{"REMOVE l[0] SET l[1] = :s", `l: ["new", "l2", "l3"]`},
		{"REMOVE m.l[0].x", `m: {k: "v", l: [{}], n: 1}`},
		{"REMOVE absent.x", "error: The document path provided in the update expression is invalid for update"},
		{"REMOVE s.x", "error: The document path provided in the update expression is invalid for update"},
		{"REMOVE l.x", "error: The document path provided in the update expression is invalid for update"},
		{"REMOVE m[0]", "error: The document path provided in the update expression is invalid for update"},
		// ADD
		{"ADD n :one", "n: 11"},
		{"ADD x :n", "x: 5"},
		{"ADD ss :ss", `ss: SS["a" "b" "c"]`},
		{"ADD x :ss", `x: SS["b" "c"]`},
		{"ADD ns :ns", "ns: NS[1 2 3]"},
		{"ADD bs :bs", `bs: BS["\x01" "\x02"]`},
		{"ADD m.n :one", `m: {k: "v", l: [{x: 1}], n: 2}`},
		{"ADD m.fresh :one", `m: {fresh: 1, k: "v", l: [{x: 1}], n: 1}`},
		{"ADD l[8] :one", `l: ["l0", "l1", "l2", "l3", 1]`},
		{"ADD s :one", "error: An operand in the update expression has an incorrect data type"},
		{"ADD n :ss", "error: An operand in the update expression has an incorrect data type"},
		{"ADD ss :ns", "error: An operand in the update expression has an incorrect data type"},
		{"ADD big :huge", "error: Number overflow. Attempting to store a number with magnitude larger than supported range"},
		{"ADD absent.x :one", "error: The document path provided in the update expression is invalid for update"},
		// DELETE
		{"DELETE ss :ssa", `ss: SS["b"]`},
		{"DELETE ss :ss", `ss: SS["a"]`},
		{"DELETE ss :ssab", "ss: <removed>"}, // an emptied set goes away
		{"DELETE ns :ns", "ns: NS[1]"},
		{"DELETE bs :bs", "bs: <removed>"},
		{"DELETE absent :ss", ""},
		{"DELETE ss :ns", "error: An operand in the update expression has an incorrect data type"},
		{"DELETE s :ss", "error: An operand in the update expression has an incorrect data type"},
		// several clauses
		{"SET a = :s REMOVE s ADD n :one DELETE ss :ssa", `a: "new", n: 11, s: <removed>, ss: SS["b"]`},
		// errors report in path order, as DynamoDB visits the paths
		{"SET z = absent, a = s + :one", "error: An operand in the update expression has an incorrect data type"},
	}
	for _, tc := range tests {
		env := updateEnv(t)
		old := item(t, updateItem)
		before := show(old)
		u, err := env.Update(tc.update)
		if err != nil {
			if got := "error: " + strings.TrimPrefix(err.Error(), "ValidationException: "); got != tc.want {
				t.Errorf("%s: %s, want %s", tc.update, got, tc.want)
			}
			continue
		}
		got, err := u.Apply(old)
		if show(old) != before {
			t.Errorf("%s: Apply changed its input", tc.update)
		}
		if err != nil {
			if e := "error: " + strings.TrimPrefix(err.Error(), "ValidationException: "); e != tc.want {
				t.Errorf("%s: %s, want %s", tc.update, e, tc.want)
			}
			continue
		}
		if d := diff(old, got); d != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.update, d, tc.want)
		}
	}
}

// diff lists the attributes that differ between two items.
func diff(a, b map[string]attrValue) string {
	var parts []string
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	for _, k := range sortedKeys(keys) {
		av, aok := a[k]
		bv, bok := b[k]
		switch {
		case !bok:
			parts = append(parts, k+": <removed>")
		case !aok || showValue(av) != showValue(bv):
			parts = append(parts, k+": "+showValue(bv))
		}
	}
	return strings.Join(parts, ", ")
}

func TestApplyNesting(t *testing.T) {
	// 31 levels of maps under an attribute are fine; 32 are too many.
	deep := func(levels int) string {
		s := `{"S": "leaf"}`
		for range levels {
			s = `{"M": {"x": ` + s + `}}`
		}
		return `{":d": ` + s + `}`
	}
	for _, tc := range []struct {
		levels int
		ok     bool
	}{{31, true}, {32, false}} {
		env := NewEnv(nil, item(t, deep(tc.levels)))
		u, err := env.Update("SET a = :d")
		if err != nil {
			t.Fatal(err)
		}
		_, err = u.Apply(item(t, `{}`))
		if (err == nil) != tc.ok {
			t.Errorf("%d levels: %v", tc.levels, err)
		}
		if err != nil && err.Error() != "ValidationException: Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit" {
			t.Error(err)
		}
	}
}

func TestUpdatePathsAndProject(t *testing.T) {
	env := updateEnv(t)
	u, err := env.Update("SET m.k = :s, #n = :s REMOVE l[1] ADD n :one")
	if err != nil {
		t.Fatal(err)
	}
	var ps []string
	for _, p := range u.Paths() {
		ps = append(ps, p.String())
	}
	if got := strings.Join(ps, " "); got != "[m, k] [name] [l, [1]] [n]" {
		t.Errorf("Paths = %s", got)
	}
	old := item(t, updateItem)
	nw, err := u.Apply(old)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := show(ProjectPaths(old, u.Paths())), `{l: ["l1"], m: {k: "v"}, n: 10}`; got != want {
		t.Errorf("UPDATED_OLD = %s, want %s", got, want)
	}
	if got, want := show(ProjectPaths(nw, u.Paths())), `{l: ["l2"], m: {k: "new"}, n: 11, name: "new"}`; got != want {
		t.Errorf("UPDATED_NEW = %s, want %s", got, want)
	}
}
