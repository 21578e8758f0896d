package attr

import (
	"encoding/base64"
	"unicode/utf8"
)

// The DynamoDB JSON encoder: the response side of wire.go.
// AppendJSON appends v as DynamoDB JSON. Maps are written with their names
// sorted so output is deterministic. A zero Value is written as {}.
func AppendJSON(dst []byte, v Value) []byte {
	switch v.Kind {
	case S:
		dst = append(dst, `{"S":`...)
		dst = appendString(dst, v.Str)
	case N:
		dst = append(dst, `{"N":`...)
		dst = appendString(dst, v.Str)
	case B:
		dst = append(dst, `{"B":"`...)
		dst = base64.StdEncoding.AppendEncode(dst, v.Bytes)
		dst = append(dst, '"')
	case BOOL:
		if v.Bool {
			return append(dst, `{"BOOL":true}`...)
		}
		return append(dst, `{"BOOL":false}`...)
	case NULL:
		return append(dst, `{"NULL":true}`...)
	case SS, NS:
		if v.Kind == SS {
			dst = append(dst, `{"SS":[`...)
		} else {
			dst = append(dst, `{"NS":[`...)
		}
		for i, s := range v.Strs {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, s)
		}
		dst = append(dst, ']')
	case BS:
		dst = append(dst, `{"BS":[`...)
		for i, b := range v.Bins {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, '"')
			dst = base64.StdEncoding.AppendEncode(dst, b)
			dst = append(dst, '"')
		}
		dst = append(dst, ']')
	case L:
		dst = append(dst, `{"L":[`...)
		for i, e := range v.List {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendJSON(dst, e)
		}
		dst = append(dst, ']')
	case M:
		dst = append(dst, `{"M":`...)
		dst = AppendItemJSON(dst, v.Map)
	default:
		return append(dst, "{}"...)
	}
	return append(dst, '}')
}

// AppendItemJSON appends an item (or an M's map) as a DynamoDB JSON object,
// names sorted.
func AppendItemJSON(dst []byte, it map[string]Value) []byte {
	dst = append(dst, '{')
	var buf [16]string
	names := sortedNames(it, buf[:0])
	for i, name := range names {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, name)
		dst = append(dst, ':')
		dst = AppendJSON(dst, it[name])
	}
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// needsAttention reports whether any of the 8 bytes in x is < 0x20, '"',
// '\\' or >= 0x80 (the classic SWAR zero-byte tests).
func needsAttention(x uint64) bool {
	hasZero := func(v uint64) uint64 { return (v - lsb) &^ v & msb }
	lt20 := (x - 0x20*lsb) &^ x & msb
	return (lt20 | hasZero(x^('"'*lsb)) | hasZero(x^('\\'*lsb)) | x&msb) != 0
}

// appendString appends s as a JSON string, escaping only what JSON requires
// (and invalid UTF-8 as U+FFFD, so output is always valid JSON).
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	i := 0
	// Fast path: skip 8 bytes at a time while none needs attention (no
	// control byte, quote, backslash or non-ASCII byte), the common case for
	// item text.
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if needsAttention(x) {
			break
		}
	}
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
