package attr

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// The 8-byte fast path must never skip a byte that needs escaping.
func TestAppendStringEscapesEverywhere(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	special := []string{"\"", "\\", "\n", "\x00", "\x1f", "é", "\u2028", "\xff", "a"}
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for j := r.IntN(40); j > 0; j-- {
			if r.IntN(4) == 0 {
				b.WriteString(special[r.IntN(len(special))])
			} else {
				b.WriteByte(byte(0x20 + r.IntN(0x5f)))
			}
		}
		s := b.String()
		out := appendString(nil, s)
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%q → %s: %v", s, out, err)
		}
		want := strings.ToValidUTF8(s, "\uFFFD")
		if !utf8.ValidString(s) {
			// Each invalid byte becomes its own U+FFFD.
			want = ""
			for k := 0; k < len(s); {
				rr, size := utf8.DecodeRuneInString(s[k:])
				if rr == utf8.RuneError && size == 1 {
					want += "\uFFFD"
				} else {
					want += s[k : k+size]
				}
				k += size
			}
		}
		if back != want {
			t.Fatalf("%q came back as %q", s, back)
		}
	}
}
