package attr

import (
	"math/rand/v2"
	"testing"
)

func TestTranscodeJSONMatchesDecodeAndEncode(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 2000; i++ {
		it := randomItem(r)
		enc := AppendItem(nil, it)
		got, size, err := TranscodeJSON(nil, enc)
		if err != nil {
			t.Fatalf("item %d: %v", i, err)
		}
		dec, err := DecodeItem(enc)
		if err != nil {
			t.Fatal(err)
		}
		if want := AppendItemJSON(nil, dec); string(got) != string(want) {
			t.Fatalf("item %d:\n got %s\nwant %s", i, got, want)
		}
		if want := ItemSize(dec); size != want {
			t.Fatalf("item %d: size %d, want %d", i, size, want)
		}
	}
}

func FuzzTranscodeJSON(f *testing.F) {
	f.Add(AppendItem(nil, Item{"a": {Kind: S, Str: "x"}, "m": {Kind: M, Map: map[string]Value{"n": {Kind: N, Str: "1"}}}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, size, err := TranscodeJSON(nil, b)
		dec, derr := DecodeItem(b)
		if (err == nil) != (derr == nil) {
			t.Fatalf("transcode err %v, decode err %v", err, derr)
		}
		if err == nil && (string(got) != string(AppendItemJSON(nil, dec)) || size != ItemSize(dec)) {
			t.Fatalf("mismatch for %x", b)
		}
	})
}

func randomItem(r *rand.Rand) Item {
	it := Item{}
	for i := 0; i < 1+r.IntN(6); i++ {
		it[randomName(r)] = randomValue(r, 0)
	}
	return it
}

func randomName(r *rand.Rand) string {
	return string([]byte{byte('a' + r.IntN(26)), byte('a' + r.IntN(26))})
}

func randomValue(r *rand.Rand, depth int) Value {
	k := 1 + r.IntN(11)
	if depth > 3 && k >= 9 {
		k = 1
	}
	switch k {
	case 1:
		return Value{Kind: S, Str: randomName(r) + "\"\n\u00e9"}
	case 2:
		return Value{Kind: N, Str: []string{"0", "-1.5", "12345678901234567890", "0.001"}[r.IntN(4)]}
	case 3:
		return Value{Kind: B, Bytes: []byte{byte(r.IntN(256)), 0}}
	case 4:
		return Value{Kind: BOOL, Bool: r.IntN(2) == 0}
	case 5:
		return Value{Kind: NULL, Bool: true}
	case 6:
		return Value{Kind: SS, Strs: []string{"a", "b"}}
	case 7:
		return Value{Kind: NS, Strs: []string{"1", "-2.25"}}
	case 8:
		return Value{Kind: BS, Bins: [][]byte{{1}, {2, 3}}}
	case 9:
		return Value{Kind: L, List: []Value{randomValue(r, depth+1), randomValue(r, depth+1)}}
	default:
		return Value{Kind: M, Map: map[string]Value{randomName(r): randomValue(r, depth+1)}}
	}
}
