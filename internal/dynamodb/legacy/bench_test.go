package legacy

import (
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/expr"
)

// BenchmarkTranslate measures translating a typical legacy UpdateItem
// (two Expected entries, three AttributeUpdates) and a Query (KeyConditions
// and a two-entry QueryFilter), without and with parsing the result.
func BenchmarkTranslate(b *testing.B) {
	one := attr.Value{Kind: attr.N, Str: "1"}
	exp := map[string]ExpectedAttributeValue{
		"version": {Value: &one},
		"status":  {ComparisonOperator: ptr("IN"), AttributeValueList: []attr.Value{{Kind: attr.S, Str: "new"}, {Kind: attr.S, Str: "open"}}},
	}
	upd := map[string]AttributeValueUpdate{
		"version": {Action: ptr("ADD"), Value: &one},
		"title":   {Value: &attr.Value{Kind: attr.S, Str: "hello"}},
		"draft":   {Action: ptr("DELETE")},
	}
	keys := map[string]Condition{
		"pk": {ComparisonOperator: ptr("EQ"), AttributeValueList: []attr.Value{{Kind: attr.S, Str: "user#1"}}},
		"sk": {ComparisonOperator: ptr("BEGINS_WITH"), AttributeValueList: []attr.Value{{Kind: attr.S, Str: "order#"}}},
	}
	filter := map[string]Condition{
		"total": {ComparisonOperator: ptr("GE"), AttributeValueList: []attr.Value{{Kind: attr.N, Str: "100"}}},
		"tags":  {ComparisonOperator: ptr("NOT_CONTAINS"), AttributeValueList: []attr.Value{{Kind: attr.S, Str: "test"}}},
	}
	b.Run("update", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var o Out
			if _, err := o.Expected(exp, nil); err != nil {
				b.Fatal(err)
			}
			if _, err := o.AttributeUpdates(upd); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("query", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var o Out
			if _, err := o.KeyConditions(keys); err != nil {
				b.Fatal(err)
			}
			if _, err := o.Conditions("QueryFilter", filter, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("update+parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var o Out
			c, _ := o.Expected(exp, nil)
			u, _ := o.AttributeUpdates(upd)
			env := expr.NewEnv(o.Names, o.Values)
			if _, err := env.Condition("ConditionExpression", c); err != nil {
				b.Fatal(err)
			}
			if _, err := env.Update(u); err != nil {
				b.Fatal(err)
			}
		}
	})
}
