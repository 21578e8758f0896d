package vtl

// The template is parsed once into a tree of nodes; expressions inside
// directives are a separate small tree. Every node keeps the byte offset it
// starts at so evaluation errors can point at the template.

type node interface{}

type textNode struct{ s string }

// refNode is a reference: $a, ${a}, $!a, $a.b.c(x)[0].
type refNode struct {
	pos     int
	name    string
	quiet   bool
	mods    []modifier
	lit     string // the source text, rendered when the value is null
	escapes int    // backslashes written right before the '$'
}

type modKind uint8

const (
	modProp modKind = iota
	modMethod
	modIndex
)

type modifier struct {
	kind  modKind
	name  string
	args  []expr // method arguments, or the single index expression
	pos   int
	ident bool // name contains no '-': eligible for getter lookup
}

type setNode struct {
	pos int
	lhs *refNode
	rhs expr
}

type ifNode struct {
	conds  []expr
	blocks [][]node // blocks[i] runs when conds[i] is true
	els    []node   // nil if there is no #else
}

type foreachNode struct {
	pos  int
	v    string
	iter expr
	body []node
}

type breakNode struct{}
type stopNode struct{}

type macroDef struct {
	name   string
	params []string
	body   []node
}

type macroCallNode struct {
	pos  int
	name string
	args []expr
	lit  string
}

type defineNode struct {
	name string
	body []node
}

type expr interface{}

type litExpr struct{ v any }

// interpExpr is a double-quoted string containing references or directives.
type interpExpr struct{ nodes []node }

type listExpr struct{ items []expr }

type rangeExpr struct {
	pos      int
	from, to expr
}

type mapExpr struct{ keys, vals []expr }

type binExpr struct {
	pos  int
	op   string
	l, r expr
}

type notExpr struct{ x expr }

type negExpr struct {
	pos int
	x   expr
}
