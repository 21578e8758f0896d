package pebble

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// Defaults are sized for nimbus's budget of 20 MiB RSS for the whole idle
// process. Neither is allocated up front: memtables start at 256 KiB and
// double up to MemTableSize, and the block cache fills only as blocks are
// read.
const (
	DefaultCacheSize    = 32 << 20
	DefaultMemTableSize = 4 << 20
)

// Options configures a DB. The zero value is ready to use.
type Options struct {
	// Logger receives Pebble's own messages: informational ones at debug
	// level, background errors at error level. Nil discards them, so that an
	// embedded store does not write to stderr behind the application's back.
	Logger *slog.Logger
	// CacheSize is the block cache size in bytes; 0 means DefaultCacheSize.
	CacheSize int64
	// MemTableSize is the steady-state memtable size in bytes; 0 means
	// DefaultMemTableSize. Writes stall when two memtables are full.
	MemTableSize uint64
}

// DB is a storage.KV backed by Pebble. It is safe for concurrent use.
type DB struct {
	db  *pebble.DB
	mem bool // in-memory: no WAL, nothing to fsync

	// wmu serializes the read-modify-write part of Updates. It is released
	// before the commit's fsync completes, so fsyncs are shared (see doc.go).
	wmu sync.Mutex

	// state counts in-flight transactions in its low bits; closedBit is set
	// once Close has begun. An atomic rather than a mutex keeps View free of
	// shared locks, and rather than an RWMutex lets a transaction's fn start
	// another (View inside Update) without deadlocking a pending Close.
	state     atomic.Int64
	drained   chan struct{} // closed when the last transaction ends after Close began
	drainOnce sync.Once
}

const closedBit = 1 << 62

// Open opens (creating if needed) a durable store in dir. Update returns only
// once its commit is synced to Pebble's write-ahead log.
func Open(dir string, opts Options) (*DB, error) {
	if dir == "" {
		return nil, errors.New("pebble: Open needs a directory; use OpenMem for an in-memory store")
	}
	return open(dir, vfs.Default, false, opts)
}

// OpenMem opens an empty store held in memory (Pebble's vfs.NewMem). It has
// no write-ahead log and its contents vanish on Close; it is meant for tests
// and throwaway instances.
func OpenMem(opts Options) (*DB, error) {
	return open("", vfs.NewMem(), true, opts)
}

func open(dir string, fs vfs.FS, mem bool, o Options) (*DB, error) {
	if o.CacheSize <= 0 {
		o.CacheSize = DefaultCacheSize
	}
	if o.MemTableSize == 0 {
		o.MemTableSize = DefaultMemTableSize
	}
	popts := &pebble.Options{
		FS:                 fs,
		CacheSize:          o.CacheSize,
		MemTableSize:       o.MemTableSize,
		Logger:             logger{o.Logger},
		FormatMajorVersion: pebble.FormatNewest,
		// A WAL in memory protects nothing and costs a copy of every write.
		DisableWAL: mem,
	}
	if mem {
		// Blocks of an in-memory store are already in RAM: compressing them
		// only to decompress them on every cache miss is pure cost.
		popts.ApplyCompressionSettings(func() pebble.DBCompressionSettings { return pebble.DBCompressionNone })
	}
	pdb, err := pebble.Open(dir, popts)
	if err != nil {
		return nil, fmt.Errorf("pebble: open %q: %w", dir, err)
	}
	return &DB{db: pdb, mem: mem, drained: make(chan struct{})}, nil
}

// begin registers an in-flight transaction; it reports false once Close has
// begun. Every successful begin must be paired with end.
func (d *DB) begin() bool {
	if d.state.Add(1)&closedBit != 0 {
		d.end()
		return false
	}
	return true
}

func (d *DB) end() {
	if d.state.Add(-1) == closedBit {
		// Close has begun and nothing is in flight any more. Transactions
		// refused by begin also pass through here, hence the Once.
		d.drainOnce.Do(func() { close(d.drained) })
	}
}

// Close waits for in-flight transactions, then closes Pebble. Transactions
// that start after Close has begun return storage.ErrClosed, and so does a
// second Close. Close must not be called from inside a transaction's fn.
func (d *DB) Close() error {
	old := d.state.Or(closedBit)
	if old&closedBit != 0 {
		return storage.ErrClosed
	}
	if old != 0 {
		<-d.drained
	}
	return d.db.Close()
}

var _ storage.KV = (*DB)(nil)
