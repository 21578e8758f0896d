// Package pebble implements storage.KV on CockroachDB's Pebble, nimbus's
// embedded default store.
//
// # Updates: one writer at a time, fsyncs shared
//
// Update promises serializability: what fn reads cannot change before fn's
// writes commit, so "create if absent" and read-modify-write are atomic. The
// simplest way to keep that promise on an engine without optimistic
// transactions is to let one Update run fn at a time, so Updates take a
// mutex (DB.wmu) around fn. Nimbus's writes are small and fn is short; the
// expensive part of a durable commit is the fsync, and that part is not
// under the mutex.
//
// fn writes into an indexed pebble.Batch; Get and Iter inside fn read that
// batch merged with the database, so fn sees its own writes. If fn returns
// nil, the batch is committed with DB.ApplyNoSyncWait(batch, pebble.Sync),
// which queues the batch for the WAL, applies it to the memtable and
// publishes its sequence number before returning: from then on every new
// reader, including the next Update's fn, sees it. Only then is the mutex
// released, and Update waits in Batch.SyncWait for the fsync that covers
// the batch. Pebble's WAL writer syncs everything queued so far in one
// fsync, so Updates that commit while an fsync is in flight are all made
// durable by the next one: group commit. BenchmarkUpdateParallel/disk
// versus BenchmarkUpdateSerial/disk shows the effect.
//
// So a reader can see a write shortly before its Update returns, that is
// before it is durable; Pebble's own synced Apply has the same window. An
// Update that acts on such a write is safe: the WAL is written in commit
// order, so it cannot become durable without the write it read. An Update
// whose fn wrote nothing commits nothing and does not wait for an fsync.
//
// # Views: a pinned iterator, not a snapshot
//
// View opens one unbounded pebble.Iterator when it starts; the iterator
// fixes a sequence number and pins the memtables and sstables it reads.
// Get is a prefix seek on it (with the default comparer, an exact-key
// seek), and Iter clones it, so every read in the View sees the same state.
// A pebble.Snapshot gives the same guarantee but costs more per View: it is
// registered under the DB's main mutex and closing the last one runs the
// compaction picker; measured on a single-Get View it was up to twice as
// slow, with 15 allocations instead of 1, while the pinned iterator costs
// the same as a bare DB.Get. Views take no lock of ours and never wait for
// Updates.
//
// # Lifetime
//
// Close refuses new transactions, waits for in-flight ones (including any
// Update still waiting for its fsync), then closes Pebble. Iterators that
// fn leaves open are closed when fn returns; a Reader or Tx used after fn
// returns reports storage.ErrClosed rather than touching a recycled batch.
//
// # Memory mode
//
// OpenMem runs Pebble on vfs.NewMem with the WAL disabled: there is nothing
// to fsync or replay, and commits are applied with pebble.NoSync while the
// mutex is held. Everything else, including flushes and compactions into
// in-memory sstables, is the same code as on disk, so tests in memory mode
// exercise the real engine.
//
// # Footprint
//
// Nimbus must idle under 20 MiB RSS and answer within milliseconds of
// starting. The defaults are an 8 MiB block cache and 4 MiB memtables
// (Pebble starts at 256 KiB and doubles), and Pebble's logger is silenced
// unless a *slog.Logger is supplied. Opening an empty store adds a few
// hundred KiB; most of Pebble's cost is its code (linking it grows a binary
// by some 20 MiB, much of which the kernel maps in at start). OpenMem takes
// well under a millisecond; Open is bound by fsyncs (about 6 to reopen a
// store, 17 to create one), so callers with a latency budget should open
// the store concurrently with whatever must answer first.
package pebble
