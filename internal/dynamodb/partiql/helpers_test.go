package partiql

import (
	"errors"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/expr"
)

var placeholder = regexp.MustCompile(`[#:]p[0-9]+`)

// show renders an expression with its placeholders replaced by what they
// stand for, so expectations read like the statement: names bare, strings
// quoted, other values as DynamoDB JSON.
func show(p *Plan, e string) string {
	return placeholder.ReplaceAllStringFunc(e, func(ph string) string {
		if ph[0] == '#' {
			return p.Names[ph]
		}
		return showValue(p.Values[ph])
	})
}

func showValue(v attr.Value) string {
	switch v.Kind {
	case attr.S:
		return "'" + v.Str + "'"
	case attr.N:
		return v.Str
	}
	b, _ := v.MarshalJSON()
	return string(b)
}

func showItem(it attr.Item) string {
	if it == nil {
		return ""
	}
	b, _ := it.MarshalJSON()
	return string(b)
}

// summary renders a plan as one line per field that is set.
func summary(p *Plan) string {
	var lines []string
	add := func(k, v string) {
		if v != "" {
			lines = append(lines, k+": "+v)
		}
	}
	add("op", p.Op)
	add("key", showItem(p.Key))
	add("item", showItem(p.Item))
	add("keycond", show(p, p.KeyConditionExpression))
	add("filter", show(p, p.FilterExpression))
	add("projection", show(p, p.ProjectionExpression))
	add("condition", show(p, p.ConditionExpression))
	add("update", show(p, p.UpdateExpression))
	if p.ScanIndexForward != nil {
		if *p.ScanIndexForward {
			add("forward", "true")
		} else {
			add("forward", "false")
		}
	}
	add("return", p.ReturnValues)
	return strings.Join(lines, "\n")
}

// checkExpressions parses every expression of p with package expr, as the
// service will, and checks that all names and values are used and that a
// Query's filter leaves the key attributes alone (DynamoDB refuses that).
func checkExpressions(t *testing.T, p *Plan, schema Schema) {
	t.Helper()
	env := expr.NewEnv(p.Names, p.Values)
	if p.KeyConditionExpression != "" {
		kc, err := env.ParseKeyCondition(p.KeyConditionExpression)
		if err != nil {
			t.Fatalf("KeyConditionExpression %q: %v", p.KeyConditionExpression, err)
		}
		if _, err := kc.Bind(schema.HashKey, schema.RangeKey); err != nil {
			t.Fatalf("KeyConditionExpression %q for %v: %v", p.KeyConditionExpression, schema, err)
		}
	}
	for _, c := range []struct{ param, src string }{
		{"FilterExpression", p.FilterExpression},
		{"ConditionExpression", p.ConditionExpression},
	} {
		if c.src == "" {
			continue
		}
		if _, err := env.Condition(c.param, c.src); err != nil {
			t.Fatalf("%s %q: %v", c.param, c.src, err)
		}
	}
	if p.UpdateExpression != "" {
		if _, err := env.Update(p.UpdateExpression); err != nil {
			t.Fatalf("UpdateExpression %q: %v", p.UpdateExpression, err)
		}
	}
	if p.ProjectionExpression != "" {
		if _, err := env.Projection(p.ProjectionExpression); err != nil {
			t.Fatalf("ProjectionExpression %q: %v", p.ProjectionExpression, err)
		}
	}
	if err := env.Unused(); err != nil {
		t.Fatalf("plan %+v: %v", p, err)
	}
	if p.Op == "Query" && p.FilterExpression != "" {
		for _, ph := range regexp.MustCompile(`(^|[^.\]])(#p[0-9]+)`).FindAllStringSubmatch(p.FilterExpression, -1) {
			if n := p.Names[ph[2]]; n == schema.HashKey || n == schema.RangeKey {
				t.Fatalf("Query filter %q uses key attribute %s", show(p, p.FilterExpression), n)
			}
		}
	}
	switch p.Op {
	case "GetItem", "UpdateItem", "DeleteItem", "ConditionCheck":
		keys := []string{}
		for k := range p.Key {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		want := []string{schema.HashKey}
		if schema.RangeKey != "" {
			want = append(want, schema.RangeKey)
		}
		sort.Strings(want)
		if strings.Join(keys, ",") != strings.Join(want, ",") {
			t.Fatalf("%s key %v, want attributes %v", p.Op, keys, want)
		}
	}
}

// wantValidation checks that err is a ValidationException with message msg.
func wantValidation(t *testing.T, err error, msg string) {
	t.Helper()
	var ae *awserr.Error
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T), want ValidationException %q", err, err, msg)
	}
	if ae.Code != "ValidationException" || ae.Message != msg {
		t.Fatalf("error %s: %q, want ValidationException: %q", ae.Code, ae.Message, msg)
	}
}

func S(s string) attr.Value { return attr.Value{Kind: attr.S, Str: s} }
func N(s string) attr.Value { return attr.Value{Kind: attr.N, Str: s} }
