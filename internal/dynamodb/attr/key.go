package attr

import (
	"errors"
	"strings"
)

// Order-preserving key encodings: for two key values a and b of the same
// type, bytes.Compare(enc(a), enc(b)) == Compare(a, b).
//
// Two forms exist:
//
//   - The final form (AppendKey, DecodeKey) is for the last component of a
//     storage key. S is its UTF-8 bytes and B its raw bytes, unchanged, so a
//     begins_with on the value is a prefix scan on the encoding.
//   - The component form (AppendKeyComponent, DecodeKeyComponent) is
//     self-delimiting, for components followed by others (the partition key
//     before the sort key, an index key before the table key). S and B have
//     every 0x00 byte escaped as 0x00 0xFF and end with the terminator
//     0x00 0x01, which sorts below any continuation: a value sorts before
//     every longer value it prefixes, as in the final form.
//
// N is the same in both forms, self-delimiting:
//
//	zero      0x02
//	positive  0x03, exponent byte, digit pairs, 0x01
//	negative  0x01, ^exponent byte, ^digit pairs, 0xFE
//
// where the exponent byte is the exponent of the leading digit plus 130
// (0 to 255 over DynamoDB's range) and the significant digits (no leading or
// trailing zeros) are packed two to a byte as 2+10*d1+d2, an odd last digit
// padded with 0. The terminator 0x01 sorts below every pair, so a number
// whose digits prefix another's is smaller; a negative number inverts every
// byte after the class, reversing the order.
//
// Keys are only ever S, N or B; AppendKey panics on another kind, a
// programming error since the wire decoder and key schema checks come first.

const (
	numNeg  = 0x01
	numZero = 0x02
	numPos  = 0x03
	numEnd  = 0x01
)

var errKey = errors.New("attr: corrupt key encoding")

// AppendKey appends the final-form encoding of the key value v.
func AppendKey(dst []byte, v Value) []byte {
	switch v.Kind {
	case S:
		return append(dst, v.Str...)
	case B:
		return append(dst, v.Bytes...)
	case N:
		return appendNumberKey(dst, v.Str)
	}
	panic("attr.AppendKey: " + v.Kind.String() + " is not a key type")
}

// AppendKeyComponent appends the self-delimiting encoding of the key value v.
func AppendKeyComponent(dst []byte, v Value) []byte {
	switch v.Kind {
	case S:
		return appendEscaped(dst, v.Str)
	case B:
		return appendEscaped(dst, v.Bytes)
	case N:
		return appendNumberKey(dst, v.Str)
	}
	panic("attr.AppendKeyComponent: " + v.Kind.String() + " is not a key type")
}

func appendEscaped[T string | []byte](dst []byte, s T) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			dst = append(dst, 0x00, 0xFF)
		} else {
			dst = append(dst, s[i])
		}
	}
	return append(dst, 0x00, 0x01)
}

func appendNumberKey(dst []byte, s string) []byte {
	neg, hi, lo, adj, ok := numberDigits(s)
	if !ok {
		panic("attr.AppendKey: invalid number " + s)
	}
	n := len(hi) + len(lo)
	if n == 0 {
		return append(dst, numZero)
	}
	digit := func(i int) byte {
		if i < len(hi) {
			return hi[i] - '0'
		}
		return lo[i-len(hi)] - '0'
	}
	var flip byte
	if neg {
		flip = 0xFF
		dst = append(dst, numNeg)
	} else {
		dst = append(dst, numPos)
	}
	dst = append(dst, byte(adj-MinNumberAdjExp)^flip)
	for i := 0; i < n; i += 2 {
		d1 := digit(i)
		var d2 byte
		if i+1 < n {
			d2 = digit(i + 1)
		}
		dst = append(dst, (2+10*d1+d2)^flip)
	}
	return append(dst, numEnd^flip)
}

// DecodeKey decodes a final-form key of the given kind: b is the whole
// encoding. Numbers come back canonical.
func DecodeKey(kind Kind, b []byte) (Value, error) {
	switch kind {
	case S:
		return Value{Kind: S, Str: string(b)}, nil
	case B:
		return Value{Kind: B, Bytes: append([]byte{}, b...)}, nil
	case N:
		v, rest, err := decodeNumberKey(b)
		if err == nil && len(rest) != 0 {
			err = errKey
		}
		return v, err
	}
	return Value{}, errKey
}

// DecodeKeyComponent decodes a component-form key of the given kind at the
// start of b and returns the bytes after it.
func DecodeKeyComponent(kind Kind, b []byte) (v Value, rest []byte, err error) {
	switch kind {
	case S, B:
		out, rest, err := unescape(b)
		if err != nil {
			return Value{}, nil, err
		}
		if kind == S {
			return Value{Kind: S, Str: string(out)}, rest, nil
		}
		return Value{Kind: B, Bytes: out}, rest, nil
	case N:
		return decodeNumberKey(b)
	}
	return Value{}, nil, errKey
}

func unescape(b []byte) (out, rest []byte, err error) {
	out = []byte{}
	for i := 0; i < len(b); i++ {
		if b[i] != 0 {
			out = append(out, b[i])
			continue
		}
		if i+1 >= len(b) {
			return nil, nil, errKey
		}
		switch b[i+1] {
		case 0xFF:
			out = append(out, 0)
			i++
		case 0x01:
			return out, b[i+2:], nil
		default:
			return nil, nil, errKey
		}
	}
	return nil, nil, errKey
}

func decodeNumberKey(b []byte) (Value, []byte, error) {
	if len(b) == 0 {
		return Value{}, nil, errKey
	}
	var flip byte
	switch b[0] {
	case numZero:
		return Value{Kind: N, Str: "0"}, b[1:], nil
	case numPos:
	case numNeg:
		flip = 0xFF
	default:
		return Value{}, nil, errKey
	}
	if len(b) < 3 {
		return Value{}, nil, errKey
	}
	adj := int(b[1]^flip) + MinNumberAdjExp
	var digits strings.Builder
	i := 2
	for ; ; i++ {
		if i >= len(b) {
			return Value{}, nil, errKey
		}
		c := b[i] ^ flip
		if c == numEnd {
			break
		}
		if c < 2 || c > 101 {
			return Value{}, nil, errKey
		}
		c -= 2
		digits.WriteByte('0' + c/10)
		digits.WriteByte('0' + c%10)
	}
	ds := strings.TrimRight(digits.String(), "0")
	if ds == "" || ds[0] == '0' {
		return Value{}, nil, errKey
	}
	s, err := formatNumber(flip != 0, ds, adj-len(ds)+1)
	if err != nil {
		return Value{}, nil, errKey
	}
	return Value{Kind: N, Str: s}, b[i+1:], nil
}
