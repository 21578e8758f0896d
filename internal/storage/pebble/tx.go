package pebble

import (
	"bytes"
	"context"
	"errors"

	"github.com/cockroachdb/pebble/v2"

	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// View runs fn against the point-in-time view of a Pebble iterator opened
// when View starts; see doc.go for why not a pebble.Snapshot.
func (d *DB) View(ctx context.Context, fn func(storage.Reader) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !d.begin() {
		return storage.ErrClosed
	}
	defer d.end()
	base, err := d.db.NewIter(nil)
	if err != nil {
		return err
	}
	v := view{base: base}
	defer v.finish()
	return fn(&v)
}

// Update runs fn over an indexed batch while holding d.wmu, makes the batch
// visible, releases d.wmu and only then waits for the WAL fsync, so that
// concurrent Updates share fsyncs. See doc.go.
func (d *DB) Update(ctx context.Context, fn func(storage.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !d.begin() {
		return storage.ErrClosed
	}
	defer d.end()
	b, err := d.apply(ctx, fn)
	if b == nil {
		return err
	}
	// The batch is visible but perhaps not yet durable: wait, without d.wmu,
	// for the fsync that covers it (one fsync covers every batch queued
	// behind the WAL's write position, so waiters share it).
	err = b.SyncWait()
	_ = b.Close()
	return err
}

// apply runs fn and commits its batch while holding d.wmu. It returns the
// batch when the caller must wait for its fsync, and nil otherwise.
func (d *DB) apply(ctx context.Context, fn func(storage.Tx) error) (*pebble.Batch, error) {
	d.wmu.Lock()
	defer d.wmu.Unlock()
	// Re-check: we may have waited long for the lock.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t := tx{b: d.db.NewIndexedBatch()}
	b := t.b
	applied := false
	defer func() {
		// Also runs if fn panics, so the batch and lock are not leaked.
		t.finish()
		if !applied {
			_ = b.Close()
		}
	}()
	if err := fn(&t); err != nil {
		return nil, err
	}
	t.finish()
	switch {
	case b.Empty():
		return nil, nil // nothing to commit, nothing to fsync
	case d.mem:
		return nil, d.db.Apply(b, pebble.NoSync)
	}
	// ApplyNoSyncWait returns once the batch is in the WAL buffer and the
	// memtable and its sequence number is published, so the next Update (and
	// any new View) sees it; the fsync is requested but not awaited.
	if err := d.db.ApplyNoSyncWait(b, pebble.Sync); err != nil {
		return nil, err
	}
	applied = true
	return b, nil
}

// view is the Reader of a View. base fixes the view's sequence number and
// pins its memtables and sstables; Get seeks it, and Iter clones it, and a
// clone reads exactly the same state.
type view struct {
	base *pebble.Iterator // nil once fn has returned
	its  iterSet
}

func (v *view) Get(key []byte) ([]byte, error) {
	if v.base == nil {
		return nil, storage.ErrClosed
	}
	// With the default comparer the prefix of a key is the whole key, so a
	// prefix seek finds key or nothing, and skips sstables whose bounds
	// exclude it. The empty key, the smallest, is First: Pebble's race-build
	// invariants reject a prefix seek for it.
	var found bool
	if len(key) == 0 {
		found = v.base.First()
	} else {
		found = v.base.SeekPrefixGE(key)
	}
	if !found || !bytes.Equal(v.base.Key(), key) {
		if err := v.base.Error(); err != nil {
			return nil, err
		}
		return nil, storage.ErrNotFound
	}
	val, err := v.base.ValueAndErr()
	if err != nil {
		return nil, err
	}
	return bytes.Clone(val), nil
}

func (v *view) Iter(o storage.IterOptions) storage.Iterator {
	if v.base == nil {
		return errIter(storage.ErrClosed)
	}
	return newIter(&v.its, o, func(po *pebble.IterOptions) (*pebble.Iterator, error) {
		return v.base.Clone(pebble.CloneOptions{IterOptions: po})
	})
}

func (v *view) finish() {
	v.its.closeAll()
	_ = v.base.Close()
	v.base = nil
}

// tx is the Tx of an Update. Its indexed batch reads through to the DB, and
// since d.wmu keeps other writers out, what it reads cannot change before
// it commits.
type tx struct {
	b   *pebble.Batch // nil once fn has returned
	its iterSet
}

// Get copies the value so that the Pebble resources behind it are released
// at once; holding them until fn returns would pin an iterator per Get.
func (t *tx) Get(key []byte) ([]byte, error) {
	if t.b == nil {
		return nil, storage.ErrClosed
	}
	v, closer, err := t.b.Get(seekKey(key))
	if err != nil {
		if errors.Is(err, pebble.ErrNotFound) {
			return nil, storage.ErrNotFound
		}
		return nil, err
	}
	out := bytes.Clone(v)
	_ = closer.Close()
	return out, nil
}

func (t *tx) Iter(o storage.IterOptions) storage.Iterator {
	if t.b == nil {
		return errIter(storage.ErrClosed)
	}
	return newIter(&t.its, o, t.b.NewIter)
}

func (t *tx) Set(key, value []byte) error {
	if t.b == nil {
		return storage.ErrClosed
	}
	return t.b.Set(key, value, nil)
}

func (t *tx) Delete(key []byte) error {
	if t.b == nil {
		return storage.ErrClosed
	}
	return t.b.Delete(key, nil)
}

// DeleteRange with a nil upper bound finds the last key at or above lower
// (in the DB or this batch) and deletes up to just past it: Pebble's range
// tombstones need an end key.
func (t *tx) DeleteRange(lower, upper []byte) error {
	if t.b == nil {
		return storage.ErrClosed
	}
	lower = seekKey(lower)
	if upper == nil {
		it, err := t.b.NewIter(&pebble.IterOptions{LowerBound: lower})
		if err != nil {
			return err
		}
		if !it.Last() {
			return it.Close()
		}
		upper = append(append([]byte(nil), it.Key()...), 0)
		if err := it.Close(); err != nil {
			return err
		}
	}
	if bytes.Compare(lower, upper) >= 0 {
		return nil // empty range; Pebble requires start < end
	}
	if lower == nil {
		lower = []byte{}
	}
	return t.b.DeleteRange(lower, upper, nil)
}

// finish closes leftover iterators and detaches the batch from t, so that a
// Tx kept past fn cannot write into a batch recycled by another Update.
func (t *tx) finish() {
	t.its.closeAll()
	t.b = nil
}
