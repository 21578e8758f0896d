// Package storage defines nimbus's ordered, transactional key-value store.
//
// The model follows bbolt and Pebble: View runs a read-only function against a
// consistent snapshot; Update runs a read-write function and commits its writes
// atomically unless the function returns an error. Updates are serializable:
// a value read inside Update cannot change before the Update commits, so a
// conditional write is atomic with its condition. Update returns only after the
// commit is durable (for durable backends), and concurrent Updates share the
// cost of making their writes durable (group commit).
//
// Keys are ordered bytewise. Iterators are bounded by [Lower, Upper).
//
// Every backend must pass the storagetest suite.
package storage

import (
	"context"
	"errors"
)

// ErrNotFound is returned by Get when the key does not exist.
var ErrNotFound = errors.New("storage: not found")

// ErrClosed is returned by operations on a closed store.
var ErrClosed = errors.New("storage: closed")

// KV is an ordered transactional key-value store.
type KV interface {
	// View runs fn against a consistent snapshot: fn sees no part of an
	// Update that commits after fn has started reading, and a View never
	// blocks an Update. fn's error is returned as is. View returns
	// ctx.Err() without running fn if ctx is already done.
	View(ctx context.Context, fn func(Reader) error) error
	// Update runs fn in a serializable read-write transaction. Reads inside
	// fn see fn's own earlier writes. If fn returns nil the writes commit
	// atomically and durably before Update returns; otherwise they are
	// discarded and fn's error is returned as is. Update returns
	// ctx.Err() without running fn if ctx is already done. fn must not
	// call Update on the same store (it may deadlock); it may call View.
	Update(ctx context.Context, fn func(Tx) error) error
	// Close waits for in-flight View and Update calls, then flushes and
	// releases the store. Operations after Close (including a second Close)
	// return ErrClosed. Close must not be called from inside fn.
	Close() error
}

// Reader reads keys. The slices it returns are valid only until fn returns;
// copy them to keep them, and do not modify them. A Reader or Tx must not be
// used by several goroutines at once, nor after fn returns.
type Reader interface {
	// Get returns the value of key or ErrNotFound.
	Get(key []byte) ([]byte, error)
	// Iter returns an iterator over keys in [o.Lower, o.Upper), ascending or,
	// with o.Reverse, descending. A nil bound is unbounded. The iterator must
	// be closed.
	Iter(o IterOptions) Iterator
}

// Tx is a read-write transaction.
type Tx interface {
	Reader
	// Set stores value under key. key and value may be reused by the caller
	// after Set returns.
	Set(key, value []byte) error
	// Delete removes key; deleting a missing key is not an error.
	Delete(key []byte) error
	// DeleteRange removes every key in [lower, upper). As in IterOptions, a
	// nil bound is unbounded; an empty range (lower >= upper) is a no-op.
	DeleteRange(lower, upper []byte) error
}

// IterOptions bounds an iterator.
type IterOptions struct {
	Lower, Upper []byte // [Lower, Upper); nil means unbounded
	Reverse      bool
}

// Iterator walks keys in order. Usage:
//
//	it := r.Iter(o)
//	defer it.Close()
//	for it.Next() { use(it.Key(), it.Value()) }
//	if err := it.Err(); err != nil { ... }
type Iterator interface {
	// Next advances to the next key and reports whether there is one.
	Next() bool
	// Key and Value are valid until the next call to Next or Close.
	Key() []byte
	Value() []byte
	Err() error
	Close() error
}
