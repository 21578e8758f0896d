package vtl

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The engine's tests are data files in testdata/*.txt, read by a small
// hand-rolled reader. A case starts with a "=== name" line, followed by
// sections separated by lines that are exactly "----":
//
//	=== name
//	template (lines joined with "\n", no final newline)
//	----
//	input as JSON (may be empty):
//	  {"body": <any JSON, sent serialized> | "rawBody": "text",
//	   "path": {...}, "querystring": {...}, "header": {...},
//	   "context": {...}, "stageVariables": {...}}
//	----
//	expected output (trailing newlines are not compared), or "error: <text>"
//	which the error's message must contain
//	----
//	(optional) the expected Overrides as JSON
//
// Lines before the first "===" are comments. Run with -rewrite to
// regenerate the expected outputs after checking the diff by hand.

var rewrite = flag.Bool("rewrite", false, "rewrite testdata expected outputs")

type ddCase struct {
	name      string
	line      int
	template  string
	input     string
	expected  string
	overrides string
	hasOver   bool
}

type ddInput struct {
	Body           json.RawMessage   `json:"body"`
	RawBody        *string           `json:"rawBody"`
	Path           map[string]string `json:"path"`
	QueryString    map[string]string `json:"querystring"`
	Header         map[string]string `json:"header"`
	Context        map[string]any    `json:"context"`
	StageVariables map[string]string `json:"stageVariables"`
}

func readCases(t *testing.T, file string) (header string, cases []ddCase) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	i := 0
	var hdr []string
	for i < len(lines) && !strings.HasPrefix(lines[i], "=== ") {
		hdr = append(hdr, lines[i])
		i++
	}
	for i < len(lines) {
		c := ddCase{name: strings.TrimSpace(strings.TrimPrefix(lines[i], "=== ")), line: i + 1}
		i++
		var sections [][]string
		cur := []string{}
		for i < len(lines) && !strings.HasPrefix(lines[i], "=== ") {
			if lines[i] == "----" {
				sections = append(sections, cur)
				cur = []string{}
			} else {
				cur = append(cur, lines[i])
			}
			i++
		}
		sections = append(sections, cur)
		if len(sections) < 3 || len(sections) > 4 {
			t.Fatalf("%s:%d: case %q has %d sections, want 3 or 4", file, c.line, c.name, len(sections))
		}
		c.template = strings.Join(sections[0], "\n")
		c.input = strings.TrimSpace(strings.Join(sections[1], "\n"))
		c.expected = trimBlank(sections[2])
		if len(sections) == 4 {
			c.hasOver = true
			c.overrides = trimBlank(sections[3])
		}
		cases = append(cases, c)
	}
	return strings.Join(hdr, "\n"), cases
}

func trimBlank(lines []string) string {
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

func (c *ddCase) run(t *testing.T) (out, over string) {
	in := &Input{}
	var ctx Context
	var stage map[string]string
	if c.input != "" {
		var di ddInput
		if err := json.Unmarshal([]byte(c.input), &di); err != nil {
			t.Fatalf("line %d: input: %v", c.line, err)
		}
		if di.RawBody != nil {
			in.Body = []byte(*di.RawBody)
		} else if len(di.Body) > 0 {
			in.Body = di.Body
		}
		in.Params.Path, in.Params.QueryString, in.Params.Header = di.Path, di.QueryString, di.Header
		ctx, stage = di.Context, di.StageVariables
	}
	res, o, err := Render(c.template, in, ctx, stage)
	if err != nil {
		return "error: " + err.Error(), ""
	}
	ob, _ := json.Marshal(o)
	return res, string(ob)
}

func TestDataDriven(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatal("no testdata", err)
	}
	for _, file := range files {
		hdr, cases := readCases(t, file)
		var rewritten strings.Builder
		if h := strings.TrimRight(hdr, "\n"); h != "" {
			rewritten.WriteString(h + "\n\n")
		}
		t.Run(filepath.Base(file), func(t *testing.T) {
			for _, c := range cases {
				out, over := c.run(t)
				if *rewrite {
					rewritten.WriteString("=== " + c.name + "\n" + c.template + "\n----\n" + c.input + "\n----\n")
					if strings.HasPrefix(c.expected, "error: ") && strings.HasPrefix(out, "error: ") && strings.Contains(out, strings.TrimPrefix(c.expected, "error: ")) {
						out = c.expected
					}
					rewritten.WriteString(out + "\n")
					if c.hasOver {
						rewritten.WriteString("----\n" + over + "\n")
					}
					rewritten.WriteString("\n")
					continue
				}
				if want, ok := strings.CutPrefix(c.expected, "error: "); ok {
					if !strings.HasPrefix(out, "error: ") || !strings.Contains(out, want) {
						t.Errorf("%s:%d %s: got\n%s\nwant an error containing %q", file, c.line, c.name, out, want)
					}
					continue
				}
				if strings.TrimRight(out, "\n") != c.expected {
					t.Errorf("%s:%d %s: got\n%s\n---- want\n%s", file, c.line, c.name, out, c.expected)
				}
				if c.hasOver && over != c.overrides {
					t.Errorf("%s:%d %s: overrides got\n%s\nwant\n%s", file, c.line, c.name, over, c.overrides)
				}
			}
		})
		if *rewrite {
			if err := os.WriteFile(file, []byte(strings.TrimRight(rewritten.String(), "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
