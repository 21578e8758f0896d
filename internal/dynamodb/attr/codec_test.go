package attr

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

func sampleItem() Item {
	return Item{
		"pk":      {Kind: S, Str: "USER#12345"},
		"sk":      {Kind: S, Str: "PROFILE#2024-01-01T00:00:00Z"},
		"age":     {Kind: N, Str: "42"},
		"balance": {Kind: N, Str: "-1234.5678"},
		"active":  {Kind: BOOL, Bool: true},
		"avatar":  {Kind: B, Bytes: []byte("\x89PNG\r\n\x1a\nsome-image-bytes")},
		"tags":    {Kind: SS, Strs: []string{"admin", "beta", "eu-west-1"}},
		"scores":  {Kind: NS, Strs: []string{"1", "2.5", "100"}},
		"address": {Kind: M, Map: map[string]Value{
			"street": {Kind: S, Str: "1 Main St"},
			"zip":    {Kind: S, Str: "12345"},
			"geo":    {Kind: L, List: []Value{{Kind: N, Str: "51.5"}, {Kind: N, Str: "-0.12"}}},
		}},
		"deleted": {Kind: NULL},
	}
}

// randValue returns a random value nested at most depth levels.
func randValue(r *rand.Rand, depth int) Value {
	k := Kind(1 + r.IntN(10))
	if depth <= 0 && (k == L || k == M) {
		k = S
	}
	switch k {
	case S:
		return Value{Kind: S, Str: randString(r)}
	case N:
		return Value{Kind: N, Str: randNumber(r)}
	case B:
		return Value{Kind: B, Bytes: []byte(randString(r))}
	case BOOL:
		return Value{Kind: BOOL, Bool: r.IntN(2) == 0}
	case NULL:
		return Value{Kind: NULL}
	case SS, NS:
		v := Value{Kind: k}
		seen := map[string]bool{}
		for range 1 + r.IntN(4) {
			s := randString(r)
			if k == NS {
				s = randNumber(r)
			}
			if !seen[s] {
				seen[s] = true
				v.Strs = append(v.Strs, s)
			}
		}
		return v
	case BS:
		v := Value{Kind: BS}
		seen := map[string]bool{}
		for range 1 + r.IntN(4) {
			s := randString(r)
			if !seen[s] {
				seen[s] = true
				v.Bins = append(v.Bins, []byte(s))
			}
		}
		return v
	case L:
		v := Value{Kind: L, List: []Value{}}
		for range r.IntN(4) {
			v.List = append(v.List, randValue(r, depth-1))
		}
		return v
	default:
		v := Value{Kind: M, Map: map[string]Value{}}
		for range r.IntN(4) {
			v.Map[randString(r)] = randValue(r, depth-1)
		}
		return v
	}
}

func randString(r *rand.Rand) string {
	const alphabet = "ab\x00\x01\xffzé€"
	n := r.IntN(6)
	b := make([]rune, n)
	rs := []rune(alphabet)
	for i := range b {
		b[i] = rs[r.IntN(len(rs))]
	}
	return string(b)
}

// randNumber returns a random canonical number across DynamoDB's range.
func randNumber(r *rand.Rand) string {
	if r.IntN(10) == 0 {
		return "0"
	}
	nd := 1 + r.IntN(38)
	if r.IntN(2) == 0 {
		nd = 1 + r.IntN(3)
	}
	digits := make([]byte, nd)
	for i := range digits {
		digits[i] = byte('0' + r.IntN(10))
	}
	digits[0] = byte('1' + r.IntN(9))
	digits[nd-1] = byte('1' + r.IntN(9))
	adj := MinNumberAdjExp + r.IntN(MaxNumberAdjExp-MinNumberAdjExp+1)
	if r.IntN(2) == 0 {
		adj = -4 + r.IntN(8)
	}
	s, err := formatNumber(r.IntN(2) == 0, string(digits), adj-nd+1)
	if err != nil {
		panic(err)
	}
	return s
}

func TestCodecRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	items := []Item{{}, sampleItem()}
	for range 2000 {
		it := Item{}
		for range r.IntN(6) {
			it[randString(r)] = randValue(r, 4)
		}
		items = append(items, it)
	}
	for _, it := range items {
		enc := AppendItem(nil, it)
		got, err := DecodeItem(enc)
		if err != nil {
			t.Fatalf("DecodeItem: %v", err)
		}
		if !Equal(Value{Kind: M, Map: it}, Value{Kind: M, Map: got}) {
			t.Fatalf("round trip:\n got %#v\nwant %#v", got, it)
		}
		if again := AppendItem(nil, got); !bytes.Equal(again, enc) {
			t.Fatal("encoding not deterministic")
		}
		// Truncations never panic and are never silently accepted.
		for i := range len(enc) {
			if _, err := DecodeItem(enc[:i]); err == nil {
				t.Fatalf("truncated encoding %x decoded", enc[:i])
			}
		}
	}
	v := randValue(r, 3)
	got, err := DecodeValue(AppendValue(nil, v))
	if err != nil || !Equal(got, v) {
		t.Fatalf("DecodeValue = %v, %v", got, err)
	}
}

func TestDecodeItemBinariesIndependent(t *testing.T) {
	it := Item{"a": {Kind: B, Bytes: []byte{1}}, "b": {Kind: B, Bytes: []byte{2}}}
	enc := AppendItem(nil, it)
	got, err := DecodeItem(enc)
	if err != nil {
		t.Fatal(err)
	}
	a := append(got["a"].Bytes, 9, 9, 9)
	_ = a
	if got["b"].Bytes[0] != 2 {
		t.Fatal("append to one binary overwrote another")
	}
	enc[len(enc)-1] = 7
	if got["b"].Bytes[0] != 2 {
		t.Fatal("decoded binary aliases the input")
	}
}

func TestDecodeItemCorrupt(t *testing.T) {
	for _, b := range [][]byte{
		nil,
		{0x02, 0}, // unknown version
		{0x01},    // no count
		{0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, // huge count
		{0x01, 1, 1, 'a', 99},           // unknown tag
		{0x01, 1, 1, 'a', tagS, 5, 'x'}, // short string
		{0x01, 0, 0},                    // trailing bytes
	} {
		if _, err := DecodeItem(b); err == nil {
			t.Errorf("DecodeItem(%x) succeeded", b)
		}
	}
	// Deep nesting is bounded.
	deep := []byte{0x01, 1, 1, 'a'}
	for range 10000 {
		deep = append(deep, tagL, 1)
	}
	deep = append(deep, tagNULL)
	if _, err := DecodeItem(deep); err == nil {
		t.Error("deep nesting decoded")
	}
}
