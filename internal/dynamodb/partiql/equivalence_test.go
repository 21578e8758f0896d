package partiql

import (
	"fmt"
	"slices"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/expr"
)

// TestSelectEquivalence runs the plans of many SELECTs over a small table,
// the way the service runs GetItem, Query and Scan, and checks each returns
// exactly the items that the whole WHERE clause, used as a Scan filter,
// selects: splitting a WHERE clause into key condition and filter must not
// change its meaning.
func TestSelectEquivalence(t *testing.T) {
	var items []attr.Item
	for _, pk := range []string{"a", "b", "ab"} {
		for sk := 1; sk <= 6; sk++ {
			it := attr.Item{"pk": S(pk), "sk": N(fmt.Sprint(sk))}
			if sk%2 == 0 {
				it["even"] = attr.Value{Kind: attr.BOOL, Bool: true}
			}
			if sk != 3 {
				it["price"] = N(fmt.Sprint(sk * 10))
			}
			it["tags"] = attr.Value{Kind: attr.SS, Strs: []string{"t" + fmt.Sprint(sk%3)}}
			it["doc"] = attr.Value{Kind: attr.M, Map: map[string]attr.Value{"l": {Kind: attr.L, List: []attr.Value{S(pk), N(fmt.Sprint(sk))}}}}
			items = append(items, it)
		}
	}
	wheres := []string{
		"pk = 'a'",
		"pk = 'a' AND sk = 2",
		"sk = 2 AND pk = 'b'",
		"pk = 'a' AND sk = 4 AND price > 0",
		"pk = 'a' AND sk > 2",
		"pk = 'a' AND 3 >= sk",
		"pk = 'a' AND sk BETWEEN 2 AND 4",
		"pk = 'a' AND sk > 2 AND sk < 5",
		"pk = 'a' AND sk <> 2",
		"pk = 'a' AND price >= 20 AND NOT even = TRUE",
		"pk = 'a' AND (price < 20 OR price IS MISSING)",
		"pk = 'a' OR sk = 1",
		"pk IN ['a', 'b'] AND sk = 1",
		"begins_with(pk, 'a') AND sk = 1",
		"pk = 'a' AND begins_with(pk, 'a')",
		"pk = 'a' AND pk = 'b'",
		"pk = 'ab' AND contains(tags, 't1')",
		"pk = 'b' AND doc.l[1] = 4",
		"pk = 'b' AND size(doc.l) = 2 AND sk NOT IN (1, 2)",
		"pk = 'b' AND even IS NOT MISSING AND sk = 4",
		"price > 30",
		"NOT (pk = 'a')",
		"pk = ? AND sk >= ?",
	}
	params := map[string][]attr.Value{"pk = ? AND sk >= ?": {S("a"), N("5")}}
	for _, w := range wheres {
		for _, proj := range []string{"*", "pk, sk, doc.l[0]"} {
			stmt := "SELECT " + proj + ` FROM "t" WHERE ` + w
			t.Run(stmt, func(t *testing.T) {
				st, err := Parse(stmt)
				if err != nil {
					t.Fatal(err)
				}
				p, err := st.Plan(composite, params[w])
				if err != nil {
					t.Fatal(err)
				}
				checkExpressions(t, p, composite)
				got := execute(t, p, composite, items)

				// The reference: the whole WHERE clause as a Scan filter.
				b := &builder{params: params[w]}
				filter, err := b.cond(st.where, precOr)
				if err != nil {
					t.Fatal(err)
				}
				ref := &Plan{Op: "Scan", FilterExpression: filter, ProjectionExpression: p.ProjectionExpression}
				if ref.ProjectionExpression != "" {
					ref.ProjectionExpression = ""
					for i, path := range st.proj {
						if i > 0 {
							ref.ProjectionExpression += ", "
						}
						ref.ProjectionExpression += b.path(path)
					}
				}
				ref.Names, ref.Values = b.names, b.values
				want := execute(t, ref, composite, items)
				if !slices.Equal(got, want) {
					t.Errorf("%s plan %s\nreturned %v\nwant %v", stmt, summary(p), got, want)
				}
				if len(want) == 0 && w != "pk = 'a' AND pk = 'b'" {
					t.Errorf("%s selects nothing; the case tests little", stmt)
				}
			})
		}
	}
}

// execute runs p over items as the service runs its operation, and returns
// the items as sorted JSON.
func execute(t *testing.T, p *Plan, schema Schema, items []attr.Item) []string {
	t.Helper()
	env := expr.NewEnv(p.Names, p.Values)
	var match []func(attr.Item) bool
	switch p.Op {
	case "GetItem":
		match = append(match, func(it attr.Item) bool {
			for k, v := range p.Key {
				if !attr.Equal(it[k], v) {
					return false
				}
			}
			return true
		})
	case "Query":
		kc, err := env.KeyCondition(p.KeyConditionExpression, schema.HashKey, schema.RangeKey)
		if err != nil {
			t.Fatal(err)
		}
		match = append(match, func(it attr.Item) bool {
			ok, _ := kc.Cond().Eval(it)
			return ok
		})
	case "Scan":
	default:
		t.Fatalf("op %s", p.Op)
	}
	if p.FilterExpression != "" {
		f, err := env.Condition("FilterExpression", p.FilterExpression)
		if err != nil {
			t.Fatal(err)
		}
		match = append(match, func(it attr.Item) bool {
			ok, _ := f.Eval(it)
			return ok
		})
	}
	var proj *expr.Projection
	if p.ProjectionExpression != "" {
		var err error
		if proj, err = env.Projection(p.ProjectionExpression); err != nil {
			t.Fatal(err)
		}
	}
	var out []string
	for _, it := range items {
		ok := true
		for _, m := range match {
			ok = ok && m(it)
		}
		if !ok {
			continue
		}
		if proj != nil {
			it = proj.Apply(it)
		}
		out = append(out, showItem(it))
	}
	slices.Sort(out)
	return out
}
