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

// reserved are PartiQL's keywords (SQL-92's and PartiQL's own), which
// DynamoDB's parser refuses as unquoted names: "date" or "value" must be
// written "date" and "value".
var reserved = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range strings.Fields(keywords) {
		m[strings.ToUpper(k)] = true
	}
	return m
}()

const keywords = `absolute action add all allocate alter and any are as
asc assertion at authorization avg begin between bit bit_length by
cascade cascaded case cast catalog char character character_length char_length check
close coalesce collate collation column commit connect connection constraint constraints
continue convert corresponding count create cross current current_date current_time current_timestamp
current_user cursor date deallocate dec decimal declare default deferrable deferred
delete desc describe descriptor diagnostics disconnect distinct domain double drop
else end end-exec escape except exception exec execute exists external
extract date_add date_diff false fetch first float for foreign found
from full get global go goto grant group having identity
immediate in indicator initially inner input insensitive insert int integer
intersect interval into is isolation join key language last left
level like local lower match max min module names national
natural nchar next no not null nullif numeric octet_length of
on only open option or order outer output overlaps pad
partial position precision prepare preserve primary prior privileges procedure public
read real references relative restrict revoke right rollback rows schema
scroll section select session session_user set size smallint some space
sql sqlcode sqlerror sqlstate substring sum system_user table temporary then
time timestamp to transaction translate translation trim true union unique
unknown update upper usage user using value values varchar varying
view when whenever where with work write zone can_cast can_lossless_cast
missing pivot unpivot limit offset tuple remove index let integer2
int2 integer4 int4 integer8 int8 bigint conflict do nothing returning
modified new old bool boolean string symbol clob blob struct
list sexp bag`

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
				return nil, 0, malformed(detLexer)
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
				return nil, 0, malformed(detLexer)
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
				return nil, 0, malformed(detLexer)
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
