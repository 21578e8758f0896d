// Package storagetest is the conformance suite every storage.KV backend must
// pass. It tests only what storage.KV promises, so a backend built on another
// engine (PostgreSQL, say) can run it unchanged:
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storage.KV { return openEmpty(t) })
//	}
//
// Tests that need concurrency (atomicity, serializability, isolation) run
// real goroutines against the store; they check invariants rather than
// timings, so they never sleep and never flake on a slow machine.
package storagetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// Run runs the conformance suite. open must return a new, empty store for
// the calling (sub)test; it should register t.Cleanup to close the store,
// ignoring storage.ErrClosed since some tests close it themselves.
func Run(t *testing.T, open func(t *testing.T) storage.KV) {
	tests := []struct {
		name string
		fn   func(*testing.T, storage.KV)
	}{
		{"GetSetDelete", testGetSetDelete},
		{"NotFound", testNotFound},
		{"EmptyValue", testEmptyValue},
		{"EmptyKey", testEmptyKey},
		{"IterOrder", testIterOrder},
		{"IterBounds", testIterBounds},
		{"IterEarlyClose", testIterEarlyClose},
		{"DeleteRange", testDeleteRange},
		{"ReadYourWrites", testReadYourWrites},
		{"WriteWhileIterating", testWriteWhileIterating},
		{"Rollback", testRollback},
		{"ErrorPassthrough", testErrorPassthrough},
		{"EmptyUpdate", testEmptyUpdate},
		{"BufferReuse", testBufferReuse},
		{"LargeValues", testLargeValues},
		{"Atomicity", testAtomicity},
		{"Serializability", testSerializability},
		{"Transfers", testTransfers},
		{"ConditionalWrite", testConditionalWrite},
		{"ViewIsolation", testViewIsolation},
		{"Context", testContext},
		{"Panic", testPanic},
		{"Close", testClose},
		{"CloseWaitsForTransactions", testCloseWaits},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

var ctx = context.Background()

// set commits key=value pairs (alternating) in one Update.
func set(t testing.TB, kv storage.KV, pairs ...string) {
	t.Helper()
	if len(pairs)%2 != 0 {
		t.Fatal("set: odd number of arguments")
	}
	err := kv.Update(ctx, func(tx storage.Tx) error {
		for i := 0; i < len(pairs); i += 2 {
			if err := tx.Set([]byte(pairs[i]), []byte(pairs[i+1])); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// get returns the value of key from a View, or "<nil>" with ok=false.
func get(t testing.TB, kv storage.KV, key string) (val string, ok bool) {
	t.Helper()
	err := kv.View(ctx, func(r storage.Reader) error {
		v, err := r.Get([]byte(key))
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		val, ok = string(v), true
		return nil
	})
	if err != nil {
		t.Fatalf("View: %v", err)
	}
	return val, ok
}

func wantValue(t testing.TB, kv storage.KV, key, want string) {
	t.Helper()
	got, ok := get(t, kv, key)
	if !ok {
		t.Fatalf("Get(%q): not found, want %q", key, want)
	}
	if got != want {
		t.Fatalf("Get(%q) = %q, want %q", key, got, want)
	}
}

func wantMissing(t testing.TB, kv storage.KV, key string) {
	t.Helper()
	if got, ok := get(t, kv, key); ok {
		t.Fatalf("Get(%q) = %q, want not found", key, got)
	}
}

// collect drains an iterator into "key=value" strings (bytes quoted with %q
// so 0x00 and 0xff are readable in failures) and closes it.
func collect(t testing.TB, it storage.Iterator) []string {
	t.Helper()
	var out []string
	for it.Next() {
		out = append(out, fmt.Sprintf("%q=%q", it.Key(), it.Value()))
	}
	if err := it.Err(); err != nil {
		t.Fatalf("iterator: %v", err)
	}
	if err := it.Close(); err != nil {
		t.Fatalf("iterator Close: %v", err)
	}
	return out
}

// scan returns collect(Iter(o)) from a View.
func scan(t testing.TB, kv storage.KV, o storage.IterOptions) []string {
	t.Helper()
	var out []string
	err := kv.View(ctx, func(r storage.Reader) error {
		out = collect(t, r.Iter(o))
		return nil
	})
	if err != nil {
		t.Fatalf("View: %v", err)
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func kvs(pairs ...string) []string {
	var out []string
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, fmt.Sprintf("%q=%q", pairs[i], pairs[i+1]))
	}
	return out
}

func reversed(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

func testGetSetDelete(t *testing.T, kv storage.KV) {
	set(t, kv, "a", "1", "b", "2")
	wantValue(t, kv, "a", "1")
	wantValue(t, kv, "b", "2")

	set(t, kv, "a", "one") // overwrite
	wantValue(t, kv, "a", "one")

	err := kv.Update(ctx, func(tx storage.Tx) error {
		if err := tx.Delete([]byte("a")); err != nil {
			return err
		}
		return tx.Delete([]byte("never-existed")) // not an error
	})
	if err != nil {
		t.Fatalf("Update(Delete): %v", err)
	}
	wantMissing(t, kv, "a")
	wantValue(t, kv, "b", "2")

	set(t, kv, "a", "again") // a deleted key can come back
	wantValue(t, kv, "a", "again")
}

func testNotFound(t *testing.T, kv storage.KV) {
	set(t, kv, "present", "x")
	check := func(r storage.Reader) error {
		for _, k := range []string{"absent", "presen", "present\x00", "\x00", "\xff"} {
			v, err := r.Get([]byte(k))
			if !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("Get(%q) = %q, %v; want ErrNotFound", k, v, err)
			}
		}
		return nil
	}
	if err := kv.View(ctx, check); err != nil {
		t.Fatal(err)
	}
	if err := kv.Update(ctx, func(tx storage.Tx) error { return check(tx) }); err != nil {
		t.Fatal(err)
	}
}

func testEmptyValue(t *testing.T, kv storage.KV) {
	set(t, kv, "empty", "")
	got, ok := get(t, kv, "empty")
	if !ok || got != "" {
		t.Fatalf("Get(empty) = %q, %v; want \"\", found", got, ok)
	}
	if got := scan(t, kv, storage.IterOptions{}); !equal(got, kvs("empty", "")) {
		t.Fatalf("scan = %s", got)
	}
}

// The empty key is a key like any other, and the smallest.
func testEmptyKey(t *testing.T, kv storage.KV) {
	set(t, kv, "", "empty", "a", "1")
	wantValue(t, kv, "", "empty")
	err := kv.Update(ctx, func(tx storage.Tx) error {
		if v, err := tx.Get([]byte{}); err != nil || string(v) != "empty" {
			t.Errorf("Get(\"\") in Update = %q, %v", v, err)
		}
		if v, err := tx.Get(nil); err != nil || string(v) != "empty" {
			t.Errorf("Get(nil) in Update = %q, %v", v, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := kvs("", "empty", "a", "1")
	if got := scan(t, kv, storage.IterOptions{}); !equal(got, want) {
		t.Errorf("forward: got %s, want %s", got, want)
	}
	if got := scan(t, kv, storage.IterOptions{Reverse: true}); !equal(got, reversed(want)) {
		t.Errorf("reverse: got %s, want %s", got, reversed(want))
	}
	if got := scan(t, kv, storage.IterOptions{Lower: []byte{}, Upper: []byte("a")}); !equal(got, want[:1]) {
		t.Errorf("[\"\", a): got %s, want %s", got, want[:1])
	}
	if got := scan(t, kv, storage.IterOptions{Upper: []byte{}}); len(got) != 0 {
		t.Errorf("[nil, \"\"): got %s, want nothing", got)
	}
	if err := kv.Update(ctx, func(tx storage.Tx) error { return tx.Delete(nil) }); err != nil {
		t.Fatal(err)
	}
	wantMissing(t, kv, "")
	wantValue(t, kv, "a", "1")
}

// orderedKeys is in bytewise order, with the bytes that trip up string or
// signed comparisons and C-string handling.
var orderedKeys = []string{
	"\x00",
	"\x00\x00",
	"\x00\x01",
	"\x01",
	"A",
	"a",
	"a\x00",
	"a\x00\x00",
	"a\x01",
	"aa",
	"a\x7f",
	"a\x80",
	"a\xff",
	"b",
	"\x7f",
	"\x80",
	"\xfe\xff",
	"\xff",
	"\xff\x00",
	"\xff\xff",
	"\xff\xff\xff",
}

func loadOrdered(t *testing.T, kv storage.KV) []string {
	t.Helper()
	// Insert in a scrambled order, over several Updates.
	var pairs []string
	for i := range orderedKeys {
		k := orderedKeys[(i*5)%len(orderedKeys)]
		pairs = append(pairs, k, "v"+k)
		if len(pairs) == 10 {
			set(t, kv, pairs...)
			pairs = pairs[:0]
		}
	}
	set(t, kv, pairs...)
	var want []string
	for _, k := range orderedKeys {
		want = append(want, fmt.Sprintf("%q=%q", k, "v"+k))
	}
	return want
}

func testIterOrder(t *testing.T, kv storage.KV) {
	if len(orderedKeys)%5 == 0 {
		t.Fatal("orderedKeys length must be coprime with 5")
	}
	for i := 1; i < len(orderedKeys); i++ {
		if orderedKeys[i-1] >= orderedKeys[i] {
			t.Fatalf("orderedKeys not sorted at %q", orderedKeys[i])
		}
	}
	want := loadOrdered(t, kv)
	if got := scan(t, kv, storage.IterOptions{}); !equal(got, want) {
		t.Errorf("forward:\n got %s\nwant %s", got, want)
	}
	if got := scan(t, kv, storage.IterOptions{Reverse: true}); !equal(got, reversed(want)) {
		t.Errorf("reverse:\n got %s\nwant %s", got, reversed(want))
	}
	// The same inside Update, where reads merge the store with the tx.
	err := kv.Update(ctx, func(tx storage.Tx) error {
		if got := collect(t, tx.Iter(storage.IterOptions{})); !equal(got, want) {
			t.Errorf("forward in Update:\n got %s\nwant %s", got, want)
		}
		if got := collect(t, tx.Iter(storage.IterOptions{Reverse: true})); !equal(got, reversed(want)) {
			t.Errorf("reverse in Update:\n got %s\nwant %s", got, reversed(want))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testIterBounds(t *testing.T, kv storage.KV) {
	set(t, kv, "a", "1", "b", "2", "b\x00", "3", "c", "4", "d", "5")
	b := func(s string) []byte { return []byte(s) }
	tests := []struct {
		name         string
		lower, upper []byte
		want         []string // keys, ascending
	}{
		{"unbounded", nil, nil, []string{"a", "b", "b\x00", "c", "d"}},
		{"lower only", b("b"), nil, []string{"b", "b\x00", "c", "d"}},
		{"upper only", nil, b("c"), []string{"a", "b", "b\x00"}},
		{"both", b("b"), b("d"), []string{"b", "b\x00", "c"}},
		{"between keys", b("a\x00"), b("c\x00"), []string{"b", "b\x00", "c"}},
		{"upper excludes exact", b("b"), b("b\x00"), []string{"b"}},
		{"lower past end", b("e"), nil, nil},
		{"upper before start", nil, b("a"), nil},
		{"empty lower bound", b(""), nil, []string{"a", "b", "b\x00", "c", "d"}},
		{"empty range", b("b"), b("b"), nil},
		{"inverted range", b("d"), b("b"), nil},
		{"range with no keys", b("c\x00"), b("c\xff"), nil},
		{"0xff upper", nil, b("\xff"), []string{"a", "b", "b\x00", "c", "d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []string
			for _, k := range tt.want {
				v, _ := get(t, kv, k)
				want = append(want, fmt.Sprintf("%q=%q", k, v))
			}
			fwd := scan(t, kv, storage.IterOptions{Lower: tt.lower, Upper: tt.upper})
			if !equal(fwd, want) {
				t.Errorf("forward [%q, %q):\n got %s\nwant %s", tt.lower, tt.upper, fwd, want)
			}
			rev := scan(t, kv, storage.IterOptions{Lower: tt.lower, Upper: tt.upper, Reverse: true})
			if !equal(rev, reversed(want)) {
				t.Errorf("reverse [%q, %q):\n got %s\nwant %s", tt.lower, tt.upper, rev, reversed(want))
			}
		})
	}

	// The caller may reuse its bound slices once Iter has returned.
	err := kv.View(ctx, func(r storage.Reader) error {
		lower, upper := []byte("b"), []byte("d")
		it := r.Iter(storage.IterOptions{Lower: lower, Upper: upper})
		copy(lower, "a")
		copy(upper, "z")
		if got, want := collect(t, it), kvs("b", "2", "b\x00", "3", "c", "4"); !equal(got, want) {
			t.Errorf("after reusing bound slices: got %s, want %s", got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testIterEarlyClose(t *testing.T, kv storage.KV) {
	set(t, kv, "a", "1", "b", "2", "c", "3")
	err := kv.View(ctx, func(r storage.Reader) error {
		// Several iterators at once, each abandoned part way.
		it1 := r.Iter(storage.IterOptions{})
		it2 := r.Iter(storage.IterOptions{Reverse: true})
		if !it1.Next() || string(it1.Key()) != "a" {
			t.Errorf("it1 first key = %q", it1.Key())
		}
		if !it2.Next() || string(it2.Key()) != "c" {
			t.Errorf("it2 first key = %q", it2.Key())
		}
		// Key and Value stay put until Next.
		k, v := it1.Key(), it1.Value()
		if string(k) != "a" || string(v) != "1" {
			t.Errorf("it1 = %q=%q", k, v)
		}
		if err := it1.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		// it2 is left open: the store must clean up after fn.
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// An iterator with nothing in range, never advanced, then closed.
	err = kv.View(ctx, func(r storage.Reader) error {
		return r.Iter(storage.IterOptions{Lower: []byte("x")}).Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	wantValue(t, kv, "b", "2")
}

func testDeleteRange(t *testing.T, kv storage.KV) {
	load := func() {
		t.Helper()
		set(t, kv, "a", "1", "b", "2", "b\x00", "3", "c", "4", "d", "5", "\xff", "6")
	}
	clear := func() {
		t.Helper()
		if err := kv.Update(ctx, func(tx storage.Tx) error { return tx.DeleteRange(nil, nil) }); err != nil {
			t.Fatal(err)
		}
	}
	b := func(s string) []byte { return []byte(s) }
	tests := []struct {
		name         string
		lower, upper []byte
		want         []string // remaining keys
	}{
		{"middle", b("b"), b("d"), []string{"a", "d", "\xff"}},
		{"exclusive upper", b("b"), b("b\x00"), []string{"a", "b\x00", "c", "d", "\xff"}},
		{"nil lower", nil, b("c"), []string{"c", "d", "\xff"}},
		{"nil upper", b("c"), nil, []string{"a", "b", "b\x00"}},
		{"everything", nil, nil, nil},
		{"empty range", b("c"), b("c"), []string{"a", "b", "b\x00", "c", "d", "\xff"}},
		{"inverted range", b("d"), b("a"), []string{"a", "b", "b\x00", "c", "d", "\xff"}},
		{"no keys in range", b("e"), b("f"), []string{"a", "b", "b\x00", "c", "d", "\xff"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clear()
			load()
			err := kv.Update(ctx, func(tx storage.Tx) error { return tx.DeleteRange(tt.lower, tt.upper) })
			if err != nil {
				t.Fatalf("DeleteRange: %v", err)
			}
			var want []string
			for _, k := range tt.want {
				v, _ := get(t, kv, k)
				want = append(want, fmt.Sprintf("%q=%q", k, v))
			}
			if got := scan(t, kv, storage.IterOptions{}); !equal(got, want) {
				t.Errorf("after DeleteRange(%q, %q):\n got %s\nwant %s", tt.lower, tt.upper, got, want)
			}
			if got := scan(t, kv, storage.IterOptions{Reverse: true}); !equal(got, reversed(want)) {
				t.Errorf("reverse after DeleteRange(%q, %q):\n got %s\nwant %s", tt.lower, tt.upper, got, reversed(want))
			}
		})
	}

	// Keys written after DeleteRange in the same Update survive it, keys
	// written before do not, and a deleted range can be refilled later.
	clear()
	load()
	err := kv.Update(ctx, func(tx storage.Tx) error {
		if err := tx.Set(b("b1"), b("before")); err != nil {
			return err
		}
		if err := tx.DeleteRange(b("b"), b("c")); err != nil {
			return err
		}
		if _, err := tx.Get(b("b1")); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Get(b1) after DeleteRange in Update: %v, want ErrNotFound", err)
		}
		return tx.Set(b("b2"), b("after"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := scan(t, kv, storage.IterOptions{Lower: b("b"), Upper: b("c")}), kvs("b2", "after"); !equal(got, want) {
		t.Errorf("after DeleteRange then Set: got %s, want %s", got, want)
	}
	set(t, kv, "b", "new")
	wantValue(t, kv, "b", "new")
}

func testReadYourWrites(t *testing.T, kv storage.KV) {
	set(t, kv, "a", "1", "c", "3", "e", "5")
	err := kv.Update(ctx, func(tx storage.Tx) error {
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(tx.Set([]byte("b"), []byte("2")))
		must(tx.Set([]byte("c"), []byte("three")))
		must(tx.Delete([]byte("e")))

		if v, err := tx.Get([]byte("b")); err != nil || string(v) != "2" {
			t.Errorf("Get(b) = %q, %v; want own write", v, err)
		}
		if v, err := tx.Get([]byte("c")); err != nil || string(v) != "three" {
			t.Errorf("Get(c) = %q, %v; want own overwrite", v, err)
		}
		if _, err := tx.Get([]byte("e")); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Get(e) = %v; want own delete", err)
		}
		if v, err := tx.Get([]byte("a")); err != nil || string(v) != "1" {
			t.Errorf("Get(a) = %q, %v; want committed value", v, err)
		}
		want := kvs("a", "1", "b", "2", "c", "three")
		if got := collect(t, tx.Iter(storage.IterOptions{})); !equal(got, want) {
			t.Errorf("Iter in Update:\n got %s\nwant %s", got, want)
		}
		if got := collect(t, tx.Iter(storage.IterOptions{Reverse: true})); !equal(got, reversed(want)) {
			t.Errorf("reverse Iter in Update:\n got %s\nwant %s", got, reversed(want))
		}
		// An iterator opened now sees writes made so far.
		must(tx.Set([]byte("d"), []byte("4")))
		want = kvs("c", "three", "d", "4")
		if got := collect(t, tx.Iter(storage.IterOptions{Lower: []byte("c")})); !equal(got, want) {
			t.Errorf("Iter after another Set:\n got %s\nwant %s", got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := kvs("a", "1", "b", "2", "c", "three", "d", "4")
	if got := scan(t, kv, storage.IterOptions{}); !equal(got, want) {
		t.Errorf("after commit:\n got %s\nwant %s", got, want)
	}
}

// A common pattern: walk a range and rewrite or delete what you walk.
func testWriteWhileIterating(t *testing.T, kv storage.KV) {
	for i := 0; i < 50; i++ {
		set(t, kv, fmt.Sprintf("k%02d", i), "old")
	}
	err := kv.Update(ctx, func(tx storage.Tx) error {
		it := tx.Iter(storage.IterOptions{Lower: []byte("k"), Upper: []byte("l")})
		defer it.Close()
		n := 0
		for it.Next() {
			k := append([]byte(nil), it.Key()...)
			var err error
			if n%2 == 0 {
				err = tx.Set(k, []byte("new"))
			} else {
				err = tx.Delete(k)
			}
			if err != nil {
				return err
			}
			n++
		}
		if n != 50 {
			t.Errorf("visited %d keys, want 50", n)
		}
		return it.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		k := fmt.Sprintf("k%02d", i)
		if i%2 == 0 {
			wantValue(t, kv, k, "new")
		} else {
			wantMissing(t, kv, k)
		}
	}
}

var errBoom = errors.New("boom")

func testRollback(t *testing.T, kv storage.KV) {
	set(t, kv, "keep", "1", "drop", "2", "r1", "x", "r2", "y")
	err := kv.Update(ctx, func(tx storage.Tx) error {
		for _, op := range []error{
			tx.Set([]byte("keep"), []byte("changed")),
			tx.Set([]byte("new"), []byte("3")),
			tx.Delete([]byte("drop")),
			tx.DeleteRange([]byte("r"), []byte("s")),
		} {
			if op != nil {
				t.Fatal(op)
			}
		}
		return errBoom
	})
	if err != errBoom { //nolint:errorlint // fn's error must come back as is
		t.Fatalf("Update returned %v, want fn's error as is", err)
	}
	want := kvs("drop", "2", "keep", "1", "r1", "x", "r2", "y")
	if got := scan(t, kv, storage.IterOptions{}); !equal(got, want) {
		t.Fatalf("after rollback:\n got %s\nwant %s", got, want)
	}
	// A wrapped error is returned as is too, not unwrapped or rewrapped.
	wrapped := fmt.Errorf("op failed: %w", storage.ErrNotFound)
	err = kv.Update(ctx, func(tx storage.Tx) error {
		_ = tx.Set([]byte("keep"), []byte("changed again"))
		return wrapped
	})
	if err != wrapped { //nolint:errorlint
		t.Fatalf("Update returned %v, want %v", err, wrapped)
	}
	wantValue(t, kv, "keep", "1")
}

func testErrorPassthrough(t *testing.T, kv storage.KV) {
	ran := false
	err := kv.View(ctx, func(storage.Reader) error { ran = true; return errBoom })
	if err != errBoom || !ran { //nolint:errorlint
		t.Fatalf("View = %v (ran %v), want fn's error as is", err, ran)
	}
	err = kv.View(ctx, func(storage.Reader) error { return nil })
	if err != nil {
		t.Fatalf("View = %v", err)
	}
}

func testEmptyUpdate(t *testing.T, kv storage.KV) {
	for i := 0; i < 3; i++ {
		if err := kv.Update(ctx, func(storage.Tx) error { return nil }); err != nil {
			t.Fatalf("empty Update: %v", err)
		}
	}
	// A read-only Update.
	set(t, kv, "a", "1")
	err := kv.Update(ctx, func(tx storage.Tx) error {
		_, err := tx.Get([]byte("a"))
		return err
	})
	if err != nil {
		t.Fatalf("read-only Update: %v", err)
	}
	if got := scan(t, kv, storage.IterOptions{}); !equal(got, kvs("a", "1")) {
		t.Fatalf("scan = %s", got)
	}
}

func testBufferReuse(t *testing.T, kv storage.KV) {
	err := kv.Update(ctx, func(tx storage.Tx) error {
		// One key buffer and one value buffer for every write, as code that
		// builds keys with append(buf[:0], ...) does.
		var kbuf, vbuf []byte
		for i := 0; i < 100; i++ {
			kbuf = fmt.Appendf(kbuf[:0], "key%03d", i)
			vbuf = fmt.Appendf(vbuf[:0], "value%03d", i)
			if err := tx.Set(kbuf, vbuf); err != nil {
				return err
			}
		}
		// Scribble over the buffers before commit.
		for i := range kbuf {
			kbuf[i] = 'X'
		}
		for i := range vbuf {
			vbuf[i] = 'Y'
		}
		// Delete and DeleteRange must not keep their arguments either.
		dk := []byte("key050")
		if err := tx.Delete(dk); err != nil {
			return err
		}
		copy(dk, "key051")
		lo, hi := []byte("key060"), []byte("key062")
		if err := tx.DeleteRange(lo, hi); err != nil {
			return err
		}
		copy(lo, "key000")
		copy(hi, "key099")
		// Get's argument may be reused too.
		gk := []byte("key001")
		v, err := tx.Get(gk)
		if err != nil {
			return err
		}
		copy(gk, "key002")
		if string(v) != "value001" {
			t.Errorf("Get(key001) = %q", v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		k := fmt.Sprintf("key%03d", i)
		if i == 50 || i == 60 || i == 61 {
			wantMissing(t, kv, k)
		} else {
			wantValue(t, kv, k, fmt.Sprintf("value%03d", i))
		}
	}
	if _, ok := get(t, kv, "XXXXXX"); ok {
		t.Error("scribbled key was stored")
	}
}

func testLargeValues(t *testing.T, kv storage.KV) {
	const mb = 1 << 20
	pattern := func(seed byte, n int) []byte {
		v := make([]byte, n)
		x := uint32(seed) + 1
		for i := range v {
			x = x*1664525 + 1013904223
			v[i] = byte(x >> 24)
		}
		return v
	}
	big1, big2, big3 := pattern(1, mb), pattern(2, mb+1), pattern(3, 3*mb)
	set(t, kv, "big1", string(big1))
	err := kv.Update(ctx, func(tx storage.Tx) error {
		if err := tx.Set([]byte("big2"), big2); err != nil {
			return err
		}
		if err := tx.Set([]byte("big3"), big3); err != nil {
			return err
		}
		v, err := tx.Get([]byte("big2"))
		if err != nil || !bytes.Equal(v, big2) {
			t.Errorf("Get(big2) inside Update: len %d, %v", len(v), err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = kv.View(ctx, func(r storage.Reader) error {
		for k, want := range map[string][]byte{"big1": big1, "big2": big2, "big3": big3} {
			v, err := r.Get([]byte(k))
			if err != nil || !bytes.Equal(v, want) {
				t.Errorf("Get(%s): len %d, want %d, err %v", k, len(v), len(want), err)
			}
		}
		it := r.Iter(storage.IterOptions{})
		defer it.Close()
		n := 0
		for it.Next() {
			n++
			if len(it.Value()) < mb {
				t.Errorf("Iter value for %q: len %d", it.Key(), len(it.Value()))
			}
		}
		if n != 3 {
			t.Errorf("Iter saw %d keys, want 3", n)
		}
		return it.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
}
