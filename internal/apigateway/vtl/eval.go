package vtl

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Limits. API Gateway documents the #foreach cap; the others keep a hostile
// or buggy template from using unbounded time or memory.
const (
	// MaxForeachIterations is API Gateway's per-loop iteration limit.
	MaxForeachIterations = 1000
	// MaxOutputBytes bounds the rendered output and any string the
	// template builds (API Gateway's payload limit is 10 MB).
	MaxOutputBytes = 10 << 20
	// MaxDepth bounds macro, #define and string-evaluation nesting
	// (Velocity's velocimacro.max.depth is 20).
	MaxDepth = 20
	// MaxSteps bounds the total work of one execution: nodes rendered,
	// loop iterations, macro calls, range elements.
	MaxSteps = 1_000_000
	// maxRange bounds the size of a [a..b] range value.
	maxRange = 100_000
)

// Template is a parsed template. It is immutable and safe for concurrent use.
type Template struct {
	src     string
	nodes   []node
	macros  map[string]*macroDef
	regexp  sync.Map // pattern -> *regexp.Regexp or error
	regexpN atomic.Int32
}

// maxCachedRegexps bounds the compiled patterns kept per template.
const maxCachedRegexps = 64

// Internal control flow, carried as errors through the evaluator.
var (
	errBreak = errors.New("#break")
	errStop  = errors.New("#stop")
)

type evaluator struct {
	t      *Template
	out    []byte
	vars   map[string]any
	in     *Input
	ctx    Context
	stage  map[string]string
	ctxMap *Map // $context, converted on first use
	depth  int
	steps  int
	loop   *foreachObj
	// mutations counts calls that may change a list or map in place.
	mutations int
}

func (e *evaluator) errAt(kind error, pos int, msg string) error {
	line, col := position(e.t.src, pos)
	return &Error{Kind: kind, Line: line, Column: col, Msg: msg}
}

func (e *evaluator) step(pos int) error {
	e.steps++
	if e.steps > MaxSteps {
		return e.errAt(ErrStepLimit, pos, "template does too much work")
	}
	return nil
}

// charge counts building a string of n bytes as work: one step per 256
// bytes, so loops that build large strings stay within MaxSteps.
func (e *evaluator) charge(n, pos int) error {
	e.steps += n >> 8
	if e.steps > MaxSteps {
		return e.errAt(ErrStepLimit, pos, "template does too much work")
	}
	return nil
}

func (e *evaluator) write(s string, pos int) error {
	if len(e.out)+len(s) > MaxOutputBytes {
		return e.errAt(ErrOutputLimit, pos, "output larger than 10 MB")
	}
	e.out = append(e.out, s...)
	return nil
}

func (e *evaluator) render(nodes []node) error {
	for _, n := range nodes {
		if err := e.renderNode(n); err != nil {
			return err
		}
	}
	return nil
}

func (e *evaluator) renderNode(n node) error {
	e.steps++
	if e.steps > MaxSteps {
		return e.errAt(ErrStepLimit, 0, "template does too much work")
	}
	switch n := n.(type) {
	case *textNode:
		return e.write(n.s, 0)
	case *refNode:
		return e.renderRef(n)
	case *setNode:
		return e.set(n)
	case *ifNode:
		for i, c := range n.conds {
			v, err := e.eval(c)
			if err != nil {
				return err
			}
			if truthy(v) {
				return e.render(n.blocks[i])
			}
		}
		if n.els != nil {
			return e.render(n.els)
		}
		return nil
	case *foreachNode:
		return e.foreach(n)
	case *breakNode:
		return errBreak
	case *stopNode:
		return errStop
	case *macroCallNode:
		return e.callMacro(n)
	case *defineNode:
		e.vars[n.name] = &defineBlock{e: e, body: n.body}
		return nil
	}
	return nil
}

func (e *evaluator) renderRef(r *refNode) error {
	v, err := e.evalRef(r)
	if err != nil {
		return err
	}
	if r.escapes > 0 {
		if v == nil {
			return e.write(strings.Repeat("\\", r.escapes)+r.literal(), r.pos)
		}
		if err := e.write(strings.Repeat("\\", r.escapes/2), r.pos); err != nil {
			return err
		}
		if r.escapes%2 == 1 {
			return e.write(r.literal(), r.pos)
		}
	}
	if v == nil {
		if r.quiet {
			return nil
		}
		return e.write(r.lit, r.pos)
	}
	if d, ok := v.(*defineBlock); ok {
		return e.renderDefine(d, r.pos)
	}
	switch x := v.(type) {
	case string:
		return e.write(x, r.pos)
	case int64:
		e.out = strconv.AppendInt(e.out, x, 10)
		return nil
	}
	s := toString(v)
	if err := e.charge(len(s), r.pos); err != nil {
		return err
	}
	return e.write(s, r.pos)
}

// literal is the reference as written, with its '!' if it had one.
func (r *refNode) literal() string {
	if r.quiet {
		return "$!" + r.lit[1:]
	}
	return r.lit
}

func (e *evaluator) renderDefine(d *defineBlock, pos int) error {
	if e.depth >= MaxDepth {
		return e.errAt(ErrRecursionLimit, pos, "#define nested too deeply")
	}
	e.depth++
	err := e.render(d.body)
	e.depth--
	if err == errBreak {
		err = nil
	}
	return err
}

// defineBlock is the value #define binds: rendered where it is referenced.
type defineBlock struct {
	e    *evaluator
	body []node
}

func (d *defineBlock) call(e *evaluator, name string, args []any) (any, bool, error) {
	if name == "toString" && len(args) == 0 {
		s, err := e.renderToString(d.body, 0)
		return s, true, err
	}
	return nil, false, nil
}

// renderToString renders nodes into a string of their own (interpolated
// strings, #define values used in expressions).
func (e *evaluator) renderToString(nodes []node, pos int) (string, error) {
	if e.depth >= MaxDepth {
		return "", e.errAt(ErrRecursionLimit, pos, "evaluation nested too deeply")
	}
	e.depth++
	saved := e.out
	e.out = make([]byte, 0, 64)
	err := e.render(nodes)
	s := string(e.out)
	e.out = saved
	e.depth--
	if err == errBreak {
		err = nil
	}
	if err == nil && len(s)+len(saved) > MaxOutputBytes {
		err = e.errAt(ErrOutputLimit, pos, "string larger than 10 MB")
	}
	if err == nil {
		err = e.charge(len(s), pos)
	}
	return s, err
}

// lookup resolves a variable, creating API Gateway's objects on first use.
func (e *evaluator) lookup(name string) any {
	if v, ok := e.vars[name]; ok {
		return v
	}
	var v any
	switch name {
	case "input":
		if e.in == nil {
			return nil
		}
		v = &inputObj{in: e.in}
	case "util":
		v = utilObj{}
	case "context":
		v = e.context()
	case "stageVariables":
		m := newMap(len(e.stage))
		for _, k := range sortedKeys(e.stage) {
			m.put(k, e.stage[k])
		}
		v = m
	default:
		return nil
	}
	e.vars[name] = v
	return v
}

func (e *evaluator) context() *Map {
	if e.ctxMap != nil {
		return e.ctxMap
	}
	m := newMap(len(e.ctx) + 2)
	for _, k := range sortedKeys(e.ctx) {
		if k == "requestOverride" || k == "responseOverride" {
			continue
		}
		m.put(k, toValue(e.ctx[k]))
	}
	req := newMap(3)
	req.put("header", newMap(0))
	req.put("path", newMap(0))
	req.put("querystring", newMap(0))
	m.put("requestOverride", req)
	resp := newMap(2)
	resp.put("header", newMap(0))
	m.put("responseOverride", resp)
	e.ctxMap = m
	return m
}

func (e *evaluator) evalRef(r *refNode) (any, error) {
	v := e.lookup(r.name)
	for i := range r.mods {
		if v == nil {
			return nil, nil
		}
		m := &r.mods[i]
		var err error
		switch m.kind {
		case modProp:
			v, err = e.property(v, m.name, m.pos)
		case modMethod:
			args := make([]any, len(m.args))
			for j, a := range m.args {
				if args[j], err = e.eval(a); err != nil {
					return nil, err
				}
			}
			v, err = e.invoke(v, m.name, args, m.pos)
		case modIndex:
			var idx any
			if idx, err = e.eval(m.args[0]); err != nil {
				return nil, err
			}
			v, err = e.index(v, idx, m.pos)
		}
		if err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (e *evaluator) set(n *setNode) error {
	v, err := e.eval(n.rhs)
	if err != nil {
		return err
	}
	if v == nil {
		// Velocity 1.7 (directive.set.null.allowed=false): a null right
		// side leaves the left side as it was.
		return nil
	}
	lhs := n.lhs
	if len(lhs.mods) > 0 {
		e.mutations++
	}
	if len(lhs.mods) == 0 {
		e.vars[lhs.name] = v
		return nil
	}
	// Evaluate all but the last modifier, then store through the last.
	base := &refNode{pos: lhs.pos, name: lhs.name, mods: lhs.mods[:len(lhs.mods)-1], lit: lhs.lit}
	target, err := e.evalRef(base)
	if err != nil || target == nil {
		return err
	}
	last := lhs.mods[len(lhs.mods)-1]
	switch last.kind {
	case modProp:
		if m, ok := target.(*Map); ok {
			m.put(last.name, v)
		}
	case modIndex:
		idx, err := e.eval(last.args[0])
		if err != nil {
			return err
		}
		switch t := target.(type) {
		case *Map:
			if idx != nil {
				t.put(toString(idx), v)
			}
		case *List:
			i, ok := toInt(idx)
			if !ok || i < 0 || i >= len(t.items) {
				return e.errAt(ErrInvocation, last.pos, "index out of bounds")
			}
			t.items[i] = v
		}
	}
	return nil
}

// foreachObj is $foreach inside a loop.
type foreachObj struct {
	index, n int
	parent   *foreachObj
}

func (f *foreachObj) call(e *evaluator, name string, args []any) (any, bool, error) {
	if len(args) != 0 {
		return nil, false, nil
	}
	switch name {
	case "hasNext", "getHasNext", "isHasNext":
		return f.index+1 < f.n, true, nil
	case "index", "getIndex":
		return int64(f.index), true, nil
	case "count", "getCount":
		return int64(f.index + 1), true, nil
	case "first", "isFirst", "getFirst":
		return f.index == 0, true, nil
	case "last", "isLast", "getLast":
		return f.index+1 == f.n, true, nil
	case "parent", "getParent":
		if f.parent == nil {
			return nil, true, nil
		}
		return f.parent, true, nil
	}
	return nil, false, nil
}

func (e *evaluator) foreach(n *foreachNode) error {
	v, err := e.eval(n.iter)
	if err != nil {
		return err
	}
	var items []any
	switch x := v.(type) {
	case *List:
		items = append([]any(nil), x.items...)
	case *Map:
		items = append([]any(nil), x.vals...)
	default:
		return nil // null and non-iterables: the loop body is skipped
	}
	if len(items) > MaxForeachIterations {
		return e.errAt(ErrForeachLimit, n.pos, "#foreach over more than 1000 items")
	}
	oldVar, hadVar := e.vars[n.v]
	oldCount, hadCount := e.vars["velocityCount"]
	oldLoop := e.loop
	f := &foreachObj{n: len(items), parent: oldLoop}
	e.loop = f
	defer func() {
		restore(e.vars, n.v, oldVar, hadVar)
		restore(e.vars, "velocityCount", oldCount, hadCount)
		e.loop = oldLoop
		if oldLoop != nil {
			e.vars["foreach"] = oldLoop
		} else {
			delete(e.vars, "foreach")
		}
	}()
	for i, it := range items {
		if err := e.step(n.pos); err != nil {
			return err
		}
		f.index = i
		e.vars["foreach"] = f
		e.vars["velocityCount"] = int64(i + 1)
		if it == nil {
			// Velocity 1.7 leaves the previous value of the loop
			// variable when an element is null
			if i == 0 {
				restore(e.vars, n.v, oldVar, hadVar)
			}
		} else {
			e.vars[n.v] = it
		}
		if err := e.render(n.body); err != nil {
			if err == errBreak {
				return nil
			}
			return err
		}
	}
	return nil
}

func restore(vars map[string]any, k string, v any, had bool) {
	if had {
		vars[k] = v
	} else {
		delete(vars, k)
	}
}

func (e *evaluator) callMacro(n *macroCallNode) error {
	m := e.t.macros[n.name]
	if m == nil || m.body == nil {
		return e.write(n.lit, n.pos)
	}
	if e.depth >= MaxDepth {
		return e.errAt(ErrRecursionLimit, n.pos, "macro #"+n.name+" nested too deeply")
	}
	if err := e.step(n.pos); err != nil {
		return err
	}
	args := make([]any, len(n.args))
	for i, a := range n.args {
		v, err := e.eval(a)
		if err != nil {
			return err
		}
		args[i] = v
	}
	type saved struct {
		v   any
		had bool
	}
	old := make([]saved, len(m.params))
	for i, p := range m.params {
		old[i].v, old[i].had = e.vars[p]
		if i < len(args) && args[i] != nil {
			e.vars[p] = args[i]
		} else {
			delete(e.vars, p)
		}
	}
	e.depth++
	err := e.render(m.body)
	e.depth--
	for i, p := range m.params {
		restore(e.vars, p, old[i].v, old[i].had)
	}
	if err == errBreak {
		err = nil
	}
	return err
}

// eval evaluates an expression.
func (e *evaluator) eval(x expr) (any, error) {
	switch x := x.(type) {
	case *litExpr:
		return x.v, nil
	case *refNode:
		v, err := e.evalRef(x)
		if d, ok := v.(*defineBlock); ok && err == nil {
			return e.renderToString(d.body, x.pos)
		}
		return v, err
	case *interpExpr:
		return e.renderToString(x.nodes, 0)
	case *listExpr:
		l := &List{items: make([]any, len(x.items))}
		for i, it := range x.items {
			v, err := e.eval(it)
			if err != nil {
				return nil, err
			}
			l.items[i] = v
		}
		return l, nil
	case *mapExpr:
		m := newMap(len(x.keys))
		for i := range x.keys {
			k, err := e.eval(x.keys[i])
			if err != nil {
				return nil, err
			}
			v, err := e.eval(x.vals[i])
			if err != nil {
				return nil, err
			}
			m.put(toString(k), v)
		}
		return m, nil
	case *rangeExpr:
		return e.rangeValue(x)
	case *notExpr:
		v, err := e.eval(x.x)
		return !truthy(v), err
	case *negExpr:
		v, err := e.eval(x.x)
		switch n := v.(type) {
		case int64:
			if n == math.MinInt64 {
				return -float64(n), err
			}
			return -n, err
		case float64:
			return -n, err
		}
		return nil, err
	case *binExpr:
		return e.binary(x)
	}
	return nil, nil
}

func (e *evaluator) rangeValue(x *rangeExpr) (any, error) {
	from, err := e.eval(x.from)
	if err != nil {
		return nil, err
	}
	to, err := e.eval(x.to)
	if err != nil {
		return nil, err
	}
	a, ok1 := from.(int64)
	b, ok2 := to.(int64)
	if !ok1 || !ok2 {
		return nil, nil
	}
	n := b - a
	if n < 0 {
		n = -n
	}
	if n >= maxRange {
		return nil, e.errAt(ErrStepLimit, x.pos, "range too large")
	}
	e.steps += int(n)
	if e.steps > MaxSteps {
		return nil, e.errAt(ErrStepLimit, x.pos, "template does too much work")
	}
	l := &List{items: make([]any, 0, n+1)}
	if a <= b {
		for i := a; i <= b; i++ {
			l.items = append(l.items, i)
		}
	} else {
		for i := a; i >= b; i-- {
			l.items = append(l.items, i)
		}
	}
	return l, nil
}

// exprLiteral is what a null operand of a string concatenation shows.
func exprLiteral(x expr) string {
	if r, ok := x.(*refNode); ok {
		return r.lit
	}
	return "null"
}

func (e *evaluator) binary(x *binExpr) (any, error) {
	l, err := e.eval(x.l)
	if err != nil {
		return nil, err
	}
	switch x.op {
	case "&&":
		if !truthy(l) {
			return false, nil
		}
		r, err := e.eval(x.r)
		return truthy(r), err
	case "||":
		if truthy(l) {
			return true, nil
		}
		r, err := e.eval(x.r)
		return truthy(r), err
	}
	r, err := e.eval(x.r)
	if err != nil {
		return nil, err
	}
	switch x.op {
	case "==":
		return valueEquals(l, r), nil
	case "!=":
		return !valueEquals(l, r), nil
	case "<", "<=", ">", ">=":
		c, ok := compare(l, r)
		if !ok {
			return false, nil
		}
		switch x.op {
		case "<":
			return c < 0, nil
		case "<=":
			return c <= 0, nil
		case ">":
			return c > 0, nil
		}
		return c >= 0, nil
	case "+":
		_, ls := l.(string)
		_, rs := r.(string)
		if ls || rs {
			a, b := exprLiteral(x.l), exprLiteral(x.r)
			if l != nil {
				a = toString(l)
			}
			if r != nil {
				b = toString(r)
			}
			if len(a)+len(b) > MaxOutputBytes {
				return nil, e.errAt(ErrOutputLimit, x.pos, "string larger than 10 MB")
			}
			if err := e.charge(len(a)+len(b), x.pos); err != nil {
				return nil, err
			}
			return a + b, nil
		}
	}
	return arith(x.op, l, r), nil
}

func compare(l, r any) (int, bool) {
	if isNumber(l) && isNumber(r) {
		li, lok := l.(int64)
		ri, rok := r.(int64)
		if lok && rok {
			switch {
			case li < ri:
				return -1, true
			case li > ri:
				return 1, true
			}
			return 0, true
		}
		a, b := toFloat(l), toFloat(r)
		switch {
		case a < b:
			return -1, true
		case a > b:
			return 1, true
		case a == b:
			return 0, true
		}
		return 0, false // NaN
	}
	ls, lok := l.(string)
	rs, rok := r.(string)
	if lok && rok {
		return strings.Compare(ls, rs), true
	}
	return 0, false
}

// arith does Velocity's integer and floating point arithmetic; anything
// else (null, strings, division by zero) yields null, as Velocity logs and
// returns null.
func arith(op string, l, r any) any {
	if !isNumber(l) || !isNumber(r) {
		return nil
	}
	a, aok := l.(int64)
	b, bok := r.(int64)
	if aok && bok {
		switch op {
		case "+":
			s := a + b
			if (s > a) == (b > 0) {
				return s
			}
		case "-":
			s := a - b
			if (s < a) == (b > 0) {
				return s
			}
		case "*":
			if a == 0 || b == 0 {
				return int64(0)
			}
			p := a * b
			if p/b == a && !(a == -1 && b == math.MinInt64) && !(b == -1 && a == math.MinInt64) {
				return p
			}
		case "/":
			if b == 0 {
				return nil
			}
			if a == math.MinInt64 && b == -1 {
				return -float64(a)
			}
			return a / b
		case "%":
			if b == 0 {
				return nil
			}
			if b == -1 {
				return int64(0)
			}
			return a % b
		}
		// overflowed: Java promotes to a wider type; a double is close enough
	}
	x, y := toFloat(l), toFloat(r)
	switch op {
	case "+":
		return x + y
	case "-":
		return x - y
	case "*":
		return x * y
	case "/":
		if y == 0 {
			return nil
		}
		return x / y
	case "%":
		if y == 0 {
			return nil
		}
		return math.Mod(x, y)
	}
	return nil
}
