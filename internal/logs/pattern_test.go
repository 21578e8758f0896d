package logs

import "testing"

func TestPattern(t *testing.T) {
	cases := []struct {
		pat, msg string
		want     bool
	}{
		{"", "anything", true},
		{"ERROR", "an ERROR here", true},
		{"ERROR", "an error here", false},
		{"ERROR Exception", "ERROR: Exception", true},
		{"ERROR Exception", "ERROR only", false},
		{`"timed out"`, "Task timed out after 3.00 seconds", true},
		{"?ERROR ?WARN", "WARN x", true},
		{"?ERROR ?WARN", "INFO x", false},
		{"ERROR -retry", "ERROR retry", false},
		{"ERROR -retry", "ERROR final", true},
	}
	for _, c := range cases {
		p, err := parsePattern(c.pat)
		if err != nil {
			t.Fatalf("%q: %v", c.pat, err)
		}
		if got := p.match(c.msg); got != c.want {
			t.Errorf("%q on %q = %v", c.pat, c.msg, got)
		}
	}
	if _, err := parsePattern(`{ $.a = 1 }`); err == nil {
		t.Error("JSON pattern accepted")
	}
}

func FuzzPattern(f *testing.F) {
	for _, s := range []string{"", "a b", `"x y"`, "?a ?b", "-a", `"unterminated`, "{ $.x = 1 }"} {
		f.Add(s, "a message")
	}
	f.Fuzz(func(t *testing.T, pat, msg string) {
		p, err := parsePattern(pat)
		if err != nil {
			return
		}
		p.match(msg)
	})
}
