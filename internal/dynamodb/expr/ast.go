package expr

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
)

// node is an expression tree node. Condition, update and projection
// expressions share the node types; the parser decides which appear where.
//
// Nodes keep what was written (placeholders, parentheses) so that String
// renders an expression that parses back to the same tree, and what it means
// (resolved names and values), filled in by the checking pass.
type node interface {
	// render writes the node as expression text.
	render(b *strings.Builder)
	// dump writes the node as an S-expression, for tests.
	dump(b *strings.Builder)
}

// pathNode is a document path: a.#b[0].
type pathNode struct {
	raw  []string // each element as written: "a", "#b", "[0]"
	path Path     // resolved
}

// valueNode is an expression attribute value: :v.
type valueNode struct {
	name string
	val  attr.Value // filled in by the checking pass
}

// callNode is a function call: begins_with(a, :v), size(a), if_not_exists(a, :v).
type callNode struct {
	name string
	args []node
}

// cmpNode is a comparison: a = :v, a <> :v, a < :v, ...
type cmpNode struct {
	op   string
	l, r node
}

// betweenNode is x BETWEEN lo AND hi.
type betweenNode struct{ x, lo, hi node }

// inNode is x IN (a, b, ...).
type inNode struct {
	x    node
	list []node
}

type andNode struct{ l, r node }
type orNode struct{ l, r node }
type notNode struct{ x node }

// parenNode is a parenthesised condition or operand. It is kept so that
// String reproduces the text; it means nothing else.
type parenNode struct{ x node }

// arithNode is an update's a + b or a - b.
type arithNode struct {
	op   byte
	l, r node
}

// unparen strips parentheses.
func unparen(n node) node {
	for {
		p, ok := n.(*parenNode)
		if !ok {
			return n
		}
		n = p.x
	}
}

// isCondition reports whether n can stand where a condition is expected.
// Function calls can (whether this one may is checked later).
func isCondition(n node) bool {
	switch unparen(n).(type) {
	case *cmpNode, *betweenNode, *inNode, *andNode, *orNode, *notNode, *callNode:
		return true
	}
	return false
}

// isOperand reports whether n can stand where an operand is expected.
func isOperand(n node) bool {
	switch unparen(n).(type) {
	case *pathNode, *valueNode, *callNode:
		return true
	}
	return false
}

func (n *pathNode) render(b *strings.Builder) {
	for i, r := range n.raw {
		if i > 0 && r[0] != '[' {
			b.WriteByte('.')
		}
		b.WriteString(r)
	}
}

func (n *valueNode) render(b *strings.Builder) { b.WriteString(n.name) }

func (n *callNode) render(b *strings.Builder) {
	b.WriteString(n.name)
	b.WriteByte('(')
	for i, a := range n.args {
		if i > 0 {
			b.WriteString(", ")
		}
		a.render(b)
	}
	b.WriteByte(')')
}

func (n *cmpNode) render(b *strings.Builder) {
	n.l.render(b)
	b.WriteByte(' ')
	b.WriteString(n.op)
	b.WriteByte(' ')
	n.r.render(b)
}

func (n *betweenNode) render(b *strings.Builder) {
	n.x.render(b)
	b.WriteString(" BETWEEN ")
	n.lo.render(b)
	b.WriteString(" AND ")
	n.hi.render(b)
}

func (n *inNode) render(b *strings.Builder) {
	n.x.render(b)
	b.WriteString(" IN (")
	for i, a := range n.list {
		if i > 0 {
			b.WriteString(", ")
		}
		a.render(b)
	}
	b.WriteByte(')')
}

func (n *andNode) render(b *strings.Builder) {
	n.l.render(b)
	b.WriteString(" AND ")
	n.r.render(b)
}

func (n *orNode) render(b *strings.Builder) {
	n.l.render(b)
	b.WriteString(" OR ")
	n.r.render(b)
}

func (n *notNode) render(b *strings.Builder) {
	b.WriteString("NOT ")
	n.x.render(b)
}

func (n *parenNode) render(b *strings.Builder) {
	b.WriteByte('(')
	n.x.render(b)
	b.WriteByte(')')
}

func (n *arithNode) render(b *strings.Builder) {
	n.l.render(b)
	b.WriteByte(' ')
	b.WriteByte(n.op)
	b.WriteByte(' ')
	n.r.render(b)
}

// Dumps: paths as DynamoDB prints them, with the text as written when a
// placeholder was used; values by name.

func (n *pathNode) dump(b *strings.Builder) {
	b.WriteString(n.path.String())
}

func (n *valueNode) dump(b *strings.Builder) { b.WriteString(n.name) }

func dumpList(b *strings.Builder, head string, ns ...node) {
	b.WriteByte('(')
	b.WriteString(head)
	for _, n := range ns {
		b.WriteByte(' ')
		n.dump(b)
	}
	b.WriteByte(')')
}

func (n *callNode) dump(b *strings.Builder)    { dumpList(b, n.name, n.args...) }
func (n *cmpNode) dump(b *strings.Builder)     { dumpList(b, n.op, n.l, n.r) }
func (n *betweenNode) dump(b *strings.Builder) { dumpList(b, "BETWEEN", n.x, n.lo, n.hi) }
func (n *inNode) dump(b *strings.Builder)      { dumpList(b, "IN", append([]node{n.x}, n.list...)...) }
func (n *andNode) dump(b *strings.Builder)     { dumpList(b, "AND", n.l, n.r) }
func (n *orNode) dump(b *strings.Builder)      { dumpList(b, "OR", n.l, n.r) }
func (n *notNode) dump(b *strings.Builder)     { dumpList(b, "NOT", n.x) }
func (n *parenNode) dump(b *strings.Builder)   { dumpList(b, "paren", n.x) }
func (n *arithNode) dump(b *strings.Builder)   { dumpList(b, string(n.op), n.l, n.r) }

// valueString renders a value as DynamoDB's messages do: "{N:5}", "{S:a}",
// "{B:eg==}" (only scalar values of the ordered types reach messages).
func valueString(v attr.Value) string {
	var s string
	switch v.Kind {
	case attr.S, attr.N:
		s = v.Str
	case attr.B:
		s = base64.StdEncoding.EncodeToString(v.Bytes)
	case attr.BOOL:
		s = strconv.FormatBool(v.Bool)
	case attr.NULL:
		s = "true"
	default:
		s = "..."
	}
	return "{" + v.Kind.String() + ":" + s + "}"
}

var (
	_ node = (*pathNode)(nil)
	_ node = (*valueNode)(nil)
	_ node = (*callNode)(nil)
	_ node = (*cmpNode)(nil)
	_ node = (*betweenNode)(nil)
	_ node = (*inNode)(nil)
	_ node = (*andNode)(nil)
	_ node = (*orNode)(nil)
	_ node = (*notNode)(nil)
	_ node = (*parenNode)(nil)
	_ node = (*arithNode)(nil)
)
