package httpbind

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	want := time.Date(2015, 10, 21, 7, 28, 0, 0, time.UTC)
	for _, s := range []string{"1445412480", "1445412480.000", "2015-10-21T07:28:00Z", "2015-10-21T07:28:00.000Z",
		"2015-10-21T09:28:00+02:00", "Wed, 21 Oct 2015 07:28:00 GMT"} {
		got, err := ParseTime(s, "")
		if err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v", s, got, err)
		}
	}
	if got, _ := ParseTime("1445412480.123", ""); got.UnixMilli() != 1445412480123 {
		t.Errorf("millis: %v", got)
	}
	for _, s := range []string{"", "NaN", "1e400", "99999999999999", "yesterday"} {
		if _, err := ParseTime(s, ""); err == nil {
			t.Errorf("%q parsed", s)
		}
	}
}

func TestFormatTime(t *testing.T) {
	tm := time.Date(2024, 1, 2, 3, 4, 5, 678e6, time.UTC)
	for format, want := range map[string]string{DateTime: "2024-01-02T03:04:05.678Z", HTTPDate: "Tue, 02 Jan 2024 03:04:05 GMT",
		EpochSeconds: "1704164645.678", "": "2024-01-02T03:04:05.678Z"} {
		if got := FormatTime(tm, format); got != want {
			t.Errorf("%q: %s, want %s", format, got, want)
		}
	}
	if got := FormatEpoch(tm.Truncate(time.Second)); got != "1704164645" {
		t.Errorf("whole seconds: %s", got)
	}
}

func TestSplitHeaderList(t *testing.T) {
	for in, want := range map[string][]string{
		`a, b,c`:         {"a", "b", "c"},
		`"x, y", z`:      {"x, y", "z"},
		`"q\"uote", , e`: {`q"uote`, "e"},
		``:               nil,
	} {
		if got := splitHeaderList(in); !slices.Equal(got, want) {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestScalarRoundTrip(t *testing.T) {
	type kinds struct {
		S   string
		B   bool
		I8  int8
		U   uint32
		F   float64
		T   time.Time
		Raw []byte
		P   *int64
	}
	in := kinds{"s", true, -8, 7, 2.5, time.Unix(1700000000, 0).UTC(), []byte{1, 2}, new(int64)}
	*in.P = 42
	var out kinds
	iv, ov := reflect.ValueOf(in), reflect.ValueOf(&out).Elem()
	for i := range iv.NumField() {
		s, ok, err := FormatScalar(iv.Field(i), "")
		if err != nil || !ok {
			t.Fatalf("field %d: %v %v", i, ok, err)
		}
		if err := ParseScalar(ov.Field(i), s, ""); err != nil {
			t.Fatalf("field %d %q: %v", i, s, err)
		}
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("got %+v, want %+v", out, in)
	}
	if _, ok, _ := FormatScalar(reflect.ValueOf(""), ""); ok {
		t.Error("empty string is present")
	}
	if _, ok, _ := FormatScalar(reflect.ValueOf((*string)(nil)), ""); ok {
		t.Error("nil pointer is present")
	}
}
