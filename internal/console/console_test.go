package console

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, method, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

func TestServesIndexAndAssets(t *testing.T) {
	rec := get(t, "GET", "/_nimbus/")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `<script type="module" src="app.js">`) {
		t.Fatalf("index: %d %.200s", rec.Code, rec.Body.String())
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Cache-Control"} {
		if rec.Header().Get(h) == "" {
			t.Errorf("index lacks %s", h)
		}
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q", csp)
	}
	for path, ctype := range map[string]string{
		"/_nimbus/app.js":            "text/javascript",
		"/_nimbus/pages/dynamodb.js": "text/javascript",
		"/_nimbus/style.css":         "text/css",
	} {
		rec := get(t, "GET", path)
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), ctype) {
			t.Errorf("%s: %d %q", path, rec.Code, rec.Header().Get("Content-Type"))
		}
	}
}

func TestRefusesOtherRequests(t *testing.T) {
	if rec := get(t, "POST", "/_nimbus/app.js"); rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d", rec.Code)
	}
	for _, p := range []string{"/_nimbus/nope.js", "/_nimbus/pages/", "/_nimbus/../console.go", "/_nimbus/assets/app.js", "/other"} {
		if rec := get(t, "GET", p); rec.Code != 404 && rec.Code != 301 {
			t.Errorf("%s: %d", p, rec.Code)
		}
	}
	if rec := get(t, "HEAD", "/_nimbus/app.js"); rec.Code != 200 || rec.Body.Len() != 0 {
		t.Errorf("HEAD: %d", rec.Code)
	}
}

// Every module the console imports is embedded, and nothing is loaded
// from elsewhere (no CDN, no absolute URLs).
func TestImportsResolve(t *testing.T) {
	sub, _ := fs.Sub(assets, "assets")
	imp := regexp.MustCompile(`(?m)^import .* from "([^"]+)";|^import "([^"]+)";`)
	n := 0
	fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".js") {
			return err
		}
		b, _ := fs.ReadFile(sub, p)
		for _, m := range imp.FindAllStringSubmatch(string(b), -1) {
			spec := m[1] + m[2]
			if !strings.HasPrefix(spec, "./") && !strings.HasPrefix(spec, "../") {
				t.Errorf("%s imports %q: only relative imports of embedded modules", p, spec)
				continue
			}
			dir := p[:strings.LastIndex(p, "/")+1]
			target := cleanJoin(dir, spec)
			if _, err := fs.Stat(sub, target); err != nil {
				t.Errorf("%s imports %q: %v", p, spec, err)
			}
			n++
		}
		if strings.Contains(string(b), "https://") {
			t.Errorf("%s mentions an https:// URL", p)
		}
		return nil
	})
	if n < 10 {
		t.Fatalf("only %d imports found", n)
	}
}

func cleanJoin(dir, spec string) string {
	parts := strings.Split(strings.TrimSuffix(dir, "/"), "/")
	if dir == "" {
		parts = nil
	}
	for _, s := range strings.Split(spec, "/") {
		switch s {
		case ".":
		case "..":
			if len(parts) > 0 {
				parts = parts[:len(parts)-1]
			}
		default:
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "/")
}
