package pebble

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// An Update that writes nothing must not touch the WAL (and so not fsync).
func TestReadOnlyUpdateSkipsWAL(t *testing.T) {
	db, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.Update(ctx, func(tx storage.Tx) error { return tx.Set([]byte("k"), []byte("v")) }); err != nil {
		t.Fatal(err)
	}
	before := db.db.Metrics().WAL.BytesIn
	for i := 0; i < 10; i++ {
		err := db.Update(ctx, func(tx storage.Tx) error {
			_, err := tx.Get([]byte("k"))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if after := db.db.Metrics().WAL.BytesIn; after != before {
		t.Fatalf("read-only Updates wrote %d WAL bytes", after-before)
	}
}

// A Tx or Reader kept past fn must not write into a batch that a later
// Update has recycled, nor read from a released view.
func TestTxUnusableAfterFn(t *testing.T) {
	db, err := OpenMem(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	var kept storage.Tx
	if err := db.Update(ctx, func(tx storage.Tx) error { kept = tx; return nil }); err != nil {
		t.Fatal(err)
	}
	var keptR storage.Reader
	if err := db.View(ctx, func(r storage.Reader) error { keptR = r; return nil }); err != nil {
		t.Fatal(err)
	}
	err = db.Update(ctx, func(tx storage.Tx) error {
		for _, err := range []error{
			kept.Set([]byte("leak"), []byte("x")),
			kept.Delete([]byte("a")),
			kept.DeleteRange(nil, nil),
			kept.Iter(storage.IterOptions{}).Err(),
			func() error { _, err := kept.Get([]byte("a")); return err }(),
			func() error { _, err := keptR.Get([]byte("a")); return err }(),
			keptR.Iter(storage.IterOptions{}).Err(),
		} {
			if !errors.Is(err, storage.ErrClosed) {
				t.Errorf("use after fn: %v, want ErrClosed", err)
			}
		}
		return tx.Set([]byte("ok"), []byte("1"))
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(ctx, func(r storage.Reader) error {
		if _, err := r.Get([]byte("leak")); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Get(leak) = %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLogger(t *testing.T) {
	var buf bytes.Buffer
	l := logger{slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	l.Infof("flushed %d", 1)
	l.Errorf("background error: %s", "disk full")
	out := buf.String()
	if !strings.Contains(out, "level=DEBUG msg=\"flushed 1\" component=pebble") ||
		!strings.Contains(out, "level=ERROR msg=\"background error: disk full\"") {
		t.Errorf("log output:\n%s", out)
	}
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(r.(string), "WAL broke") {
				t.Errorf("Fatalf recovered %v, want a panic", r)
			}
		}()
		l.Fatalf("WAL %s", "broke")
	}()
	if !strings.Contains(buf.String(), "WAL broke") {
		t.Error("Fatalf was not logged")
	}
	// Silent without a logger.
	logger{}.Infof("x")
	logger{}.Errorf("x")

	// Open and Close with a logger set.
	buf.Reset()
	db, err := OpenMem(Options{Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}
