package legacy

import (
	"encoding/json"
	"errors"
	"maps"
	"strconv"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/expr"
)

// decode unmarshals DynamoDB JSON into v, for tests.
func decode(t testing.TB, src string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(src), v); err != nil {
		t.Fatalf("bad test input %s: %v", src, err)
	}
}

func ptr(s string) *string { return &s }

// wantErr checks that err is a ValidationException with message msg.
func wantErr(t *testing.T, name string, err error, msg string) {
	t.Helper()
	var e *awserr.Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: got %v, want ValidationException %q", name, err, msg)
	}
	if e.Code != "ValidationException" || e.HTTPStatus() != 400 || e.Message != msg {
		t.Fatalf("%s: got %s (%d) %q\nwant ValidationException (400) %q", name, e.Code, e.HTTPStatus(), e.Message, msg)
	}
}

// names renders the generated names map for comparison.
func names(o *Out) map[string]string { return o.Names }

const ip = "One or more parameter values were invalid: "

func TestExpected(t *testing.T) {
	tests := []struct {
		name   string
		exp    string
		op     *string
		want   string            // expression, when no error
		names  map[string]string // when not nil, the names map
		values string            // when not "", the values map as DynamoDB JSON
		err    string
	}{
		{name: "value alone", exp: `{"a": {"Value": {"S": "x"}}}`, want: "#l0 = :l0",
			names: map[string]string{"#l0": "a"}, values: `{":l0": {"S": "x"}}`},
		{name: "exists true", exp: `{"a": {"Value": {"N": "1"}, "Exists": true}}`, want: "#l0 = :l0"},
		{name: "exists false", exp: `{"a": {"Exists": false}}`, want: "attribute_not_exists(#l0)"},
		{name: "sorted and", exp: `{"b": {"Exists": false}, "a": {"Value": {"S": "x"}}}`,
			want: "#l0 = :l0 AND attribute_not_exists(#l1)", names: map[string]string{"#l0": "a", "#l1": "b"}},
		{name: "or", op: ptr("OR"), exp: `{"b": {"Exists": false}, "a": {"Value": {"S": "x"}}}`,
			want: "#l0 = :l0 OR attribute_not_exists(#l1)"},
		{name: "explicit and", op: ptr("AND"), exp: `{"a": {"Exists": false}, "b": {"Exists": false}}`,
			want: "attribute_not_exists(#l0) AND attribute_not_exists(#l1)"},
		{name: "operator with value", exp: `{"a": {"ComparisonOperator": "GT", "Value": {"N": "5"}}}`, want: "#l0 > :l0"},
		{name: "operator with list", exp: `{"a": {"ComparisonOperator": "LE", "AttributeValueList": [{"N": "5"}]}}`, want: "#l0 <= :l0"},
		{name: "null", exp: `{"a": {"ComparisonOperator": "NULL"}}`, want: "attribute_not_exists(#l0)"},
		{name: "not null", exp: `{"a": {"ComparisonOperator": "NOT_NULL"}}`, want: "attribute_exists(#l0)"},
		{name: "ne", exp: `{"a": {"ComparisonOperator": "NE", "Value": {"L": [{"S": "x"}]}}}`, want: "#l0 <> :l0"},
		{name: "not contains", exp: `{"a": {"ComparisonOperator": "NOT_CONTAINS", "Value": {"S": "x"}}, "b": {"ComparisonOperator": "NULL"}}`,
			want: "(attribute_exists(#l0) AND NOT contains(#l0, :l0)) AND attribute_not_exists(#l1)"},
		{name: "between", exp: `{"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"N": "2"}]}}`,
			want: "#l0 BETWEEN :l0 AND :l1"},
		{name: "reserved and odd names", exp: `{"size.x": {"Value": {"S": "x"}}}`, want: "#l0 = :l0", names: map[string]string{"#l0": "size.x"}},

		{name: "value and list", exp: `{"a": {"Value": {"S": "x"}, "AttributeValueList": [{"S": "x"}]}}`,
			err: ip + "Value and AttributeValueList cannot be used together for Attribute: a"},
		{name: "exists and operator", exp: `{"a": {"Exists": true, "ComparisonOperator": "EQ", "Value": {"S": "x"}}}`,
			err: ip + "Exists and ComparisonOperator cannot be used together for Attribute: a"},
		{name: "operator without value", exp: `{"a": {"ComparisonOperator": "EQ"}}`,
			err: ip + "Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a"},
		{name: "null with value", exp: `{"a": {"ComparisonOperator": "NULL", "Value": {"S": "x"}}}`,
			err: ip + "Invalid number of argument(s) for the NULL ComparisonOperator"},
		{name: "eq empty list", exp: `{"a": {"ComparisonOperator": "EQ", "AttributeValueList": []}}`,
			err: ip + "Invalid number of argument(s) for the EQ ComparisonOperator"},
		{name: "list without operator", exp: `{"a": {"AttributeValueList": [{"S": "x"}]}}`,
			err: ip + "AttributeValueList can only be used with a ComparisonOperator for Attribute: a"},
		{name: "exists false with value", exp: `{"x": {"Exists": false, "Value": {"S": "x"}}}`,
			err: ip + "Value cannot be used when Exists is false for Attribute: x"},
		{name: "exists true without value", exp: `{"x": {"Exists": true}}`,
			err: ip + "Value must be provided when Exists is true for Attribute: x"},
		{name: "empty entry", exp: `{"x": {}}`,
			err: ip + "Value must be provided when Exists is null for Attribute: x"},
		{name: "begins with number", exp: `{"a": {"ComparisonOperator": "BEGINS_WITH", "Value": {"N": "1"}}}`,
			err: ip + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"},
		{name: "first invalid by name", exp: `{"b": {"Exists": true}, "a": {"Exists": true}}`,
			err: ip + "Value must be provided when Exists is true for Attribute: a"},
		{name: "exists and operator first", exp: `{"a": {"Exists": false, "ComparisonOperator": "EQ", "Value": {"S": "x"}, "AttributeValueList": []}}`,
			err: ip + "Exists and ComparisonOperator cannot be used together for Attribute: a"},
		{name: "list without operator before exists false", exp: `{"a": {"Exists": false, "Value": {"S": "x"}, "AttributeValueList": []}}`,
			err: ip + "Value and AttributeValueList cannot be used together for Attribute: a"},
		{name: "entry before conditional operator", op: ptr("OR"), exp: `{"a": {"Exists": true}}`,
			err: ip + "Value must be provided when Exists is true for Attribute: a"},
		{name: "in type before same type", exp: `{"a": {"ComparisonOperator": "IN", "AttributeValueList": [{"S": "x"}, {"BOOL": true}]}}`,
			err: ip + "ComparisonOperator IN is not valid for BOOL AttributeValue type"},
		{name: "or with one", op: ptr("OR"), exp: `{"a": {"Exists": false}}`,
			err: "ConditionalOperator can only be used when Filter or Expected has two or more elements"},
		{name: "operator without expected", op: ptr("AND"), exp: `null`,
			err: "ConditionalOperator cannot be used without Filter or Expected"},
		{name: "operator with empty expected", op: ptr("AND"), exp: `{}`,
			err: "ConditionalOperator cannot be used without Filter or Expected"},
		{name: "bad conditional operator", op: ptr("AN"), exp: `{"a": {"Exists": false}, "b": {"Exists": false}}`,
			err: "1 validation error detected: Value 'AN' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]"},
		{name: "bad comparison operator", exp: `{"a": {"ComparisonOperator": "EQUALS", "Value": {"S": "x"}}}`,
			err: "1 validation error detected: Value 'EQUALS' at 'expected.a.member.comparisonOperator' failed to satisfy constraint: " +
				"Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"},
		{name: "empty", exp: `{}`, want: ""},
	}
	for _, tt := range tests {
		var exp map[string]ExpectedAttributeValue
		decode(t, tt.exp, &exp)
		var o Out
		got, err := o.Expected(exp, tt.op)
		if tt.err != "" {
			wantErr(t, tt.name, err, tt.err)
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
		if tt.names != nil && !maps.Equal(names(&o), tt.names) {
			t.Errorf("%s: names %v, want %v", tt.name, o.Names, tt.names)
		}
		if tt.values != "" {
			var want map[string]attr.Value
			decode(t, tt.values, &want)
			if !maps.EqualFunc(o.Values, want, attr.Equal) {
				t.Errorf("%s: values %v, want %v", tt.name, o.Values, want)
			}
		}
		if got != "" {
			env := expr.NewEnv(o.Names, o.Values)
			if _, err := env.Condition("ConditionExpression", got); err != nil {
				t.Errorf("%s: %q does not parse: %v", tt.name, got, err)
			}
			if err := env.Unused(); err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
		}
	}
}

func TestConditions(t *testing.T) {
	tests := []struct {
		name  string
		param string
		conds string
		op    *string
		want  string
		err   string
	}{
		{name: "eq", conds: `{"a": {"ComparisonOperator": "EQ", "AttributeValueList": [{"SS": ["x"]}]}}`, want: "#l0 = :l0"},
		{name: "all", op: ptr("OR"), conds: `{
			"a": {"ComparisonOperator": "IN", "AttributeValueList": [{"S": "x"}, {"S": "y"}]},
			"b": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"N": "1"}]},
			"c": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"B": "YQ=="}]},
			"d": {"ComparisonOperator": "GE", "AttributeValueList": [{"S": "m"}]},
			"e": {"ComparisonOperator": "LT", "AttributeValueList": [{"N": "0"}]},
			"f": {"ComparisonOperator": "NOT_NULL"}}`,
			want: "#l0 IN (:l0, :l1) OR contains(#l1, :l2) OR begins_with(#l2, :l3) OR #l3 >= :l4 OR #l4 < :l5 OR attribute_exists(#l5)"},
		{name: "contains bool", conds: `{"a": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"BOOL": true}]}}`, want: "contains(#l0, :l0)"},

		{name: "missing operator", param: "ScanFilter", conds: `{"a": {"AttributeValueList": [{"S": "x"}]}, "b": {"ComparisonOperator": ""}}`,
			err: "2 validation errors detected: Value null at 'scanFilter.a.member.comparisonOperator' failed to satisfy constraint: Member must not be null; " +
				"Value '' at 'scanFilter.b.member.comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: " +
				"[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"},
		{name: "eq no list", conds: `{"a": {"ComparisonOperator": "EQ"}}`, err: ip + "Invalid number of argument(s) for the EQ ComparisonOperator"},
		{name: "in empty", conds: `{"a": {"ComparisonOperator": "IN", "AttributeValueList": []}}`, err: ip + "Invalid number of argument(s) for the IN ComparisonOperator"},
		{name: "between three", conds: `{"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"S": "a"}, {"S": "a"}, {"S": "a"}]}}`,
			err: ip + "Invalid number of argument(s) for the BETWEEN ComparisonOperator"},
		{name: "not null with value", conds: `{"a": {"ComparisonOperator": "NOT_NULL", "AttributeValueList": [{"S": "a"}]}}`,
			err: ip + "Invalid number of argument(s) for the NOT_NULL ComparisonOperator"},
		{name: "in mixed", conds: `{"a": {"ComparisonOperator": "IN", "AttributeValueList": [{"S": "a"}, {"N": "1"}]}}`,
			err: ip + "AttributeValues inside AttributeValueList must be of same type"},
		{name: "lt set", conds: `{"a": {"ComparisonOperator": "LT", "AttributeValueList": [{"SS": ["a"]}]}}`,
			err: ip + "ComparisonOperator LT is not valid for SS AttributeValue type"},
		{name: "in bool", conds: `{"a": {"ComparisonOperator": "IN", "AttributeValueList": [{"BOOL": true}]}}`,
			err: ip + "ComparisonOperator IN is not valid for BOOL AttributeValue type"},
		{name: "contains list", conds: `{"a": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"L": []}]}}`,
			err: ip + "ComparisonOperator CONTAINS is not valid for L AttributeValue type"},
		{name: "not contains set", conds: `{"a": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"NS": ["1"]}]}}`,
			err: ip + "ComparisonOperator NOT_CONTAINS is not valid for NS AttributeValue type"},
		{name: "between map", conds: `{"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"M": {}}, {"M": {}}]}}`,
			err: ip + "ComparisonOperator BETWEEN is not valid for M AttributeValue type"},
		{name: "begins with null", conds: `{"a": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"NULL": true}]}}`,
			err: ip + "ComparisonOperator BEGINS_WITH is not valid for NULL AttributeValue type"},
		{name: "between reversed", conds: `{"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "10"}, {"N": "9"}]}}`,
			err: "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"},
		{name: "between mixed", conds: `{"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"S": "9"}]}}`,
			err: ip + "AttributeValues inside AttributeValueList must be of same type"},
		{name: "one with operator", op: ptr("AND"), conds: `{"a": {"ComparisonOperator": "NULL"}}`,
			err: "ConditionalOperator can only be used when Filter or Expected has two or more elements"},
		{name: "operator alone", op: ptr("OR"), conds: `null`, err: "ConditionalOperator cannot be used without Filter or Expected"},
		{name: "empty", conds: `{}`, want: ""},
	}
	for _, tt := range tests {
		var conds map[string]Condition
		decode(t, tt.conds, &conds)
		param := tt.param
		if param == "" {
			param = "QueryFilter"
		}
		var o Out
		got, err := o.Conditions(param, conds, tt.op)
		if tt.err != "" {
			wantErr(t, tt.name, err, tt.err)
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
		if got != "" {
			env := expr.NewEnv(o.Names, o.Values)
			if _, err := env.Condition("FilterExpression", got); err != nil {
				t.Errorf("%s: %q does not parse: %v", tt.name, got, err)
			}
			if err := env.Unused(); err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
		}
	}
}

func TestInSplit(t *testing.T) {
	vals := make([]attr.Value, 250)
	for i := range vals {
		vals[i] = attr.Value{Kind: attr.N, Str: itoa(i)}
	}
	var o Out
	got, err := o.Conditions("ScanFilter", map[string]Condition{
		"a": {ComparisonOperator: ptr("IN"), AttributeValueList: vals},
		"b": {ComparisonOperator: ptr("NOT_NULL")},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := expr.NewEnv(o.Names, o.Values).Condition("FilterExpression", got)
	if err != nil {
		t.Fatalf("%q: %v", got, err)
	}
	for _, n := range []int{0, 99, 100, 199, 249} {
		it := attr.Item{"a": {Kind: attr.N, Str: itoa(n)}, "b": {Kind: attr.NULL}}
		if ok, _ := c.Eval(it); !ok {
			t.Errorf("a = %d: not matched by %q", n, got)
		}
	}
	if ok, _ := c.Eval(attr.Item{"a": {Kind: attr.N, Str: "250"}, "b": {Kind: attr.NULL}}); ok {
		t.Error("a = 250 matched")
	}
	if ok, _ := c.Eval(attr.Item{"a": {Kind: attr.N, Str: "5"}}); ok {
		t.Error("missing b matched: the OR groups escaped their parentheses")
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestKeyConditions(t *testing.T) {
	tests := []struct {
		name  string
		conds string
		want  string
		parts []expr.KeyPart // Bind("pk", "sk") result: hash, then range
		err   string
	}{
		{name: "hash", conds: `{"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]}}`, want: "#l0 = :l0"},
		{name: "between", conds: `{"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]},
			"sk": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"N": "5"}]}}`,
			want: "#l0 = :l0 AND #l1 BETWEEN :l1 AND :l2"},
		{name: "begins", conds: `{"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]},
			"sk": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "ab"}]}}`,
			want: "#l0 = :l0 AND begins_with(#l1, :l1)"},
		{name: "lt", conds: `{"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]},
			"sk": {"ComparisonOperator": "LT", "AttributeValueList": [{"S": "ab"}]}}`,
			want: "#l0 = :l0 AND #l1 < :l1"},

		{name: "none", conds: `{}`, err: "Conditions can be of length 1 or 2 only"},
		{name: "three", conds: `{"a": {"ComparisonOperator": "NULL"}, "b": {"ComparisonOperator": "NULL"}, "c": {"ComparisonOperator": "NULL"}}`,
			err: "Conditions can be of length 1 or 2 only"},
		{name: "ne", conds: `{"pk": {"ComparisonOperator": "NE", "AttributeValueList": [{"S": "x"}]}}`,
			err: "Attempted conditional constraint is not an indexable operation"},
		{name: "null", conds: `{"pk": {"ComparisonOperator": "NULL"}}`,
			err: "Attempted conditional constraint is not an indexable operation"},
		{name: "in", conds: `{"pk": {"ComparisonOperator": "IN", "AttributeValueList": [{"S": "x"}]}}`,
			err: "Attempted conditional constraint is not an indexable operation"},
		{name: "count before indexable", conds: `{"pk": {"ComparisonOperator": "CONTAINS"}}`,
			err: ip + "Invalid number of argument(s) for the CONTAINS ComparisonOperator"},
		{name: "begins number", conds: `{"pk": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"N": "1"}]}}`,
			err: ip + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"},
		{name: "missing operator", conds: `{"pk": {}}`,
			err: "1 validation error detected: Value null at 'keyConditions.pk.member.comparisonOperator' failed to satisfy constraint: Member must not be null"},
	}
	for _, tt := range tests {
		var conds map[string]Condition
		decode(t, tt.conds, &conds)
		var o Out
		got, err := o.KeyConditions(conds)
		if tt.err != "" {
			wantErr(t, tt.name, err, tt.err)
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
		env := expr.NewEnv(o.Names, o.Values)
		kc, err := env.ParseKeyCondition(got)
		if err != nil {
			t.Fatalf("%s: %q does not parse: %v", tt.name, got, err)
		}
		bound, err := kc.Bind("pk", "sk")
		if err != nil {
			t.Fatalf("%s: %q does not bind: %v", tt.name, got, err)
		}
		if bound.Hash.Name != "pk" || !attr.Equal(bound.Hash.Values[0], conds["pk"].AttributeValueList[0]) {
			t.Errorf("%s: hash part %+v", tt.name, bound.Hash)
		}
		if sk, ok := conds["sk"]; ok {
			if bound.Range == nil || bound.Range.Name != "sk" || len(bound.Range.Values) != len(sk.AttributeValueList) {
				t.Errorf("%s: range part %+v", tt.name, bound.Range)
			}
		} else if bound.Range != nil {
			t.Errorf("%s: unexpected range part %+v", tt.name, bound.Range)
		}
		if err := env.Unused(); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestKeyConditionsSchemaErrors(t *testing.T) {
	// Schema problems are expr's to report, in the same words for both forms.
	var conds map[string]Condition
	decode(t, `{"sk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]}}`, &conds)
	var o Out
	src, err := o.KeyConditions(conds)
	if err != nil {
		t.Fatal(err)
	}
	kc, err := expr.NewEnv(o.Names, o.Values).ParseKeyCondition(src)
	if err != nil {
		t.Fatal(err)
	}
	_, err = kc.Bind("pk", "sk")
	wantErr(t, "missing hash", err, "Query condition missed key schema element: pk")

	decode(t, `{"pk": {"ComparisonOperator": "GT", "AttributeValueList": [{"S": "x"}]}}`, &conds)
	o = Out{}
	src, _ = o.KeyConditions(conds)
	kc, _ = expr.NewEnv(o.Names, o.Values).ParseKeyCondition(src)
	_, err = kc.Bind("pk", "sk")
	wantErr(t, "range operator on hash", err, "Query key condition not supported")
}

func TestAttributesToGet(t *testing.T) {
	var o Out
	got, err := o.AttributesToGet([]string{"a", "b.c", "size", "a[0]"})
	if err != nil {
		t.Fatal(err)
	}
	if got != "#l0, #l1, #l2, #l3" {
		t.Errorf("got %q", got)
	}
	p, err := expr.NewEnv(o.Names, o.Values).Projection(got)
	if err != nil {
		t.Fatal(err)
	}
	it := attr.Item{
		"a":    {Kind: attr.S, Str: "1"},
		"b.c":  {Kind: attr.S, Str: "2"},
		"b":    {Kind: attr.M, Map: map[string]attr.Value{"c": {Kind: attr.S, Str: "nested"}}},
		"size": {Kind: attr.N, Str: "3"},
		"a[0]": {Kind: attr.S, Str: "4"},
		"z":    {Kind: attr.S, Str: "5"},
	}
	res := p.Apply(it)
	if len(res) != 4 || res["b.c"].Str != "2" || res["a[0]"].Str != "4" || res["size"].Str != "3" || res["a"].Str != "1" {
		t.Errorf("projection gave %v", res)
	}

	_, err = (&Out{}).AttributesToGet([]string{"a", "b", "a"})
	wantErr(t, "duplicate", err, ip+"Duplicate value in attribute name: a")
	_, err = (&Out{}).AttributesToGet([]string{})
	wantErr(t, "empty", err, "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy constraint: Member must have length greater than or equal to 1")
}

func TestPlaceholdersAvoidClientKeys(t *testing.T) {
	// KeyConditions may come with the client's FilterExpression, whose
	// placeholders the generated ones must not overwrite.
	o := Out{
		Names:  map[string]string{"#l0": "x", "#l2": "y"},
		Values: map[string]attr.Value{":l0": {Kind: attr.S, Str: "client"}},
	}
	var conds map[string]Condition
	decode(t, `{"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "k"}]},
		"sk": {"ComparisonOperator": "GT", "AttributeValueList": [{"S": "m"}]}}`, &conds)
	got, err := o.KeyConditions(conds)
	if err != nil {
		t.Fatal(err)
	}
	if got != "#l1 = :l1 AND #l3 > :l2" {
		t.Errorf("got %q", got)
	}
	if o.Names["#l0"] != "x" || o.Names["#l2"] != "y" || o.Values[":l0"].Str != "client" {
		t.Errorf("client placeholders changed: %v %v", o.Names, o.Values)
	}
	env := expr.NewEnv(o.Names, o.Values)
	if _, err := env.Condition("FilterExpression", "#l0 = :l0 AND #l2 <> :l0"); err != nil {
		t.Fatal(err)
	}
	kc, err := env.ParseKeyCondition(got)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kc.Bind("pk", "sk"); err != nil {
		t.Fatal(err)
	}
	if err := env.Unused(); err != nil {
		t.Fatal(err)
	}
}

func TestNamesShared(t *testing.T) {
	// One Out across Expected and AttributeUpdates reuses a name's placeholder.
	var o Out
	var exp map[string]ExpectedAttributeValue
	decode(t, `{"a": {"Value": {"N": "1"}}}`, &exp)
	cond, err := o.Expected(exp, nil)
	if err != nil {
		t.Fatal(err)
	}
	upd, err := o.AttributeUpdates(map[string]AttributeValueUpdate{"a": {Action: ptr("ADD"), Value: &attr.Value{Kind: attr.N, Str: "1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if cond != "#l0 = :l0" || upd != "ADD #l0 :l1" || len(o.Names) != 1 {
		t.Errorf("got %q, %q, names %v", cond, upd, o.Names)
	}
}

func TestCheckMix(t *testing.T) {
	tests := []struct {
		legacy, exprs []string
		err           string
	}{
		{nil, nil, ""},
		{[]string{"Expected"}, nil, ""},
		{nil, []string{"ConditionExpression"}, ""},
		{[]string{"Expected"}, []string{"ConditionExpression"},
			"Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"},
		{[]string{"AttributesToGet", "ScanFilter", "ConditionalOperator"}, []string{"ProjectionExpression", "FilterExpression"},
			"Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet, ScanFilter, ConditionalOperator} Expression parameters: {ProjectionExpression, FilterExpression}"},
		{[]string{"KeyConditions"}, []string{"FilterExpression"}, ""},
		{[]string{"KeyConditions"}, []string{"ProjectionExpression", "FilterExpression"}, ""},
		{[]string{"QueryFilter", "ConditionalOperator", "KeyConditions"}, []string{"ProjectionExpression", "FilterExpression", "KeyConditionExpression"},
			"Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {QueryFilter, ConditionalOperator, KeyConditions} Expression parameters: {ProjectionExpression, FilterExpression, KeyConditionExpression}"},
		{[]string{"QueryFilter", "KeyConditions"}, []string{"FilterExpression"},
			"Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {QueryFilter} Expression parameters: {FilterExpression}"},
	}
	for _, tt := range tests {
		err := CheckMix(tt.legacy, tt.exprs)
		if tt.err == "" {
			if err != nil {
				t.Errorf("%v %v: %v", tt.legacy, tt.exprs, err)
			}
			continue
		}
		wantErr(t, "mix", err, tt.err)
	}
	present := map[string]bool{"KeyConditions": true, "AttributesToGet": true}
	if got := Present(QueryLegacy, func(n string) bool { return present[n] }); len(got) != 2 || got[0] != "AttributesToGet" || got[1] != "KeyConditions" {
		t.Errorf("Present: %v", got)
	}
}
