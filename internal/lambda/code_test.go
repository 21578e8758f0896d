package lambda

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func zipOf(t testing.TB, files map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestExtractRejects(t *testing.T) {
	for _, name := range []string{"../evil.py", "/etc/passwd", "a/../../b", "..\\x", "C:/x"} {
		dir := filepath.Join(t.TempDir(), "out")
		if err := extract(zipOf(t, map[string]string{name: "x"}), dir); err == nil {
			t.Errorf("%q: extracted", name)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("%q: left a directory", name)
		}
	}
	// Symbolic links.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	h := &zip.FileHeader{Name: "link"}
	h.SetMode(os.ModeSymlink | 0o777)
	w, _ := zw.CreateHeader(h)
	w.Write([]byte("/etc/passwd"))
	zw.Close()
	if err := extract(buf.Bytes(), filepath.Join(t.TempDir(), "out")); err == nil {
		t.Error("symlink extracted")
	}
	if err := extract([]byte("not a zip"), filepath.Join(t.TempDir(), "out")); err == nil {
		t.Error("garbage extracted")
	}
}

func TestExtract(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := extract(zipOf(t, map[string]string{"a/b.py": "x = 1", "c.py": "y"}), dir); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "a", "b.py")); err != nil || string(b) != "x = 1" {
		t.Fatalf("%s %v", b, err)
	}
}

func FuzzSafeName(f *testing.F) {
	for _, s := range []string{"a.py", "../x", "/x", "a/./b", "a/../b", "", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		rel, err := safeName(name)
		if err != nil || rel == "" {
			return
		}
		root := "/root/task"
		p := filepath.Join(root, filepath.FromSlash(rel))
		if r, err := filepath.Rel(root, p); err != nil || r == ".." || filepath.IsAbs(r) || len(r) >= 3 && r[:3] == "../" {
			t.Fatalf("safeName(%q) = %q escapes", name, rel)
		}
	})
}

func FuzzSplitName(f *testing.F) {
	for _, s := range []string{"fn", "fn:1", "fn:$LATEST", "123456789012:function:fn", "123456789012:function:fn:live",
		"arn:aws:lambda:us-east-1:123456789012:function:fn", "arn:aws:lambda:us-east-1:123456789012:function:fn:2", "a:b:c:d:e:f:g:h:i", ":"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, q := splitName(s)
		if strings.Contains(name, ":") && functionNameRE.MatchString(s) {
			t.Fatalf("splitName(%q) = %q, %q: a valid name kept a colon", s, name, q)
		}
		if len(name)+len(q) > len(s) {
			t.Fatalf("splitName(%q) grew", s)
		}
	})
}

func TestSplitName(t *testing.T) {
	for in, want := range map[string][2]string{
		"fn":                         {"fn", ""},
		"fn:live":                    {"fn", "live"},
		"123456789012:function:fn":   {"fn", ""},
		"123456789012:function:fn:3": {"fn", "3"},
		"arn:aws:lambda:us-east-1:123456789012:function:fn":         {"fn", ""},
		"arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST": {"fn", "$LATEST"},
	} {
		if n, q := splitName(in); n != want[0] || q != want[1] {
			t.Errorf("splitName(%q) = %q, %q", in, n, q)
		}
	}
}
