package demo_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/demo"
	"github.com/nimbus-cloud/nimbus/nimbustest"
)

// TestMainArguments: usage errors exit 2 before anything starts.
func TestMainArguments(t *testing.T) {
	noStart := func() (string, func() error, error) {
		t.Fatal("nimbus started for a usage error")
		return "", nil, nil
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "Usage: nimbus demo polly-notes"},
		{[]string{"-h"}, 2, "Usage: nimbus demo polly-notes"},
		{[]string{"polly-notes", "-h"}, 0, "-endpoint"},
		{[]string{"todo-app"}, 2, `unknown demo "todo-app" (there is polly-notes)`},
		{[]string{"polly-notes", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"polly-notes", "--nope"}, 2, "flag provided but not defined: -nope"},
	} {
		var out, errOut bytes.Buffer
		code := demo.Main(context.Background(), tc.args, &out, &errOut, "http://127.0.0.1:1", noStart)
		if code != tc.code || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", tc.args, code, errOut.String(), tc.code, tc.want)
		}
	}
}

// TestMainStartFails: when no nimbus answers and none can be started, the
// demo says so and exits 1.
func TestMainStartFails(t *testing.T) {
	var out, errOut bytes.Buffer
	start := func() (string, func() error, error) { return "", nil, errors.New("address already in use") }
	code := demo.Main(context.Background(), []string{"polly-notes", "--dir", t.TempDir()}, &out, &errOut, "http://127.0.0.1:1", start)
	if code != 1 || !strings.Contains(errOut.String(), "starting nimbus: address already in use") {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
}

func TestHealthy(t *testing.T) {
	srv := nimbustest.Start(t)
	if !demo.Healthy(context.Background(), srv.URL) || !demo.Healthy(context.Background(), srv.URL+"/") {
		t.Fatal("a running nimbus is not healthy")
	}
	if demo.Healthy(context.Background(), "http://127.0.0.1:1") {
		t.Fatal("nothing listening is healthy")
	}
}

// TestDeployNeedsEmptyDir: the demo never writes over someone's files.
func TestDeployNeedsEmptyDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "mine.txt"), []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := demo.Deploy(context.Background(), demo.Options{Endpoint: "http://127.0.0.1:1", Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "is not empty") {
		t.Fatalf("deploying into a non-empty directory: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "mine.txt")); string(b) != "keep" {
		t.Fatal("the file was touched")
	}
}
