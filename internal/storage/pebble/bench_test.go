package pebble_test

import (
	"context"
	"encoding/binary"
	"sync/atomic"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// BenchmarkUpdateParallel measures one Set per Update from 8 goroutines per
// CPU, as a server with concurrent requests would issue them. On disk every
// Update waits for an fsync, and concurrent ones share it (group commit):
// compare with BenchmarkUpdateSerial/disk, where each pays a whole fsync.
func BenchmarkUpdateParallel(b *testing.B) {
	b.Run("disk", func(b *testing.B) { benchUpdate(b, openDisk(b, b.TempDir()), 8) })
	b.Run("mem", func(b *testing.B) { benchUpdate(b, openMem(b), 8) })
}

func BenchmarkUpdateSerial(b *testing.B) {
	b.Run("disk", func(b *testing.B) { benchUpdate(b, openDisk(b, b.TempDir()), 0) })
	b.Run("mem", func(b *testing.B) { benchUpdate(b, openMem(b), 0) })
}

// benchUpdate runs one-Set Updates from parallelism goroutines per CPU, or
// from one goroutine if parallelism is 0.
func benchUpdate(b *testing.B, db storage.KV, parallelism int) {
	ctx := context.Background()
	var seq atomic.Uint64
	value := make([]byte, 100)
	b.SetBytes(int64(len(value)))
	b.ReportAllocs()
	if parallelism == 0 {
		key := make([]byte, 8)
		for b.Loop() {
			binary.BigEndian.PutUint64(key, seq.Add(1))
			if err := db.Update(ctx, func(tx storage.Tx) error { return tx.Set(key, value) }); err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	b.SetParallelism(parallelism)
	b.RunParallel(func(pb *testing.PB) {
		key := make([]byte, 8)
		for pb.Next() {
			binary.BigEndian.PutUint64(key, seq.Add(1))
			err := db.Update(ctx, func(tx storage.Tx) error { return tx.Set(key, value) })
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkGet measures a View holding a single Get, the shape of most
// point reads (GetItem, GetObject metadata), over 10,000 keys.
func BenchmarkGet(b *testing.B) {
	b.Run("disk", func(b *testing.B) { benchGet(b, openDisk(b, b.TempDir()), false) })
	b.Run("mem", func(b *testing.B) { benchGet(b, openMem(b), false) })
	b.Run("mem/parallel", func(b *testing.B) { benchGet(b, openMem(b), true) })
}

func benchGet(b *testing.B, db storage.KV, parallel bool) {
	const n = 10000
	ctx := context.Background()
	value := make([]byte, 100)
	err := db.Update(ctx, func(tx storage.Tx) error {
		key := make([]byte, 8)
		for i := range n {
			binary.BigEndian.PutUint64(key, uint64(i))
			if err := tx.Set(key, value); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	get := func(key []byte, i uint64) {
		binary.BigEndian.PutUint64(key, (i*7919)%n)
		err := db.View(ctx, func(r storage.Reader) error {
			_, err := r.Get(key)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if !parallel {
		key := make([]byte, 8)
		for i := 0; b.Loop(); i++ {
			get(key, uint64(i))
		}
		return
	}
	var seq atomic.Uint64
	b.RunParallel(func(pb *testing.PB) {
		key := make([]byte, 8)
		for pb.Next() {
			get(key, seq.Add(1))
		}
	})
}
