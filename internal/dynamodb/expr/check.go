package expr

import (
	"fmt"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
)

// The checking pass walks a parsed tree once, in the order the text reads,
// resolving #names and :values through the Env and recording the first
// problem of each category. It mirrors DynamoDB's validation: which
// functions may appear where, operand counts and types that can be known
// before looking at an item, distinct operands, BETWEEN bounds, IN and
// operator limits, and overlapping paths.

// Where a node appears.
type context uint8

const (
	ctxCondition context = iota // where a condition is expected
	ctxOperand                  // operand of a comparison, BETWEEN or IN
	ctxArg                      // argument of a condition function
	ctxSet                      // the value of a SET action
	ctxSetArg                   // argument of an update function, or of + and -
)

// A function of condition or update expressions.
type function struct {
	operands int
	update   bool        // if_not_exists, list_append; otherwise a condition function
	types    []attr.Kind // kinds its value operands may have; nil for any
	distinct bool        // DynamoDB rejects the first operand repeated as a later one
}

var (
	orderedKinds  = []attr.Kind{attr.S, attr.N, attr.B}
	iterableKinds = []attr.Kind{attr.S, attr.B, attr.SS, attr.NS, attr.BS, attr.L, attr.M}
)

var functions = map[string]function{
	"attribute_exists":     {operands: 1},
	"attribute_not_exists": {operands: 1},
	"attribute_type":       {operands: 2, distinct: true},
	"begins_with":          {operands: 2, types: []attr.Kind{attr.S, attr.B}, distinct: true},
	"contains":             {operands: 2, distinct: true},
	"size":                 {operands: 1, types: iterableKinds},
	"if_not_exists":        {operands: 2, update: true, distinct: true},
	"list_append":          {operands: 2, update: true, types: []attr.Kind{attr.L}},
}

// anyTypes renders "any type" as DynamoDB's type-check messages do, listing
// every type its engine knows, internal ones included.
const anyTypes = "{S,SS,N,NS,B,BS,BOOL,NULL,L,M,HD,DOUBLE,FLOAT,HDS,FS,DOUBLESET,DICT,DECIMAL,INT,DECIMALSET,INTSET}"

// attributeTypes are the names attribute_type accepts, in DynamoDB's order.
const attributeTypes = "{S,SS,N,NS,B,BS,BOOL,NULL,L,M}"

type checker struct {
	env   *Env
	kind  exprKind
	probs problems
	ops   int
}

func (c *checker) op() {
	c.ops++
	if c.ops > maxOperators {
		c.probs.add(catOperators, detail(msgTooManyOperators, "operator count", itoa(c.ops)))
	}
}

// path resolves and checks a document path.
func (c *checker) path(n *pathNode) {
	if len(n.path) > maxPathDepth {
		c.probs.add(catName, detail(msgTooDeep, "nesting levels", itoa(len(n.path))))
	}
	for i, raw := range n.raw {
		switch {
		case raw[0] == '[':
			if n.path[i].Index < 0 {
				c.probs.add(catName, detail(msgListIndex, "index", raw))
			}
		case raw[0] == '#':
			name, ok := c.env.name(raw)
			if !ok {
				c.probs.add(catName, detail(msgNameUndefined, "attribute name", raw))
			}
			n.path[i].Name = name
		default:
			if isReserved(raw) {
				c.probs.add(catReserved, detail(msgReserved, "reserved keyword", raw))
			}
			n.path[i].Name = raw
		}
	}
}

// value resolves an expression attribute value. It returns its kind, or 0
// when it is undefined.
func (c *checker) value(n *valueNode) attr.Kind {
	v, ok := c.env.value(n.name)
	if !ok {
		cat := catName // conditions rank undefined names and values alike
		if c.kind == kindUpdate {
			cat = catValue
		}
		c.probs.add(cat, detail(msgValueUndefined, "attribute value", n.name))
		return 0
	}
	n.val = v
	return v.Kind
}

// node checks n and returns the kind it is known to produce, or 0 when that
// depends on the item (paths, if_not_exists) or on an error.
func (c *checker) node(n node, ctx context) attr.Kind {
	switch n := n.(type) {
	case *parenNode:
		if _, ok := n.x.(*parenNode); ok {
			c.probs.add(catParens, detail(msgRedundantParens))
		}
		return c.node(n.x, ctx)
	case *pathNode:
		c.path(n)
		return 0
	case *valueNode:
		return c.value(n)
	case *andNode:
		c.node(n.l, ctxCondition)
		c.node(n.r, ctxCondition)
		c.op()
		return attr.BOOL
	case *orNode:
		c.node(n.l, ctxCondition)
		c.node(n.r, ctxCondition)
		c.op()
		return attr.BOOL
	case *notNode:
		c.node(n.x, ctxCondition)
		c.op()
		return attr.BOOL
	case *cmpNode:
		kinds := []attr.Kind{c.node(n.l, ctxOperand), c.node(n.r, ctxOperand)}
		if n.op != "=" && n.op != "<>" {
			c.operandTypes(n.op, kinds, orderedKinds)
		}
		c.distinct(n.op, n.l, n.r)
		c.op()
		return attr.BOOL
	case *betweenNode:
		kinds := []attr.Kind{c.node(n.x, ctxOperand), c.node(n.lo, ctxOperand), c.node(n.hi, ctxOperand)}
		c.operandTypes("BETWEEN", kinds, orderedKinds)
		c.distinct("BETWEEN", n.x, n.lo, n.hi)
		c.bounds(n.lo, n.hi)
		c.op()
		return attr.BOOL
	case *inNode:
		c.node(n.x, ctxOperand)
		for _, o := range n.list {
			c.node(o, ctxOperand)
		}
		c.distinct("IN", append([]node{n.x}, n.list...)...)
		if len(n.list) > maxInOperands {
			c.probs.add(catFunction, detail(msgTooManyInOperands, "number of operands", itoa(len(n.list))))
		}
		c.op()
		return attr.BOOL
	case *arithNode:
		op := string(n.op)
		kinds := []attr.Kind{c.node(n.l, ctxSetArg), c.node(n.r, ctxSetArg)}
		c.operandTypes(op, kinds, []attr.Kind{attr.N})
		c.op()
		return attr.N
	case *callNode:
		return c.call(n, ctx)
	}
	return 0
}

func (c *checker) call(n *callNode, ctx context) attr.Kind {
	f, known := functions[n.name]
	update := ctx == ctxSet || ctx == ctxSetArg
	switch {
	case !known:
		c.probs.add(catUnknownFunction, detail(msgUnknownFunction, "function", n.name))
	case update && !f.update:
		c.probs.add(catFunctionContext, detail(msgUpdateFunction, "function", n.name))
	case !update && f.update:
		c.probs.add(catFunctionContext, detail(msgConditionFunction, "function", n.name))
	case ctx == ctxCondition && n.name == "size",
		(ctx == ctxOperand || ctx == ctxArg) && n.name != "size",
		ctx == ctxSetArg && n.name == "list_append":
		c.probs.add(catMisusedFunction, detail(msgFunctionContext, "function", n.name))
	}
	argCtx := ctxArg
	if update {
		argCtx = ctxSetArg
	}
	kinds := make([]attr.Kind, len(n.args))
	for i, a := range n.args {
		kinds[i] = c.node(a, argCtx)
	}
	defer c.op()
	if !known {
		return 0
	}
	if len(n.args) != f.operands {
		cat := catOperand
		if c.kind == kindUpdate {
			cat = catFunction
		}
		c.probs.add(cat, detail(msgOperandCount, "operator or function", n.name, "number of operands", itoa(len(n.args))))
		return 0
	}
	if f.types != nil {
		c.operandTypes(n.name, kinds, f.types)
	}
	if f.distinct {
		c.distinct(n.name, n.args...)
	}
	switch n.name {
	case "attribute_exists", "attribute_not_exists", "if_not_exists":
		if _, ok := unparen(n.args[0]).(*pathNode); !ok {
			c.probs.add(catFunction, detail(msgNeedsPath, "operator or function", n.name))
		}
	case "attribute_type":
		v, isValue := unparen(n.args[1]).(*valueNode)
		switch {
		case isValue && kinds[1] == 0:
			// undefined: reported already
		case !isValue || kinds[1] != attr.S:
			t := anyTypes
			if kinds[1] != 0 {
				t = kinds[1].String()
			}
			c.probs.add(catFunction, detail(msgOperandType, "operator or function", n.name, "operand type", t))
		case !validTypeName(v.val.Str):
			c.probs.add(catFunction, detail(msgAttributeTypeName, "type", v.val.Str, "valid types", attributeTypes))
		}
	}
	switch n.name {
	case "size":
		return attr.N
	case "list_append":
		return attr.L
	case "if_not_exists":
		return 0
	}
	return attr.BOOL
}

func validTypeName(s string) bool {
	switch s {
	case "S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M":
		return true
	}
	return false
}

// operandTypes reports the first operand of a known kind outside allowed.
func (c *checker) operandTypes(op string, kinds, allowed []attr.Kind) {
	for _, k := range kinds {
		if k == 0 || kindIn(k, allowed) {
			continue
		}
		c.probs.add(catFunction, detail(msgOperandType, "operator or function", op, "operand type", k.String()))
		return
	}
}

func kindIn(k attr.Kind, ks []attr.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// distinct reports a first operand that is a path repeated later.
func (c *checker) distinct(op string, ops ...node) {
	first, ok := unparen(ops[0]).(*pathNode)
	if !ok {
		return
	}
	for _, o := range ops[1:] {
		if p, ok := unparen(o).(*pathNode); ok && p.path.Equal(first.path) {
			c.probs.add(catDistinct, detail(msgNotDistinct, "operator", op, "first operand", first.path.String()))
			return
		}
	}
}

// bounds checks BETWEEN bounds that are both values.
func (c *checker) bounds(lo, hi node) {
	l, ok1 := unparen(lo).(*valueNode)
	h, ok2 := unparen(hi).(*valueNode)
	if !ok1 || !ok2 || l.val.Kind == 0 || h.val.Kind == 0 {
		return
	}
	kv := func() []string {
		return []string{"lower bound operand", "AttributeValue: " + valueString(l.val), "upper bound operand", "AttributeValue: " + valueString(h.val)}
	}
	if l.val.Kind != h.val.Kind {
		c.probs.add(catFunction, detail(msgBetweenTypes, kv()...))
		return
	}
	if cmp, ok := attr.Compare(l.val, h.val); ok && cmp > 0 {
		c.probs.add(catFunction, detail(msgBetweenBounds, kv()...))
	}
}

// update checks an update's sections.
func (c *checker) update(secs []section) {
	seen := map[string]bool{}
	var targets []*pathNode
	for _, s := range secs {
		if seen[s.verb] {
			c.probs.add(catSection, detail(fmt.Sprintf(msgSectionTwice, s.verb)))
		}
		seen[s.verb] = true
		for _, a := range s.actions {
			c.path(a.path)
			switch s.verb {
			case "SET":
				c.node(a.val, ctxSet)
			case "ADD", "DELETE":
				k := c.value(a.val.(*valueNode))
				if k != 0 && !kindIn(k, []attr.Kind{attr.SS, attr.NS, attr.BS}) && !(s.verb == "ADD" && k == attr.N) {
					c.probs.add(catOperand, detail(msgOperandType, "operator", s.verb, "operand type", longKind(k), "typeSet", "ALLOWED_FOR_"+s.verb+"_OPERAND"))
				}
			}
			c.overlaps(targets, a.path)
			targets = append(targets, a.path)
		}
	}
}

// overlaps reports p clashing with an earlier path of the same expression.
func (c *checker) overlaps(earlier []*pathNode, p *pathNode) {
	for _, e := range earlier {
		switch clash(e.path, p.path) {
		case "overlap":
			c.probs.add(catOverlap, detail(msgOverlap, "path one", e.path.String(), "path two", p.path.String()))
			return
		case "conflict":
			c.probs.add(catConflict, detail(msgConflict, "path one", e.path.String(), "path two", p.path.String()))
			return
		}
	}
}

// longKind names a type as the ADD and DELETE checks do.
func longKind(k attr.Kind) string {
	switch k {
	case attr.S:
		return "STRING"
	case attr.N:
		return "NUMBER"
	case attr.B:
		return "BINARY"
	case attr.BOOL:
		return "BOOLEAN"
	case attr.NULL:
		return "NULL"
	case attr.L:
		return "LIST"
	case attr.M:
		return "MAP"
	}
	return k.String()
}
