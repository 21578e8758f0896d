package expr

import (
	"fmt"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
)

// A KeyPart is one condition of a KeyConditionExpression: a key attribute,
// an operator and its values, with the key attribute as the left operand
// (":v < sk" is kept as "sk > :v").
type KeyPart struct {
	Name   string       // the key attribute, #placeholder resolved
	Op     string       // "=", "<", "<=", ">", ">=", "BETWEEN" or "begins_with"
	Values []attr.Value // one; two for BETWEEN (lower, upper)
}

// KeyConditions is a KeyConditionExpression parsed and checked for the
// shape DynamoDB requires (key comparisons joined by AND), but not yet
// against a key schema: DynamoDB reports syntax and placeholder problems
// before it looks the table up, and schema problems after.
type KeyConditions struct {
	cond  *Cond
	parts []KeyPart
}

// KeyCond is a KeyConditionExpression matched to a table's or index's keys.
type KeyCond struct {
	Hash  KeyPart  // Op is always "="
	Range *KeyPart // nil when the expression leaves the sort key free
	cond  *Cond
}

// KeyCondition parses src as a KeyConditionExpression for the given key
// schema (rangeKey is "" for a table or index without a sort key).
func (e *Env) KeyCondition(src string, hashKey, rangeKey string) (*KeyCond, error) {
	kc, err := e.ParseKeyCondition(src)
	if err != nil {
		return nil, err
	}
	return kc.Bind(hashKey, rangeKey)
}

// ParseKeyCondition parses and checks src as a KeyConditionExpression,
// without a key schema; Bind completes the check.
func (e *Env) ParseKeyCondition(src string) (*KeyConditions, error) {
	c, err := e.Condition("KeyConditionExpression", src)
	if err != nil {
		return nil, err
	}
	kc := &KeyConditions{cond: c}
	if msg := kc.collect(c.root, map[string]bool{}); msg != "" {
		return nil, validation(msg)
	}
	return kc, nil
}

// Parts returns the conditions in the order written.
func (kc *KeyConditions) Parts() []KeyPart { return kc.parts }

// collect gathers the key conditions of n, or returns the problem DynamoDB
// reports with the expression's shape, checking in DynamoDB's order.
func (kc *KeyConditions) collect(n node, seen map[string]bool) string {
	n = unparen(n)
	var (
		op   string
		args []node
	)
	switch n := n.(type) {
	case *andNode:
		if msg := kc.collect(n.l, seen); msg != "" {
			return msg
		}
		return kc.collect(n.r, seen)
	case *orNode:
		return msgKeyInvalidOperator + ": OR"
	case *notNode:
		return msgKeyInvalidOperator + ": NOT"
	case *inNode:
		return msgKeyInvalidOperator + ": IN"
	case *cmpNode:
		if n.op == "<>" {
			return msgKeyInvalidOperator + ": <>"
		}
		op, args = n.op, []node{n.l, n.r}
	case *betweenNode:
		if _, ok := unparen(n.x).(*pathNode); !ok {
			return fmt.Sprintf(msgKeyFirstOperand, "BETWEEN")
		}
		op, args = "BETWEEN", []node{n.x, n.lo, n.hi}
	case *callNode:
		switch n.name {
		case "begins_with":
			if _, ok := unparen(n.args[0]).(*pathNode); !ok {
				return fmt.Sprintf(msgKeyFirstOperand, "begins_with")
			}
			op, args = n.name, n.args
		case "size":
			return msgKeyNested
		default:
			return msgKeyInvalidOperator + ": " + n.name
		}
	default:
		return msgKeyInvalidOperator
	}
	part := KeyPart{Op: op}
	keyAt := -1
	for i, a := range args {
		switch a := unparen(a).(type) {
		case *pathNode:
			if keyAt >= 0 {
				return msgKeyMultipleNames
			}
			if len(a.path) > 1 {
				return msgKeyNestedAttr
			}
			part.Name, keyAt = a.path[0].Name, i
		case *callNode:
			return msgKeyNested
		case *valueNode:
			part.Values = append(part.Values, a.val)
		}
	}
	if keyAt < 0 {
		return msgKeyNoAttribute
	}
	if seen[part.Name] {
		return msgKeyTwice
	}
	seen[part.Name] = true
	if keyAt > 0 {
		part.Op = map[string]string{"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
	}
	kc.parts = append(kc.parts, part)
	return ""
}

// Bind matches the conditions to a key schema: the partition key compared
// with =, and at most a condition on the sort key.
func (kc *KeyConditions) Bind(hashKey, rangeKey string) (*KeyCond, error) {
	keys := 1
	if rangeKey != "" {
		keys = 2
	}
	if len(kc.parts) > keys {
		return nil, validation(msgKeyNotSupported)
	}
	k := &KeyCond{cond: kc.cond}
	found := false
	for _, p := range kc.parts {
		if p.Name == hashKey {
			k.Hash, found = p, true
		}
	}
	if !found {
		return nil, validation(msgKeyMissed + ": " + hashKey)
	}
	if len(kc.parts) == 2 {
		for i := range kc.parts {
			if kc.parts[i].Name == rangeKey {
				k.Range = &kc.parts[i]
			}
		}
		if k.Range == nil {
			return nil, validation(msgKeyMissed + ": " + rangeKey)
		}
	}
	if k.Hash.Op != "=" {
		return nil, validation(msgKeyNotSupported)
	}
	return k, nil
}

// CheckTypes checks the condition's values against the key attributes'
// types (rangeType is ignored without a sort-key condition).
func (k *KeyCond) CheckTypes(hashType, rangeType attr.Kind) error {
	for _, v := range k.Hash.Values {
		if v.Kind != hashType {
			return validation(msgKeyType)
		}
	}
	if k.Range != nil {
		for _, v := range k.Range.Values {
			if v.Kind != rangeType {
				return validation(msgKeyType)
			}
		}
	}
	return nil
}

// HashValue returns the partition key value the condition asks for.
func (k *KeyCond) HashValue() attr.Value { return k.Hash.Values[0] }

// Cond returns the key condition as a condition, to evaluate on items.
func (k *KeyCond) Cond() *Cond { return k.cond }

// MatchRange reports whether a sort-key value satisfies the sort-key
// condition (always true without one).
func (k *KeyCond) MatchRange(v attr.Value) bool {
	r := k.Range
	if r == nil {
		return true
	}
	if r.Op == "begins_with" {
		b := r.Values[0]
		switch {
		case v.Kind == attr.S && b.Kind == attr.S:
			return len(v.Str) >= len(b.Str) && v.Str[:len(b.Str)] == b.Str
		case v.Kind == attr.B && b.Kind == attr.B:
			return len(v.Bytes) >= len(b.Bytes) && string(v.Bytes[:len(b.Bytes)]) == string(b.Bytes)
		}
		return false
	}
	c, ok := attr.Compare(v, r.Values[0])
	if !ok {
		return false
	}
	switch r.Op {
	case "=":
		return c == 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	case "BETWEEN":
		c2, ok := attr.Compare(v, r.Values[1])
		return ok && c >= 0 && c2 <= 0
	}
	return false
}
