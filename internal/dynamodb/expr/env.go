package expr

import (
	"slices"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
)

// Env holds one request's ExpressionAttributeNames and
// ExpressionAttributeValues. Parsing an expression through it resolves the
// placeholders the expression uses and records them, so that after parsing
// all of a request's expressions Unused can report the ones none used.
// An Env is not safe for concurrent use.
type Env struct {
	names      map[string]string
	values     map[string]attr.Value
	usedNames  map[string]bool
	usedValues map[string]bool
}

// NewEnv returns an Env over a request's names and values; either may be nil.
// The Env reads the maps and never changes them.
func NewEnv(names map[string]string, values map[string]attr.Value) *Env {
	return &Env{names: names, values: values, usedNames: map[string]bool{}, usedValues: map[string]bool{}}
}

func (e *Env) name(n string) (string, bool) {
	s, ok := e.names[n]
	if ok {
		e.usedNames[n] = true
	}
	return s, ok
}

func (e *Env) value(n string) (attr.Value, bool) {
	v, ok := e.values[n]
	if ok {
		e.usedValues[n] = true
	}
	return v, ok
}

// Unused returns DynamoDB's ValidationException for names or values that no
// expression parsed through e used (names are reported first), or nil.
// Keys are listed in sorted order.
func (e *Env) Unused() error {
	if msg := unused(msgUnusedNames, e.names, e.usedNames); msg != "" {
		return validation(msg)
	}
	if msg := unused(msgUnusedValues, e.values, e.usedValues); msg != "" {
		return validation(msg)
	}
	return nil
}

func unused[V any](problem string, m map[string]V, used map[string]bool) string {
	var keys []string
	for k := range m {
		if !used[k] {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	slices.Sort(keys)
	return problem + ": keys: {" + strings.Join(keys, ", ") + "}"
}

// precheck applies the checks made before parsing: empty and oversized text.
func precheck(param, src string) error {
	if strings.Trim(src, " \t\r\n") == "" {
		return invalid(param, detail(msgEmpty))
	}
	if len(src) > maxExprBytes {
		return invalid(param, detail(msgTooLong, "expression size", itoa(len(src))))
	}
	return nil
}

// parseFailure turns a parser failure into DynamoDB's error. When the
// parser gave up on nesting deeper than any valid expression can, the text
// has redundant parentheses or too many operators; which one is a guess
// from the text.
func parseFailure(param, syntax string, deep bool, src string) error {
	if !deep {
		return invalid(param, syntax)
	}
	compact := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, src)
	if strings.Contains(compact, "((") {
		return invalid(param, detail(msgRedundantParens))
	}
	return invalid(param, detail(msgTooManyOperators, "operator count", itoa(maxOperators+1)))
}

// Cond is a parsed condition: a ConditionExpression, FilterExpression or
// KeyConditionExpression.
type Cond struct {
	root node
}

// Condition parses src as a condition. param names the request parameter
// ("ConditionExpression" or "FilterExpression") in error messages, which are
// ValidationExceptions worded as DynamoDB's.
func (e *Env) Condition(param, src string) (*Cond, error) {
	if err := precheck(param, src); err != nil {
		return nil, err
	}
	root, syntax, deep := parse(src, kindCondition, (*parser).condition)
	if syntax != "" || deep {
		return nil, parseFailure(param, syntax, deep, src)
	}
	c := &checker{env: e, kind: kindCondition}
	c.node(root, ctxCondition)
	if msg := c.probs.first(conditionOrder); msg != "" {
		return nil, invalid(param, msg)
	}
	return &Cond{root: root}, nil
}

// String renders the condition as expression text, with the placeholders
// as written. Parsing it again gives the same condition.
func (c *Cond) String() string { return render(c.root) }

func render(n node) string {
	var b strings.Builder
	n.render(&b)
	return b.String()
}

// Update is a parsed UpdateExpression.
type Update struct {
	secs  []section
	paths []Path
	tree  *utree
}

// Update parses src as an UpdateExpression.
func (e *Env) Update(src string) (*Update, error) {
	const param = "UpdateExpression"
	if err := precheck(param, src); err != nil {
		return nil, err
	}
	secs, syntax, deep := parse(src, kindUpdate, (*parser).update)
	if syntax != "" || deep {
		return nil, parseFailure(param, syntax, deep, src)
	}
	c := &checker{env: e, kind: kindUpdate}
	c.update(secs)
	if msg := c.probs.first(updateOrder); msg != "" {
		return nil, invalid(param, msg)
	}
	u := &Update{secs: secs, tree: &utree{}}
	for _, s := range secs {
		for i := range s.actions {
			a := &s.actions[i]
			u.paths = append(u.paths, a.path.path)
			u.tree.add(a.path.path, s.verb, a)
		}
	}
	u.tree.sort()
	return u, nil
}

// Paths returns the document paths the update sets, removes, adds to or
// deletes from, in the order written.
func (u *Update) Paths() []Path { return u.paths }

// String renders the update as expression text.
func (u *Update) String() string {
	var b strings.Builder
	for i, s := range u.secs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s.verb)
		for j, a := range s.actions {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteByte(' ')
			a.path.render(&b)
			switch s.verb {
			case "SET":
				b.WriteString(" = ")
				a.val.render(&b)
			case "ADD", "DELETE":
				b.WriteByte(' ')
				a.val.render(&b)
			}
		}
	}
	return b.String()
}

// Projection is a parsed ProjectionExpression.
type Projection struct {
	nodes []*pathNode
	paths []Path
	tree  *ptree
}

// Projection parses src as a ProjectionExpression.
func (e *Env) Projection(src string) (*Projection, error) {
	const param = "ProjectionExpression"
	if err := precheck(param, src); err != nil {
		return nil, err
	}
	nodes, syntax, deep := parse(src, kindProjection, (*parser).projection)
	if syntax != "" || deep {
		return nil, parseFailure(param, syntax, deep, src)
	}
	c := &checker{env: e, kind: kindProjection}
	for i, n := range nodes {
		c.path(n)
		c.overlaps(nodes[:i], n)
	}
	if msg := c.probs.first(projectOrder); msg != "" {
		return nil, invalid(param, msg)
	}
	p := &Projection{nodes: nodes}
	for _, n := range nodes {
		p.paths = append(p.paths, n.path)
	}
	p.tree = newPtree(p.paths)
	return p, nil
}

// Paths returns the projected paths in the order written.
func (p *Projection) Paths() []Path { return p.paths }

// String renders the projection as expression text.
func (p *Projection) String() string {
	var b strings.Builder
	for i, n := range p.nodes {
		if i > 0 {
			b.WriteString(", ")
		}
		n.render(&b)
	}
	return b.String()
}
