package partiql

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
)

// Precedence of the context a condition is rendered in: a child binds less
// tightly than its context gets parentheses, and no others, since DynamoDB
// refuses redundant ones.
const (
	precOr = iota + 1
	precAnd
	precNot
)

// isTypes maps the types IS accepts to attribute_type's names.
var isTypes = map[string]string{
	"NULL": "NULL", "BOOLEAN": "BOOL", "BLOB": "B", "STRING": "S",
	"NUMERIC": "N", "STRUCT": "M", "TUPLE": "M", "LIST": "L",
}

// cond renders n as a condition in a context of precedence ctx.
func (b *builder) cond(n node, ctx int) (string, error) {
	switch n := n.(type) {
	case *binNode:
		switch n.op {
		case "AND", "OR":
			prec := precAnd
			if n.op == "OR" {
				prec = precOr
			}
			l, err := b.cond(n.l, prec)
			if err != nil {
				return "", err
			}
			r, err := b.cond(n.r, prec)
			if err != nil {
				return "", err
			}
			s := l + " " + n.op + " " + r
			if ctx > prec {
				s = "(" + s + ")"
			}
			return s, nil
		case "+", "-":
			return "", validation(msgConditionOperator, n.op)
		}
		l, err := b.operand(n.l)
		if err != nil {
			return "", err
		}
		r, err := b.operand(n.r)
		if err != nil {
			return "", err
		}
		return l + " " + n.op + " " + r, nil
	case *notNode:
		x, err := b.cond(n.x, precNot)
		if err != nil {
			return "", err
		}
		return "NOT " + x, nil
	case *betweenNode:
		x, err := b.operand(n.x)
		if err != nil {
			return "", err
		}
		lo, err := b.operand(n.lo)
		if err != nil {
			return "", err
		}
		hi, err := b.operand(n.hi)
		if err != nil {
			return "", err
		}
		return negate(n.not, x+" BETWEEN "+lo+" AND "+hi), nil
	case *inNode:
		if _, ok := n.x.(*pathNode); !ok || len(n.items) == 0 {
			return "", validation(msgInOperator)
		}
		x, _ := b.operand(n.x)
		items := make([]string, len(n.items))
		for i, it := range n.items {
			s, err := b.operand(it)
			if err != nil {
				return "", err
			}
			items[i] = s
		}
		return negate(n.not, x+" IN ("+strings.Join(items, ", ")+")"), nil
	case *isNode:
		path, ok := n.x.(*pathNode)
		if !ok {
			return "", validation(msgISOperand)
		}
		if n.typ == "MISSING" {
			if n.not {
				return "attribute_exists(" + b.path(path) + ")", nil
			}
			return "attribute_not_exists(" + b.path(path) + ")", nil
		}
		t, ok := isTypes[n.typ]
		if !ok {
			return "", validation(msgISType, n.typ)
		}
		s := "attribute_type(" + b.path(path) + ", " + b.value(attr.Value{Kind: attr.S, Str: t}) + ")"
		if n.not {
			s = "NOT " + s
		}
		return s, nil
	case *callNode:
		var fn string
		switch n.name {
		case "BEGINS_WITH":
			fn = "begins_with"
		case "CONTAINS":
			fn = "contains"
		case "ATTRIBUTE_TYPE":
			fn = "attribute_type"
		case "EXISTS":
			fn = "attribute_exists"
		case "SIZE":
			return "", validation(msgWhereBoolean)
		default:
			return "", validation(msgUnknownFunction, strings.ToLower(n.name))
		}
		args := make([]string, len(n.args))
		for i, a := range n.args {
			s, err := b.operand(a)
			if err != nil {
				return "", err
			}
			args[i] = s
		}
		return fn + "(" + strings.Join(args, ", ") + ")", nil
	case *missingNode:
		return "", validation(msgMissingCompare)
	}
	return "", validation(msgWhereBoolean)
}

// negate renders NOT s; the NOT binds tighter than AND, so s needs no
// parentheses.
func negate(not bool, s string) string {
	if !not {
		return s
	}
	return "NOT " + s
}

// operand renders n as a comparison operand: a path, a value or size().
func (b *builder) operand(n node) (string, error) {
	switch n := n.(type) {
	case *pathNode:
		return b.path(n), nil
	case *missingNode:
		return "", validation(msgMissingCompare)
	case *callNode:
		if n.name == "SIZE" {
			args := make([]string, len(n.args))
			for i, a := range n.args {
				s, err := b.operand(a)
				if err != nil {
					return "", err
				}
				args[i] = s
			}
			return "size(" + strings.Join(args, ", ") + ")", nil
		}
		switch n.name {
		case "BEGINS_WITH", "CONTAINS", "ATTRIBUTE_TYPE", "EXISTS":
			return "", validation(msgUnsupportedToken, strings.ToLower(n.name))
		}
		return "", validation(msgUnknownFunction, strings.ToLower(n.name))
	case *binNode:
		if n.op == "+" || n.op == "-" {
			return "", validation(msgConditionOperator, n.op)
		}
		return "", validation(msgUnsupportedToken, n.op)
	}
	if isValue(n) {
		v, err := b.eval(n, "root")
		if err != nil {
			return "", err
		}
		return b.value(v), nil
	}
	return "", validation(msgUnsupportedToken, describe(n))
}

// eval computes the value n denotes. under names the enclosing attribute
// in error messages.
func (b *builder) eval(n node, under string) (attr.Value, error) {
	switch n := n.(type) {
	case *litNode:
		if n.raw {
			num, err := attr.ParseNumber(n.v.Str)
			if err != nil {
				if ae, ok := awserr.As(err); ok {
					return attr.Value{}, validation("%s under %s", ae.Message, under)
				}
				return attr.Value{}, err
			}
			return attr.Value{Kind: attr.N, Str: num}, nil
		}
		return n.v, nil
	case *paramNode:
		return b.params[n.i], nil
	case *listNode:
		l := make([]attr.Value, len(n.elems))
		for i, e := range n.elems {
			v, err := b.eval(e, under+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return attr.Value{}, err
			}
			l[i] = v
		}
		return attr.Value{Kind: attr.L, List: l}, nil
	case *tupleNode:
		m := make(map[string]attr.Value, len(n.keys))
		for i, k := range n.keys {
			if _, dup := m[k]; dup {
				return attr.Value{}, validation(msgDuplicateKey, k, under)
			}
			v, err := b.eval(n.vals[i], under+"."+k)
			if err != nil {
				return attr.Value{}, err
			}
			m[k] = v
		}
		return attr.Value{Kind: attr.M, Map: m}, nil
	case *bagNode:
		return b.bag(n, under)
	case *missingNode:
		return attr.Value{}, validation(msgUnsupportedToken, "MISSING")
	}
	return attr.Value{}, validation(msgUnsupportedToken, describe(n))
}

// bag makes a set of the bag's members, which must all be strings, all
// numbers or all binaries; duplicates collapse, as in a set.
func (b *builder) bag(n *bagNode, under string) (attr.Value, error) {
	if len(n.elems) == 0 {
		return attr.Value{}, validation(msgEmptyBag)
	}
	var set attr.Value
	for _, e := range n.elems {
		v, err := b.eval(e, under)
		if err != nil {
			return attr.Value{}, err
		}
		var kind attr.Kind
		switch v.Kind {
		case attr.S:
			kind = attr.SS
		case attr.N:
			kind = attr.NS
		case attr.B:
			kind = attr.BS
		default:
			return attr.Value{}, validation(msgBagType)
		}
		if set.Kind == 0 {
			set.Kind = kind
		} else if set.Kind != kind {
			return attr.Value{}, validation(msgBagType)
		}
		switch kind {
		case attr.SS, attr.NS:
			if !slices.Contains(set.Strs, v.Str) {
				set.Strs = append(set.Strs, v.Str)
			}
		case attr.BS:
			if !slices.ContainsFunc(set.Bins, func(x []byte) bool { return bytes.Equal(x, v.Bytes) }) {
				set.Bins = append(set.Bins, v.Bytes)
			}
		}
	}
	return set, nil
}

// update renders an UPDATE's SET and REMOVE clauses as an UpdateExpression.
// SET x = set_add(x, <<...>>) and set_delete become ADD and DELETE.
func (b *builder) update(actions []action) (string, error) {
	var sets, removes, adds, deletes []string
	for _, a := range actions {
		if a.verb == "REMOVE" {
			removes = append(removes, b.path(a.path))
			continue
		}
		if c, ok := a.val.(*callNode); ok && (c.name == "SET_ADD" || c.name == "SET_DELETE") {
			op := strings.TrimPrefix(c.name, "SET_")
			if len(c.args) != 2 {
				return "", validation(msgSetArgs, op)
			}
			if first, ok := c.args[0].(*pathNode); !ok || first.String() != a.path.String() {
				return "", validation(msgSetFirstArg, op)
			}
			if !isValue(c.args[1]) {
				return "", validation(msgSetSecondArg, op)
			}
			v, err := b.eval(c.args[1], "root")
			if err != nil {
				return "", err
			}
			if v.Kind != attr.SS && v.Kind != attr.NS && v.Kind != attr.BS {
				return "", validation(msgSetSecondArg, op)
			}
			s := b.path(a.path) + " " + b.value(v)
			if op == "ADD" {
				adds = append(adds, s)
			} else {
				deletes = append(deletes, s)
			}
			continue
		}
		val, err := b.setValue(a.val)
		if err != nil {
			return "", err
		}
		sets = append(sets, b.path(a.path)+" = "+val)
	}
	var out []string
	for _, sec := range []struct {
		verb  string
		parts []string
	}{{"SET", sets}, {"REMOVE", removes}, {"ADD", adds}, {"DELETE", deletes}} {
		if len(sec.parts) > 0 {
			out = append(out, sec.verb+" "+strings.Join(sec.parts, ", "))
		}
	}
	return strings.Join(out, " "), nil
}

func (b *builder) setValue(n node) (string, error) {
	switch n := n.(type) {
	case *binNode:
		if n.op != "+" && n.op != "-" {
			return "", validation(msgUpdateOperator, n.op)
		}
		l, err := b.setOperand(n.l)
		if err != nil {
			return "", err
		}
		r, err := b.setOperand(n.r)
		if err != nil {
			return "", err
		}
		return l + " " + n.op + " " + r, nil
	case *isNode:
		return "", validation(msgISInUpdate)
	case *notNode:
		return "", validation(msgUpdateOperator, "NOT")
	case *betweenNode:
		return "", validation(msgUpdateOperator, "BETWEEN")
	case *inNode:
		return "", validation(msgUpdateOperator, "IN")
	}
	return b.setOperand(n)
}

func (b *builder) setOperand(n node) (string, error) {
	switch n := n.(type) {
	case *pathNode:
		return b.path(n), nil
	case *callNode:
		if n.name != "LIST_APPEND" {
			return "", validation(msgUnknownFunction, strings.ToLower(n.name))
		}
		args := make([]string, len(n.args))
		for i, a := range n.args {
			s, err := b.setOperand(a)
			if err != nil {
				return "", err
			}
			args[i] = s
		}
		return "list_append(" + strings.Join(args, ", ") + ")", nil
	case *binNode:
		return "", validation(msgUpdateOperator, n.op)
	}
	if isValue(n) {
		v, err := b.eval(n, "root")
		if err != nil {
			return "", err
		}
		return b.value(v), nil
	}
	return "", validation(msgUnsupportedToken, describe(n))
}
