package attr

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
)

func FuzzUnmarshalJSON(f *testing.F) {
	for _, s := range []string{
		`{"S":"x"}`, `{"N":"1.50"}`, `{"B":"AQID"}`, `{"BOOL":true}`, `{"NULL":true}`,
		`{"SS":["a","b"]}`, `{"NS":["1","2"]}`, `{"BS":["AQ=="]}`,
		`{"L":[{"S":"a"},{"M":{"k":{"N":"-1e-130"}}}]}`, `{"M":{"a\u0000b":{"S":"\ud83d\ude00"}}}`,
		`{}`, `{"S":5}`, `{"NS":["1","1.0"]}`, `{"B":"=+/="}`, `null`, `[`, `{"S":"a","N":"1"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v Value
		err := v.UnmarshalJSON(data)
		if err != nil {
			var ae *awserr.Error
			if !errors.As(err, &ae) || (ae.Code != "ValidationException" && ae.Code != "SerializationException") {
				t.Fatalf("error %v is not a DynamoDB client error", err)
			}
			// Anything encoding/json rejects as syntax is a SerializationException.
			if !json.Valid(data) && ae.Code != "SerializationException" {
				t.Fatalf("invalid JSON %q gave %v", data, err)
			}
			return
		}
		if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		// Valid: re-encoding decodes to an equal value and is a fixed point.
		enc := AppendJSON(nil, v)
		var back Value
		if err := back.UnmarshalJSON(enc); err != nil {
			t.Fatalf("re-decode %s: %v", enc, err)
		}
		if !Equal(v, back) {
			t.Fatalf("round trip %s: %#v != %#v", enc, v, back)
		}
		if enc2 := AppendJSON(nil, back); !bytes.Equal(enc, enc2) {
			t.Fatalf("not a fixed point: %s vs %s", enc, enc2)
		}
		// The storage codec round-trips every valid value too.
		got, err := DecodeValue(AppendValue(nil, v))
		if err != nil || !Equal(got, v) {
			t.Fatalf("storage round trip: %v", err)
		}
		_ = Size(v)
	})
}

func FuzzDecodeItem(f *testing.F) {
	f.Add(AppendItem(nil, sampleItem()))
	f.Add(AppendItem(nil, Item{}))
	f.Add([]byte{0x01, 1, 1, 'a', tagL, 2, tagNULL, tagM, 0})
	f.Add([]byte{0x01, 0xff, 0xff, 0x03})
	f.Fuzz(func(t *testing.T, data []byte) {
		it, err := DecodeItem(data)
		if err != nil {
			return
		}
		// Whatever decodes re-encodes and decodes to the same item.
		enc := AppendItem(nil, it)
		back, err := DecodeItem(enc)
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if !bytes.Equal(AppendItem(nil, back), enc) {
			t.Fatal("re-encoding differs")
		}
		_ = ItemSize(it)
		_ = AppendItemJSON(nil, it)
	})
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"0", "-0", "1.50", "1E+2", "+5", ".5", "5.", "1e125", "1e-130", "1e-131", "abc", "00012.3400e-2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseNumber(s)
		if err != nil {
			return
		}
		// Canonical text is a fixed point, takes the fast path, and its key
		// encoding round-trips.
		if c2, err := ParseNumber(c); err != nil || c2 != c || !isCanonical(c) {
			t.Fatalf("ParseNumber(%q) = %q, not a fixed point (%q, %v)", s, c, c2, err)
		}
		if isCanonical(s) && c != s {
			t.Fatalf("isCanonical(%q) but canonical form is %q", s, c)
		}
		got, err := DecodeKey(N, AppendKey(nil, Value{Kind: N, Str: c}))
		if err != nil || got.Str != c {
			t.Fatalf("key round trip %q: %q, %v", c, got.Str, err)
		}
		neg, hi, lo, adj, ok := numberDigits(c)
		sneg, digits, exp, sok := scanNumber(c)
		if !ok || !sok || neg != sneg || hi+lo != digits || (digits != "" && adj != exp+len(digits)-1) {
			t.Fatalf("numberDigits(%q) = %v %q %q %d; scanNumber: %v %q %d", c, neg, hi, lo, adj, sneg, digits, exp)
		}
		if CompareNumbers(c, c) != 0 {
			t.Fatal("CompareNumbers(x, x) != 0")
		}
	})
}

func FuzzDecodeKey(f *testing.F) {
	f.Add(byte(N), AppendKey(nil, Value{Kind: N, Str: "-12.5"}))
	f.Add(byte(S), AppendKeyComponent(nil, Value{Kind: S, Str: "a\x00b"}))
	f.Fuzz(func(t *testing.T, kind byte, data []byte) {
		k := Kind(kind%3 + 1)
		if v, err := DecodeKey(k, data); err == nil && k == N {
			if _, err := ParseNumber(v.Str); err != nil {
				t.Fatalf("DecodeKey gave invalid number %q", v.Str)
			}
		}
		if v, rest, err := DecodeKeyComponent(k, data); err == nil {
			enc := AppendKeyComponent(nil, v)
			if k != N && !bytes.Equal(append(enc, rest...), data) {
				t.Fatalf("component re-encoding differs: %x vs %x", enc, data)
			}
		}
	})
}
