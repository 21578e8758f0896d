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
	if p.isOp(";") && p.peek().kind != tEOF {
		return nil, malformed(detAfterSemicolon)
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

func (p *parser) keyword(kw string) bool {
	if p.peek().keyword(kw) {
		p.pos++
		return true
	}
	return false
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
	return malformed(detExpectedToken, op)
}

// infixOps are the tokens PartiQL parses as infix operators; where a term
// should start they are "Unexpected operator".
var infixOps = map[string]bool{
	"=": true, "<>": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true,
	"+": true, "*": true, "/": true, "%": true, "||": true,
	"AND": true, "OR": true, "IS": true, "IN": true, "LIKE": true, "BETWEEN": true,
	"UNION": true, "EXCEPT": true, "INTERSECT": true,
}

// failTerm reports the token at the current position where a term (a
// value, path or call) should start, as PartiQL's parser does.
func (p *parser) failTerm() error {
	t := p.peek()
	switch {
	case t.kind == tOp && infixOps[t.text], t.kind == tIdent && infixOps[strings.ToUpper(t.text)]:
		return malformed(detUnexpectedOp)
	case isReserved(t):
		return malformed(detUnexpectedKW)
	}
	return malformed(detUnexpectedTerm)
}

// rhs checks that something follows an infix operator just read.
func (p *parser) rhs() error {
	if p.peek().kind == tEOF {
		return malformed(detMissingRHS)
	}
	return nil
}

func (p *parser) statement() (*Statement, error) {
	switch {
	case p.keyword("SELECT"):
		return p.selectStmt()
	case p.peek().keyword("INSERT") && p.peekAt(1).keyword("INTO"):
		p.pos += 2
		return p.insertStmt()
	case p.keyword("UPDATE"):
		return p.updateStmt()
	case p.keyword("DELETE"):
		return p.deleteStmt()
	case p.keyword("FROM"):
		return p.fromStmt()
	case p.peek().keyword("EXISTS") && p.peekAt(1).op("("):
		p.pos += 2
		if !p.keyword("SELECT") {
			return nil, p.failTerm()
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
	switch {
	case p.peek().keyword("DISTINCT"):
		return nil, validation(msgUnsupportedToken, "DISTINCT")
	case p.peek().keyword("VALUE"), p.peek().keyword("PIVOT"):
		return nil, validation(msgSelectValue)
	}
	p.keyword("ALL") // SELECT ALL is SELECT
	for {
		if p.isOp("*") {
			st.star = true
		} else {
			x, err := p.additive()
			if err != nil {
				return nil, err
			}
			path, ok := x.(*pathNode)
			if !ok {
				return nil, validation(msgPathComponent)
			}
			st.proj = append(st.proj, path)
			if p.peek().keyword("AS") || p.peek().kind == tQuoted || p.peek().kind == tIdent && !isReserved(p.peek()) {
				return nil, validation(msgAliasing)
			}
		}
		if !p.isOp(",") {
			break
		}
	}
	if st.star && len(st.proj) > 0 {
		return nil, validation(msgStarAndOthers)
	}
	if !p.keyword("FROM") {
		return nil, malformed(detFromAfterSelect)
	}
	if err := p.source(st, false); err != nil {
		return nil, err
	}
	if err := p.noAlias(); err != nil {
		return nil, err
	}
	if p.keyword("WHERE") {
		w, err := p.cond()
		if err != nil {
			return nil, err
		}
		st.where = w
	}
	if p.peek().keyword("ORDER") && p.peekAt(1).keyword("BY") {
		p.pos += 2
		for {
			x, err := p.additive()
			if err != nil {
				return nil, err
			}
			name, ok := "", false
			if path, isPath := x.(*pathNode); isPath {
				name, ok = path.simple()
			}
			if !ok {
				return nil, validation("Argument to ORDER BY must be of type VariableReference. Type: %s", describe(x))
			}
			term := orderTerm{name: name}
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

// source reads a table and optional index: "t", t, "t"."i". simple says
// the statement is a write, where PartiQL reads the name as a simple path.
func (p *parser) source(st *Statement, simple bool) error {
	name := func(first bool) (string, error) {
		t := p.peek()
		if t.kind == tQuoted || t.kind == tIdent && !isReserved(t) {
			p.next()
			return t.text, nil
		}
		if !first {
			return "", malformed(detDotComponent)
		}
		if simple {
			return "", malformed(detSimplePath)
		}
		return "", p.failTerm()
	}
	var err error
	if st.table, err = name(true); err != nil {
		return err
	}
	if p.isOp(".") {
		if st.index, err = name(false); err != nil {
			return err
		}
		if p.peek().op(".") {
			return validation(msgFromPath)
		}
	}
	return nil
}

// noAlias refuses a table alias (FROM t x, FROM t AS x), which DynamoDB
// does not support.
func (p *parser) noAlias() error {
	t := p.peek()
	if t.keyword("AS") || t.keyword("AT") || t.keyword("BY") || t.kind == tQuoted || t.kind == tIdent && !isReserved(t) {
		return validation(msgAliasing)
	}
	return nil
}

func (p *parser) insertStmt() (*Statement, error) {
	st := &Statement{kind: Insert}
	if err := p.source(st, true); err != nil {
		return nil, err
	}
	if st.index != "" {
		return nil, validation(msgOnIndex)
	}
	if !p.keyword("VALUE") {
		// INSERT INTO t <bag of items>: PartiQL's form for several items,
		// which DynamoDB does not support.
		if p.peek().keyword("VALUES") {
			return nil, validation(msgInsertMany)
		}
		if _, err := p.additive(); err != nil {
			return nil, err
		}
		if p.peek().kind != tEOF && !p.peek().op(";") {
			return nil, malformed(detTrailing)
		}
		return nil, validation(msgInsertMany)
	}
	if err := p.rhs(); err != nil {
		return nil, err
	}
	item, err := p.additive()
	if err != nil {
		return nil, err
	}
	switch {
	case p.peek().keyword("AT"):
		return nil, validation(msgInsertAt)
	case p.peek().keyword("ON") && p.peekAt(1).keyword("CONFLICT"):
		return nil, validation(msgUnsupportedClause, "ON CONFLICT")
	case p.peek().keyword("RETURNING"):
		return nil, validation(msgInsertReturning)
	}
	if _, ok := item.(*tupleNode); !ok {
		return nil, validation(msgInsertFormat)
	}
	st.item = item
	return st, nil
}

func (p *parser) updateStmt() (*Statement, error) {
	st := &Statement{kind: Update}
	if err := p.source(st, true); err != nil {
		return nil, err
	}
	if err := p.noAlias(); err != nil {
		return nil, err
	}
	if st.index != "" {
		return nil, validation(msgOnIndex)
	}
	if err := p.actions(st); err != nil {
		return nil, err
	}
	if p.keyword("WHERE") {
		w, err := p.cond()
		if err != nil {
			return nil, err
		}
		st.where = w
	}
	var err error
	if st.returning, err = p.returningClause(); err != nil {
		return nil, err
	}
	return st, p.needWhere(st)
}

// fromStmt reads PartiQL's other form of UPDATE:
// FROM t [WHERE cond] SET ... | REMOVE ... [RETURNING ...].
func (p *parser) fromStmt() (*Statement, error) {
	st := &Statement{kind: Update}
	if err := p.source(st, true); err != nil {
		return nil, err
	}
	if err := p.noAlias(); err != nil {
		return nil, err
	}
	if st.index != "" {
		return nil, validation(msgOnIndex)
	}
	if p.keyword("WHERE") {
		w, err := p.cond()
		if err != nil {
			return nil, err
		}
		st.where = w
	}
	if err := p.actions(st); err != nil {
		return nil, err
	}
	var err error
	if st.returning, err = p.returningClause(); err != nil {
		return nil, err
	}
	return st, p.needWhere(st)
}

// needWhere refuses a write without a WHERE clause, once the statement
// has otherwise parsed: trailing tokens are the syntax error DynamoDB
// reports first.
func (p *parser) needWhere(st *Statement) error {
	if p.peek().kind != tEOF && !p.peek().op(";") {
		return malformed(detTrailing)
	}
	if st.where == nil {
		return validation(msgIncompleteKey)
	}
	return nil
}

// actions reads one or more SET a = v [, b = w] and REMOVE path clauses.
func (p *parser) actions(st *Statement) error {
	for {
		switch {
		case p.keyword("SET"):
			for {
				path, err := p.simplePath()
				if err != nil {
					return err
				}
				if err := p.expectOp("="); err != nil {
					return err
				}
				if err := p.rhs(); err != nil {
					return err
				}
				val, err := p.cond()
				if err != nil {
					return err
				}
				st.actions = append(st.actions, action{verb: "SET", path: path, val: val})
				if !p.isOp(",") {
					break
				}
			}
			continue
		case p.keyword("REMOVE"):
			// PartiQL's REMOVE takes one path; REMOVE a REMOVE b removes two.
			path, err := p.simplePath()
			if err != nil {
				return err
			}
			st.actions = append(st.actions, action{verb: "REMOVE", path: path})
			continue
		}
		break
	}
	if len(st.actions) == 0 {
		return malformed(detExpectedDML)
	}
	return nil
}

func (p *parser) deleteStmt() (*Statement, error) {
	st := &Statement{kind: Delete}
	if !p.keyword("FROM") {
		return nil, malformed(detFromAfterDelete)
	}
	if err := p.source(st, true); err != nil {
		return nil, err
	}
	if err := p.noAlias(); err != nil {
		return nil, err
	}
	if st.index != "" {
		return nil, validation(msgOnIndex)
	}
	if p.keyword("WHERE") {
		w, err := p.cond()
		if err != nil {
			return nil, err
		}
		st.where = w
	}
	var err error
	if st.returning, err = p.returningClause(); err != nil {
		return nil, err
	}
	if err := p.needWhere(st); err != nil {
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
		return "", p.failTerm()
	}
	switch {
	case p.keyword("OLD"):
		age = "OLD"
	case p.keyword("NEW"):
		age = "NEW"
	default:
		return "", p.failTerm()
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

// simplePath reads the path a write names: it must start with a name.
func (p *parser) simplePath() (*pathNode, error) {
	t := p.peek()
	if t.kind != tQuoted && (t.kind != tIdent || isReserved(t)) {
		if t.op("[") {
			return nil, validation(msgPathListIndex)
		}
		return nil, malformed(detSimplePath)
	}
	p.next()
	return p.pathRest(t)
}

// pathRest reads the rest of a path after its first name:
// .name, ."name", [n] or ['name'].
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
				return nil, malformed(detDotComponent)
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
					return nil, validation(msgPathComponent)
				}
				path.segs = append(path.segs, segment{index: int(n), isIdx: true})
			case tString:
				if t.text == "" {
					return nil, validation(msgEmptyPathComponent)
				}
				path.segs = append(path.segs, segment{name: t.text})
			default:
				p.pos--
				if t.kind == tEOF || t.op("]") {
					return nil, p.failTerm()
				}
				return nil, validation(msgPathComponent)
			}
			if err := p.expectOp("]"); err != nil {
				return nil, err
			}
		default:
			if len(path.segs) > 1 && path.segs[0].isIdx {
				return nil, validation(msgPathListIndex)
			}
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
		if err := p.rhs(); err != nil {
			return nil, err
		}
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
		if err := p.rhs(); err != nil {
			return nil, err
		}
		r, err := p.not()
		if err != nil {
			return nil, err
		}
		l = &binNode{op: "AND", l: l, r: r}
	}
	return l, nil
}

func (p *parser) not() (node, error) {
	if p.peek().keyword("NOT") && !p.peekAt(1).keyword("IN") && !p.peekAt(1).keyword("BETWEEN") {
		p.next()
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

// isTypeNames are the type names PartiQL's parser accepts after IS
// (DOUBLE PRECISION and CHARACTER VARYING are two words).
var isTypeNames = map[string]bool{
	"MISSING": true, "NULL": true, "BOOL": true, "BOOLEAN": true, "SMALLINT": true,
	"INT2": true, "INTEGER2": true, "INT4": true, "INTEGER4": true, "INT8": true,
	"INTEGER8": true, "BIGINT": true, "INT": true, "INTEGER": true, "FLOAT": true,
	"REAL": true, "DECIMAL": true, "DEC": true, "NUMERIC": true, "TIMESTAMP": true,
	"DATE": true, "TIME": true, "CHAR": true, "CHARACTER": true, "VARCHAR": true,
	"STRING": true, "SYMBOL": true, "CLOB": true, "BLOB": true, "STRUCT": true,
	"TUPLE": true, "LIST": true, "SEXP": true, "BAG": true, "ANY": true,
}

func (p *parser) predicate() (node, error) {
	l, err := p.additive()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if t.kind == tOp && comparisons[t.text] {
		p.next()
		if err := p.rhs(); err != nil {
			return nil, err
		}
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
		if err := p.rhs(); err != nil {
			return nil, err
		}
		lo, err := p.additive()
		if err != nil {
			return nil, err
		}
		if !p.keyword("AND") {
			return nil, malformed(detExpectedToken, "AND")
		}
		if err := p.rhs(); err != nil {
			return nil, err
		}
		hi, err := p.additive()
		if err != nil {
			return nil, err
		}
		return &betweenNode{x: l, lo: lo, hi: hi, not: negated}, nil
	case p.keyword("IN"):
		if err := p.rhs(); err != nil {
			return nil, err
		}
		var closer string
		switch {
		case p.isOp("["):
			closer = "]"
		case p.isOp("("):
			closer = ")"
		default:
			if _, err := p.additive(); err != nil {
				return nil, err
			}
			return nil, validation(msgInOperator)
		}
		in := &inNode{x: l, not: negated}
		elems, err := p.elements(closer)
		if err != nil {
			return nil, err
		}
		in.items = elems
		return in, nil
	case p.keyword("IS"):
		is := &isNode{x: l, not: p.keyword("NOT")}
		t := p.peek()
		name := strings.ToUpper(t.text)
		if t.kind != tIdent || !isTypeNames[name] && !(name == "DOUBLE" && p.peekAt(1).keyword("PRECISION")) &&
			!(name == "CHARACTER" && p.peekAt(1).keyword("VARYING")) {
			return nil, malformed(detTypeName)
		}
		p.next()
		if name == "DOUBLE" || name == "CHARACTER" && p.peek().keyword("VARYING") {
			name += " " + strings.ToUpper(p.next().text)
		}
		is.typ = name
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
		if err := p.rhs(); err != nil {
			return nil, err
		}
		r, err := p.primary()
		if err != nil {
			return nil, err
		}
		l = &binNode{op: t.text, l: l, r: r}
	}
}

// functions are the keywords that name functions when a ( follows.
var functions = map[string]bool{"EXISTS": true, "SIZE": true, "COUNT": true, "AVG": true, "MAX": true,
	"MIN": true, "SUM": true, "UPPER": true, "LOWER": true, "SUBSTRING": true, "CHAR_LENGTH": true,
	"CHARACTER_LENGTH": true, "OCTET_LENGTH": true, "BIT_LENGTH": true}

func (p *parser) primary() (node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	t := p.peek()
	switch t.kind {
	case tNumber:
		p.next()
		return number(t.text)
	case tString:
		p.next()
		return &litNode{v: attr.Value{Kind: attr.S, Str: t.text}}, nil
	case tParam:
		p.next()
		n := &paramNode{i: p.nparam}
		p.nparam++
		return n, nil
	case tQuoted:
		p.next()
		if p.peek().op("(") {
			p.next()
			return p.call(strings.ToUpper(t.text))
		}
		return p.pathRest(t)
	case tIdent:
		upper := strings.ToUpper(t.text)
		switch upper {
		case "TRUE", "FALSE":
			p.next()
			return &litNode{v: attr.Value{Kind: attr.BOOL, Bool: upper == "TRUE"}}, nil
		case "NULL":
			p.next()
			return &litNode{v: attr.Value{Kind: attr.NULL, Bool: true}}, nil
		case "MISSING":
			p.next()
			return &missingNode{}, nil
		}
		if p.peekAt(1).op("(") && (!isReserved(t) || functions[upper]) {
			p.pos += 2
			return p.call(upper)
		}
		if isReserved(t) {
			return nil, p.failTerm()
		}
		p.next()
		return p.pathRest(t)
	case tOp:
		switch t.text {
		case "(":
			p.next()
			if p.peek().op(")") {
				return nil, malformed(detEmptyGroup)
			}
			x, err := p.cond()
			if err != nil {
				return nil, err
			}
			if err := p.expectOp(")"); err != nil {
				return nil, err
			}
			return x, nil
		case "-":
			if n := p.peekAt(1); n.kind == tNumber {
				p.pos += 2
				return number("-" + n.text)
			}
		case "[":
			p.next()
			elems, err := p.elements("]")
			if err != nil {
				return nil, err
			}
			return &listNode{elems: elems}, nil
		case "<<":
			p.next()
			elems, err := p.elements(">>")
			if err != nil {
				return nil, err
			}
			return &bagNode{elems: elems}, nil
		case "{":
			p.next()
			return p.tuple()
		}
	}
	return nil, p.failTerm()
}

// number keeps a number literal's text; it is checked against DynamoDB's
// number rules when the statement is planned, where the error can name
// the literal's place. A literal PartiQL itself cannot represent (an
// exponent or scale beyond 32 bits) is a lexer error.
func number(text string) (node, error) {
	digits, exp, _ := strings.Cut(strings.ToLower(text), "e")
	if exp != "" {
		e, err := strconv.ParseInt(exp, 10, 32)
		if err != nil {
			return nil, malformed(detLexer)
		}
		scale := int64(0)
		if _, frac, ok := strings.Cut(digits, "."); ok {
			scale = int64(len(frac))
		}
		if s := scale - e; s > 1<<31-1 || s < -(1<<31) {
			return nil, malformed(detLexer)
		}
	}
	return &litNode{v: attr.Value{Kind: attr.N, Str: text}, raw: true}, nil
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
		k := p.peek()
		if k.kind != tString {
			if k.kind == tNumber || k.kind == tParam || k.keyword("TRUE") || k.keyword("FALSE") || k.keyword("NULL") {
				return nil, validation("Tuple keys must be of type String. Actual type: %s under %s", keyType(k), "root")
			}
			return nil, p.failTerm()
		}
		p.next()
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

func keyType(t token) string {
	switch {
	case t.kind == tNumber:
		return "N"
	case t.kind == tParam:
		return "parameter"
	case t.keyword("NULL"):
		return "NULL"
	}
	return "BOOL"
}

// arity is the number of arguments of the functions DynamoDB supports;
// others are reported when the statement is planned.
var arity = map[string]int{
	"BEGINS_WITH": 2, "CONTAINS": 2, "ATTRIBUTE_TYPE": 2, "EXISTS": 1,
	"SIZE": 1, "LIST_APPEND": 2, "SET_ADD": 2, "SET_DELETE": 2,
}

func (p *parser) call(name string) (node, error) {
	c := &callNode{name: name}
	if name == "COUNT" && p.peek().op("*") && p.peekAt(1).op(")") {
		p.pos += 2 // COUNT(*): parsed, then refused as a projection
		return c, nil
	}
	if !p.isOp(")") {
		for {
			x, err := p.cond()
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
	}
	if n, ok := arity[name]; ok && len(c.args) != n && name != "SET_ADD" && name != "SET_DELETE" {
		return nil, malformed(detArity, strings.ToLower(name))
	}
	return c, nil
}
