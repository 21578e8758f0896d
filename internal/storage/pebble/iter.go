package pebble

import (
	"bytes"

	"github.com/cockroachdb/pebble/v2"

	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// iterator adapts a pebble.Iterator to storage.Iterator's Next-first loop.
type iterator struct {
	it      *pebble.Iterator // nil once closed, or for an empty range
	reverse bool
	started bool
	err     error
	owner   *iterSet
	idx     int // position in owner.its
}

func (i *iterator) Next() bool {
	if i.it == nil || i.err != nil {
		return false
	}
	if !i.started {
		i.started = true
		if i.reverse {
			return i.it.Last()
		}
		return i.it.First()
	}
	if i.reverse {
		return i.it.Prev()
	}
	return i.it.Next()
}

func (i *iterator) Key() []byte {
	if i.it == nil || !i.started {
		return nil
	}
	return i.it.Key()
}

// Value fetches the value lazily, so key-only scans do not pay for values
// Pebble stores out of line. A failure to fetch ends the iteration and is
// reported by Err.
func (i *iterator) Value() []byte {
	if i.it == nil || !i.started {
		return nil
	}
	v, err := i.it.ValueAndErr()
	if err != nil {
		i.err = err
		return nil
	}
	return v
}

func (i *iterator) Err() error {
	if i.err != nil {
		return i.err
	}
	if i.it != nil {
		return i.it.Error()
	}
	return nil
}

// Close is idempotent; iterators still open when fn returns are closed by
// the transaction.
func (i *iterator) Close() error {
	if i.it == nil {
		return nil
	}
	err := i.it.Close()
	i.it = nil
	if i.owner != nil {
		i.owner.remove(i)
	}
	if i.err != nil {
		return i.err
	}
	return err
}

// iterSet tracks a transaction's open iterators so that those fn forgot to
// close are closed before the snapshot or batch under them goes away (Pebble
// refuses to close a DB with leaked iterators).
type iterSet struct {
	its []*iterator
}

func (s *iterSet) add(i *iterator) {
	i.owner, i.idx = s, len(s.its)
	s.its = append(s.its, i)
}

func (s *iterSet) remove(i *iterator) {
	last := len(s.its) - 1
	s.its[i.idx] = s.its[last]
	s.its[i.idx].idx = i.idx
	s.its[last] = nil
	s.its = s.its[:last]
	i.owner = nil
}

func (s *iterSet) closeAll() {
	for len(s.its) > 0 {
		_ = s.its[len(s.its)-1].Close()
	}
}

// newIter opens an iterator over [o.Lower, o.Upper) from newPebbleIter and
// registers it with s.
func newIter(s *iterSet, o storage.IterOptions, newPebbleIter func(*pebble.IterOptions) (*pebble.Iterator, error)) storage.Iterator {
	i := &iterator{reverse: o.Reverse}
	if (o.Upper != nil && len(o.Upper) == 0) ||
		(o.Lower != nil && o.Upper != nil && bytes.Compare(o.Lower, o.Upper) >= 0) {
		// Empty range: Pebble requires Lower < Upper, and takes an empty
		// Upper for no bound at all rather than "below the empty key".
		return i
	}
	if len(o.Lower) == 0 {
		// The empty key is the smallest, so an empty lower bound is no bound.
		// (Pebble's race-build invariants also index key[0] of a non-nil
		// seek key, see seekKey.)
		o.Lower = nil
	}
	// Pebble keeps the bound slices; the caller may reuse theirs.
	var po pebble.IterOptions
	buf := make([]byte, 0, len(o.Lower)+len(o.Upper))
	if o.Lower != nil {
		buf = append(buf, o.Lower...)
		po.LowerBound = buf[:len(o.Lower):len(o.Lower)]
	}
	if o.Upper != nil {
		buf = append(buf, o.Upper...)
		po.UpperBound = buf[len(buf)-len(o.Upper):]
	}
	it, err := newPebbleIter(&po)
	if err != nil {
		i.err = err
		return i
	}
	i.it = it
	s.add(i)
	return i
}

// errIter is returned by a finished transaction's Iter.
func errIter(err error) storage.Iterator { return &iterator{err: err} }

// seekKey maps the empty key to nil, which Pebble compares equal to it:
// with the race detector on, Pebble's invariant checks read key[0] of any
// non-nil seek key and panic on an empty one.
func seekKey(key []byte) []byte {
	if len(key) == 0 {
		return nil
	}
	return key
}
