package legacy

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/expr"
)

// fuzzRequest is the legacy part of a request, plus an item to evaluate on.
type fuzzRequest struct {
	Expected            map[string]ExpectedAttributeValue `json:"Expected"`
	ConditionalOperator *string                           `json:"ConditionalOperator"`
	ScanFilter          map[string]Condition              `json:"ScanFilter"`
	KeyConditions       map[string]Condition              `json:"KeyConditions"`
	AttributeUpdates    map[string]AttributeValueUpdate   `json:"AttributeUpdates"`
	AttributesToGet     []string                          `json:"AttributesToGet"`
	Item                attr.Item                         `json:"Item"`
}

// FuzzTranslate checks that translation never panics, that every failure
// is a ValidationException, that every translation parses through expr
// with the placeholders it added (all of them used), and that a
// single-condition filter evaluates as the documented legacy semantics say.
func FuzzTranslate(f *testing.F) {
	for _, seed := range []string{
		`{"Expected": {"a": {"Value": {"S": "x"}}, "b": {"Exists": false}}, "ConditionalOperator": "OR", "Item": {"a": {"S": "x"}}}`,
		`{"Expected": {"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"N": "3"}]}}}`,
		`{"ScanFilter": {"a": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "p"}]}}, "Item": {"a": {"SS": ["p", "q"]}}}`,
		`{"ScanFilter": {"a": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "1"}, {"N": "2"}]}}, "Item": {"a": {"N": "2.0"}}}`,
		`{"ScanFilter": {"a": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"NULL": true}]}}, "Item": {"a": {"L": [{"NULL": true}]}}}`,
		`{"KeyConditions": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "k"}]}, "sk": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"B": "YQ=="}]}}}`,
		`{"AttributeUpdates": {"a": {"Action": "ADD", "Value": {"L": [{"S": "x"}]}}, "b": {"Action": "DELETE"}, "c": {"Value": {"M": {}}}}, "Item": {"a": {"L": []}}}`,
		`{"AttributesToGet": ["a", "b.c", "#x"]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var r fuzzRequest
		if json.Unmarshal(data, &r) != nil {
			return
		}
		if r.Expected != nil || r.ConditionalOperator != nil {
			var o Out
			src, err := o.Expected(r.Expected, r.ConditionalOperator)
			fuzzCondition(t, &o, "ConditionExpression", src, err, r.Item)
		}
		if r.ScanFilter != nil {
			var o Out
			src, err := o.Conditions("ScanFilter", r.ScanFilter, r.ConditionalOperator)
			c := fuzzCondition(t, &o, "FilterExpression", src, err, r.Item)
			if c != nil && len(r.ScanFilter) == 1 {
				for k, cond := range r.ScanFilter {
					a, ok := r.Item[k]
					got, _ := c.Eval(r.Item)
					if want := legacyMatch(*cond.ComparisonOperator, a, ok, cond.AttributeValueList); got != want {
						t.Fatalf("%q on %v gives %v, legacy semantics %v", src, r.Item, got, want)
					}
				}
			}
		}
		if r.KeyConditions != nil {
			var o Out
			src, err := o.KeyConditions(r.KeyConditions)
			if checkFuzzErr(t, err) {
				env := expr.NewEnv(o.Names, o.Values)
				if _, err := env.ParseKeyCondition(src); err != nil {
					t.Fatalf("%q: %v", src, err)
				}
				if err := env.Unused(); err != nil {
					t.Fatalf("%q: %v", src, err)
				}
			}
		}
		if r.AttributeUpdates != nil {
			var o Out
			src, err := o.AttributeUpdates(r.AttributeUpdates)
			if checkFuzzErr(t, err) && src != "" {
				env := expr.NewEnv(o.Names, o.Values)
				u, err := env.Update(src)
				if err != nil {
					t.Fatalf("%q: %v", src, err)
				}
				if err := env.Unused(); err != nil {
					t.Fatalf("%q: %v", src, err)
				}
				_, err = u.Apply(r.Item)
				checkFuzzErr(t, err)
			}
		}
		if r.AttributesToGet != nil {
			var o Out
			src, err := o.AttributesToGet(r.AttributesToGet)
			if checkFuzzErr(t, err) {
				p, err := expr.NewEnv(o.Names, o.Values).Projection(src)
				if err != nil {
					t.Fatalf("%q: %v", src, err)
				}
				p.Apply(r.Item)
			}
		}
	})
}

// checkFuzzErr fails unless err is nil or a ValidationException, and
// reports whether it is nil.
func checkFuzzErr(t *testing.T, err error) bool {
	if err == nil {
		return true
	}
	var e *awserr.Error
	if !errors.As(err, &e) || e.Code != "ValidationException" || e.Message == "" {
		t.Fatalf("error %v is not a ValidationException", err)
	}
	return false
}

// fuzzCondition checks a translated condition and returns it parsed.
func fuzzCondition(t *testing.T, o *Out, param, src string, err error, it attr.Item) *expr.Cond {
	if !checkFuzzErr(t, err) || src == "" {
		return nil
	}
	env := expr.NewEnv(o.Names, o.Values)
	c, err := env.Condition(param, src)
	if err != nil {
		t.Fatalf("%q: %v", src, err)
	}
	if err := env.Unused(); err != nil {
		t.Fatalf("%q: %v", src, err)
	}
	c.Eval(it)
	return c
}
