package expr

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
)

// The fuzz targets check that parsing never panics or hangs, that every
// failure is a ValidationException, that a parsed expression's String parses
// back to the same tree, and that evaluating or applying what parsed never
// panics either.

// seeds adds the inputs of the testdata cases for cmd to the corpus.
func seeds(f *testing.F, cmd string) {
	files, _ := filepath.Glob("testdata/*.txt")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		for i := 0; i+2 < len(lines); i++ {
			if strings.HasPrefix(lines[i], cmd) && lines[i+2] == "----" {
				f.Add(lines[i+1])
			}
		}
	}
}

func checkErr(t *testing.T, src string, err error) {
	var e *awserr.Error
	if !errors.As(err, &e) || e.Code != "ValidationException" {
		t.Fatalf("%q: error %v is not a ValidationException", src, err)
	}
}

func fuzzItem(t testing.TB) attr.Item {
	return item(t, `{
		"a": {"S": "abc"}, "b": {"N": "1"}, "c": {"L": [{"S": "x"}, {"M": {"a": {"N": "2"}}}]},
		"d": {"M": {"a": {"SS": ["x"]}, "b": {"L": []}}}, "e": {"NS": ["1"]}, "name": {"BOOL": true},
		"l": {"L": [{"N": "1"}]}, "n": {"N": "9.9999999999999999999999999999999999999E+125"}
	}`)
}

func FuzzParseCondition(f *testing.F) {
	seeds(f, "condition")
	seeds(f, "keycond")
	it := fuzzItem(f)
	f.Fuzz(func(t *testing.T, src string) {
		c, err := testEnv().Condition("ConditionExpression", src)
		if err != nil {
			checkErr(t, src, err)
			return
		}
		if _, err := c.Eval(it); err != nil {
			t.Fatal(err)
		}
		s := c.String()
		if len(s) > maxExprBytes {
			return // rendering spaces the text out
		}
		c2, err := testEnv().Condition("ConditionExpression", s)
		if err != nil {
			t.Fatalf("%q renders as %q, which fails: %v", src, s, err)
		}
		if dump(c2.root) != dump(c.root) || c2.String() != s {
			t.Fatalf("%q renders as %q, which parses as %s, not %s", src, s, dump(c2.root), dump(c.root))
		}
		if kc, err := testEnv().ParseKeyCondition(src); err == nil {
			if k, err := kc.Bind("a", "b"); err == nil {
				k.MatchRange(it["b"])
			}
		} else {
			checkErr(t, src, err)
		}
	})
}

func FuzzParseUpdate(f *testing.F) {
	seeds(f, "update")
	it := fuzzItem(f)
	f.Fuzz(func(t *testing.T, src string) {
		u, err := testEnv().Update(src)
		if err != nil {
			checkErr(t, src, err)
			return
		}
		before := show(it)
		if _, err := u.Apply(it); err != nil {
			checkErr(t, src, err)
		}
		if show(it) != before {
			t.Fatalf("%q: Apply changed its input", src)
		}
		ProjectPaths(it, u.Paths())
		s := u.String()
		if len(s) > maxExprBytes {
			return
		}
		u2, err := testEnv().Update(s)
		if err != nil {
			t.Fatalf("%q renders as %q, which fails: %v", src, s, err)
		}
		if u2.String() != s || updateDump(u2) != updateDump(u) {
			t.Fatalf("%q renders as %q, which parses differently", src, s)
		}
	})
}

func updateDump(u *Update) string {
	var b strings.Builder
	for _, s := range u.secs {
		for _, a := range s.actions {
			b.WriteString(s.verb + " " + a.path.path.String())
			if a.val != nil {
				b.WriteString(" " + dump(a.val))
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func FuzzParseProjection(f *testing.F) {
	seeds(f, "projection")
	it := fuzzItem(f)
	f.Fuzz(func(t *testing.T, src string) {
		p, err := testEnv().Projection(src)
		if err != nil {
			checkErr(t, src, err)
			return
		}
		p.Apply(it)
		s := p.String()
		if len(s) > maxExprBytes {
			return
		}
		p2, err := testEnv().Projection(s)
		if err != nil {
			t.Fatalf("%q renders as %q, which fails: %v", src, s, err)
		}
		if p2.String() != s || len(p2.Paths()) != len(p.Paths()) {
			t.Fatalf("%q renders as %q, which parses differently", src, s)
		}
		for i := range p.Paths() {
			if !p.Paths()[i].Equal(p2.Paths()[i]) {
				t.Fatalf("%q renders as %q, which parses differently", src, s)
			}
		}
	})
}
