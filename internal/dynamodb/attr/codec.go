package attr

import (
	"encoding/binary"
	"errors"
)

// The storage codec: a compact binary form of an Item, for the KV store.
//
// Layout (version 1), all lengths and counts as unsigned varints:
//
//	item  = version(0x01) count { name value }     names sorted bytewise
//	name  = len bytes
//	value = tag payload
//	  S, N, B   len bytes                          N in canonical text
//	  false, true, NULL                            no payload
//	  SS, NS    count { len bytes }
//	  BS        count { len bytes }
//	  L         count { value }
//	  M         count { name value }                names sorted bytewise
//
// Encoding the same item always gives the same bytes. Decoding checks every
// length against the input and never panics on corrupt input; it shares one
// copy of the input among all decoded strings, and one among all binaries.

const codecV1 = 0x01

// Value tags. Never renumber: they are stored.
const (
	tagS     = 1
	tagN     = 2
	tagB     = 3
	tagFalse = 4
	tagTrue  = 5
	tagNULL  = 6
	tagSS    = 7
	tagNS    = 8
	tagBS    = 9
	tagL     = 10
	tagM     = 11
)

// maxCodecDepth bounds decoding recursion. Stored items nest at most
// MaxDepth levels; the margin leaves room for items built internally.
const maxCodecDepth = 4 * MaxDepth

// ErrCorrupt is returned by DecodeItem and DecodeValue for bytes that are not
// a valid encoding.
var ErrCorrupt = errors.New("attr: corrupt item encoding")

// AppendItem appends the binary encoding of it to dst.
func AppendItem(dst []byte, it Item) []byte {
	dst = append(dst, codecV1)
	return appendMap(dst, it)
}

// AppendValue appends the binary encoding of one value (with the version
// byte) to dst.
func AppendValue(dst []byte, v Value) []byte {
	dst = append(dst, codecV1)
	return appendValue(dst, v)
}

func appendMap(dst []byte, m map[string]Value) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(m)))
	switch len(m) {
	case 0:
		return dst
	case 1:
		for name, v := range m {
			dst = appendBytes(dst, name)
			dst = appendValue(dst, v)
		}
		return dst
	}
	var buf [16]string
	for _, name := range sortedNames(m, buf[:0]) {
		dst = appendBytes(dst, name)
		dst = appendValue(dst, m[name])
	}
	return dst
}

func appendBytes[T string | []byte](dst []byte, s T) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

func appendValue(dst []byte, v Value) []byte {
	switch v.Kind {
	case S:
		dst = append(dst, tagS)
		return appendBytes(dst, v.Str)
	case N:
		dst = append(dst, tagN)
		return appendBytes(dst, v.Str)
	case B:
		dst = append(dst, tagB)
		return appendBytes(dst, v.Bytes)
	case BOOL:
		if v.Bool {
			return append(dst, tagTrue)
		}
		return append(dst, tagFalse)
	case NULL:
		return append(dst, tagNULL)
	case SS, NS:
		if v.Kind == SS {
			dst = append(dst, tagSS)
		} else {
			dst = append(dst, tagNS)
		}
		dst = binary.AppendUvarint(dst, uint64(len(v.Strs)))
		for _, s := range v.Strs {
			dst = appendBytes(dst, s)
		}
		return dst
	case BS:
		dst = append(dst, tagBS)
		dst = binary.AppendUvarint(dst, uint64(len(v.Bins)))
		for _, b := range v.Bins {
			dst = appendBytes(dst, b)
		}
		return dst
	case L:
		dst = append(dst, tagL)
		dst = binary.AppendUvarint(dst, uint64(len(v.List)))
		for _, e := range v.List {
			dst = appendValue(dst, e)
		}
		return dst
	case M:
		dst = append(dst, tagM)
		return appendMap(dst, v.Map)
	}
	// A zero Value has no encoding; store it as NULL rather than corrupt the
	// item. Callers never store one (the wire decoder rejects them).
	return append(dst, tagNULL)
}

// DecodeItem decodes an item encoded by AppendItem.
func DecodeItem(b []byte) (Item, error) {
	if len(b) == 0 || b[0] != codecV1 {
		return nil, ErrCorrupt
	}
	d := codecDecoder{b: b, i: 1, s: string(b)}
	m, err := d.mapBody(0)
	if err != nil {
		return nil, err
	}
	if d.i != len(b) {
		return nil, ErrCorrupt
	}
	return Item(m), nil
}

// DecodeValue decodes a value encoded by AppendValue.
func DecodeValue(b []byte) (Value, error) {
	if len(b) == 0 || b[0] != codecV1 {
		return Value{}, ErrCorrupt
	}
	d := codecDecoder{b: b, i: 1, s: string(b)}
	v, err := d.value(0)
	if err != nil {
		return Value{}, err
	}
	if d.i != len(b) {
		return Value{}, ErrCorrupt
	}
	return v, nil
}

type codecDecoder struct {
	b    []byte
	i    int
	s    string // b as one string: decoded strings are slices of it
	bins []byte // b copied once, on the first binary: decoded binaries are slices of it
}

func (d *codecDecoder) uvarint() (int, error) {
	x, n := binary.Uvarint(d.b[d.i:])
	if n <= 0 || x > uint64(len(d.b)) {
		return 0, ErrCorrupt
	}
	d.i += n
	return int(x), nil
}

// count reads an element count; each element takes at least one byte, so a
// count beyond the bytes left is corrupt (and never allocates a huge slice).
func (d *codecDecoder) count() (int, error) {
	n, err := d.uvarint()
	if err != nil || n > len(d.b)-d.i {
		return 0, ErrCorrupt
	}
	return n, nil
}

// span reads a length-prefixed byte range and returns its bounds.
func (d *codecDecoder) span() (int, int, error) {
	n, err := d.uvarint()
	if err != nil || n > len(d.b)-d.i {
		return 0, 0, ErrCorrupt
	}
	start := d.i
	d.i += n
	return start, d.i, nil
}

func (d *codecDecoder) str() (string, error) {
	i, j, err := d.span()
	if err != nil {
		return "", err
	}
	return d.s[i:j], nil
}

func (d *codecDecoder) bytes() ([]byte, error) {
	i, j, err := d.span()
	if err != nil {
		return nil, err
	}
	if d.bins == nil {
		d.bins = append([]byte(nil), d.b...)
	}
	// Full slice expression: appending to one binary never overwrites the next.
	return d.bins[i:j:j], nil
}

func (d *codecDecoder) mapBody(depth int) (map[string]Value, error) {
	n, err := d.count()
	if err != nil {
		return nil, err
	}
	m := make(map[string]Value, n)
	prev := ""
	for k := range n {
		name, err := d.str()
		if err != nil {
			return nil, err
		}
		// Names are written sorted and unique; anything else is corrupt.
		if k > 0 && name <= prev {
			return nil, ErrCorrupt
		}
		prev = name
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		m[name] = v
	}
	return m, nil
}

func (d *codecDecoder) value(depth int) (Value, error) {
	if depth > maxCodecDepth || d.i >= len(d.b) {
		return Value{}, ErrCorrupt
	}
	tag := d.b[d.i]
	d.i++
	var v Value
	var err error
	switch tag {
	case tagS:
		v.Kind = S
		v.Str, err = d.str()
	case tagN:
		v.Kind = N
		v.Str, err = d.str()
	case tagB:
		v.Kind = B
		v.Bytes, err = d.bytes()
	case tagFalse:
		v.Kind = BOOL
	case tagTrue:
		v.Kind, v.Bool = BOOL, true
	case tagNULL:
		v.Kind = NULL
	case tagSS, tagNS:
		v.Kind = SS
		if tag == tagNS {
			v.Kind = NS
		}
		var n int
		if n, err = d.count(); err != nil {
			break
		}
		v.Strs = make([]string, n)
		for k := range n {
			if v.Strs[k], err = d.str(); err != nil {
				break
			}
		}
	case tagBS:
		v.Kind = BS
		var n int
		if n, err = d.count(); err != nil {
			break
		}
		v.Bins = make([][]byte, n)
		for k := range n {
			if v.Bins[k], err = d.bytes(); err != nil {
				break
			}
		}
	case tagL:
		v.Kind = L
		var n int
		if n, err = d.count(); err != nil {
			break
		}
		v.List = make([]Value, n)
		for k := range n {
			if v.List[k], err = d.value(depth + 1); err != nil {
				break
			}
		}
	case tagM:
		v.Kind = M
		v.Map, err = d.mapBody(depth + 1)
	default:
		return Value{}, ErrCorrupt
	}
	if err != nil {
		return Value{}, err
	}
	return v, nil
}
