package attr

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestNumberKeyOrder(t *testing.T) {
	ordered := []string{
		"-" + strings.Repeat("9", 38) + strings.Repeat("0", 88), "-1e125", "-123", "-100", "-99.5", "-12.3", "-12.25", "-12.2", "-10",
		"-1.01", "-1", "-0.5", "-0.05", "-1e-129", "-1e-130",
		"0", "1e-130", "2e-130", "1e-129", "0.05", "0.1", "0.5", "0.55", "1", "1.01", "2", "9.99",
		"10", "10.5", "12.2", "12.25", "12.3", "99", "100", "123", "1e125", strings.Repeat("9", 38) + strings.Repeat("0", 88),
	}
	var encs [][]byte
	for _, s := range ordered {
		c, err := ParseNumber(s)
		if err != nil {
			t.Fatal(s, err)
		}
		enc := AppendKey(nil, Value{Kind: N, Str: c})
		encs = append(encs, enc)
		got, err := DecodeKey(N, enc)
		if err != nil || got.Str != c {
			t.Fatalf("DecodeKey(%s) = %v, %v", c, got, err)
		}
	}
	for i := 1; i < len(encs); i++ {
		if bytes.Compare(encs[i-1], encs[i]) >= 0 {
			t.Errorf("enc(%s) >= enc(%s): %x %x", ordered[i-1], ordered[i], encs[i-1], encs[i])
		}
	}
}

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

func TestKeyOrderProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, kind := range []Kind{S, N, B} {
		var vals []Value
		for range 400 {
			switch kind {
			case S:
				vals = append(vals, Value{Kind: S, Str: randString(r)})
			case B:
				vals = append(vals, Value{Kind: B, Bytes: []byte(randString(r))})
			case N:
				vals = append(vals, Value{Kind: N, Str: randNumber(r)})
			}
		}
		for i := range vals {
			for j := range vals {
				a, b := vals[i], vals[j]
				want, ok := Compare(a, b)
				if !ok {
					t.Fatal("not comparable")
				}
				if got := bytes.Compare(AppendKey(nil, a), AppendKey(nil, b)); sign(got) != want {
					t.Fatalf("final: %v vs %v: bytes %d, Compare %d", a, b, got, want)
				}
				if got := bytes.Compare(AppendKeyComponent(nil, a), AppendKeyComponent(nil, b)); sign(got) != want {
					t.Fatalf("component: %v vs %v: bytes %d, Compare %d", a, b, got, want)
				}
			}
			// Round trips, and the component form is self-delimiting.
			v := vals[i]
			got, err := DecodeKey(kind, AppendKey(nil, v))
			if err != nil || !Equal(got, v) {
				t.Fatalf("DecodeKey(%v) = %v, %v", v, got, err)
			}
			enc := AppendKeyComponent(nil, v)
			enc = append(enc, 0x00, 0x42)
			got, rest, err := DecodeKeyComponent(kind, enc)
			if err != nil || !Equal(got, v) || !bytes.Equal(rest, []byte{0x00, 0x42}) {
				t.Fatalf("DecodeKeyComponent(%v) = %v, %x, %v", v, got, rest, err)
			}
		}
	}
}

// Composite keys: (partition component, sort final) order is lexicographic
// on the pair.
func TestCompositeKeyOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	type pair struct{ pk, sk Value }
	var ps []pair
	for range 300 {
		ps = append(ps, pair{Value{Kind: S, Str: randString(r)}, Value{Kind: N, Str: randNumber(r)}})
	}
	enc := func(p pair) []byte {
		return AppendKey(AppendKeyComponent(nil, p.pk), p.sk)
	}
	byEnc := slices.Clone(ps)
	slices.SortFunc(byEnc, func(a, b pair) int { return bytes.Compare(enc(a), enc(b)) })
	byVal := slices.Clone(ps)
	slices.SortFunc(byVal, func(a, b pair) int {
		if c, _ := Compare(a.pk, b.pk); c != 0 {
			return c
		}
		c, _ := Compare(a.sk, b.sk)
		return c
	})
	for i := range byEnc {
		if !Equal(byEnc[i].pk, byVal[i].pk) || !Equal(byEnc[i].sk, byVal[i].sk) {
			t.Fatalf("composite order differs at %d", i)
		}
	}
}

func TestDecodeKeyCorrupt(t *testing.T) {
	for _, b := range [][]byte{nil, {0x09}, {numPos}, {numPos, 10}, {numPos, 10, 200, numEnd}, {numPos, 10, 2, numEnd}} {
		if _, err := DecodeKey(N, b); err == nil {
			t.Errorf("DecodeKey(N, %x) succeeded", b)
		}
	}
	for _, b := range [][]byte{nil, {'a'}, {'a', 0}, {'a', 0, 5}} {
		if _, _, err := DecodeKeyComponent(S, b); err == nil {
			t.Errorf("DecodeKeyComponent(S, %x) succeeded", b)
		}
	}
}
