package partiql

import (
	"strconv"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
)

// Kind is the kind of a statement.
type Kind uint8

// The statements DynamoDB's PartiQL accepts. Exists is the
// EXISTS(SELECT ...) condition check of ExecuteTransaction.
const (
	Select Kind = iota + 1
	Insert
	Update
	Delete
	Exists
)

// String returns the statement keyword.
func (k Kind) String() string {
	switch k {
	case Select:
		return "SELECT"
	case Insert:
		return "INSERT"
	case Update:
		return "UPDATE"
	case Delete:
		return "DELETE"
	case Exists:
		return "EXISTS"
	}
	return "?"
}

// maxDepth bounds the parser's recursion: no statement DynamoDB accepts
// nests anywhere near this deep (its expressions allow 32 levels of
// document nesting), so deeper input is refused without recursing further.
const maxDepth = 64

// Statement is a parsed statement. It is immutable: Plan may be called
// concurrently, with different parameters.
type Statement struct {
	kind         Kind
	table, index string
	params       int

	star  bool        // SELECT *
	proj  []*pathNode // SELECT a, b.c
	where node        // nil without WHERE
	order []orderTerm

	item node // INSERT ... VALUE item

	actions   []action // UPDATE ... SET / REMOVE, in the order written
	returning string   // ReturnValues: "", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"
}

type orderTerm struct {
	name string
	desc bool
}

type action struct {
	verb string // "SET" or "REMOVE"
	path *pathNode
	val  node // SET only
}

// Table returns the table named by the statement.
func (s *Statement) Table() string { return s.table }

// Index returns the index named in FROM "table"."index", or "".
func (s *Statement) Index() string { return s.index }

// Kind returns the kind of statement.
func (s *Statement) Kind() Kind { return s.kind }

// Params returns the number of ? parameters in the statement.
func (s *Statement) Params() int { return s.params }

// Returning returns the ReturnValues that the RETURNING clause asks for
// ("ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"), or "".
func (s *Statement) Returning() string { return s.returning }

// Parse parses one PartiQL statement. Errors are ValidationExceptions
// worded as DynamoDB words them.
func Parse(src string) (*Statement, error) {
	toks, n, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	st, err := p.statement()
	if err != nil {
		return nil, err
	}
	if p.peek().op(";") {
		p.next()
	}
	if p.peek().kind != tEOF {
		return nil, malformed(detTrailing)
	}
	st.params = n
	return st, nil
}

type parser struct {
	toks   []token
	pos    int
	depth  int
	nparam int
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) peekAt(k int) token {
	if p.pos+k < len(p.toks) {
		return p.toks[p.pos+k]
	}
	return token{kind: tEOF}
}

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

// fail reports the token at the current position as unexpected.
func (p *parser) fail() error {
	t := p.peek()
	switch {
	case t.kind == tEOF:
		return malformed(detUnexpectedEnd)
	case isReserved(t):
		return malformed(detUnexpectedKW)
	case t.kind == tOp:
		return malformed(detUnexpectedToken)
	}
	return malformed(detUnexpectedTerm)
}

func (p *parser) keyword(kw string) bool {
	if p.peek().keyword(kw) {
		p.pos++
		return true
	}
	return false
}

func (p *parser) expectKeyword(kw string) error {
	if p.keyword(kw) {
		return nil
	}
	if p.peek().kind == tEOF {
		return malformed(detUnexpectedEnd)
	}
	return malformed(detExpectedKeyword, kw)
}

func (p *parser) isOp(op string) bool {
	if p.peek().op(op) {
		p.pos++
		return true
	}
	return false
}

func (p *parser) expectOp(op string) error {
	if p.isOp(op) {
		return nil
	}
	if p.peek().kind == tEOF {
		return malformed(detUnexpectedEnd)
	}
	return malformed(detExpectedToken, op)
}

func (p *parser) statement() (*Statement, error) {
	switch {
	case p.keyword("SELECT"):
		return p.selectStmt()
	case p.keyword("INSERT"):
		return p.insertStmt()
	case p.keyword("UPDATE"):
		return p.updateStmt()
	case p.keyword("DELETE"):
		return p.deleteStmt()
	case p.keyword("EXISTS"):
		if err := p.expectOp("("); err != nil {
			return nil, err
		}
		if err := p.expectKeyword("SELECT"); err != nil {
			return nil, err
		}
		st, err := p.selectStmt()
		if err != nil {
			return nil, err
		}
		if err := p.expectOp(")"); err != nil {
			return nil, err
		}
		st.kind = Exists
		return st, nil
	}
	return nil, malformed(detExpectedDML)
}

func (p *parser) selectStmt() (*Statement, error) {
	st := &Statement{kind: Select}
	if p.peek().keyword("DISTINCT") {
		return nil, validation(msgUnsupportedToken, "DISTINCT")
	}
	for {
		if p.isOp("*") {
			st.star = true
		} else {
			path, err := p.path()
			if err != nil {
				return nil, err
			}
			st.proj = append(st.proj, path)
		}
		if !p.isOp(",") {
			break
		}
	}
	if st.star && len(st.proj) > 0 {
		return nil, validation(msgStarAndOthers)
	}
	if err := p.expectKeyword("FROM"); err != nil {
		return nil, err
	}
	if err := p.source(st); err != nil {
		return nil, err
	}
	if p.keyword("WHERE") {
		w, err := p.cond()
		if err != nil {
			return nil, err
		}
		st.where = w
	}
	if p.keyword("ORDER") {
		if err := p.expectKeyword("BY"); err != nil {
			return nil, err
		}
		for {
			t := p.peek()
			if t.kind != tQuoted && (t.kind != tIdent || isReserved(t)) {
				return nil, p.fail()
			}
			p.next()
			term := orderTerm{name: t.text}
			if p.keyword("DESC") {
				term.desc = true
			} else {
				p.keyword("ASC")
			}
			st.order = append(st.order, term)
			if !p.isOp(",") {
				break
			}
		}
	}
	for _, clause := range []string{"GROUP", "HAVING", "LIMIT", "OFFSET"} {
		if p.peek().keyword(clause) {
			if clause == "GROUP" {
				clause = "GROUP BY"
			}
			return nil, validation(msgUnsupportedClause, clause)
		}
	}
	return st, nil
}

// source reads FROM's table and optional index: "t", t, "t"."i".
func (p *parser) source(st *Statement) error {
	name := func() (string, error) {
		t := p.peek()
		if t.kind == tQuoted || t.kind == tIdent && !isReserved(t) {
			p.next()
			return t.text, nil
		}
		return "", p.fail()
	}
	var err error
	if st.table, err = name(); err != nil {
		return err
	}
	if p.isOp(".") {
		if st.index, err = name(); err != nil {
			return err
		}
		if p.peek().op(".") {
			return validation(msgFromPath)
		}
	}
	return nil
}

func (p *parser) insertStmt() (*Statement, error) {
	st := &Statement{kind: Insert}
	if err := p.expectKeyword("INTO"); err != nil {
		return nil, err
	}
	if err := p.source(st); err != nil {
		return nil, err
	}
	if st.index != "" {
		return nil, validation(msgOnIndex)
	}
	switch {
	case p.keyword("VALUE"):
	case p.peek().keyword("VALUES"), p.peek().op("<<"):
		return nil, validation(msgInsertMany)
	default:
		return nil, p.fail()
	}
	item, err := p.additive()
	if err != nil {
		return nil, err
	}
	if _, ok := item.(*tupleNode); !ok {
		return nil, validation(msgInsertFormat)
	}
	st.item = item
	if p.peek().keyword("ON") && p.peekAt(1).keyword("CONFLICT") {
		return nil, validation(msgUnsupportedClause, "ON CONFLICT")
	}
	if p.peek().keyword("RETURNING") {
		return nil, validation(msgInsertReturning)
	}
	return st, nil
}

func (p *parser) updateStmt() (*Statement, error) {
	st := &Statement{kind: Update}
	if err := p.source(st); err != nil {
		return nil, err
	}
	if st.index != "" {
		return nil, validation(msgOnIndex)
	}
	for {
		switch {
		case p.keyword("SET"):
			for {
				path, err := p.path()
				if err != nil {
					return nil, err
				}
				if err := p.expectOp("="); err != nil {
					return nil, err
				}
				val, err := p.additive()
				if err != nil {
					return nil, err
				}
				st.actions = append(st.actions, action{verb: "SET", path: path, val: val})
				if !p.isOp(",") {
					break
				}
			}
			continue
		case p.keyword("REMOVE"):
			for {
				path, err := p.path()
				if err != nil {
					return nil, err
				}
				st.actions = append(st.actions, action{verb: "REMOVE", path: path})
				if !p.isOp(",") {
					break
				}
			}
			continue
		}
		break
	}
	if len(st.actions) == 0 {
		return nil, p.fail()
	}
	if !p.keyword("WHERE") {
		if p.peek().kind == tEOF {
			return nil, validation(msgIncompleteKey)
		}
		return nil, p.fail()
	}
	w, err := p.cond()
	if err != nil {
		return nil, err
	}
	st.where = w
	if st.returning, err = p.returningClause(); err != nil {
		return nil, err
	}
	return st, nil
}

func (p *parser) deleteStmt() (*Statement, error) {
	st := &Statement{kind: Delete}
	if err := p.expectKeyword("FROM"); err != nil {
		return nil, err
	}
	if err := p.source(st); err != nil {
		return nil, err
	}
	if st.index != "" {
		return nil, validation(msgOnIndex)
	}
	if !p.keyword("WHERE") {
		if p.peek().kind == tEOF {
			return nil, validation(msgIncompleteKey)
		}
		return nil, p.fail()
	}
	w, err := p.cond()
	if err != nil {
		return nil, err
	}
	st.where = w
	if st.returning, err = p.returningClause(); err != nil {
		return nil, err
	}
	if st.returning != "" && st.returning != "ALL_OLD" {
		return nil, validation(msgDeleteReturning, returningText(st.returning))
	}
	return st, nil
}

// returningClause reads an optional RETURNING (ALL|MODIFIED) (OLD|NEW) *.
func (p *parser) returningClause() (string, error) {
	if !p.keyword("RETURNING") {
		return "", nil
	}
	var which, age string
	switch {
	case p.keyword("ALL"):
		which = "ALL"
	case p.keyword("MODIFIED"):
		which = "UPDATED"
	default:
		return "", p.fail()
	}
	switch {
	case p.keyword("OLD"):
		age = "OLD"
	case p.keyword("NEW"):
		age = "NEW"
	default:
		return "", p.fail()
	}
	if !p.isOp("*") {
		return "", validation(msgReturningSyntax)
	}
	return which + "_" + age, nil
}

func returningText(rv string) string {
	which, age, _ := strings.Cut(rv, "_")
	if which == "UPDATED" {
		which = "MODIFIED"
	}
	return which + " " + age + " *"
}

// path reads a document path: a name followed by .name, ."name", [n] or ['name'].
func (p *parser) path() (*pathNode, error) {
	t := p.peek()
	switch {
	case t.kind == tQuoted, t.kind == tIdent && !isReserved(t):
	case t.op("["):
		return nil, validation(msgPathListIndex)
	default:
		return nil, p.fail()
	}
	p.next()
	return p.pathRest(t)
}

func (p *parser) pathRest(first token) (*pathNode, error) {
	if first.text == "" {
		return nil, validation(msgEmptyPathComponent)
	}
	path := &pathNode{segs: []segment{{name: first.text}}}
	for {
		switch {
		case p.isOp("."):
			t := p.peek()
			if t.kind != tQuoted && (t.kind != tIdent || isReserved(t)) {
				return nil, malformed(detExpectedIdent)
			}
			p.next()
			if t.text == "" {
				return nil, validation(msgEmptyPathComponent)
			}
			path.segs = append(path.segs, segment{name: t.text})
		case p.isOp("["):
			t := p.next()
			switch t.kind {
			case tNumber:
				n, err := strconv.ParseUint(t.text, 10, 31)
				if err != nil {
					return nil, malformed(detUnexpectedTerm)
				}
				path.segs = append(path.segs, segment{index: int(n), isIdx: true})
			case tString:
				if t.text == "" {
					return nil, validation(msgEmptyPathComponent)
				}
				path.segs = append(path.segs, segment{name: t.text})
			default:
				p.pos--
				return nil, p.fail()
			}
			if !p.isOp("]") {
				return nil, malformed(detMissingRightBrak)
			}
		default:
			return path, nil
		}
	}
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return malformed(detTooDeep)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

func (p *parser) cond() (node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.keyword("OR") {
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = &binNode{op: "OR", l: l, r: r}
	}
	return l, nil
}

func (p *parser) and() (node, error) {
	l, err := p.not()
	if err != nil {
		return nil, err
	}
	for p.keyword("AND") {
		r, err := p.not()
		if err != nil {
			return nil, err
		}
		l = &binNode{op: "AND", l: l, r: r}
	}
	return l, nil
}

func (p *parser) not() (node, error) {
	if p.keyword("NOT") {
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
		x, err := p.not()
		if err != nil {
			return nil, err
		}
		return &notNode{x: x}, nil
	}
	return p.predicate()
}

var comparisons = map[string]bool{"=": true, "<>": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true}

func (p *parser) predicate() (node, error) {
	l, err := p.additive()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if t.kind == tOp && comparisons[t.text] {
		p.next()
		r, err := p.additive()
		if err != nil {
			return nil, err
		}
		op := t.text
		if op == "!=" {
			op = "<>"
		}
		return &binNode{op: op, l: l, r: r}, nil
	}
	negated := false
	if t.keyword("NOT") && (p.peekAt(1).keyword("BETWEEN") || p.peekAt(1).keyword("IN")) {
		p.next()
		negated = true
	}
	switch {
	case p.keyword("BETWEEN"):
		lo, err := p.additive()
		if err != nil {
			return nil, err
		}
		if err := p.expectKeyword("AND"); err != nil {
			return nil, err
		}
		hi, err := p.additive()
		if err != nil {
			return nil, err
		}
		return &betweenNode{x: l, lo: lo, hi: hi, not: negated}, nil
	case p.keyword("IN"):
		var closer string
		switch {
		case p.isOp("["):
			closer = "]"
		case p.isOp("("):
			closer = ")"
		default:
			return nil, validation(msgInOperator)
		}
		in := &inNode{x: l, not: negated}
		if !p.isOp(closer) {
			for {
				x, err := p.additive()
				if err != nil {
					return nil, err
				}
				in.items = append(in.items, x)
				if !p.isOp(",") {
					break
				}
			}
			if err := p.expectOp(closer); err != nil {
				return nil, err
			}
		}
		return in, nil
	case p.keyword("IS"):
		is := &isNode{x: l, not: p.keyword("NOT")}
		t := p.next()
		if t.kind != tIdent {
			p.pos--
			return nil, p.fail()
		}
		is.typ = strings.ToUpper(t.text)
		return is, nil
	}
	return l, nil
}

func (p *parser) additive() (node, error) {
	l, err := p.primary()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if !t.op("+") && !t.op("-") {
			return l, nil
		}
		p.next()
		r, err := p.primary()
		if err != nil {
			return nil, err
		}
		l = &binNode{op: t.text, l: l, r: r}
	}
}

func (p *parser) primary() (node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	t := p.next()
	switch t.kind {
	case tNumber:
		return number(t.text)
	case tString:
		return &litNode{v: attr.Value{Kind: attr.S, Str: t.text}}, nil
	case tParam:
		n := &paramNode{i: p.nparam}
		p.nparam++
		return n, nil
	case tQuoted:
		return p.pathRest(t)
	case tIdent:
		upper := strings.ToUpper(t.text)
		switch upper {
		case "TRUE", "FALSE":
			return &litNode{v: attr.Value{Kind: attr.BOOL, Bool: upper == "TRUE"}}, nil
		case "NULL":
			return &litNode{v: attr.Value{Kind: attr.NULL, Bool: true}}, nil
		case "MISSING":
			if !p.peek().op("(") {
				return &missingNode{}, nil
			}
		}
		if p.isOp("(") {
			return p.call(upper)
		}
		if isReserved(t) {
			p.pos--
			return nil, p.fail()
		}
		return p.pathRest(t)
	case tOp:
		switch t.text {
		case "(":
			x, err := p.cond()
			if err != nil {
				return nil, err
			}
			if err := p.expectOp(")"); err != nil {
				return nil, err
			}
			return x, nil
		case "-":
			if n := p.peek(); n.kind == tNumber {
				p.next()
				return number("-" + n.text)
			}
		case "[":
			elems, err := p.elements("]")
			if err != nil {
				return nil, err
			}
			return &listNode{elems: elems}, nil
		case "<<":
			elems, err := p.elements(">>")
			if err != nil {
				return nil, err
			}
			return &bagNode{elems: elems}, nil
		case "{":
			return p.tuple()
		}
	}
	p.pos--
	if t.kind == tEOF {
		return nil, malformed(detUnexpectedEnd)
	}
	return nil, p.fail()
}

func number(text string) (node, error) {
	s, err := attr.ParseNumber(text)
	if err != nil {
		return nil, err
	}
	return &litNode{v: attr.Value{Kind: attr.N, Str: s}}, nil
}

// elements reads values separated by commas up to closer.
func (p *parser) elements(closer string) ([]node, error) {
	var elems []node
	if p.isOp(closer) {
		return elems, nil
	}
	for {
		x, err := p.additive()
		if err != nil {
			return nil, err
		}
		elems = append(elems, x)
		if !p.isOp(",") {
			break
		}
	}
	if err := p.expectOp(closer); err != nil {
		return nil, err
	}
	return elems, nil
}

func (p *parser) tuple() (node, error) {
	tn := &tupleNode{}
	if p.isOp("}") {
		return tn, nil
	}
	for {
		k := p.next()
		if k.kind != tString {
			p.pos--
			return nil, p.fail()
		}
		if err := p.expectOp(":"); err != nil {
			return nil, err
		}
		v, err := p.additive()
		if err != nil {
			return nil, err
		}
		tn.keys = append(tn.keys, k.text)
		tn.vals = append(tn.vals, v)
		if !p.isOp(",") {
			break
		}
	}
	if err := p.expectOp("}"); err != nil {
		return nil, err
	}
	return tn, nil
}

// arity is the number of arguments of each function; unknown functions
// are reported when translated.
var arity = map[string]int{
	"BEGINS_WITH": 2, "CONTAINS": 2, "ATTRIBUTE_TYPE": 2, "EXISTS": 1, "MISSING": 1,
	"SIZE": 1, "LIST_APPEND": 2,
}

func (p *parser) call(name string) (node, error) {
	c, err := p.callArgs(name)
	if err != nil {
		return nil, err
	}
	if n, ok := arity[name]; ok && len(c.args) != n {
		return nil, malformed(detArity, strings.ToLower(name))
	}
	return c, nil
}

func (p *parser) callArgs(name string) (*callNode, error) {
	c := &callNode{name: name}
	if p.isOp(")") {
		return c, nil
	}
	for {
		x, err := p.additive()
		if err != nil {
			return nil, err
		}
		c.args = append(c.args, x)
		if !p.isOp(",") {
			break
		}
	}
	if err := p.expectOp(")"); err != nil {
		return nil, err
	}
	return c, nil
}
