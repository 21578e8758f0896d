package expr

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
)

// The parser's tests are data files in testdata/, in the style of Pebble's
// datadriven package: a command line, the expression, a "----" line and the
// expected output, cases separated by blank lines and "#" comments.
//
//	condition [param=FilterExpression]
//	a = :s AND size(b) > :n
//	----
//	(AND (= [a] :s) (> (size [b]) :n))
//
// Commands: condition, update, projection, keycond [hash=pk] [range=sk].
// Every expression is parsed through testEnv. For a successful parse the
// runner also checks that the expression's String parses back to the same
// tree. Run with -rewrite to regenerate the expected outputs.

var rewrite = flag.Bool("rewrite", false, "rewrite testdata expected outputs")

type ddCase struct {
	file     string
	line     int // of the command
	cmd      string
	args     map[string]string
	input    string
	expected string
	outFrom  int // line range of the expected output, for -rewrite
	outTo    int
}

func readCases(t *testing.T, file string) ([]ddCase, []string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	var cases []ddCase
	for i := 0; i < len(lines); {
		l := lines[i]
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			i++
			continue
		}
		c := ddCase{file: file, line: i + 1, args: map[string]string{}}
		fields := strings.Fields(l)
		c.cmd = fields[0]
		for _, f := range fields[1:] {
			k, v, _ := strings.Cut(f, "=")
			c.args[k] = v
		}
		i++
		var in []string
		for i < len(lines) && lines[i] != "----" {
			in = append(in, lines[i])
			i++
		}
		if i == len(lines) {
			t.Fatalf("%s:%d: no ---- line", file, c.line)
		}
		i++
		c.input = strings.Join(in, "\n")
		c.outFrom = i
		var out []string
		for i < len(lines) && strings.TrimSpace(lines[i]) != "" {
			out = append(out, lines[i])
			i++
		}
		c.outTo = i
		c.expected = strings.Join(out, "\n")
		cases = append(cases, c)
	}
	return cases, lines
}

// testEnv is the environment of the data-driven tests.
func testEnv() *Env {
	names := map[string]string{
		"#n": "name", "#a": "a", "#b": "b", "#c": "c", "#pk": "pk", "#sk": "sk",
		"#dot": "a.b", "#empty": "", "#x": "x",
	}
	s := func(v string) attr.Value { return attr.Value{Kind: attr.S, Str: v} }
	n := func(v string) attr.Value { return attr.Value{Kind: attr.N, Str: v} }
	values := map[string]attr.Value{
		":s": s("abc"), ":s2": s("abd"), ":z": s("z"), ":a": s("a"),
		":typeS": s("S"), ":typeN": s("N"), ":typeBad": s("STRING"),
		":n": n("1"), ":n5": n("5"), ":n4": n("4"), ":one": n("1"), ":zero": n("0"),
		":b": {Kind: attr.B, Bytes: []byte("z")}, ":b2": {Kind: attr.B, Bytes: []byte("a")},
		":ss":  {Kind: attr.SS, Strs: []string{"a", "b"}},
		":ns":  {Kind: attr.NS, Strs: []string{"1", "2"}},
		":bs":  {Kind: attr.BS, Bins: [][]byte{[]byte("a")}},
		":l":   {Kind: attr.L, List: []attr.Value{s("x")}},
		":m":   {Kind: attr.M, Map: map[string]attr.Value{"k": s("v")}},
		":t":   {Kind: attr.BOOL, Bool: true},
		":nul": {Kind: attr.NULL, Bool: true},
	}
	for i := 0; i < 120; i++ {
		values[fmt.Sprintf(":v%d", i)] = n(fmt.Sprint(i))
	}
	return NewEnv(names, values)
}

// run parses c's input with a fresh testEnv and returns the output.
func run(t *testing.T, c ddCase) string {
	t.Helper()
	out, reparse := runOnce(c, c.input)
	if reparse != "" {
		again, _ := runOnce(c, reparse)
		if again != out {
			t.Errorf("%s:%d: round trip:\n  %s\nrenders as\n  %s\nwhich gives\n  %s\nnot\n  %s", c.file, c.line, c.input, reparse, again, out)
		}
	}
	return out
}

// runOnce returns the output and, on success, the expression's String.
func runOnce(c ddCase, src string) (out, rendered string) {
	env := testEnv()
	errOut := func(err error) (string, string) {
		return "error: " + strings.TrimPrefix(err.Error(), "ValidationException: "), ""
	}
	switch c.cmd {
	case "condition":
		param := c.args["param"]
		if param == "" {
			param = "ConditionExpression"
		}
		cond, err := env.Condition(param, src)
		if err != nil {
			return errOut(err)
		}
		return dump(cond.root), cond.String()
	case "update":
		u, err := env.Update(src)
		if err != nil {
			return errOut(err)
		}
		var lines []string
		for _, s := range u.secs {
			for _, a := range s.actions {
				l := s.verb + " " + a.path.path.String()
				if a.val != nil {
					l += " " + dump(a.val)
				}
				lines = append(lines, l)
			}
		}
		return strings.Join(lines, "\n"), u.String()
	case "projection":
		p, err := env.Projection(src)
		if err != nil {
			return errOut(err)
		}
		var lines []string
		for _, q := range p.Paths() {
			lines = append(lines, q.String())
		}
		return strings.Join(lines, "\n"), p.String()
	case "keycond":
		hash, ok := c.args["hash"]
		if !ok {
			hash = "pk"
		}
		kc, err := env.ParseKeyCondition(src)
		if err != nil {
			return errOut(err)
		}
		k, err := kc.Bind(hash, c.args["range"])
		if err != nil {
			return errOut(err)
		}
		lines := []string{keyPart(k.Hash)}
		if k.Range != nil {
			lines = append(lines, keyPart(*k.Range))
		}
		return strings.Join(lines, "\n"), ""
	}
	return "unknown command " + c.cmd, ""
}

func keyPart(p KeyPart) string {
	s := p.Name + " " + p.Op
	for _, v := range p.Values {
		s += " " + valueString(v)
	}
	return s
}

func TestDataDriven(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatal("no testdata", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			cases, lines := readCases(t, file)
			var outs []string
			for _, c := range cases {
				got := run(t, c)
				outs = append(outs, got)
				if !*rewrite && got != c.expected {
					t.Errorf("%s:%d: %s\n%s\ngot:\n%s\nwant:\n%s", file, c.line, c.cmd, c.input, got, c.expected)
				}
			}
			if *rewrite {
				var b strings.Builder
				prev := 0
				for i, c := range cases {
					for _, l := range lines[prev:c.outFrom] {
						b.WriteString(l + "\n")
					}
					b.WriteString(outs[i] + "\n")
					prev = c.outTo
				}
				for _, l := range lines[prev:] {
					b.WriteString(l + "\n")
				}
				if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
