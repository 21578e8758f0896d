package attr

import (
	"unicode/utf16"
	"unicode/utf8"
)

// Low-level JSON reading for the wire decoder: space, separators, strings
// (with escapes and surrogate pairs) and skipping unknown values.
func (d *jsonDecoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *jsonDecoder) peek() byte {
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

func (d *jsonDecoder) literal(lit string) bool {
	if len(d.b)-d.i >= len(lit) && string(d.b[d.i:d.i+len(lit)]) == lit {
		d.i += len(lit)
		return true
	}
	return false
}

// expect consumes c after optional space.
func (d *jsonDecoder) expect(c byte) error {
	d.ws()
	if d.peek() != c {
		return syntaxError()
	}
	d.i++
	return nil
}

// next reads the separator after a member or element: it reports true for
// ',' and false for the closing byte.
func (d *jsonDecoder) next(closing byte) (more bool, err error) {
	d.ws()
	switch d.peek() {
	case ',':
		d.i++
		return true, nil
	case closing:
		d.i++
		return false, nil
	}
	return false, syntaxError()
}

// key reads an object member name, returning the raw bytes when it has no
// escapes (the usual case, and no allocation).
func (d *jsonDecoder) key() ([]byte, error) {
	if d.peek() != '"' {
		return nil, syntaxError()
	}
	for j := d.i + 1; j < len(d.b); j++ {
		c := d.b[j]
		if c == '"' {
			k := d.b[d.i+1 : j]
			d.i = j + 1
			return k, nil
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			break
		}
	}
	s, err := d.stringAt()
	return []byte(s), err
}

// stringAt reads the JSON string at the cursor. Invalid UTF-8 becomes
// U+FFFD, as encoding/json does.
func (d *jsonDecoder) stringAt() (string, error) {
	if d.peek() != '"' {
		return "", syntaxError()
	}
	start := d.i + 1
	ascii := true
	for j := start; j < len(d.b); j++ {
		c := d.b[j]
		switch {
		case c == '"':
			seg := d.b[start:j]
			if !ascii && !utf8.Valid(seg) {
				goto slow
			}
			d.i = j + 1
			// Slice one string copy of the whole input rather than allocate
			// per string: decoded values keep the input alive, which is
			// cheap next to one allocation per attribute.
			if d.s == "" {
				d.s = string(d.b)
			}
			return d.s[start:j], nil
		case c == '\\':
			goto slow
		case c < 0x20:
			return "", syntaxError()
		case c >= 0x80:
			ascii = false
		}
	}
	return "", syntaxError()
slow:
	return d.stringSlow(start)
}

func (d *jsonDecoder) stringSlow(start int) (string, error) {
	buf := make([]byte, 0, 64)
	j := start
	for j < len(d.b) {
		c := d.b[j]
		switch {
		case c == '"':
			d.i = j + 1
			return string(buf), nil
		case c < 0x20:
			return "", syntaxError()
		case c == '\\':
			j++
			if j >= len(d.b) {
				return "", syntaxError()
			}
			switch d.b[j] {
			case '"', '\\', '/':
				buf = append(buf, d.b[j])
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, ok := hex4(d.b[j+1:])
				if !ok {
					return "", syntaxError()
				}
				j += 4
				if utf16.IsSurrogate(r) {
					r2, ok := rune(-1), false
					if j+2 < len(d.b) && d.b[j+1] == '\\' && d.b[j+2] == 'u' {
						r2, ok = hex4(d.b[j+3:])
					}
					if ok {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							r = dec
							j += 6
						} else {
							r = utf8.RuneError
						}
					} else {
						r = utf8.RuneError
					}
				}
				buf = utf8.AppendRune(buf, r)
			default:
				return "", syntaxError()
			}
			j++
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			j++
		default:
			r, size := utf8.DecodeRune(d.b[j:])
			buf = utf8.AppendRune(buf, r) // RuneError for invalid bytes
			j += size
		}
	}
	return "", syntaxError()
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// skipValue skips any JSON value, checking its syntax, without recursion
// (a value skipped for being too deep may be nested arbitrarily).
func (d *jsonDecoder) skipValue() error {
	var stack []byte
	for {
		d.ws()
		switch c := d.peek(); {
		case c == '{':
			d.i++
			d.ws()
			if d.peek() == '}' {
				d.i++
				break
			}
			stack = append(stack, '}')
			if err := d.skipMemberName(); err != nil {
				return err
			}
			continue
		case c == '[':
			d.i++
			d.ws()
			if d.peek() == ']' {
				d.i++
				break
			}
			stack = append(stack, ']')
			continue
		case c == '"':
			if _, err := d.stringAt(); err != nil {
				return err
			}
		case c == 't':
			if !d.literal("true") {
				return syntaxError()
			}
		case c == 'f':
			if !d.literal("false") {
				return syntaxError()
			}
		case c == 'n':
			if !d.literal("null") {
				return syntaxError()
			}
		case c == '-' || isDigit(c):
			if err := d.skipNumber(); err != nil {
				return err
			}
		default:
			return syntaxError()
		}
		// A value ended: close containers until one continues.
		for {
			if len(stack) == 0 {
				return nil
			}
			top := stack[len(stack)-1]
			more, err := d.next(top)
			if err != nil {
				return err
			}
			if more {
				if top == '}' {
					if err := d.skipMemberName(); err != nil {
						return err
					}
				}
				break
			}
			stack = stack[:len(stack)-1]
		}
	}
}

func (d *jsonDecoder) skipMemberName() error {
	d.ws()
	if _, err := d.stringAt(); err != nil {
		return err
	}
	return d.expect(':')
}

// skipNumber consumes a JSON number.
func (d *jsonDecoder) skipNumber() error {
	j := d.i
	if j < len(d.b) && d.b[j] == '-' {
		j++
	}
	digits := func() bool {
		s := j
		for j < len(d.b) && isDigit(d.b[j]) {
			j++
		}
		return j > s
	}
	intStart := j
	if !digits() || (d.b[intStart] == '0' && j-intStart > 1) {
		return syntaxError()
	}
	if j < len(d.b) && d.b[j] == '.' {
		j++
		if !digits() {
			return syntaxError()
		}
	}
	if j < len(d.b) && (d.b[j] == 'e' || d.b[j] == 'E') {
		j++
		if j < len(d.b) && (d.b[j] == '+' || d.b[j] == '-') {
			j++
		}
		if !digits() {
			return syntaxError()
		}
	}
	d.i = j
	return nil
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
