package attr

import (
	"encoding/base64"
	"strings"
	"sync"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
)

// The wire codec reads and writes DynamoDB JSON ({"S": "x"}, {"M": {...}}).
//
// Errors follow DynamoDB's two stages. Malformed JSON and members of the
// wrong JSON type are SerializationExceptions, found while reading, and stop
// the decode at once. Everything else (an empty AttributeValue, a bad number,
// an empty or duplicated set, NULL:false, nesting deeper than 32 levels) is a
// ValidationException found once the value is read: the decoder remembers
// the first one and keeps reading, so a SerializationException later in the
// same document still wins, as it does on DynamoDB.
//
// Unknown members of an AttributeValue are ignored and a JSON null member
// counts as absent, as the AWS JSON protocol does.

// MaxDepth is the deepest an attribute value may nest: a top-level attribute
// is level 1 and each L or M adds one, so 31 wrapping maps around a scalar
// are accepted and 32 are rejected.
const MaxDepth = 32

const (
	msgEmptyValue = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
	msgMultiValue = "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
	msgInvalid    = "One or more parameter values were invalid: "
	msgNullFalse  = msgInvalid + "Null attribute value types must have the value of true"
	// DynamoDB's own text has the article "An" and the double space.
	msgEmptySS = msgInvalid + "An string set  may not be empty"
	msgEmptyNS = msgInvalid + "An number set  may not be empty"
	msgEmptyBS = msgInvalid + "Binary sets should not be empty"
	// For null members. Empty strings and binaries are allowed in sets since
	// 2020; these are the messages DynamoDB gave for empty members before.
	msgNullSS  = msgInvalid + "An string set may not have a empty string as a member"
	msgNullBS  = msgInvalid + "Binary sets may not contain null or empty values"
	msgDupNS   = "Input collection contains duplicates"
	msgNesting = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"
)

// SerializationException messages, as DynamoDB's JSON reader words them for
// each target type (String, Boolean, Blob, List, Map, AttributeValue).
const (
	msgObjectNotExpected = "Start of structure or map found where not expected"
	msgFieldType         = "Unexpected field type"
	msgValueType         = "Unexpected value type in payload"
	msgListAsString      = "Unrecognized collection type class java.lang.String"
	msgListAsBoolean     = "Unrecognized collection type class java.lang.Boolean"
	msgListAsBlob        = "Unrecognized collection type class java.nio.ByteBuffer"
	msgListAsValue       = "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue"
	msgListAsMap         = "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>"
	msgStringAsBoolean   = "Unexpected token received from parser"
	msgNotBase64String   = "only base-64-encoded strings are convertible to bytes"
	msgBase64Length      = "Base64 encoded length is expected a multiple of 4 bytes but found: "
	msgBase64LastChar    = "Invalid last non-pad Base64 character dectected" // sic
	msgBase64Char        = "Invalid Base64 character: "
)

func serialization(msg string) *awserr.Error { return awserr.New("SerializationException", msg) }

// syntaxError is what DynamoDB returns for JSON it cannot parse: a
// SerializationException without a message.
func syntaxError() *awserr.Error { return &awserr.Error{Code: "SerializationException"} }

// scratchPool recycles decoders' scratch stacks.
var scratchPool = sync.Pool{New: func() any { s := make([]Value, 0, 32); return &s }}

func (d *jsonDecoder) release() {
	if d.scratch != nil && cap(d.vals) <= 1024 {
		*d.scratch = d.vals[:0]
		scratchPool.Put(d.scratch)
	}
}

func newDecoder(data []byte) jsonDecoder {
	sp := scratchPool.Get().(*[]Value)
	return jsonDecoder{b: data, vals: *sp, scratch: sp}
}

// UnmarshalJSON decodes one DynamoDB JSON AttributeValue. A JSON null leaves
// v unchanged. Errors are *awserr.Error (see the package comment on wire.go).
func (v *Value) UnmarshalJSON(data []byte) error {
	d := newDecoder(data)
	defer d.release()
	d.ws()
	if d.literal("null") {
		return d.end()
	}
	val, err := d.attributeValue(1)
	if err != nil {
		return err
	}
	if err := d.end(); err != nil {
		return err
	}
	*v = val
	return nil
}

// UnmarshalJSON decodes a DynamoDB JSON item: an object of attribute names to
// AttributeValues. A JSON null leaves it unchanged.
func (it *Item) UnmarshalJSON(data []byte) error {
	d := newDecoder(data)
	defer d.release()
	d.ws()
	if d.literal("null") {
		return d.end()
	}
	m, err := d.valueMap(1)
	if err != nil {
		return err
	}
	if err := d.end(); err != nil {
		return err
	}
	*it = Item(m)
	return nil
}

// MarshalJSON encodes v as DynamoDB JSON.
func (v Value) MarshalJSON() ([]byte, error) { return AppendJSON(nil, v), nil }

// MarshalJSON encodes the item as DynamoDB JSON, attribute names sorted.
func (it Item) MarshalJSON() ([]byte, error) {
	if it == nil {
		return []byte("null"), nil
	}
	return AppendItemJSON(nil, it), nil
}

type jsonDecoder struct {
	b       []byte
	s       string // b as one string, made on first need: unescaped strings are slices of it
	i       int
	verr    *awserr.Error // the first ValidationException; reading goes on
	vals    []Value       // scratch stack for list elements and map entries
	scratch *[]Value      // vals' pool entry
}

func (d *jsonDecoder) invalid(msg string) {
	if d.verr == nil {
		d.verr = validation(msg)
	}
}

func (d *jsonDecoder) invalidErr(err error) {
	if d.verr == nil && err != nil {
		d.verr = err.(*awserr.Error)
	}
}

// end checks nothing but space follows and returns the pending validation
// error, if any.
func (d *jsonDecoder) end() error {
	d.ws()
	if d.i != len(d.b) {
		return syntaxError()
	}
	if d.verr != nil {
		return d.verr
	}
	return nil
}

// jsonKind classifies the value at the cursor for type errors.
type jsonKind uint8

const (
	jsonInvalid jsonKind = iota
	jsonObject
	jsonArray
	jsonString
	jsonTrue
	jsonFalse
	jsonNull
	jsonInt
	jsonDecimal
)

// scalarKind reads a true/false/null/number literal, or reports the
// container or string at the cursor without consuming it.
func (d *jsonDecoder) kindAt() jsonKind {
	switch c := d.peek(); {
	case c == '{':
		return jsonObject
	case c == '[':
		return jsonArray
	case c == '"':
		return jsonString
	case c == 't':
		return jsonTrue
	case c == 'f':
		return jsonFalse
	case c == 'n':
		return jsonNull
	case c == '-' || isDigit(c):
		j := d.i
		if d.b[j] == '-' {
			j++
		}
		for j < len(d.b) {
			switch d.b[j] {
			case '.', 'e', 'E':
				return jsonDecimal
			}
			if !isDigit(d.b[j]) {
				break
			}
			j++
		}
		return jsonInt
	}
	return jsonInvalid
}

// typeError is the SerializationException for a JSON value of the wrong
// type at the cursor, given the messages of the expected type.
func typeError(k jsonKind, target string) error {
	switch target {
	case "String":
		switch k {
		case jsonTrue:
			return serialization("TRUE_VALUE cannot be converted to String")
		case jsonFalse:
			return serialization("FALSE_VALUE cannot be converted to String")
		case jsonInt:
			return serialization("NUMBER_VALUE cannot be converted to String")
		case jsonDecimal:
			return serialization("DECIMAL_VALUE cannot be converted to String")
		case jsonArray:
			return serialization(msgListAsString)
		case jsonObject:
			return serialization(msgObjectNotExpected)
		}
	case "Boolean":
		switch k {
		case jsonString:
			return serialization(msgStringAsBoolean)
		case jsonInt:
			return serialization("NUMBER_VALUE cannot be converted to Boolean")
		case jsonDecimal:
			return serialization("DECIMAL_VALUE cannot be converted to Boolean")
		case jsonArray:
			return serialization(msgListAsBoolean)
		case jsonObject:
			return serialization(msgObjectNotExpected)
		}
	case "Blob":
		switch k {
		case jsonTrue, jsonFalse, jsonInt, jsonDecimal:
			return serialization(msgNotBase64String)
		case jsonArray:
			return serialization(msgListAsBlob)
		case jsonObject:
			return serialization(msgObjectNotExpected)
		}
	case "List":
		switch k {
		case jsonString, jsonTrue, jsonFalse, jsonInt, jsonDecimal:
			return serialization(msgFieldType)
		case jsonObject:
			return serialization(msgObjectNotExpected)
		}
	case "Map":
		switch k {
		case jsonString, jsonTrue, jsonFalse, jsonInt, jsonDecimal:
			return serialization(msgFieldType)
		case jsonArray:
			return serialization(msgListAsMap)
		}
	case "AttributeValue":
		switch k {
		case jsonString, jsonTrue, jsonFalse, jsonInt, jsonDecimal:
			return serialization(msgValueType)
		case jsonArray:
			return serialization(msgListAsValue)
		}
	}
	return syntaxError()
}

// nullable consumes a JSON null and reports whether there was one.
func (d *jsonDecoder) null() bool {
	d.ws()
	return d.peek() == 'n' && d.literal("null")
}

// attributeValue reads one AttributeValue object at the given depth.
func (d *jsonDecoder) attributeValue(depth int) (Value, error) {
	d.ws()
	if k := d.kindAt(); k != jsonObject {
		return Value{}, typeError(k, "AttributeValue")
	}
	if depth > MaxDepth {
		d.invalid(msgNesting)
		return Value{}, d.skipValue()
	}
	d.i++ // '{'
	var v Value
	types := 0
	d.ws()
	if d.peek() == '}' {
		d.i++
		d.invalid(msgEmptyValue)
		return v, nil
	}
	for {
		d.ws()
		key, err := d.key()
		if err != nil {
			return v, err
		}
		if err := d.expect(':'); err != nil {
			return v, err
		}
		d.ws()
		if d.null() {
			goto next
		}
		switch string(key) {
		case "S":
			s, err := d.stringValue()
			if err != nil {
				return v, err
			}
			v.Kind, v.Str = S, s
		case "N":
			s, err := d.stringValue()
			if err != nil {
				return v, err
			}
			c, nerr := ParseNumber(s)
			d.invalidErr(nerr)
			v.Kind, v.Str = N, c
		case "B":
			b, err := d.blobValue()
			if err != nil {
				return v, err
			}
			v.Kind, v.Bytes = B, b
		case "BOOL":
			b, err := d.boolValue()
			if err != nil {
				return v, err
			}
			v.Kind, v.Bool = BOOL, b
		case "NULL":
			b, err := d.boolValue()
			if err != nil {
				return v, err
			}
			if !b {
				d.invalid(msgNullFalse)
			}
			v.Kind = NULL
		case "SS":
			if err := d.stringSet(&v); err != nil {
				return v, err
			}
		case "NS":
			if err := d.numberSet(&v); err != nil {
				return v, err
			}
		case "BS":
			if err := d.binarySet(&v); err != nil {
				return v, err
			}
		case "L":
			l, err := d.valueList(depth + 1)
			if err != nil {
				return v, err
			}
			v.Kind, v.List = L, l
		case "M":
			m, err := d.valueMap(depth + 1)
			if err != nil {
				return v, err
			}
			v.Kind, v.Map = M, m
		default:
			if err := d.skipValue(); err != nil {
				return v, err
			}
			goto next
		}
		types++
	next:
		more, err := d.next('}')
		if err != nil {
			return v, err
		}
		if !more {
			break
		}
	}
	switch {
	case types == 0:
		d.invalid(msgEmptyValue)
	case types > 1:
		d.invalid(msgMultiValue)
	}
	return v, nil
}

// valueList reads the array of an L. Elements collect on the decoder's
// scratch stack so the list is allocated once at its final size.
func (d *jsonDecoder) valueList(depth int) ([]Value, error) {
	d.ws()
	if k := d.kindAt(); k != jsonArray {
		return nil, typeError(k, "List")
	}
	d.i++
	d.ws()
	if d.peek() == ']' {
		d.i++
		return []Value{}, nil
	}
	base := len(d.vals)
	defer func() { d.vals = d.vals[:base] }()
	for {
		if d.null() {
			d.invalid(msgEmptyValue)
			d.vals = append(d.vals, Value{})
		} else {
			v, err := d.attributeValue(depth)
			if err != nil {
				return nil, err
			}
			d.vals = append(d.vals, v)
		}
		more, err := d.next(']')
		if err != nil {
			return nil, err
		}
		if !more {
			list := make([]Value, len(d.vals)-base)
			copy(list, d.vals[base:])
			clear(d.vals[base:]) // drop references for the GC
			return list, nil
		}
	}
}

// valueMap reads the object of an M or an item; values are at depth.
// Entries collect on the scratch stack so the map is sized once.
func (d *jsonDecoder) valueMap(depth int) (map[string]Value, error) {
	d.ws()
	if k := d.kindAt(); k != jsonObject {
		return nil, typeError(k, "Map")
	}
	d.i++
	d.ws()
	if d.peek() == '}' {
		d.i++
		return map[string]Value{}, nil
	}
	base := len(d.vals)
	defer func() { d.vals = d.vals[:base] }()
	for {
		d.ws()
		name, err := d.stringAt()
		if err != nil {
			return nil, err
		}
		if err := d.expect(':'); err != nil {
			return nil, err
		}
		var v Value
		if d.null() {
			d.invalid(msgEmptyValue)
		} else if v, err = d.attributeValue(depth); err != nil {
			return nil, err
		}
		// The name rides in Str of a placeholder entry before its value.
		d.vals = append(d.vals, Value{Str: name}, v)
		more, err := d.next('}')
		if err != nil {
			return nil, err
		}
		if !more {
			n := (len(d.vals) - base) / 2
			m := make(map[string]Value, n)
			for k := base; k < len(d.vals); k += 2 {
				m[d.vals[k].Str] = d.vals[k+1] // a repeated name: the last wins
			}
			clear(d.vals[base:])
			return m, nil
		}
	}
}

func (d *jsonDecoder) stringValue() (string, error) {
	if k := d.kindAt(); k != jsonString {
		return "", typeError(k, "String")
	}
	return d.stringAt()
}

func (d *jsonDecoder) boolValue() (bool, error) {
	switch k := d.kindAt(); k {
	case jsonTrue:
		if d.literal("true") {
			return true, nil
		}
		return false, syntaxError()
	case jsonFalse:
		if d.literal("false") {
			return false, nil
		}
		return false, syntaxError()
	default:
		return false, typeError(k, "Boolean")
	}
}

func (d *jsonDecoder) blobValue() ([]byte, error) {
	if k := d.kindAt(); k != jsonString {
		return nil, typeError(k, "Blob")
	}
	s, err := d.stringAt()
	if err != nil {
		return nil, err
	}
	return decodeBase64(s)
}

// decodeBase64 decodes standard padded base64 as DynamoDB does, with its
// messages: the length is checked first, then the bits the last character
// leaves unused, then the alphabet.
func decodeBase64(s string) ([]byte, error) {
	if len(s)%4 != 0 {
		return nil, serialization(msgBase64Length + itoa(len(s)))
	}
	t := s
	for k := 0; k < 2 && len(t) > 0 && t[len(t)-1] == '='; k++ {
		t = t[:len(t)-1]
	}
	if len(t) > 0 {
		last := b64index(t[len(t)-1])
		if last >= 0 {
			switch len(t) % 4 {
			case 2:
				if last&0x0f != 0 {
					return nil, serialization(msgBase64LastChar)
				}
			case 3:
				if last&0x03 != 0 {
					return nil, serialization(msgBase64LastChar)
				}
			}
		}
	}
	for i := 0; i < len(t); i++ {
		if b64index(t[i]) < 0 {
			return nil, serialization(msgBase64Char + "'" + string(rune(t[i])) + "'")
		}
	}
	if len(t)%4 == 1 {
		return nil, serialization(msgBase64LastChar)
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(t)))
	n, err := base64.RawStdEncoding.Decode(out, []byte(t))
	if err != nil {
		return nil, serialization(msgBase64LastChar)
	}
	return out[:n], nil
}

func b64index(c byte) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return int(c - 'A')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 26
	case c >= '0' && c <= '9':
		return int(c-'0') + 52
	case c == '+':
		return 62
	case c == '/':
		return 63
	}
	return -1
}

// setMembers reads the array of a set, with null members as nil entries.
func (d *jsonDecoder) setMembers(read func() error, onNull func()) error {
	if k := d.kindAt(); k != jsonArray {
		return typeError(k, "List")
	}
	d.i++
	d.ws()
	if d.peek() == ']' {
		d.i++
		return nil
	}
	for {
		if d.null() {
			onNull()
		} else {
			d.ws()
			if err := read(); err != nil {
				return err
			}
		}
		more, err := d.next(']')
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
	}
}

func (d *jsonDecoder) stringSet(v *Value) error {
	strs := []string{}
	hasNull := false
	err := d.setMembers(func() error {
		s, err := d.stringValue()
		strs = append(strs, s)
		return err
	}, func() { hasNull = true })
	if err != nil {
		return err
	}
	switch {
	case len(strs) == 0 && !hasNull:
		d.invalid(msgEmptySS)
	case hasNull:
		d.invalid(msgNullSS)
	case hasDuplicate(strs):
		d.invalid(msgInvalid + "Input collection [" + strings.Join(strs, ", ") + "] contains duplicates.")
	}
	v.Kind, v.Strs = SS, strs
	return nil
}

func (d *jsonDecoder) numberSet(v *Value) error {
	strs := []string{}
	hasNull := false
	err := d.setMembers(func() error {
		s, err := d.stringValue()
		strs = append(strs, s)
		return err
	}, func() { hasNull = true; strs = append(strs, "") })
	if err != nil {
		return err
	}
	if len(strs) == 0 {
		d.invalid(msgEmptyNS)
	}
	ok := true
	for i, s := range strs {
		c, err := ParseNumber(s)
		if err != nil {
			d.invalidErr(err)
			ok = false
			break
		}
		strs[i] = c
	}
	_ = hasNull // a null member fails as the empty string does
	if ok && hasDuplicate(strs) {
		d.invalid(msgDupNS)
	}
	v.Kind, v.Strs = NS, strs
	return nil
}

func (d *jsonDecoder) binarySet(v *Value) error {
	bins := [][]byte{}
	var texts []string
	hasNull := false
	err := d.setMembers(func() error {
		if k := d.kindAt(); k != jsonString {
			return typeError(k, "Blob")
		}
		s, err := d.stringAt()
		if err != nil {
			return err
		}
		b, err := decodeBase64(s)
		if err != nil {
			return err
		}
		bins = append(bins, b)
		texts = append(texts, s)
		return nil
	}, func() { hasNull = true })
	if err != nil {
		return err
	}
	switch {
	case len(bins) == 0 && !hasNull:
		d.invalid(msgEmptyBS)
	case hasNull:
		d.invalid(msgNullBS)
	case hasDuplicate(texts):
		// Strict base64 has one spelling per value, so equal text is equal bytes.
		d.invalid(msgInvalid + "Input collection [" + strings.Join(texts, ", ") + "]of type BS contains duplicates.")
	}
	v.Kind, v.Bins = BS, bins
	return nil
}

func hasDuplicate(ss []string) bool {
	if len(ss) <= 16 {
		for i := 1; i < len(ss); i++ {
			for j := 0; j < i; j++ {
				if ss[i] == ss[j] {
					return true
				}
			}
		}
		return false
	}
	seen := make(map[string]struct{}, len(ss))
	for _, s := range ss {
		if _, ok := seen[s]; ok {
			return true
		}
		seen[s] = struct{}{}
	}
	return false
}
