package vtl

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxParseDepth bounds the nesting of blocks, expressions and interpolated
// strings so a hostile template cannot exhaust the stack.
const maxParseDepth = 100

type parser struct {
	src    string
	pos    int
	depth  int
	macros map[string]*macroDef
	base   int // offset of src inside the whole template (interpolated strings)
	// termPos is where the block terminator block() returned starts.
	termPos int
	whole   string
}

type parseError struct {
	pos int
	msg string
}

func (p *parser) fail(pos int, format string, args ...any) {
	panic(parseError{pos: p.base + pos, msg: fmt.Sprintf(format, args...)})
}

// Parse parses a template. The result is immutable and safe for concurrent
// use by many Execute calls.
func Parse(tmpl string) (t *Template, err error) {
	p := &parser{src: tmpl, whole: tmpl, macros: map[string]*macroDef{}}
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(parseError)
			if !ok {
				panic(r)
			}
			line, col := position(tmpl, pe.pos)
			t, err = nil, &Error{Kind: ErrSyntax, Line: line, Column: col, Msg: pe.msg}
		}
	}()
	nodes, term := p.block()
	if term != "" {
		p.fail(p.termPos, "unexpected #%s", term)
	}
	t = &Template{src: tmpl, nodes: nodes, macros: p.macros}
	return t, nil
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// Velocity 1.7 identifiers: a letter or '_', then letters, digits, '_' and '-'.
func isIdentStart(c byte) bool { return isLetter(c) || c == '_' }
func isIdentChar(c byte) bool  { return isLetter(c) || isDigit(c) || c == '_' || c == '-' }

func (p *parser) peek(off int) byte {
	if p.pos+off < len(p.src) {
		return p.src[p.pos+off]
	}
	return 0
}

func (p *parser) ident() string {
	start := p.pos
	if p.pos >= len(p.src) || !isIdentStart(p.src[p.pos]) {
		return ""
	}
	for p.pos < len(p.src) && isIdentChar(p.src[p.pos]) {
		p.pos++
	}
	return p.src[start:p.pos]
}

// directive names recognised after '#'.
var directives = map[string]bool{
	"set": true, "if": true, "elseif": true, "else": true, "end": true,
	"foreach": true, "break": true, "stop": true, "macro": true, "define": true,
}

// block parses nodes until EOF or a block terminator (#end, #else, #elseif),
// which it returns without consuming anything past its name.
func (p *parser) block() ([]node, string) {
	p.depth++
	if p.depth > maxParseDepth {
		p.fail(p.pos, "blocks nested too deeply")
	}
	defer func() { p.depth-- }()
	var nodes []node
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			nodes = append(nodes, &textNode{s: text.String()})
			text.Reset()
		}
	}
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch c {
		case '\\':
			n := 0
			for p.pos+n < len(p.src) && p.src[p.pos+n] == '\\' {
				n++
			}
			save := p.pos
			p.pos += n
			if p.pos < len(p.src) && p.src[p.pos] == '$' && p.refStart() {
				flush()
				r := p.reference()
				r.escapes = n
				nodes = append(nodes, r)
				continue
			}
			if p.pos < len(p.src) && p.src[p.pos] == '#' && p.escapableDirective() {
				text.WriteString(strings.Repeat("\\", n/2))
				if n%2 == 1 {
					// escaped: the directive name is plain text
					p.pos++
					name := p.directiveName()
					text.WriteString("#" + name)
				}
				continue
			}
			p.pos = save + n
			text.WriteString(p.src[save:p.pos])
		case '$':
			if !p.refStart() {
				text.WriteByte('$')
				p.pos++
				continue
			}
			flush()
			nodes = append(nodes, p.reference())
		case '#':
			start := p.pos
			switch p.peek(1) {
			case '#': // line comment, eats its newline
				for p.pos < len(p.src) && p.src[p.pos] != '\n' {
					p.pos++
				}
				if p.pos < len(p.src) {
					p.pos++
				}
				continue
			case '*':
				end := strings.Index(p.src[p.pos+2:], "*#")
				if end < 0 {
					p.fail(start, "unterminated #* comment")
				}
				p.pos += 2 + end + 2
				continue
			case '[':
				if p.peek(2) == '[' {
					end := strings.Index(p.src[p.pos+3:], "]]#")
					if end < 0 {
						p.fail(start, "unterminated #[[ ]]# block")
					}
					text.WriteString(p.src[p.pos+3 : p.pos+3+end])
					p.pos += 3 + end + 3
					continue
				}
			}
			p.pos++
			name := p.directiveName()
			if name == "" {
				p.pos = start + 1
				text.WriteByte('#')
				continue
			}
			switch name {
			case "end", "else", "elseif":
				flush()
				p.termPos = start
				if name != "elseif" {
					p.eatLineEnd()
				}
				return nodes, name
			case "set":
				// Velocity 1.7 drops the spaces and tabs before #set.
				s := strings.TrimRight(text.String(), " \t")
				text.Reset()
				text.WriteString(s)
				flush()
				nodes = append(nodes, p.set(start))
			case "if":
				flush()
				nodes = append(nodes, p.ifBlock(start))
			case "foreach":
				flush()
				nodes = append(nodes, p.foreach(start))
			case "break":
				flush()
				nodes = append(nodes, &breakNode{})
			case "stop":
				flush()
				nodes = append(nodes, &stopNode{})
			case "macro":
				flush()
				p.macro(start)
			case "define":
				flush()
				nodes = append(nodes, p.define(start))
			default:
				// a call of a macro defined earlier in the template;
				// anything else is plain text, as in Velocity 1.7
				save := p.pos
				p.skipSpaces()
				if p.peek(0) != '(' || p.macros[name] == nil {
					p.pos = save
					text.WriteString(p.src[start:p.pos])
					continue
				}
				flush()
				p.pos++
				args := p.argList(')')
				call := &macroCallNode{pos: p.base + start, name: name, args: args, lit: p.src[start:p.pos]}
				p.eatLineEnd()
				nodes = append(nodes, call)
			}
		default:
			i := strings.IndexAny(p.src[p.pos:], "\\$#")
			if i < 0 {
				i = len(p.src) - p.pos
			}
			text.WriteString(p.src[p.pos : p.pos+i])
			p.pos += i
		}
	}
	flush()
	return nodes, ""
}

// directiveName reads name or {name} after '#'; for {name} it must be closed.
func (p *parser) directiveName() string {
	if p.peek(0) == '{' {
		save := p.pos
		p.pos++
		n := p.wordOnly()
		if n == "" || p.peek(0) != '}' {
			p.pos = save
			return ""
		}
		p.pos++
		return n
	}
	return p.wordOnly()
}

// wordOnly reads a directive or macro name: letters, digits and '_'. For the
// block directives it stops at the keyword so "#end}" and "#else#end" work.
func (p *parser) wordOnly() string {
	start := p.pos
	if p.pos >= len(p.src) || !isIdentStart(p.src[p.pos]) {
		return ""
	}
	for p.pos < len(p.src) && (isLetter(p.src[p.pos]) || isDigit(p.src[p.pos]) || p.src[p.pos] == '_') {
		p.pos++
	}
	w := p.src[start:p.pos]
	// "#elseif" is a word of its own; "#else" followed by letters is text.
	return w
}

func (p *parser) escapableDirective() bool {
	save := p.pos
	defer func() { p.pos = save }()
	p.pos++
	n := p.directiveName()
	return directives[n] || p.macros[n] != nil
}

func (p *parser) refStart() bool {
	i := p.pos + 1
	if i < len(p.src) && p.src[i] == '!' {
		i++
	}
	if i < len(p.src) && p.src[i] == '{' {
		i++
	}
	return i < len(p.src) && isIdentStart(p.src[i])
}

func (p *parser) skipSpaces() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
}

func (p *parser) skipWS() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// eatLineEnd consumes spaces, tabs and one newline if a newline follows: a
// directive's closing ')' (and #else, #end) takes the rest of its line.
func (p *parser) eatLineEnd() {
	i := p.pos
	for i < len(p.src) && (p.src[i] == ' ' || p.src[i] == '\t') {
		i++
	}
	switch {
	case i < len(p.src) && p.src[i] == '\n':
		p.pos = i + 1
	case i < len(p.src) && p.src[i] == '\r':
		i++
		if i < len(p.src) && p.src[i] == '\n' {
			i++
		}
		p.pos = i
	}
}

// reference parses $[!][{]name(.prop|.method(args)|[index])*[}] at p.pos.
func (p *parser) reference() *refNode {
	start := p.pos
	r := &refNode{pos: p.base + start}
	p.pos++
	if p.peek(0) == '!' {
		r.quiet = true
		p.pos++
	}
	formal := false
	if p.peek(0) == '{' {
		formal = true
		p.pos++
	}
	r.name = p.ident()
	p.modifiers(r, formal)
	if formal {
		if p.peek(0) != '}' {
			p.fail(start, "missing } in reference")
		}
		p.pos++
	}
	r.lit = p.src[start:p.pos]
	if r.quiet {
		r.lit = "$" + r.lit[2:]
	}
	return r
}

func (p *parser) modifiers(r *refNode, formal bool) {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case '.':
			if p.pos+1 >= len(p.src) || !isIdentStart(p.src[p.pos+1]) {
				return
			}
			mpos := p.pos
			p.pos++
			name := p.ident()
			if p.peek(0) == '(' {
				p.pos++
				args := p.argList(')')
				r.mods = append(r.mods, modifier{kind: modMethod, name: name, args: args, pos: p.base + mpos})
				continue
			}
			r.mods = append(r.mods, modifier{kind: modProp, name: name, pos: p.base + mpos, ident: !strings.Contains(name, "-")})
		case '[':
			mpos := p.pos
			save := p.pos
			p.pos++
			p.skipWS()
			if p.peek(0) == ']' { // "$a[]" is text
				p.pos = save
				return
			}
			idx, ok := p.tryIndex()
			if !ok {
				// "$a[not an index]" leaves the bracket as text
				p.pos = save
				return
			}
			r.mods = append(r.mods, modifier{kind: modIndex, args: []expr{idx}, pos: p.base + mpos})
		default:
			return
		}
	}
}

// tryIndex parses "expr]" after a '['; ok is false if that is not there.
func (p *parser) tryIndex() (idx expr, ok bool) {
	depth := p.depth
	defer func() {
		if r := recover(); r != nil {
			if _, isParse := r.(parseError); !isParse {
				panic(r)
			}
			p.depth = depth
			idx, ok = nil, false
		}
	}()
	p.enter()
	idx = p.expr()
	p.leave()
	p.skipWS()
	if p.peek(0) != ']' {
		p.fail(p.pos, "missing ]")
	}
	p.pos++
	return idx, true
}

func (p *parser) enter() {
	p.depth++
	if p.depth > maxParseDepth {
		p.fail(p.pos, "expression nested too deeply")
	}
}

func (p *parser) leave() { p.depth-- }

// argList parses arguments up to the closing delimiter; commas are optional
// (macro calls separate arguments with spaces).
func (p *parser) argList(close byte) []expr {
	p.enter()
	defer p.leave()
	var args []expr
	for {
		p.skipWS()
		if p.pos >= len(p.src) {
			p.fail(p.pos, "missing %c", close)
		}
		if p.src[p.pos] == close {
			p.pos++
			return args
		}
		if len(args) > 0 && p.src[p.pos] == ',' {
			p.pos++
			p.skipWS()
		}
		args = append(args, p.expr())
	}
}

// directiveOpen consumes the '(' that must follow a directive name.
func (p *parser) directiveOpen(name string, start int) {
	p.skipWS()
	if p.peek(0) != '(' {
		p.fail(start, "#%s requires (", name)
	}
	p.pos++
	p.skipWS()
}

func (p *parser) directiveClose(name string, start int) {
	p.skipWS()
	if p.peek(0) != ')' {
		p.fail(start, "#%s: missing )", name)
	}
	p.pos++
	p.eatLineEnd()
}

func (p *parser) set(start int) *setNode {
	p.directiveOpen("set", start)
	if p.peek(0) != '$' || !p.refStart() {
		p.fail(p.pos, "#set: left side must be a reference")
	}
	lhs := p.reference()
	if lhs.quiet || (len(lhs.mods) > 0 && lhs.mods[len(lhs.mods)-1].kind == modMethod) {
		p.fail(lhs.pos-p.base, "#set: left side cannot be %s", lhs.lit)
	}
	p.skipWS()
	if p.peek(0) != '=' {
		p.fail(p.pos, "#set: missing =")
	}
	p.pos++
	p.skipWS()
	rhs := p.expr()
	p.directiveClose("set", start)
	return &setNode{pos: p.base + start, lhs: lhs, rhs: rhs}
}

func (p *parser) ifBlock(start int) *ifNode {
	n := &ifNode{}
	p.directiveOpen("if", start)
	cond := p.expr()
	p.directiveClose("if", start)
	for {
		body, term := p.block()
		n.conds = append(n.conds, cond)
		n.blocks = append(n.blocks, body)
		switch term {
		case "end":
			return n
		case "else":
			els, term := p.block()
			switch term {
			case "end":
			case "":
				p.fail(start, "#if: missing #end")
			default:
				p.fail(p.termPos, "#%s after #else", term)
			}
			if els == nil {
				els = []node{}
			}
			n.els = els
			return n
		case "elseif":
			p.directiveOpen("elseif", p.pos)
			cond = p.expr()
			p.directiveClose("elseif", p.pos)
		default:
			p.fail(start, "#if: missing #end")
		}
	}
}

func (p *parser) foreach(start int) *foreachNode {
	p.directiveOpen("foreach", start)
	if p.peek(0) != '$' {
		p.fail(p.pos, "#foreach: expected a $variable")
	}
	v := p.reference()
	if len(v.mods) > 0 || v.quiet {
		p.fail(v.pos-p.base, "#foreach: loop variable must be a plain reference")
	}
	p.skipWS()
	if !strings.HasPrefix(p.src[p.pos:], "in") || (p.pos+2 < len(p.src) && isIdentChar(p.src[p.pos+2])) {
		p.fail(p.pos, "#foreach: expected in")
	}
	p.pos += 2
	p.skipWS()
	iter := p.expr()
	p.directiveClose("foreach", start)
	body, term := p.block()
	if term != "end" {
		p.fail(start, "#foreach: missing #end")
	}
	return &foreachNode{pos: p.base + start, v: v.name, iter: iter, body: body}
}

func (p *parser) macro(start int) {
	p.directiveOpen("macro", start)
	name := p.wordOnly()
	if name == "" {
		p.fail(p.pos, "#macro: missing name")
	}
	if directives[name] {
		p.fail(start, "#macro: %s is a directive", name)
	}
	m := &macroDef{name: name}
	for {
		p.skipWS()
		if p.peek(0) == ',' {
			p.pos++
			p.skipWS()
		}
		if p.peek(0) == ')' {
			break
		}
		if p.peek(0) != '$' || !p.refStart() {
			p.fail(p.pos, "#macro: parameters must be $names")
		}
		r := p.reference()
		if len(r.mods) > 0 || r.quiet {
			p.fail(r.pos-p.base, "#macro: bad parameter %s", r.lit)
		}
		m.params = append(m.params, r.name)
	}
	p.pos++
	p.eatLineEnd()
	// Register before the body so the macro may call itself; recursion is
	// bounded at run time.
	p.macros[name] = m
	body, term := p.block()
	if term != "end" {
		p.fail(start, "#macro: missing #end")
	}
	m.body = body
}

func (p *parser) define(start int) *defineNode {
	p.directiveOpen("define", start)
	if p.peek(0) != '$' || !p.refStart() {
		p.fail(p.pos, "#define: expected a $name")
	}
	r := p.reference()
	if len(r.mods) > 0 || r.quiet {
		p.fail(r.pos-p.base, "#define: bad name %s", r.lit)
	}
	p.directiveClose("define", start)
	body, term := p.block()
	if term != "end" {
		p.fail(start, "#define: missing #end")
	}
	return &defineNode{name: r.name, body: body}
}

// Expressions, lowest precedence first: || && ==/!= relational + * unary.

func (p *parser) expr() expr {
	p.enter()
	defer p.leave()
	return p.orExpr()
}

// word matches an operator written as a word (and, or, not, eq...).
func (p *parser) word(w string) bool {
	if strings.HasPrefix(p.src[p.pos:], w) && (p.pos+len(w) >= len(p.src) || !isIdentChar(p.src[p.pos+len(w)])) {
		p.pos += len(w)
		return true
	}
	return false
}

func (p *parser) op(ops ...string) string {
	p.skipWS()
	for _, o := range ops {
		if isLetter(o[0]) {
			if p.word(o) {
				return o
			}
			continue
		}
		if strings.HasPrefix(p.src[p.pos:], o) {
			// '=' alone is not '=='; '<' must not eat '<='
			p.pos += len(o)
			return o
		}
	}
	return ""
}

func (p *parser) orExpr() expr {
	l := p.andExpr()
	for {
		pos := p.pos
		if p.op("||", "or") == "" {
			return l
		}
		l = &binExpr{pos: p.base + pos, op: "||", l: l, r: p.andExpr()}
	}
}

func (p *parser) andExpr() expr {
	l := p.eqExpr()
	for {
		pos := p.pos
		if p.op("&&", "and") == "" {
			return l
		}
		l = &binExpr{pos: p.base + pos, op: "&&", l: l, r: p.eqExpr()}
	}
}

func (p *parser) eqExpr() expr {
	l := p.relExpr()
	for {
		pos := p.pos
		o := p.op("==", "!=", "eq", "ne")
		switch o {
		case "":
			return l
		case "eq":
			o = "=="
		case "ne":
			o = "!="
		}
		l = &binExpr{pos: p.base + pos, op: o, l: l, r: p.relExpr()}
	}
}

func (p *parser) relExpr() expr {
	l := p.addExpr()
	for {
		pos := p.pos
		o := p.op("<=", ">=", "<", ">", "le", "ge", "lt", "gt")
		switch o {
		case "":
			return l
		case "le":
			o = "<="
		case "ge":
			o = ">="
		case "lt":
			o = "<"
		case "gt":
			o = ">"
		}
		l = &binExpr{pos: p.base + pos, op: o, l: l, r: p.addExpr()}
	}
}

func (p *parser) addExpr() expr {
	l := p.mulExpr()
	for {
		pos := p.pos
		o := p.op("+", "-")
		if o == "" {
			return l
		}
		l = &binExpr{pos: p.base + pos, op: o, l: l, r: p.mulExpr()}
	}
}

func (p *parser) mulExpr() expr {
	l := p.unary()
	for {
		pos := p.pos
		o := p.op("*", "/", "%")
		if o == "" {
			return l
		}
		l = &binExpr{pos: p.base + pos, op: o, l: l, r: p.unary()}
	}
}

func (p *parser) unary() expr {
	p.enter()
	defer p.leave()
	p.skipWS()
	pos := p.pos
	if p.peek(0) == '!' && p.peek(1) != '=' {
		p.pos++
		return &notExpr{x: p.unary()}
	}
	if p.word("not") {
		return &notExpr{x: p.unary()}
	}
	if p.peek(0) == '-' {
		p.pos++
		p.skipWS()
		if isDigit(p.peek(0)) {
			v := p.number()
			switch x := v.(type) {
			case int64:
				return &litExpr{v: -x}
			case float64:
				return &litExpr{v: -x}
			}
		}
		return &negExpr{pos: p.base + pos, x: p.unary()}
	}
	return p.primary()
}

func (p *parser) number() any {
	start := p.pos
	for p.pos < len(p.src) && isDigit(p.src[p.pos]) {
		p.pos++
	}
	isFloat := false
	if p.peek(0) == '.' && isDigit(p.peek(1)) {
		isFloat = true
		p.pos++
		for p.pos < len(p.src) && isDigit(p.src[p.pos]) {
			p.pos++
		}
	}
	if c := p.peek(0); c == 'e' || c == 'E' {
		save := p.pos
		p.pos++
		if c := p.peek(0); c == '+' || c == '-' {
			p.pos++
		}
		if isDigit(p.peek(0)) {
			isFloat = true
			for p.pos < len(p.src) && isDigit(p.src[p.pos]) {
				p.pos++
			}
		} else {
			p.pos = save
		}
	}
	s := p.src[start:p.pos]
	if isFloat {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			p.fail(start, "bad number %s", s)
		}
		return f
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		p.fail(start, "number out of range: %s", s)
	}
	return n
}

func (p *parser) primary() expr {
	p.skipWS()
	if p.pos >= len(p.src) {
		p.fail(p.pos, "unexpected end of template in expression")
	}
	start := p.pos
	c := p.src[p.pos]
	switch {
	case c == '$':
		if !p.refStart() {
			p.fail(start, "bad reference")
		}
		return p.reference()
	case isDigit(c):
		return &litExpr{v: p.number()}
	case c == '"' || c == '\'':
		return p.stringLit()
	case c == '(':
		p.pos++
		e := p.expr()
		p.skipWS()
		if p.peek(0) != ')' {
			p.fail(start, "missing )")
		}
		p.pos++
		return e
	case c == '[':
		p.pos++
		p.skipWS()
		if p.peek(0) == ']' {
			p.pos++
			return &listExpr{}
		}
		first := p.expr()
		p.skipWS()
		if strings.HasPrefix(p.src[p.pos:], "..") {
			p.pos += 2
			to := p.expr()
			p.skipWS()
			if p.peek(0) != ']' {
				p.fail(start, "missing ] in range")
			}
			p.pos++
			return &rangeExpr{pos: p.base + start, from: first, to: to}
		}
		l := &listExpr{items: []expr{first}}
		for {
			p.skipWS()
			switch p.peek(0) {
			case ']':
				p.pos++
				return l
			case ',':
				p.pos++
				l.items = append(l.items, p.expr())
			default:
				p.fail(start, "missing ] in list")
			}
		}
	case c == '{':
		p.pos++
		m := &mapExpr{}
		p.skipWS()
		if p.peek(0) == '}' {
			p.pos++
			return m
		}
		for {
			k := p.expr()
			p.skipWS()
			if p.peek(0) != ':' {
				p.fail(p.pos, "missing : in map")
			}
			p.pos++
			v := p.expr()
			m.keys = append(m.keys, k)
			m.vals = append(m.vals, v)
			p.skipWS()
			switch p.peek(0) {
			case '}':
				p.pos++
				return m
			case ',':
				p.pos++
			default:
				p.fail(start, "missing } in map")
			}
		}
	}
	if p.word("true") {
		return &litExpr{v: true}
	}
	if p.word("false") {
		return &litExpr{v: false}
	}
	if p.word("null") {
		return &litExpr{v: nil}
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
	p.fail(start, "unexpected %q in expression", r)
	return nil
}

// stringLit parses '...' (literal) or "..." (interpolated). A doubled quote
// stands for one quote; \uXXXX is decoded; other backslashes stay as they
// are, as in Velocity 1.7.
func (p *parser) stringLit() expr {
	start := p.pos
	q := p.src[p.pos]
	p.pos++
	var b strings.Builder
	for {
		if p.pos >= len(p.src) {
			p.fail(start, "unterminated string")
		}
		c := p.src[p.pos]
		if c == q {
			if p.peek(1) == q {
				b.WriteByte(q)
				p.pos += 2
				continue
			}
			p.pos++
			break
		}
		if c == '\\' && p.pos+1 < len(p.src) {
			if p.src[p.pos+1] == 'u' && p.pos+6 <= len(p.src) {
				if n, err := strconv.ParseUint(p.src[p.pos+2:p.pos+6], 16, 16); err == nil {
					b.WriteRune(rune(n))
					p.pos += 6
					continue
				}
			}
			b.WriteString(p.src[p.pos : p.pos+2])
			p.pos += 2
			continue
		}
		b.WriteByte(c)
		p.pos++
	}
	s := b.String()
	if q == '\'' || !strings.ContainsAny(s, "$#") {
		return &litExpr{v: s}
	}
	// Interpolate: the content is a template of its own, sharing macros.
	sub := &parser{src: s, macros: p.macros, depth: p.depth + 1, base: p.base + start + 1, whole: p.whole}
	if sub.depth > maxParseDepth {
		p.fail(start, "strings nested too deeply")
	}
	nodes, term := sub.block()
	if term != "" {
		p.fail(start, "unexpected #%s in string", term)
	}
	return &interpExpr{nodes: nodes}
}
