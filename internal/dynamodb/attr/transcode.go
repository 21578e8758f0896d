package attr

import (
	"encoding/base64"
	"unsafe"
)

// TranscodeJSON appends the DynamoDB JSON of an item stored by AppendItem,
// straight from its binary form, and returns the item's size (ItemSize). It
// is what a read without projection or filter sends back: no maps are built
// and nothing is sorted (stored names are already in order), so it costs a
// fraction of DecodeItem plus AppendItemJSON and produces the same bytes.
func TranscodeJSON(dst, enc []byte) ([]byte, int, error) {
	if len(enc) == 0 || enc[0] != codecV1 {
		return dst, 0, ErrCorrupt
	}
	t := transcoder{d: codecDecoder{b: enc, i: 1}}
	dst, size, err := t.mapBody(dst, 0)
	if err != nil {
		return dst, 0, err
	}
	if t.d.i != len(enc) {
		return dst, 0, ErrCorrupt
	}
	return dst, size, nil
}

type transcoder struct{ d codecDecoder }

// str reads a length-prefixed range as a string that aliases the input;
// it only lives until it is appended.
func (t *transcoder) str() (string, error) {
	i, j, err := t.d.span()
	if err != nil {
		return "", err
	}
	if i == j {
		return "", nil
	}
	return unsafe.String(&t.d.b[i], j-i), nil
}

func (t *transcoder) raw() ([]byte, error) {
	i, j, err := t.d.span()
	if err != nil {
		return nil, err
	}
	return t.d.b[i:j], nil
}

// mapBody writes {"name":value,...} and returns the entries' size (names
// plus values, without the map's own overhead).
func (t *transcoder) mapBody(dst []byte, depth int) ([]byte, int, error) {
	n, err := t.d.count()
	if err != nil {
		return dst, 0, err
	}
	dst = append(dst, '{')
	size := 0
	var prev string
	for k := range n {
		if k > 0 {
			dst = append(dst, ',')
		}
		name, err := t.str()
		if err != nil {
			return dst, 0, err
		}
		if k > 0 && name <= prev {
			return dst, 0, ErrCorrupt // names are stored sorted and unique
		}
		prev = name
		dst = appendString(dst, name)
		dst = append(dst, ':')
		var vs int
		if dst, vs, err = t.value(dst, depth); err != nil {
			return dst, 0, err
		}
		size += len(name) + vs
	}
	return append(dst, '}'), size, nil
}

func (t *transcoder) value(dst []byte, depth int) ([]byte, int, error) {
	d := &t.d
	if depth > maxCodecDepth || d.i >= len(d.b) {
		return dst, 0, ErrCorrupt
	}
	tag := d.b[d.i]
	d.i++
	switch tag {
	case tagS, tagN:
		s, err := t.str()
		if err != nil {
			return dst, 0, err
		}
		if tag == tagS {
			dst = append(dst, `{"S":`...)
			dst = appendString(dst, s)
			return append(dst, '}'), len(s), nil
		}
		dst = append(dst, `{"N":`...)
		dst = appendString(dst, s)
		return append(dst, '}'), NumberSize(s), nil
	case tagB:
		b, err := t.raw()
		if err != nil {
			return dst, 0, err
		}
		dst = append(dst, `{"B":"`...)
		dst = base64.StdEncoding.AppendEncode(dst, b)
		return append(dst, '"', '}'), len(b), nil
	case tagFalse:
		return append(dst, `{"BOOL":false}`...), 1, nil
	case tagTrue:
		return append(dst, `{"BOOL":true}`...), 1, nil
	case tagNULL:
		return append(dst, `{"NULL":true}`...), 1, nil
	case tagSS, tagNS, tagBS:
		n, err := d.count()
		if err != nil {
			return dst, 0, err
		}
		switch tag {
		case tagSS:
			dst = append(dst, `{"SS":[`...)
		case tagNS:
			dst = append(dst, `{"NS":[`...)
		default:
			dst = append(dst, `{"BS":[`...)
		}
		size := 0
		for k := range n {
			if k > 0 {
				dst = append(dst, ',')
			}
			if tag == tagBS {
				b, err := t.raw()
				if err != nil {
					return dst, 0, err
				}
				dst = append(dst, '"')
				dst = base64.StdEncoding.AppendEncode(dst, b)
				dst = append(dst, '"')
				size += len(b)
				continue
			}
			s, err := t.str()
			if err != nil {
				return dst, 0, err
			}
			dst = appendString(dst, s)
			if tag == tagNS {
				size += NumberSize(s)
			} else {
				size += len(s)
			}
		}
		return append(dst, ']', '}'), size, nil
	case tagL:
		n, err := d.count()
		if err != nil {
			return dst, 0, err
		}
		dst = append(dst, `{"L":[`...)
		size := 3
		for k := range n {
			if k > 0 {
				dst = append(dst, ',')
			}
			var es int
			if dst, es, err = t.value(dst, depth+1); err != nil {
				return dst, 0, err
			}
			size += 1 + es
		}
		return append(dst, ']', '}'), size, nil
	case tagM:
		dst = append(dst, `{"M":`...)
		// Size of a map: 3 plus, per entry, 1 + name + value. mapBody returns
		// names plus values; count the entries separately.
		save := d.i
		cnt, err := d.count()
		if err != nil {
			return dst, 0, err
		}
		d.i = save
		var body int
		if dst, body, err = t.mapBody(dst, depth+1); err != nil {
			return dst, 0, err
		}
		return append(dst, '}'), 3 + cnt + body, nil
	}
	return dst, 0, ErrCorrupt
}
