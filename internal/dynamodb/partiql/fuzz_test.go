package partiql

import (
	"errors"
	"strings"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/expr"
)

// FuzzParse feeds arbitrary statements to Parse and Plan: they must never
// panic, must fail only with ValidationExceptions, and every plan they
// produce must parse with package expr and use all its placeholders.
func FuzzParse(f *testing.F) {
	seeds := []string{
		`SELECT * FROM "t" WHERE pk = ? AND sk BETWEEN 1 AND 5 AND x.y[2] <> 'a' ORDER BY sk DESC`,
		`SELECT a, b.c FROM "t"."i" WHERE pk IN ['a', 'b'] OR NOT (c IS MISSING)`,
		`SELECT * FROM t WHERE pk = 'a' AND begins_with(sk, 'x') AND size(l) > 2 AND contains(s, ?)`,
		`INSERT INTO "t" VALUE {'pk': 'a', 'sk': 1, 's': <<'x'>>, 'm': {'l': [1, NULL, TRUE]}}`,
		`UPDATE "t" SET a = a + 1, l = list_append(l, ?) REMOVE b SET s = set_add(s, <<1>>) WHERE pk = 'a' AND sk = 2 AND v = 3 RETURNING ALL NEW *`,
		`DELETE FROM t WHERE pk = 'a' AND sk = 1 AND x IS NOT NULL RETURNING ALL OLD *`,
		`EXISTS(SELECT * FROM t WHERE pk = 'a' AND sk = ?)`,
		"SELECT * -- c\nFROM t /* x */",
		`SELECT * FROM t WHERE ((((a = 1))))`,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		st, err := Parse(src)
		if err != nil {
			mustValidation(t, src, err)
			return
		}
		params := make([]attr.Value, st.Params())
		for i := range params {
			params[i] = attr.Value{Kind: attr.N, Str: "1"}
		}
		for _, schema := range []Schema{{HashKey: "pk", RangeKey: "sk"}, {HashKey: "a"}} {
			p, err := st.Plan(schema, params)
			if err != nil {
				mustValidation(t, src, err)
				continue
			}
			checkPlanParses(t, src, p, schema)
		}
	})
}

func mustValidation(t *testing.T, src string, err error) {
	var ae *awserr.Error
	if !errors.As(err, &ae) || ae.Code != "ValidationException" {
		t.Fatalf("%q: error %v is not a ValidationException", src, err)
	}
}

// checkPlanParses checks a plan from arbitrary input: its expressions may
// be refused by package expr for reasons of their own (too long, too many
// operators, operand types) but never for a syntax error, an undefined or
// unused placeholder.
func checkPlanParses(t *testing.T, src string, p *Plan, schema Schema) {
	t.Helper()
	if p.Op == "" {
		t.Fatalf("%q: plan without an operation", src)
	}
	for _, e := range []string{p.KeyConditionExpression, p.FilterExpression, p.ConditionExpression, p.UpdateExpression, p.ProjectionExpression} {
		if len(e) > 4096 {
			return // expr refuses long expressions, as DynamoDB does
		}
	}
	checkExpressionsLenient(t, src, p, schema)
}

// checkExpressionsLenient parses p's expressions with package expr and
// fails on the errors a correct translation never causes.
func checkExpressionsLenient(t *testing.T, src string, p *Plan, schema Schema) {
	t.Helper()
	env := expr.NewEnv(p.Names, p.Values)
	ok := true
	check := func(what string, err error) {
		if err == nil {
			return
		}
		ok = false
		msg := err.Error()
		for _, bad := range []string{"Syntax error", "not defined", "unused", "redundant parentheses", "reserved keyword", "Query condition missed", "Query key condition not supported", "KeyConditionExpressions"} {
			if strings.Contains(msg, bad) {
				t.Fatalf("%q: %s of plan %+v: %v", src, what, p, err)
			}
		}
	}
	if p.KeyConditionExpression != "" {
		kc, err := env.ParseKeyCondition(p.KeyConditionExpression)
		check("KeyConditionExpression", err)
		if err == nil {
			_, err = kc.Bind(schema.HashKey, schema.RangeKey)
			check("KeyConditionExpression", err)
		}
	}
	if p.FilterExpression != "" {
		_, err := env.Condition("FilterExpression", p.FilterExpression)
		check("FilterExpression", err)
	}
	if p.ConditionExpression != "" {
		_, err := env.Condition("ConditionExpression", p.ConditionExpression)
		check("ConditionExpression", err)
	}
	if p.UpdateExpression != "" {
		_, err := env.Update(p.UpdateExpression)
		check("UpdateExpression", err)
	}
	if p.ProjectionExpression != "" {
		_, err := env.Projection(p.ProjectionExpression)
		check("ProjectionExpression", err)
	}
	if ok {
		check("placeholders", env.Unused())
	}
}
