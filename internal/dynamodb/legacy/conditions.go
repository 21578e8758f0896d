package legacy

import (
	"slices"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
)

// opRule is what DynamoDB accepts for one ComparisonOperator: how many
// values, of which types (nil: any), and whether a Query's key condition
// may use it.
type opRule struct {
	min, max  int // max < 0: no upper bound
	kinds     []attr.Kind
	indexable bool
}

var (
	scalar       = []attr.Kind{attr.S, attr.N, attr.B}
	containsable = []attr.Kind{attr.S, attr.N, attr.B, attr.BOOL, attr.NULL}
)

var opRules = map[string]opRule{
	"EQ":           {1, 1, nil, true},
	"NE":           {1, 1, nil, false},
	"LE":           {1, 1, scalar, true},
	"LT":           {1, 1, scalar, true},
	"GE":           {1, 1, scalar, true},
	"GT":           {1, 1, scalar, true},
	"IN":           {1, -1, scalar, false},
	"BETWEEN":      {2, 2, scalar, true},
	"NOT_NULL":     {0, 0, nil, false},
	"NULL":         {0, 0, nil, false},
	"CONTAINS":     {1, 1, containsable, false},
	"NOT_CONTAINS": {1, 1, containsable, false},
	"BEGINS_WITH":  {1, 1, []attr.Kind{attr.S, attr.B}, true},
}

var symbols = map[string]string{"EQ": "=", "NE": "<>", "LT": "<", "LE": "<=", "GT": ">", "GE": ">="}

// maxIn is the expression language's limit on IN operands; longer legacy
// IN lists are split into OR'ed groups.
const maxIn = 100

// checkOperands applies DynamoDB's rules for op's values, in its order:
// count, then value by value the type for the operator and the same type as
// the first, then BETWEEN bounds. op is valid.
func checkOperands(op string, vals []attr.Value) error {
	r := opRules[op]
	if len(vals) < r.min || r.max >= 0 && len(vals) > r.max {
		return invalid("Invalid number of argument(s) for the %s ComparisonOperator", op)
	}
	for _, v := range vals {
		if r.kinds != nil && !slices.Contains(r.kinds, v.Kind) {
			return invalid("ComparisonOperator %s is not valid for %s AttributeValue type", op, v.Kind)
		}
		if v.Kind != vals[0].Kind {
			return invalid("AttributeValues inside AttributeValueList must be of same type")
		}
	}
	if op == "BETWEEN" {
		if c, ok := attr.Compare(vals[0], vals[1]); ok && c > 0 {
			return validation("The BETWEEN condition was provided a range where the lower bound is greater than the upper bound")
		}
	}
	return nil
}

// part is one translated condition; compound parts need parentheses when
// joined with others.
type part struct {
	text     string
	compound bool
}

// comparison translates one checked comparison on attribute name.
func (o *Out) comparison(name, op string, vals []attr.Value) part {
	a := o.name(name)
	switch op {
	case "NULL":
		return part{"attribute_not_exists(" + a + ")", false}
	case "NOT_NULL":
		return part{"attribute_exists(" + a + ")", false}
	case "CONTAINS":
		return part{"contains(" + a + ", " + o.value(vals[0]) + ")", false}
	case "NOT_CONTAINS":
		return part{"attribute_exists(" + a + ") AND NOT contains(" + a + ", " + o.value(vals[0]) + ")", true}
	case "BEGINS_WITH":
		return part{"begins_with(" + a + ", " + o.value(vals[0]) + ")", false}
	case "BETWEEN":
		return part{a + " BETWEEN " + o.value(vals[0]) + " AND " + o.value(vals[1]), true}
	case "IN":
		var groups []string
		for len(vals) > 0 {
			n := min(len(vals), maxIn)
			ps := make([]string, n)
			for i, v := range vals[:n] {
				ps[i] = o.value(v)
			}
			groups = append(groups, a+" IN ("+strings.Join(ps, ", ")+")")
			vals = vals[n:]
		}
		return part{strings.Join(groups, " OR "), len(groups) > 1}
	}
	return part{a + " " + symbols[op] + " " + o.value(vals[0]), false}
}

func join(parts []part, op string) string {
	if len(parts) == 1 {
		return parts[0].text
	}
	ss := make([]string, len(parts))
	for i, p := range parts {
		if p.compound {
			ss[i] = "(" + p.text + ")"
		} else {
			ss[i] = p.text
		}
	}
	return strings.Join(ss, " "+op+" ")
}

// conditionalOperator applies DynamoDB's rules for ConditionalOperator with
// n conditions and returns the joining operator.
func conditionalOperator(op *string, n int) (string, error) {
	if op == nil {
		return "AND", nil
	}
	switch n {
	case 0:
		return "", validation("ConditionalOperator cannot be used without Filter or Expected")
	case 1:
		return "", validation("ConditionalOperator can only be used when Filter or Expected has two or more elements")
	}
	return *op, nil
}

// Expected translates an Expected map and the request's ConditionalOperator
// into a ConditionExpression. Call it whenever either is present: a
// ConditionalOperator without Expected is an error. An empty result (no
// Expected entries, no error) means no condition.
func (o *Out) Expected(exp map[string]ExpectedAttributeValue, conditionalOp *string) (string, error) {
	keys := sortedKeys(exp)
	var c constraints
	c.enum(conditionalOp, "conditionalOperator", enumConditionalOperator)
	for _, k := range keys {
		c.enum(exp[k].ComparisonOperator, "expected."+k+".member.comparisonOperator", enumComparisonOperator)
	}
	if err := c.err(); err != nil {
		return "", err
	}
	parts := make([]part, 0, len(keys))
	for _, k := range keys {
		p, err := o.expected(k, exp[k])
		if err != nil {
			return "", err
		}
		parts = append(parts, p)
	}
	joinOp, err := conditionalOperator(conditionalOp, len(exp))
	if err != nil {
		return "", err
	}
	if len(parts) == 0 {
		return "", nil
	}
	return join(parts, joinOp), nil
}

// expected checks and translates one Expected entry, with DynamoDB's checks
// in DynamoDB's order.
func (o *Out) expected(k string, e ExpectedAttributeValue) (part, error) {
	switch {
	case e.Exists != nil && e.ComparisonOperator != nil:
		return part{}, invalid("Exists and ComparisonOperator cannot be used together for Attribute: %s", k)
	case e.Value != nil && e.AttributeValueList != nil:
		return part{}, invalid("Value and AttributeValueList cannot be used together for Attribute: %s", k)
	case e.ComparisonOperator == nil && e.AttributeValueList != nil:
		return part{}, invalid("AttributeValueList can only be used with a ComparisonOperator for Attribute: %s", k)
	case e.Exists != nil && !*e.Exists && e.Value != nil:
		return part{}, invalid("Value cannot be used when Exists is false for Attribute: %s", k)
	case e.Value == nil && e.AttributeValueList == nil:
		switch {
		case e.ComparisonOperator != nil:
			if op := *e.ComparisonOperator; op != "NULL" && op != "NOT_NULL" {
				return part{}, invalid("Value or AttributeValueList must be used with ComparisonOperator: %s for Attribute: %s", op, k)
			}
		case e.Exists == nil:
			return part{}, invalid("Value must be provided when Exists is null for Attribute: %s", k)
		case *e.Exists:
			return part{}, invalid("Value must be provided when Exists is true for Attribute: %s", k)
		}
	}
	if e.ComparisonOperator == nil {
		if e.Value == nil { // Exists is false
			return o.comparison(k, "NULL", nil), nil
		}
		return o.comparison(k, "EQ", []attr.Value{*e.Value}), nil
	}
	op, vals := *e.ComparisonOperator, e.AttributeValueList
	if e.Value != nil {
		vals = []attr.Value{*e.Value}
	}
	if err := checkOperands(op, vals); err != nil {
		return part{}, err
	}
	return o.comparison(k, op, vals), nil
}

// checkConditions applies the constraint and operand rules to a
// KeyConditions, QueryFilter or ScanFilter map. param names the parameter
// (it appears in constraint messages); conditionalOp is checked with it
// when not nil.
func checkConditions(param string, conds map[string]Condition, keys []string, conditionalOp *string) error {
	var c constraints
	c.enum(conditionalOp, "conditionalOperator", enumConditionalOperator)
	for _, k := range keys {
		member := lowerFirst(param) + "." + k + ".member.comparisonOperator"
		if conds[k].ComparisonOperator == nil {
			c.add("null", member, "Member must not be null")
			continue
		}
		c.enum(conds[k].ComparisonOperator, member, enumComparisonOperator)
	}
	return c.err()
}

// Conditions translates a QueryFilter or ScanFilter (param names which)
// and the request's ConditionalOperator into a FilterExpression. Call it
// whenever either is present (for Query, KeyConditions do not count as
// conditions for ConditionalOperator). An empty result means no filter.
func (o *Out) Conditions(param string, conds map[string]Condition, conditionalOp *string) (string, error) {
	keys := sortedKeys(conds)
	if err := checkConditions(param, conds, keys, conditionalOp); err != nil {
		return "", err
	}
	parts := make([]part, 0, len(keys))
	for _, k := range keys {
		op, vals := *conds[k].ComparisonOperator, conds[k].AttributeValueList
		if err := checkOperands(op, vals); err != nil {
			return "", err
		}
		parts = append(parts, o.comparison(k, op, vals))
	}
	joinOp, err := conditionalOperator(conditionalOp, len(conds))
	if err != nil {
		return "", err
	}
	if len(parts) == 0 {
		return "", nil
	}
	return join(parts, joinOp), nil
}

// KeyConditions translates a Query's KeyConditions into a
// KeyConditionExpression, for expr's ParseKeyCondition and Bind, which then
// check it against the table's or index's key schema.
func (o *Out) KeyConditions(conds map[string]Condition) (string, error) {
	keys := sortedKeys(conds)
	if err := checkConditions("KeyConditions", conds, keys, nil); err != nil {
		return "", err
	}
	for _, k := range keys {
		if err := checkOperands(*conds[k].ComparisonOperator, conds[k].AttributeValueList); err != nil {
			return "", err
		}
	}
	if len(keys) != 1 && len(keys) != 2 {
		return "", validation("Conditions can be of length 1 or 2 only")
	}
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		op := *conds[k].ComparisonOperator
		if !opRules[op].indexable {
			return "", validation("Attempted conditional constraint is not an indexable operation")
		}
		parts = append(parts, o.comparison(k, op, conds[k].AttributeValueList).text)
	}
	return strings.Join(parts, " AND "), nil
}
