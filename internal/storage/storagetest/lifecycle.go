package storagetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/storage"
)

func testContext(t *testing.T, kv storage.KV) {
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	expired, cancel2 := context.WithDeadline(ctx, time.Unix(0, 0))
	defer cancel2()

	for _, c := range []struct {
		ctx  context.Context
		want error
	}{
		{canceled, context.Canceled},
		{expired, context.DeadlineExceeded},
	} {
		ran := false
		if err := kv.View(c.ctx, func(storage.Reader) error { ran = true; return nil }); !errors.Is(err, c.want) || ran {
			t.Errorf("View with done ctx = %v (fn ran: %v), want %v", err, ran, c.want)
		}
		err := kv.Update(c.ctx, func(tx storage.Tx) error {
			ran = true
			return tx.Set([]byte("k"), []byte("v"))
		})
		if !errors.Is(err, c.want) || ran {
			t.Errorf("Update with done ctx = %v (fn ran: %v), want %v", err, ran, c.want)
		}
	}
	wantMissing(t, kv, "k")
	// The store is unharmed.
	set(t, kv, "k", "v")
	wantValue(t, kv, "k", "v")
}

// testPanic: a panic in fn reaches the caller (an HTTP server's recover, say),
// commits nothing and leaves the store usable and closable.
func testPanic(t *testing.T, kv storage.KV) {
	catch := func(f func()) (r any) {
		defer func() { r = recover() }()
		f()
		return nil
	}
	r := catch(func() {
		_ = kv.Update(ctx, func(tx storage.Tx) error {
			_ = tx.Set([]byte("p"), []byte("1"))
			it := tx.Iter(storage.IterOptions{})
			it.Next()
			panic("update boom")
		})
	})
	if r != "update boom" {
		t.Fatalf("Update's panic: recovered %v", r)
	}
	r = catch(func() {
		_ = kv.View(ctx, func(r storage.Reader) error {
			it := r.Iter(storage.IterOptions{})
			it.Next()
			panic("view boom")
		})
	})
	if r != "view boom" {
		t.Fatalf("View's panic: recovered %v", r)
	}
	wantMissing(t, kv, "p")
	set(t, kv, "p", "2") // would deadlock if the panic left Update's lock held
	wantValue(t, kv, "p", "2")
	if err := kv.Close(); err != nil { // would hang if the panics left transactions open
		t.Fatalf("Close: %v", err)
	}
}

func testClose(t *testing.T, kv storage.KV) {
	set(t, kv, "a", "1")
	// Leave an iterator open in a View and in a rolled-back Update: the store
	// must clean up after fn so that Close succeeds.
	_ = kv.View(ctx, func(r storage.Reader) error {
		it := r.Iter(storage.IterOptions{})
		it.Next()
		return nil
	})
	_ = kv.Update(ctx, func(tx storage.Tx) error {
		it := tx.Iter(storage.IterOptions{})
		it.Next()
		return errBoom
	})
	_ = kv.Update(ctx, func(tx storage.Tx) error {
		it := tx.Iter(storage.IterOptions{Reverse: true})
		it.Next()
		return tx.Set([]byte("b"), []byte("2"))
	})
	if err := kv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	ran := false
	if err := kv.View(ctx, func(storage.Reader) error { ran = true; return nil }); !errors.Is(err, storage.ErrClosed) {
		t.Errorf("View after Close = %v, want ErrClosed", err)
	}
	if err := kv.Update(ctx, func(storage.Tx) error { ran = true; return nil }); !errors.Is(err, storage.ErrClosed) {
		t.Errorf("Update after Close = %v, want ErrClosed", err)
	}
	if ran {
		t.Error("fn ran after Close")
	}
	if err := kv.Close(); !errors.Is(err, storage.ErrClosed) {
		t.Errorf("second Close = %v, want ErrClosed", err)
	}
}

// testCloseWaits: Close lets in-flight transactions finish, and their
// writes commit.
func testCloseWaits(t *testing.T, kv storage.KV) {
	set(t, kv, "a", "1")
	inView, inUpdate := make(chan struct{}), make(chan struct{})
	release := make(chan struct{})
	viewErr, updateErr := make(chan error, 1), make(chan error, 1)
	go func() {
		viewErr <- kv.View(ctx, func(r storage.Reader) error {
			close(inView)
			<-release
			v, err := r.Get([]byte("a"))
			if err == nil && string(v) != "1" {
				err = fmt.Errorf("Get(a) = %q", v)
			}
			return err
		})
	}()
	go func() {
		updateErr <- kv.Update(ctx, func(tx storage.Tx) error {
			close(inUpdate)
			<-release
			if _, err := tx.Get([]byte("a")); err != nil {
				return err
			}
			return tx.Set([]byte("b"), bytes.Repeat([]byte("x"), 100))
		})
	}()
	<-inView
	<-inUpdate
	closeErr := make(chan error, 1)
	go func() { closeErr <- kv.Close() }()
	// Close cannot have finished while both transactions are blocked. (This
	// check can only pass wrongly, never fail wrongly.)
	select {
	case err := <-closeErr:
		t.Fatalf("Close returned (%v) before in-flight transactions ended", err)
	default:
	}
	close(release)
	if err := <-viewErr; err != nil {
		t.Errorf("in-flight View: %v", err)
	}
	if err := <-updateErr; err != nil {
		t.Errorf("in-flight Update: %v", err)
	}
	if err := <-closeErr; err != nil {
		t.Errorf("Close: %v", err)
	}
}

// RunDurable checks that committed data survives Close and reopen. open must
// open the store kept in dir (creating it if dir is new); the suite closes
// every store it opens, so open should not register a Close of its own, or
// should ignore storage.ErrClosed.
func RunDurable(t *testing.T, open func(t *testing.T, dir string) storage.KV) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	mustClose := func(kv storage.KV) {
		t.Helper()
		if err := kv.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}

	kv := open(t, dir)
	for i := 0; i < 100; i++ {
		set(t, kv, fmt.Sprintf("k%03d", i), fmt.Sprintf("v%d", i))
	}
	set(t, kv, "big", string(big))
	err := kv.Update(ctx, func(tx storage.Tx) error {
		if err := tx.Delete([]byte("k010")); err != nil {
			return err
		}
		return tx.DeleteRange([]byte("k020"), []byte("k030"))
	})
	if err != nil {
		t.Fatal(err)
	}
	err = kv.Update(ctx, func(tx storage.Tx) error {
		_ = tx.Set([]byte("rolled-back"), []byte("x"))
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("failing Update = %v", err)
	}
	mustClose(kv)

	check := func(kv storage.KV, extra bool) {
		t.Helper()
		for i := 0; i < 100; i++ {
			k := fmt.Sprintf("k%03d", i)
			if i == 10 || (i >= 20 && i < 30) || (extra && i == 0) {
				wantMissing(t, kv, k)
			} else {
				wantValue(t, kv, k, fmt.Sprintf("v%d", i))
			}
		}
		wantMissing(t, kv, "rolled-back")
		if got, ok := get(t, kv, "big"); !ok || got != string(big) {
			t.Fatalf("big value after reopen: found %v, len %d", ok, len(got))
		}
		if extra {
			wantValue(t, kv, "second", "session")
		}
	}
	kv = open(t, dir)
	check(kv, false)
	set(t, kv, "second", "session")
	err = kv.Update(ctx, func(tx storage.Tx) error { return tx.Delete([]byte("k000")) })
	if err != nil {
		t.Fatal(err)
	}
	wantMissing(t, kv, "k000")
	mustClose(kv)

	kv = open(t, dir)
	defer mustClose(kv)
	check(kv, true)
}
