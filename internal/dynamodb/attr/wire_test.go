package attr

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
)

func TestUnmarshalValue(t *testing.T) {
	tests := []struct {
		in   string
		want string // re-encoded canonical JSON
	}{
		{`{"S":"hello"}`, `{"S":"hello"}`},
		{`{"S":""}`, `{"S":""}`},
		{` { "S" : "a\"b\\c\n\u00e9\ud83d\ude00" } `, `{"S":"a\"b\\c\né😀"}`},
		{`{"S":"\ud800"}`, `{"S":"` + "\uFFFD" + `"}`},
		{`{"N":"1.50"}`, `{"N":"1.5"}`},
		{`{"N":"+5"}`, `{"N":"5"}`},
		{`{"N":"-0"}`, `{"N":"0"}`},
		{`{"N":"1E+2"}`, `{"N":"100"}`},
		{`{"B":"AQID"}`, `{"B":"AQID"}`},
		{`{"B":""}`, `{"B":""}`},
		{`{"B":"YQ=="}`, `{"B":"YQ=="}`},
		{`{"BOOL":true}`, `{"BOOL":true}`},
		{`{"BOOL":false}`, `{"BOOL":false}`},
		{`{"NULL":true}`, `{"NULL":true}`},
		{`{"SS":["a","b",""]}`, `{"SS":["a","b",""]}`},
		{`{"NS":["1","2.0","-3e1"]}`, `{"NS":["1","2","-30"]}`},
		{`{"BS":["AQ==","Ag==",""]}`, `{"BS":["AQ==","Ag==",""]}`},
		{`{"L":[]}`, `{"L":[]}`},
		{`{"M":{}}`, `{"M":{}}`},
		{`{"L":[{"S":"a"},{"N":"1"},{"M":{"x":{"NULL":true}}}]}`, `{"L":[{"S":"a"},{"N":"1"},{"M":{"x":{"NULL":true}}}]}`},
		{`{"M":{"b":{"S":"2"},"a":{"S":"1"}}}`, `{"M":{"a":{"S":"1"},"b":{"S":"2"}}}`},
		// Unknown members are ignored, null members are absent.
		{`{"S":"a","Foo":{"x":[1,2,{"y":null}]}}`, `{"S":"a"}`},
		{`{"S":"a","N":null}`, `{"S":"a"}`},
		{`{"s":"x","S":"a"}`, `{"S":"a"}`},
	}
	for _, tt := range tests {
		var v Value
		if err := json.Unmarshal([]byte(tt.in), &v); err != nil {
			t.Errorf("Unmarshal(%s): %v", tt.in, err)
			continue
		}
		got, _ := json.Marshal(v)
		if string(got) != tt.want {
			t.Errorf("Unmarshal(%s) re-encoded = %s, want %s", tt.in, got, tt.want)
		}
		// Direct UnmarshalJSON (no encoding/json pre-scan) agrees.
		var v2 Value
		if err := v2.UnmarshalJSON([]byte(tt.in)); err != nil || !Equal(v, v2) {
			t.Errorf("UnmarshalJSON(%s) = %v, %v", tt.in, v2, err)
		}
	}
}

func TestUnmarshalValueErrors(t *testing.T) {
	const V, Ser = "ValidationException", "SerializationException"
	deep := func(n int, inner string) string {
		return strings.Repeat(`{"M":{"a":`, n) + inner + strings.Repeat(`}}`, n)
	}
	deepL := func(n int, inner string) string {
		return strings.Repeat(`{"L":[`, n) + inner + strings.Repeat(`]}`, n)
	}
	tests := []struct {
		in, code, msg string
	}{
		{`{}`, V, msgEmptyValue},
		{`{"Foo":"x"}`, V, msgEmptyValue},
		{`{"S":null}`, V, msgEmptyValue},
		{`{"S":"a","N":"1"}`, V, msgMultiValue},
		{`{"S":"a","BOOL":true}`, V, msgMultiValue},
		{`{"S":"a","N":"b"}`, V, "The parameter cannot be converted to a numeric value: b"},
		{`{"S":"","N":""}`, V, "The parameter cannot be converted to a numeric value"},
		{`{"N":"abc"}`, V, "The parameter cannot be converted to a numeric value: abc"},
		{`{"N":" 1"}`, V, "The parameter cannot be converted to a numeric value:  1"},
		{`{"N":"123456789012345678901234567890123456789"}`, V, msgNumberPrecision},
		{`{"N":"-1.23456789012345678901234567890123456789"}`, V, msgNumberPrecision},
		{`{"N":"1e126"}`, V, msgNumberOverflow},
		{`{"N":"-1e126"}`, V, msgNumberOverflow},
		{`{"N":"1e-131"}`, V, msgNumberUnderflow},
		{`{"N":"-1e-131"}`, V, msgNumberUnderflow},
		{`{"NULL":false}`, V, "One or more parameter values were invalid: Null attribute value types must have the value of true"},
		{`{"SS":[]}`, V, "One or more parameter values were invalid: An string set  may not be empty"},
		{`{"NS":[]}`, V, "One or more parameter values were invalid: An number set  may not be empty"},
		{`{"BS":[]}`, V, "One or more parameter values were invalid: Binary sets should not be empty"},
		{`{"SS":["a","a"]}`, V, "One or more parameter values were invalid: Input collection [a, a] contains duplicates."},
		{`{"SS":["a","b","a"]}`, V, "One or more parameter values were invalid: Input collection [a, b, a] contains duplicates."},
		{`{"BS":["Yg==","Yg=="]}`, V, "One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS contains duplicates."},
		{`{"NS":["1","1"]}`, V, "Input collection contains duplicates"},
		{`{"NS":["1","1.0"]}`, V, "Input collection contains duplicates"},
		{`{"NS":["1",""]}`, V, "The parameter cannot be converted to a numeric value"},
		{`{"NS":["1","b"]}`, V, "The parameter cannot be converted to a numeric value: b"},
		{`{"NS":["1","1e126"]}`, V, msgNumberOverflow},
		{`{"L":[{}]}`, V, msgEmptyValue},
		{`{"M":{"a":{}}}`, V, msgEmptyValue},
		{`{"L":[null]}`, V, msgEmptyValue},
		{`{"M":{"a":{"S":"x","N":"1"}}}`, V, msgMultiValue},
		// Nesting: 31 wrapping maps are fine (tested below), 32 are too deep.
		{deep(32, `{"S":"x"}`), V, msgNesting},
		{deepL(32, `{"S":"x"}`), V, msgNesting},
		{deep(5000, `{"S":"x"}`), V, msgNesting},
		// Wrong JSON types: SerializationException.
		{`{"S":5}`, Ser, "NUMBER_VALUE cannot be converted to String"},
		{`{"S":-2147483648}`, Ser, "NUMBER_VALUE cannot be converted to String"},
		{`{"S":34.56}`, Ser, "DECIMAL_VALUE cannot be converted to String"},
		{`{"S":true}`, Ser, "TRUE_VALUE cannot be converted to String"},
		{`{"S":false}`, Ser, "FALSE_VALUE cannot be converted to String"},
		{`{"S":[]}`, Ser, "Unrecognized collection type class java.lang.String"},
		{`{"S":{}}`, Ser, "Start of structure or map found where not expected"},
		{`{"N":23}`, Ser, "NUMBER_VALUE cannot be converted to String"},
		{`{"SS":[1]}`, Ser, "NUMBER_VALUE cannot be converted to String"},
		{`{"NS":[1]}`, Ser, "NUMBER_VALUE cannot be converted to String"},
		{`{"BOOL":"23"}`, Ser, "Unexpected token received from parser"},
		{`{"BOOL":23}`, Ser, "NUMBER_VALUE cannot be converted to Boolean"},
		{`{"BOOL":34.56}`, Ser, "DECIMAL_VALUE cannot be converted to Boolean"},
		{`{"BOOL":[]}`, Ser, "Unrecognized collection type class java.lang.Boolean"},
		{`{"NULL":{}}`, Ser, "Start of structure or map found where not expected"},
		{`{"B":true}`, Ser, "only base-64-encoded strings are convertible to bytes"},
		{`{"B":23}`, Ser, "only base-64-encoded strings are convertible to bytes"},
		{`{"B":[]}`, Ser, "Unrecognized collection type class java.nio.ByteBuffer"},
		{`{"B":{}}`, Ser, "Start of structure or map found where not expected"},
		{`{"B":"23456"}`, Ser, "Base64 encoded length is expected a multiple of 4 bytes but found: 5"},
		{`{"B":"=+/="}`, Ser, "Invalid last non-pad Base64 character dectected"},
		{`{"B":"+/+="}`, Ser, "Invalid last non-pad Base64 character dectected"},
		{`{"B":"YR=="}`, Ser, "Invalid last non-pad Base64 character dectected"},
		{`{"B":"ab!d"}`, Ser, "Invalid Base64 character: '!'"},
		{`{"BS":[true]}`, Ser, "only base-64-encoded strings are convertible to bytes"},
		{`{"BS":["23456"]}`, Ser, "Base64 encoded length is expected a multiple of 4 bytes but found: 5"},
		{`{"SS":"23"}`, Ser, "Unexpected field type"},
		{`{"SS":true}`, Ser, "Unexpected field type"},
		{`{"NS":{}}`, Ser, "Start of structure or map found where not expected"},
		{`{"L":"23"}`, Ser, "Unexpected field type"},
		{`{"L":{}}`, Ser, "Start of structure or map found where not expected"},
		{`{"L":["23"]}`, Ser, "Unexpected value type in payload"},
		{`{"L":[23]}`, Ser, "Unexpected value type in payload"},
		{`{"L":[[]]}`, Ser, "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue"},
		{`{"M":"23"}`, Ser, "Unexpected field type"},
		{`{"M":34.56}`, Ser, "Unexpected field type"},
		{`{"M":[]}`, Ser, "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>"},
		{`{"M":{"a":"23"}}`, Ser, "Unexpected value type in payload"},
		{`{"M":{"a":[]}}`, Ser, "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue"},
		{`"23"`, Ser, "Unexpected value type in payload"},
		{`[]`, Ser, "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue"},
		// A serialization error anywhere beats an earlier validation error.
		{`{"L":[{}, {"S":5}]}`, Ser, "NUMBER_VALUE cannot be converted to String"},
		{`{"NS":["x"],"S":true}`, Ser, "TRUE_VALUE cannot be converted to String"},
		// Malformed JSON: SerializationException without a message.
		{`{"S":"a"`, Ser, ""},
		{`{"S":"a"}x`, Ser, ""},
		{`{"S" "a"}`, Ser, ""},
		{`{"S":"a",}`, Ser, ""},
		{`{"S":"a\x"}`, Ser, ""},
		{"{\"S\":\"a\x01\"}", Ser, ""},
		{`{"Foo":[1,2,}`, Ser, ""},
		{`{"Foo":01x}`, Ser, ""},
		{`{"Foo":01}`, Ser, ""},
		{`{"Foo":1.}`, Ser, ""},
		{`{"Foo":tru}`, Ser, ""},
		{``, Ser, ""},
	}
	for _, tt := range tests {
		var v Value
		err := v.UnmarshalJSON([]byte(tt.in))
		var ae *awserr.Error
		in := tt.in
		if len(in) > 80 {
			in = in[:80] + "…"
		}
		if !errors.As(err, &ae) {
			t.Errorf("UnmarshalJSON(%s) = %v, want %s %q", in, err, tt.code, tt.msg)
			continue
		}
		if ae.Code != tt.code || ae.Message != tt.msg {
			t.Errorf("UnmarshalJSON(%s) = %s %q, want %s %q", in, ae.Code, ae.Message, tt.code, tt.msg)
		}
		if !errors.Is(err, &awserr.Error{Code: tt.code}) {
			t.Errorf("errors.Is(%v, %s) = false", err, tt.code)
		}
	}
}

func TestNestingLimit(t *testing.T) {
	in := strings.Repeat(`{"M":{"a":`, 31) + `{"S":"x"}` + strings.Repeat(`}}`, 31)
	var v Value
	if err := v.UnmarshalJSON([]byte(in)); err != nil {
		t.Fatalf("31 levels of maps: %v", err)
	}
	in = strings.Repeat(`{"L":[`, 31) + `{"M":{}}` + strings.Repeat(`]}`, 31)
	if err := v.UnmarshalJSON([]byte(in)); err != nil {
		t.Fatalf("31 lists around an empty map: %v", err)
	}
	// In an item, top-level values are level 1 too.
	in = `{"x":` + strings.Repeat(`{"M":{"a":`, 31) + `{"S":"x"}` + strings.Repeat(`}}`, 31) + `}`
	var it Item
	if err := it.UnmarshalJSON([]byte(in)); err != nil {
		t.Fatalf("item with 31 levels: %v", err)
	}
	in = `{"x":` + strings.Repeat(`{"M":{"a":`, 32) + `{"S":"x"}` + strings.Repeat(`}}`, 32) + `}`
	if err := it.UnmarshalJSON([]byte(in)); err == nil || err.(*awserr.Error).Message != msgNesting {
		t.Fatalf("item with 32 levels: %v", err)
	}
}

func TestUnmarshalItem(t *testing.T) {
	var it Item
	in := `{"id":{"S":"1"},"n":{"N":"007"},"tags":{"SS":["x","y"]},"m":{"M":{"k":{"L":[{"BOOL":true}]}}}}`
	if err := json.Unmarshal([]byte(in), &it); err != nil {
		t.Fatal(err)
	}
	if it["n"].Str != "7" || it["id"].Str != "1" || len(it) != 4 {
		t.Fatalf("item = %#v", it)
	}
	out, _ := json.Marshal(it)
	want := `{"id":{"S":"1"},"m":{"M":{"k":{"L":[{"BOOL":true}]}}},"n":{"N":"7"},"tags":{"SS":["x","y"]}}`
	if string(out) != want {
		t.Fatalf("Marshal = %s\nwant      %s", out, want)
	}
	for _, tt := range []struct{ in, msg string }{
		{`[]`, msgListAsMap},
		{`"x"`, msgFieldType},
		{`{"a":"x"}`, msgValueType},
		{`{"a":null}`, msgEmptyValue},
		{`{"a":{}}`, msgEmptyValue},
	} {
		var it Item
		err := it.UnmarshalJSON([]byte(tt.in))
		if err == nil || err.(*awserr.Error).Message != tt.msg {
			t.Errorf("Item.UnmarshalJSON(%s) = %v, want %q", tt.in, err, tt.msg)
		}
	}
	// Inside a request struct through encoding/json.
	var req struct {
		TableName string
		Item      Item
		Key       map[string]Value
	}
	if err := json.Unmarshal([]byte(`{"TableName":"t","Item":{"a":{"N":"1.0"}},"Key":{"k":{"B":"AA=="}}}`), &req); err != nil {
		t.Fatal(err)
	}
	if req.Item["a"].Str != "1" || len(req.Key["k"].Bytes) != 1 {
		t.Fatalf("req = %+v", req)
	}
}

func TestAppendJSONEscapes(t *testing.T) {
	v := Value{Kind: S, Str: "a\"\\\x00\x1f\t\r\n\u2028é\xff"}
	out := AppendJSON(nil, v)
	want := `{"S":"a\"\\\u0000\u001f\t\r\n` + "\u2028é" + `\ufffd"}`
	if string(out) != want {
		t.Fatalf("AppendJSON = %s, want %s", out, want)
	}
	var back Value
	if err := back.UnmarshalJSON(out); err != nil || back.Str != "a\"\\\x00\x1f\t\r\n\u2028é\uFFFD" {
		t.Fatalf("round trip = %q, %v", back.Str, err)
	}
	if !json.Valid(out) {
		t.Fatal("invalid JSON")
	}
	if got := string(AppendJSON(nil, Value{})); got != "{}" {
		t.Fatalf("zero Value = %s", got)
	}
}
