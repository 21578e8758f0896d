package partiql

import "strings"

type tokKind uint8

const (
	tEOF    tokKind = iota
	tIdent          // unquoted identifier or keyword
	tQuoted         // "quoted identifier"
	tString         // 'string literal'
	tNumber         // 12, 1.5, 1e3
	tParam          // ?
	tOp             // punctuation and operators
)

type token struct {
	kind tokKind
	text string // identifier, string or number text (quotes removed, escapes resolved), or the operator
}

// keyword reports whether t is the unquoted keyword kw (upper case).
func (t token) keyword(kw string) bool { return t.kind == tIdent && strings.EqualFold(t.text, kw) }

func (t token) op(s string) bool { return t.kind == tOp && t.text == s }

// reserved are the keywords of the statements this package accepts; they
// cannot be used unquoted as names.
var reserved = map[string]bool{
	"SELECT": true, "FROM": true, "WHERE": true, "AND": true, "OR": true, "NOT": true,
	"IN": true, "IS": true, "BETWEEN": true, "ORDER": true, "BY": true, "SET": true,
	"REMOVE": true, "VALUE": true, "VALUES": true, "INTO": true, "INSERT": true,
	"UPDATE": true, "DELETE": true, "TRUE": true, "FALSE": true, "NULL": true,
	"MISSING": true, "RETURNING": true, "EXISTS": true, "ASC": true, "DESC": true,
}

func isReserved(t token) bool { return t.kind == tIdent && reserved[strings.ToUpper(t.text)] }

// lex splits src into tokens, ending with a tEOF token. It returns the
// number of ? parameters too.
func lex(src string) ([]token, int, error) {
	var toks []token
	params := 0
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '-' && i+1 < len(src) && src[i+1] == '-':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, 0, malformed(detUnterminated)
			}
			i += end + 4
		case isIdentStart(c):
			j := i + 1
			for j < len(src) && isIdentPart(src[j]) {
				j++
			}
			toks = append(toks, token{kind: tIdent, text: src[i:j]})
			i = j
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := scanNumber(src, i)
			toks = append(toks, token{kind: tNumber, text: src[i:j]})
			i = j
		case c == '\'' || c == '"':
			text, j, ok := scanQuoted(src, i)
			if !ok {
				return nil, 0, malformed(detUnterminated)
			}
			k := tString
			if c == '"' {
				k = tQuoted
			}
			toks = append(toks, token{kind: k, text: text})
			i = j
		case c == '?':
			toks = append(toks, token{kind: tParam})
			params++
			i++
		default:
			op := scanOp(src[i:])
			if op == "" {
				return nil, 0, malformed(detInvalidChar)
			}
			toks = append(toks, token{kind: tOp, text: op})
			i += len(op)
		}
	}
	toks = append(toks, token{kind: tEOF})
	return toks, params, nil
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isIdentPart(c byte) bool { return isIdentStart(c) || c == '$' || c >= '0' && c <= '9' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// scanNumber returns the end of the number starting at i: digits, an
// optional fraction and an optional exponent.
func scanNumber(src string, i int) int {
	for i < len(src) && isDigit(src[i]) {
		i++
	}
	if i < len(src) && src[i] == '.' {
		i++
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && isDigit(src[j]) {
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			i = j
		}
	}
	return i
}

// scanQuoted reads the quoted text starting at src[i]; a doubled quote
// stands for one.
func scanQuoted(src string, i int) (string, int, bool) {
	q := src[i]
	var b strings.Builder
	j := i + 1
	for j < len(src) {
		if src[j] == q {
			if j+1 < len(src) && src[j+1] == q {
				b.WriteByte(q)
				j += 2
				continue
			}
			return b.String(), j + 1, true
		}
		b.WriteByte(src[j])
		j++
	}
	return "", j, false
}

var ops = []string{"<<", ">>", "<=", ">=", "<>", "!=", "=", "<", ">", "(", ")", "[", "]", "{", "}", ",", ".", ":", ";", "*", "+", "-"}

func scanOp(s string) string {
	for _, op := range ops {
		if strings.HasPrefix(s, op) {
			return op
		}
	}
	return ""
}
