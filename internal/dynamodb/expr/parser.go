package expr

import (
	"strconv"
	"strings"
)

// The parser is a hand-written recursive descent over the token slice.
//
// Condition grammar (conditions, filters and key conditions), loosest first:
//
//	cond    = and { OR and }
//	and     = not { AND not }
//	not     = NOT not | pred
//	pred    = primary [ comparator operand
//	                  | BETWEEN operand AND operand
//	                  | IN "(" operand { "," operand } ")" ]
//	primary = "(" cond ")" | call | :value | path
//	operand = "(" operand ")" | call | :value | path
//	call    = name "(" operand { "," operand } ")"
//	path    = (name | #name) { "." (name | #name) | "[" digits "]" }
//
// A parenthesis where a condition may start can hold a condition or an
// operand ("(a = :v)" or "(a) = :v"), so primary parses either and pred
// decides from what follows; where only an operand may appear, operand is
// stricter. A syntax error is reported at the first token that cannot
// continue any parse, which is where DynamoDB reports it too.
//
// Update grammar:
//
//	update  = section { section }
//	section = SET set { "," set } | REMOVE path { "," path }
//	        | ADD path :value { "," path :value } | DELETE path :value { ... }
//	set     = path "=" ( "(" value ")" | value )
//	value   = term [ ("+" | "-") term ]
//	term    = "(" item ")" | item
//	item    = call | :value | path      (call arguments are terms)
//
// Projection grammar: path { "," path }.
//
// Keywords (AND OR NOT BETWEEN IN in conditions, SET REMOVE ADD DELETE in
// updates) are case-insensitive and cannot name attributes.

type exprKind uint8

const (
	kindCondition exprKind = iota
	kindUpdate
	kindProjection
)

// syntaxError and tooDeep are the parser's panics; parse recovers them.
type syntaxError struct{ msg string }

type tooDeep struct{}

type parser struct {
	src   string
	toks  []token
	pos   int
	kind  exprKind
	depth int
}

// text returns a token as DynamoDB quotes it.
func (p *parser) text(t token) string {
	if t.kind == tEOF {
		return "<EOF>"
	}
	return p.src[t.start:t.end]
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) peekAt(off int) token {
	if p.pos+off < len(p.toks) {
		return p.toks[p.pos+off]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

// fail reports a syntax error at the current token. DynamoDB shows the
// offending token and the text from the token before it to the token after.
func (p *parser) fail() {
	i := p.pos
	t := p.toks[i]
	from := p.toks[max(i-1, 0)].start
	to := p.toks[min(i+1, len(p.toks)-1)].end
	msg := detail(msgSyntax, "token", `"`+p.text(t)+`"`, "near", `"`+p.src[from:to]+`"`)
	panic(syntaxError{msg})
}

func (p *parser) expect(k tokKind) token {
	if p.peek().kind != k {
		p.fail()
	}
	return p.next()
}

// keyword reports whether t is the keyword kw (upper case), in any case.
func (p *parser) keyword(t token, kw string) bool {
	return t.kind == tIdent && t.end-t.start == len(kw) && strings.EqualFold(p.src[t.start:t.end], kw)
}

// isKeyword reports whether t is a keyword of the expression being parsed.
func (p *parser) isKeyword(t token) bool {
	if t.kind != tIdent {
		return false
	}
	var kws []string
	switch p.kind {
	case kindCondition:
		kws = []string{"AND", "OR", "NOT", "BETWEEN", "IN"}
	case kindUpdate:
		kws = []string{"SET", "REMOVE", "ADD", "DELETE"}
	}
	for _, kw := range kws {
		if p.keyword(t, kw) {
			return true
		}
	}
	return false
}

// enter bounds the parser's recursion (see maxNesting).
func (p *parser) enter() {
	p.depth++
	if p.depth > maxNesting {
		panic(tooDeep{})
	}
}

func (p *parser) leave() { p.depth-- }

// parse runs f, turning the parser's panics into results.
func parse[T any](src string, kind exprKind, f func(p *parser) T) (res T, syntax string, deep bool) {
	p := &parser{src: src, toks: lex(src), kind: kind}
	defer func() {
		switch e := recover().(type) {
		case nil:
		case syntaxError:
			syntax = e.msg
		case tooDeep:
			deep = true
		default:
			panic(e)
		}
	}()
	res = f(p)
	if p.peek().kind != tEOF {
		p.fail()
	}
	return res, "", false
}

// ---- conditions ----

func (p *parser) condition() node {
	n := p.or()
	if p.peek().kind != tEOF {
		p.fail()
	}
	if !isCondition(n) {
		p.fail()
	}
	return n
}

// needCondition fails at the current token, the one after n, when n is a
// bare operand where a condition belongs ("a AND ...").
func (p *parser) needCondition(n node) {
	if !isCondition(n) {
		p.fail()
	}
}

func (p *parser) or() node {
	l := p.and()
	for p.keyword(p.peek(), "OR") {
		p.needCondition(l)
		p.next()
		r := p.and()
		p.needCondition(r)
		l = &orNode{l, r}
	}
	return l
}

func (p *parser) and() node {
	l := p.not()
	for p.keyword(p.peek(), "AND") {
		p.needCondition(l)
		p.next()
		r := p.not()
		p.needCondition(r)
		l = &andNode{l, r}
	}
	return l
}

func (p *parser) not() node {
	if p.keyword(p.peek(), "NOT") {
		p.next()
		p.enter()
		x := p.not()
		p.leave()
		p.needCondition(x)
		return &notNode{x}
	}
	return p.pred()
}

// operandBefore fails at the current token (an operator) when l cannot be
// its left operand: "(a = :v) = :w".
func (p *parser) operandBefore(l node) {
	if !isOperand(l) {
		p.fail()
	}
}

func (p *parser) pred() node {
	l := p.primary()
	t := p.peek()
	switch {
	case t.kind >= tEq && t.kind <= tGe:
		p.operandBefore(l)
		p.next()
		r := p.operand()
		return &cmpNode{op: p.text(t), l: l, r: r}
	case p.keyword(t, "BETWEEN"):
		p.operandBefore(l)
		p.next()
		lo := p.operand()
		if !p.keyword(p.peek(), "AND") {
			p.fail()
		}
		p.next()
		hi := p.operand()
		return &betweenNode{l, lo, hi}
	case p.keyword(t, "IN"):
		p.operandBefore(l)
		p.next()
		p.expect(tLParen)
		list := []node{p.operand()}
		for p.peek().kind == tComma {
			p.next()
			list = append(list, p.operand())
		}
		p.expect(tRParen)
		return &inNode{l, list}
	}
	return l
}

// primary parses what may start a condition: a parenthesised condition or
// operand, a function call, a value or a path.
func (p *parser) primary() node {
	if p.peek().kind == tLParen {
		p.next()
		p.enter()
		x := p.or()
		p.leave()
		p.expect(tRParen)
		return &parenNode{x}
	}
	return p.item(p.operand)
}

// operand parses an operand of a comparison, BETWEEN, IN or function.
func (p *parser) operand() node {
	if p.peek().kind == tLParen {
		p.next()
		p.enter()
		x := p.operand()
		p.leave()
		p.expect(tRParen)
		return &parenNode{x}
	}
	return p.item(p.operand)
}

// item parses a function call, a value or a path; arg parses a call's
// arguments.
func (p *parser) item(arg func() node) node {
	t := p.peek()
	switch t.kind {
	case tValue:
		p.next()
		return &valueNode{name: p.text(t)}
	case tIdent:
		if p.isKeyword(t) {
			p.fail()
		}
		if p.peekAt(1).kind == tLParen {
			return p.call(arg)
		}
		return p.path()
	case tName:
		return p.path()
	}
	p.fail()
	return nil
}

func (p *parser) call(arg func() node) node {
	name := p.text(p.next())
	p.next() // (
	p.enter()
	args := []node{arg()}
	for p.peek().kind == tComma {
		p.next()
		args = append(args, arg())
	}
	p.leave()
	p.expect(tRParen)
	return &callNode{name: name, args: args}
}

// pathElem parses one named element of a path.
func (p *parser) pathElem() string {
	t := p.peek()
	if t.kind == tName || t.kind == tIdent && !p.isKeyword(t) {
		p.next()
		return p.text(t)
	}
	p.fail()
	return ""
}

// path parses a document path. Index digits too large for DynamoDB are kept
// as -1 for the checking pass to report with the digits as written.
func (p *parser) path() *pathNode {
	// Count the elements first to allocate once; the loop below checks
	// the syntax.
	elems := 1
	for i := p.pos + 1; i+1 < len(p.toks); i += 2 {
		k := p.toks[i].kind
		if k == tLBrack {
			elems++
			i++
		} else if k == tDot {
			elems++
		} else {
			break
		}
	}
	n := &pathNode{raw: make([]string, 0, elems), path: make(Path, 0, elems)}
	n.raw = append(n.raw, p.pathElem())
	n.path = append(n.path, PathElem{})
	for {
		switch p.peek().kind {
		case tDot:
			p.next()
			n.raw = append(n.raw, p.pathElem())
			n.path = append(n.path, PathElem{})
			continue
		case tLBrack:
			p.next()
			t := p.expect(tNumber)
			p.expect(tRBrack)
			idx, err := strconv.Atoi(p.text(t))
			if err != nil || idx > maxListIndex {
				idx = -1
			}
			n.raw = append(n.raw, "["+p.text(t)+"]")
			n.path = append(n.path, PathElem{Index: idx, IsIndex: true})
			continue
		}
		return n
	}
}

// ---- updates ----

// An update section in the order written.
type section struct {
	verb    string // SET, REMOVE, ADD, DELETE
	actions []action
}

type action struct {
	path *pathNode
	val  node // SET: the value; ADD, DELETE: the :value; REMOVE: nil
}

var verbs = [...]string{"SET", "REMOVE", "ADD", "DELETE"}

func (p *parser) update() []section {
	var secs []section
	for p.peek().kind != tEOF {
		t := p.peek()
		verb := ""
		for _, v := range verbs {
			if p.keyword(t, v) {
				verb = v
			}
		}
		if verb == "" {
			p.fail()
		}
		p.next()
		sec := section{verb: verb}
		for {
			a := action{path: p.path()}
			switch verb {
			case "SET":
				p.expect(tEq)
				a.val = p.setValue()
			case "ADD", "DELETE":
				v := p.expect(tValue)
				a.val = &valueNode{name: p.text(v)}
			}
			sec.actions = append(sec.actions, a)
			if p.peek().kind != tComma {
				break
			}
			p.next()
		}
		secs = append(secs, sec)
	}
	if len(secs) == 0 {
		p.fail()
	}
	return secs
}

func (p *parser) setValue() node {
	if p.peek().kind != tLParen {
		return p.arith()
	}
	p.next()
	p.enter()
	x := p.arith()
	p.leave()
	p.expect(tRParen)
	l := node(&parenNode{x})
	if k := p.peek().kind; k == tPlus || k == tMinus {
		// "(a) + b": the parentheses held a term.
		if _, ok := x.(*arithNode); ok {
			p.fail()
		}
		op := p.text(p.next())[0]
		return &arithNode{op: op, l: l, r: p.term()}
	}
	return l
}

func (p *parser) arith() node {
	l := p.term()
	if k := p.peek().kind; k == tPlus || k == tMinus {
		op := p.text(p.next())[0]
		return &arithNode{op: op, l: l, r: p.term()}
	}
	return l
}

func (p *parser) term() node {
	if p.peek().kind == tLParen {
		p.next()
		x := p.item(p.term)
		p.expect(tRParen)
		return &parenNode{x}
	}
	return p.item(p.term)
}

// ---- projections ----

func (p *parser) projection() []*pathNode {
	paths := []*pathNode{p.path()}
	for p.peek().kind == tComma {
		p.next()
		paths = append(paths, p.path())
	}
	return paths
}
