package pebble_test

import (
	"errors"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/storage"
	"github.com/nimbus-cloud/nimbus/internal/storage/pebble"
	"github.com/nimbus-cloud/nimbus/internal/storage/storagetest"
)

// openDisk opens a durable store in dir and closes it when t ends (unless
// the test already did).
func openDisk(t testing.TB, dir string) *pebble.DB {
	t.Helper()
	db, err := pebble.Open(dir, pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeOnce(t, db) })
	return db
}

func openMem(t testing.TB) *pebble.DB {
	t.Helper()
	db, err := pebble.OpenMem(pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeOnce(t, db) })
	return db
}

func closeOnce(t testing.TB, db storage.KV) {
	if err := db.Close(); err != nil && !errors.Is(err, storage.ErrClosed) {
		t.Errorf("Close: %v", err)
	}
}

func TestDisk(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(t *testing.T) storage.KV { return openDisk(t, t.TempDir()) })
}

func TestMem(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(t *testing.T) storage.KV { return openMem(t) })
}

func TestDurable(t *testing.T) {
	t.Parallel()
	storagetest.RunDurable(t, func(t *testing.T, dir string) storage.KV { return openDisk(t, dir) })
}

func TestOpenNeedsDir(t *testing.T) {
	if _, err := pebble.Open("", pebble.Options{}); err == nil {
		t.Fatal("Open(\"\") succeeded")
	}
}
