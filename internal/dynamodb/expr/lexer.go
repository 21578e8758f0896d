package expr

import "unicode/utf8"

type tokKind uint8

const (
	tEOF     tokKind = iota
	tIdent           // attribute or function name, or a keyword: a, begins_with, AND
	tName            // expression attribute name: #n
	tValue           // expression attribute value: :v
	tNumber          // list index digits: 0, 12
	tLParen          // (
	tRParen          // )
	tLBrack          // [
	tRBrack          // ]
	tComma           // ,
	tDot             // .
	tEq              // =
	tNe              // <>
	tLt              // <
	tLe              // <=
	tGt              // >
	tGe              // >=
	tPlus            // +
	tMinus           // -
	tIllegal         // any other character, alone: ! * / é #
)

// A token is a span of the source. Its text is src[start:end]; the end-of-
// input token is empty and sits at len(src).
type token struct {
	kind       tokKind
	start, end int
}

func isIdentStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

func isIdentPart(c byte) bool { return isIdentStart(c) || '0' <= c && c <= '9' }

// lex splits src into tokens, ending with tEOF. It never fails: a character
// the language has no use for becomes a tIllegal token of its own, so the
// parser reports it as DynamoDB does ("Syntax error; token: "!", ...").
// A '#' or ':' not followed by a name character is such a token too.
func lex(src string) []token {
	toks := make([]token, 0, len(src)/3+2)
	i := 0
	for i < len(src) {
		c := src[i]
		start := i
		var k tokKind
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case isIdentStart(c):
			for i++; i < len(src) && isIdentPart(src[i]); i++ {
			}
			k = tIdent
		case '0' <= c && c <= '9':
			for i++; i < len(src) && '0' <= src[i] && src[i] <= '9'; i++ {
			}
			k = tNumber
		case c == '#' || c == ':':
			j := i + 1
			for j < len(src) && isIdentPart(src[j]) {
				j++
			}
			if j == i+1 {
				i++
				k = tIllegal
				break
			}
			i = j
			k = tName
			if c == ':' {
				k = tValue
			}
		case c == '<':
			i++
			k = tLt
			if i < len(src) && src[i] == '=' {
				i++
				k = tLe
			} else if i < len(src) && src[i] == '>' {
				i++
				k = tNe
			}
		case c == '>':
			i++
			k = tGt
			if i < len(src) && src[i] == '=' {
				i++
				k = tGe
			}
		default:
			i++
			switch c {
			case '(':
				k = tLParen
			case ')':
				k = tRParen
			case '[':
				k = tLBrack
			case ']':
				k = tRBrack
			case ',':
				k = tComma
			case '.':
				k = tDot
			case '=':
				k = tEq
			case '+':
				k = tPlus
			case '-':
				k = tMinus
			default:
				k = tIllegal
				if c >= utf8.RuneSelf {
					_, n := utf8.DecodeRuneInString(src[start:])
					i = start + n
				}
			}
		}
		toks = append(toks, token{kind: k, start: start, end: i})
	}
	return append(toks, token{kind: tEOF, start: len(src), end: len(src)})
}
