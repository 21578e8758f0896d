package s3

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/storage"
	"github.com/nimbus-cloud/nimbus/internal/storage/pebble"
)

// A crash leaves temporary files (a PUT that never finished) and bodies
// whose metadata was never committed (or was deleted before the file):
// the next start removes them and keeps every committed object.
func TestCrashLeftovers(t *testing.T) {
	kv, err := pebble.OpenMem(pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	dir := t.TempDir()
	s, err := New(Options{KV: kv, Dir: dir, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := kv.Update(ctx, func(tx storage.Tx) error {
		return setRec(tx, bucketKey("bkt"), &bucketRec{Name: "bkt", Account: "000000000000", Region: "us-east-1"})
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutObject(ctx, "000000000000", "us-east-1", "bkt", "kept", strings.NewReader("committed"), "text/plain"); err != nil {
		t.Fatal(err)
	}
	// A PUT interrupted mid-body: its temporary file.
	fh, _, err := s.files.create()
	if err != nil {
		t.Fatal(err)
	}
	fh.WriteString("half an obj")
	fh.Close()
	// A body renamed into place whose metadata never committed.
	orphan := newID()
	os.MkdirAll(filepath.Dir(s.files.path(orphan)), 0o700)
	os.WriteFile(s.files.path(orphan), []byte("orphan"), 0o600)
	s.Close()

	s2, err := New(Options{KV: kv, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.files.path(orphan)); !os.IsNotExist(err) {
		t.Fatalf("orphan body survived: %v", err)
	}
	if ents, _ := os.ReadDir(filepath.Join(dir, "tmp")); len(ents) != 0 {
		t.Fatalf("temporary files survived: %v", ents)
	}
	o, err := s2.lookupObject(ctx, "bkt", "kept", "")
	if err != nil {
		t.Fatal(err)
	}
	rd, err := s2.files.open(o.Parts, 0, o.Size)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rd)
	rd.Close()
	if string(b) != "committed" {
		t.Fatalf("committed object: %q", b)
	}
	if _, err := s2.lookupObject(ctx, "bkt", "half", ""); err == nil {
		t.Fatal("a partial object is visible")
	}
	// The Go API other services use.
	rc, n, err := s2.GetObject(ctx, "000000000000", "us-east-1", "bkt", "kept")
	if err != nil || n != 9 {
		t.Fatalf("GetObject: %v %d", err, n)
	}
	rc.Close()
	if _, _, err := s2.GetObject(ctx, "000000000000", "us-east-1", "bkt", "nope"); err == nil || !strings.Contains(err.Error(), "NoSuchKey") {
		t.Fatalf("GetObject missing key: %v", err)
	}
	if _, _, err := s2.GetObject(ctx, "000000000000", "us-east-1", "nobkt", "k"); err == nil || !strings.Contains(err.Error(), "NoSuchBucket") {
		t.Fatalf("GetObject missing bucket: %v", err)
	}
	// PutObject to a missing bucket is NoSuchBucket, for Polly.
	_, err = s2.PutObject(ctx, "000000000000", "us-east-1", "nobkt", "k", strings.NewReader("x"), "")
	if ae, ok := err.(interface{ Error() string }); !ok || !strings.Contains(ae.Error(), "NoSuchBucket") {
		t.Fatalf("missing bucket: %v", err)
	}
}

// TempDir removes directories of in-memory processes that died without
// cleaning up, and never those of live ones.
func TestTempDirSweep(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	// A pid that cannot exist (above the kernel's pid_max limit of 2^22).
	dead := filepath.Join(os.TempDir(), "nimbus-s3-99999999-x")
	live := filepath.Join(os.TempDir(), fmt.Sprintf("nimbus-s3-%d-y", os.Getppid()))
	os.MkdirAll(dead, 0o700)
	os.MkdirAll(live, 0o700)
	d, err := TempDir()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Fatalf("dead process's directory kept: %v", err)
	}
	if _, err := os.Stat(live); err != nil {
		t.Fatalf("live process's directory removed: %v", err)
	}
	if !strings.Contains(filepath.Base(d), fmt.Sprintf("-%d-", os.Getpid())) {
		t.Fatalf("directory %s does not name its process", d)
	}
}
