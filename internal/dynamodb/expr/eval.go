package expr

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
)

// Eval reports whether the item satisfies the condition. As in DynamoDB,
// comparing values of different types, or a missing attribute, is simply
// false (except <>, which is then true); conditions never fail on an item.
// The error is reserved for future use and is always nil.
func (c *Cond) Eval(it attr.Item) (bool, error) {
	return evalCond(c.root, it), nil
}

func evalCond(n node, it attr.Item) bool {
	switch n := n.(type) {
	case *parenNode:
		return evalCond(n.x, it)
	case *andNode:
		return evalCond(n.l, it) && evalCond(n.r, it)
	case *orNode:
		return evalCond(n.l, it) || evalCond(n.r, it)
	case *notNode:
		return !evalCond(n.x, it)
	case *cmpNode:
		l, lok := evalOperand(n.l, it)
		r, rok := evalOperand(n.r, it)
		switch n.op {
		case "=":
			return lok && rok && attr.Equal(l, r)
		case "<>":
			return !(lok && rok && attr.Equal(l, r))
		}
		if !lok || !rok {
			return false
		}
		c, ok := attr.Compare(l, r)
		if !ok {
			return false
		}
		switch n.op {
		case "<":
			return c < 0
		case "<=":
			return c <= 0
		case ">":
			return c > 0
		case ">=":
			return c >= 0
		}
		return false
	case *betweenNode:
		x, ok1 := evalOperand(n.x, it)
		lo, ok2 := evalOperand(n.lo, it)
		hi, ok3 := evalOperand(n.hi, it)
		if !ok1 || !ok2 || !ok3 {
			return false
		}
		c1, ok1 := attr.Compare(x, lo)
		c2, ok2 := attr.Compare(x, hi)
		return ok1 && ok2 && c1 >= 0 && c2 <= 0
	case *inNode:
		x, ok := evalOperand(n.x, it)
		if !ok {
			return false
		}
		for _, o := range n.list {
			if v, ok := evalOperand(o, it); ok && attr.Equal(x, v) {
				return true
			}
		}
		return false
	case *callNode:
		return evalFunc(n, it)
	}
	return false
}

func evalFunc(n *callNode, it attr.Item) bool {
	switch n.name {
	case "attribute_exists":
		_, ok := evalOperand(n.args[0], it)
		return ok
	case "attribute_not_exists":
		_, ok := evalOperand(n.args[0], it)
		return !ok
	case "attribute_type":
		v, ok := evalOperand(n.args[0], it)
		t, _ := evalOperand(n.args[1], it)
		return ok && v.Kind.String() == t.Str
	case "begins_with":
		a, ok1 := evalOperand(n.args[0], it)
		b, ok2 := evalOperand(n.args[1], it)
		if !ok1 || !ok2 || a.Kind != b.Kind {
			return false
		}
		switch a.Kind {
		case attr.S:
			return strings.HasPrefix(a.Str, b.Str)
		case attr.B:
			return bytes.HasPrefix(a.Bytes, b.Bytes)
		}
		return false
	case "contains":
		a, ok1 := evalOperand(n.args[0], it)
		b, ok2 := evalOperand(n.args[1], it)
		return ok1 && ok2 && contains(a, b)
	}
	return false
}

// contains is DynamoDB's contains(a, b): a substring of a string, a
// subsequence of bytes of a binary, a member of a set, an element of a list.
func contains(a, b attr.Value) bool {
	switch a.Kind {
	case attr.S:
		return b.Kind == attr.S && strings.Contains(a.Str, b.Str)
	case attr.B:
		return b.Kind == attr.B && bytes.Contains(a.Bytes, b.Bytes)
	case attr.SS:
		return b.Kind == attr.S && hasString(a.Strs, b.Str, false)
	case attr.NS:
		return b.Kind == attr.N && hasString(a.Strs, b.Str, true)
	case attr.BS:
		if b.Kind != attr.B {
			return false
		}
		for _, x := range a.Bins {
			if bytes.Equal(x, b.Bytes) {
				return true
			}
		}
	case attr.L:
		for _, x := range a.List {
			if attr.Equal(x, b) {
				return true
			}
		}
	}
	return false
}

// hasString reports whether set holds s; numbers compare by value.
func hasString(set []string, s string, numeric bool) bool {
	for _, x := range set {
		if x == s || numeric && attr.CompareNumbers(x, s) == 0 {
			return true
		}
	}
	return false
}

// evalOperand returns the value of an operand, or false when it designates
// nothing: a missing attribute, or size() of a type without a size.
func evalOperand(n node, it attr.Item) (attr.Value, bool) {
	switch n := n.(type) {
	case *parenNode:
		return evalOperand(n.x, it)
	case *pathNode:
		return n.path.get(it)
	case *valueNode:
		return n.val, true
	case *callNode:
		if n.name == "size" {
			v, ok := evalOperand(n.args[0], it)
			if !ok {
				return attr.Value{}, false
			}
			return size(v)
		}
	}
	return attr.Value{}, false
}

// size is DynamoDB's size(): the length of a string (in UTF-16 code units,
// as DynamoDB's Java engine counts) or binary, the number of members of a set
// or elements of a list or map. Other types have none.
func size(v attr.Value) (attr.Value, bool) {
	var n int
	switch v.Kind {
	case attr.S:
		n = utf16Len(v.Str)
	case attr.B:
		n = len(v.Bytes)
	case attr.SS, attr.NS:
		n = len(v.Strs)
	case attr.BS:
		n = len(v.Bins)
	case attr.L:
		n = len(v.List)
	case attr.M:
		n = len(v.Map)
	default:
		return attr.Value{}, false
	}
	return attr.Value{Kind: attr.N, Str: strconv.Itoa(n)}, true
}

func utf16Len(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		i += w
		n += max(utf16.RuneLen(r), 1)
	}
	return n
}

// Paths returns the document paths the condition reads, in the order
// written (a Query's service checks that a filter reads no key attribute).
func (c *Cond) Paths() []Path {
	var ps []Path
	var walk func(n node)
	walk = func(n node) {
		switch n := n.(type) {
		case *pathNode:
			ps = append(ps, n.path)
		case *parenNode:
			walk(n.x)
		case *notNode:
			walk(n.x)
		case *andNode:
			walk(n.l)
			walk(n.r)
		case *orNode:
			walk(n.l)
			walk(n.r)
		case *cmpNode:
			walk(n.l)
			walk(n.r)
		case *betweenNode:
			walk(n.x)
			walk(n.lo)
			walk(n.hi)
		case *inNode:
			walk(n.x)
			for _, o := range n.list {
				walk(o)
			}
		case *callNode:
			for _, a := range n.args {
				walk(a)
			}
		}
	}
	walk(c.root)
	return ps
}
