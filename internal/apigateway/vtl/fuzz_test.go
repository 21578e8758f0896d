package vtl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzRender: any template and body either renders or fails with one of the
// package's errors; it never panics, and the limits keep each run short.
func FuzzRender(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txt")
	for _, file := range files {
		data, _ := os.ReadFile(file)
		for _, c := range strings.Split(string(data), "=== ")[1:] {
			parts := strings.SplitN(c, "\n----\n", 3)
			if len(parts) == 3 {
				_, tmpl, _ := strings.Cut(parts[0], "\n")
				f.Add(tmpl, `{"a":[1,{"b":"c"}],"n":2.5}`)
			}
		}
	}
	f.Add(`#foreach($i in [1..3])#if($foreach.hasNext)$i,#end#end`, `[]`)
	f.Add(`$input.json('$..x[*]')`, `{"x":[1,[2]]}`)
	f.Fuzz(func(t *testing.T, tmpl, body string) {
		if len(tmpl) > 4096 {
			return
		}
		out, _, err := Render(tmpl, &Input{Body: []byte(body)}, Context{"stage": "s"}, map[string]string{"v": "1"})
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if len(out) > MaxOutputBytes {
			t.Fatalf("output of %d bytes", len(out))
		}
	})
}
