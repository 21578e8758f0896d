package partiql

import (
	"strconv"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
)

// node is one node of a parsed WHERE clause, SET value or literal.
type node interface{ isNode() }

// segment is one element of a document path: a name, or a list index.
type segment struct {
	name  string
	index int
	isIdx bool
}

type pathNode struct{ segs []segment }

// simple returns the attribute name when the path is one top-level name.
func (p *pathNode) simple() (string, bool) {
	if len(p.segs) == 1 && !p.segs[0].isIdx {
		return p.segs[0].name, true
	}
	return "", false
}

func (p *pathNode) String() string {
	var b strings.Builder
	for i, s := range p.segs {
		switch {
		case s.isIdx:
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
		case i > 0:
			b.WriteString("." + s.name)
		default:
			b.WriteString(s.name)
		}
	}
	return b.String()
}

type (
	litNode struct { // string, number, boolean or NULL literal
		v   attr.Value
		raw bool // a number as written, not yet checked
	}
	missingNode struct{}               // the MISSING literal
	paramNode   struct{ i int }        // the i-th ? (from 0)
	listNode    struct{ elems []node } // [a, b]
	bagNode     struct{ elems []node } // <<a, b>>
	tupleNode   struct {               // {'k': v}
		keys []string
		vals []node
	}
	binNode struct { // AND OR = <> < <= > >= + -
		op   string
		l, r node
	}
	notNode     struct{ x node }
	betweenNode struct {
		x, lo, hi node
		not       bool
	}
	inNode struct {
		x     node
		items []node
		not   bool
	}
	isNode struct {
		x   node
		typ string // upper case: MISSING, NULL, STRING, ...
		not bool
	}
	callNode struct {
		name string // upper case
		args []node
	}
)

func (*pathNode) isNode()    {}
func (*litNode) isNode()     {}
func (*missingNode) isNode() {}
func (*paramNode) isNode()   {}
func (*listNode) isNode()    {}
func (*bagNode) isNode()     {}
func (*tupleNode) isNode()   {}
func (*binNode) isNode()     {}
func (*notNode) isNode()     {}
func (*betweenNode) isNode() {}
func (*inNode) isNode()      {}
func (*isNode) isNode()      {}
func (*callNode) isNode()    {}

// isValue reports whether n denotes a value known without an item.
func isValue(n node) bool {
	switch n.(type) {
	case *litNode, *paramNode, *listNode, *bagNode, *tupleNode:
		return true
	}
	return false
}

// describe names a node in error messages.
func describe(n node) string {
	switch n := n.(type) {
	case *pathNode:
		return n.String()
	case *callNode:
		return n.name
	case *binNode:
		return n.op
	}
	return "expression"
}
