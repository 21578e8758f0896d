package storagetest

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// run starts fn(i) for i in [0, n) and waits for all of them.
func run(n int, fn func(i int)) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(i)
		}()
	}
	wg.Wait()
}

// testAtomicity: writers set every key of a group to one version per Update
// while readers check, by Get and by Iter, that they never see two versions.
func testAtomicity(t *testing.T, kv storage.KV) {
	const (
		keys    = 10
		writers = 2
		updates = 30 // per writer
		readers = 4
	)
	key := func(i int) []byte { return fmt.Appendf(nil, "grp/%02d", i) }
	setAll := func(version string) error {
		return kv.Update(ctx, func(tx storage.Tx) error {
			for i := 0; i < keys; i++ {
				if err := tx.Set(key(i), []byte(version)); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := setAll("init"); err != nil {
		t.Fatal(err)
	}

	done := make(chan struct{})
	var readerWG sync.WaitGroup
	for r := 0; r < readers; r++ {
		readerWG.Add(1)
		go func() {
			defer readerWG.Done()
			for n := 0; ; n++ {
				err := kv.View(ctx, func(rd storage.Reader) error {
					seen := map[string]int{}
					if r%2 == 0 {
						it := rd.Iter(storage.IterOptions{Lower: []byte("grp/"), Upper: []byte("grp0")})
						defer it.Close()
						for it.Next() {
							seen[string(it.Value())]++
						}
						if err := it.Err(); err != nil {
							return err
						}
					} else {
						for i := 0; i < keys; i++ {
							v, err := rd.Get(key(i))
							if err != nil {
								return err
							}
							seen[string(v)]++
						}
					}
					if len(seen) != 1 {
						return fmt.Errorf("reader %d saw a partial update: %v", r, seen)
					}
					for _, c := range seen {
						if c != keys {
							return fmt.Errorf("reader %d saw %d keys, want %d", r, c, keys)
						}
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
				// Read at least once after the writers finish.
				select {
				case <-done:
					return
				default:
				}
			}
		}()
	}
	run(writers, func(w int) {
		for i := 0; i < updates; i++ {
			if err := setAll(fmt.Sprintf("w%d-%d", w, i)); err != nil {
				t.Error(err)
				return
			}
		}
	})
	close(done)
	readerWG.Wait()
}

// testSerializability: concurrent read-modify-write Updates lose nothing.
func testSerializability(t *testing.T, kv storage.KV) {
	const (
		workers    = 8
		increments = 25
	)
	counter := []byte("counter")
	incr := func(tx storage.Tx, key []byte) error {
		n := 0
		v, err := tx.Get(key)
		switch {
		case errors.Is(err, storage.ErrNotFound):
		case err != nil:
			return err
		default:
			if n, err = strconv.Atoi(string(v)); err != nil {
				return err
			}
		}
		return tx.Set(key, strconv.AppendInt(nil, int64(n+1), 10))
	}
	run(workers, func(w int) {
		mine := fmt.Appendf(nil, "worker/%d", w)
		for i := 0; i < increments; i++ {
			err := kv.Update(ctx, func(tx storage.Tx) error {
				if err := incr(tx, counter); err != nil {
					return err
				}
				return incr(tx, mine)
			})
			if err != nil {
				t.Error(err)
				return
			}
			// A failed Update must not count.
			err = kv.Update(ctx, func(tx storage.Tx) error {
				if err := incr(tx, counter); err != nil {
					return err
				}
				return errBoom
			})
			if !errors.Is(err, errBoom) {
				t.Errorf("failing Update returned %v", err)
				return
			}
		}
	})
	wantValue(t, kv, "counter", strconv.Itoa(workers*increments))
	for w := 0; w < workers; w++ {
		wantValue(t, kv, fmt.Sprintf("worker/%d", w), strconv.Itoa(increments))
	}
}

// testTransfers moves amounts between accounts concurrently; any lost update
// or partial read breaks the invariant that the total is constant.
func testTransfers(t *testing.T, kv storage.KV) {
	const (
		accounts  = 5
		initial   = 1000
		workers   = 6
		transfers = 20 // per worker
	)
	acct := func(i int) []byte { return fmt.Appendf(nil, "acct/%d", i) }
	err := kv.Update(ctx, func(tx storage.Tx) error {
		for i := 0; i < accounts; i++ {
			if err := tx.Set(acct(i), []byte(strconv.Itoa(initial))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	total := func(r storage.Reader) (int, error) {
		sum := 0
		it := r.Iter(storage.IterOptions{Lower: []byte("acct/"), Upper: []byte("acct0")})
		defer it.Close()
		for it.Next() {
			n, err := strconv.Atoi(string(it.Value()))
			if err != nil {
				return 0, err
			}
			sum += n
		}
		return sum, it.Err()
	}
	done := make(chan struct{})
	var audit sync.WaitGroup
	audit.Add(1)
	go func() {
		defer audit.Done()
		for {
			err := kv.View(ctx, func(r storage.Reader) error {
				sum, err := total(r)
				if err == nil && sum != accounts*initial {
					err = fmt.Errorf("auditor saw total %d, want %d", sum, accounts*initial)
				}
				return err
			})
			if err != nil {
				t.Error(err)
				return
			}
			select {
			case <-done:
				return
			default:
			}
		}
	}()
	run(workers, func(w int) {
		for i := 0; i < transfers; i++ {
			from, to, amount := (w+i)%accounts, (w+2*i+1)%accounts, 1+(w*7+i*13)%50
			if from == to {
				to = (to + 1) % accounts
			}
			err := kv.Update(ctx, func(tx storage.Tx) error {
				get := func(k []byte) (int, error) {
					v, err := tx.Get(k)
					if err != nil {
						return 0, err
					}
					return strconv.Atoi(string(v))
				}
				a, err := get(acct(from))
				if err != nil {
					return err
				}
				b, err := get(acct(to))
				if err != nil {
					return err
				}
				if err := tx.Set(acct(from), []byte(strconv.Itoa(a-amount))); err != nil {
					return err
				}
				return tx.Set(acct(to), []byte(strconv.Itoa(b+amount)))
			})
			if err != nil {
				t.Error(err)
				return
			}
		}
	})
	close(done)
	audit.Wait()
	err = kv.View(ctx, func(r storage.Reader) error {
		sum, err := total(r)
		if err == nil && sum != accounts*initial {
			err = fmt.Errorf("final total %d, want %d", sum, accounts*initial)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// testConditionalWrite: of many concurrent create-if-absent Updates on one
// key, exactly one creates it.
func testConditionalWrite(t *testing.T, kv storage.KV) {
	const (
		workers = 8
		rounds  = 10
	)
	for round := 0; round < rounds; round++ {
		key := fmt.Appendf(nil, "lock/%d", round)
		var mu sync.Mutex
		var winners []int
		run(workers, func(w int) {
			created := false
			err := kv.Update(ctx, func(tx storage.Tx) error {
				created = false
				_, err := tx.Get(key)
				if err == nil {
					return nil // taken
				}
				if !errors.Is(err, storage.ErrNotFound) {
					return err
				}
				created = true
				return tx.Set(key, []byte(strconv.Itoa(w)))
			})
			if err != nil {
				t.Error(err)
				return
			}
			if created {
				mu.Lock()
				winners = append(winners, w)
				mu.Unlock()
			}
		})
		if len(winners) != 1 {
			t.Fatalf("round %d: winners %v, want exactly one", round, winners)
		}
		wantValue(t, kv, string(key), strconv.Itoa(winners[0]))
	}
}

// testViewIsolation: an Update that commits while a View is iterating is
// invisible to that View, and visible to the next one.
func testViewIsolation(t *testing.T, kv storage.KV) {
	const n = 100
	key := func(i int) string { return fmt.Sprintf("k%03d", i) }
	var pairs []string
	for i := 0; i < n; i++ {
		pairs = append(pairs, key(i), "old")
	}
	set(t, kv, pairs...)

	update := func() error {
		return kv.Update(ctx, func(tx storage.Tx) error {
			for i := 0; i < n; i++ {
				if err := tx.Set([]byte(key(i)), []byte("new")); err != nil {
					return err
				}
			}
			if err := tx.Delete([]byte(key(75))); err != nil {
				return err
			}
			if err := tx.Set([]byte(key(50)+"+"), []byte("new")); err != nil {
				return err
			}
			return tx.DeleteRange([]byte(key(90)), []byte(key(95)))
		})
	}

	err := kv.View(ctx, func(r storage.Reader) error {
		it := r.Iter(storage.IterOptions{})
		defer it.Close()
		seen := 0
		for it.Next() {
			if string(it.Value()) != "old" {
				return fmt.Errorf("View saw %q=%q, want old", it.Key(), it.Value())
			}
			seen++
			if seen == n/2 {
				// Commit from another goroutine, and wait for it: the View
				// must not block the Update.
				errc := make(chan error, 1)
				go func() { errc <- update() }()
				if err := <-errc; err != nil {
					return fmt.Errorf("Update during View: %w", err)
				}
			}
		}
		if err := it.Err(); err != nil {
			return err
		}
		if seen != n {
			return fmt.Errorf("View iterated %d keys, want %d", seen, n)
		}
		// Reads started after the Update committed still see the snapshot.
		if v, err := r.Get([]byte(key(10))); err != nil || string(v) != "old" {
			return fmt.Errorf("Get(%s) = %q, %v; want old", key(10), v, err)
		}
		if v, err := r.Get([]byte(key(75))); err != nil || string(v) != "old" {
			return fmt.Errorf("Get(%s) = %q, %v; want old (deleted later)", key(75), v, err)
		}
		if _, err := r.Get([]byte(key(50) + "+")); !errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("Get(%s+) = %v; want ErrNotFound (created later)", key(50), err)
		}
		got := collect(t, r.Iter(storage.IterOptions{Lower: []byte(key(89)), Upper: []byte(key(96)), Reverse: true}))
		want := reversed(kvs(key(89), "old", key(90), "old", key(91), "old", key(92), "old",
			key(93), "old", key(94), "old", key(95), "old"))
		if !equal(got, want) {
			return fmt.Errorf("new iterator in View:\n got %s\nwant %s", got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantValue(t, kv, key(10), "new")
	wantValue(t, kv, key(50)+"+", "new")
	wantMissing(t, kv, key(75))
	wantMissing(t, kv, key(92))
	wantValue(t, kv, key(95), "new")
}
