package dynamodb

import (
	"math"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// ItemCollectionMetrics is what DynamoDB reports for writes to tables with
// local secondary indexes when asked (ReturnItemCollectionMetrics SIZE): the
// partition key and an estimate of the item collection's size in GB.
type ItemCollectionMetrics struct {
	ItemCollectionKey   attr.Item `json:"ItemCollectionKey"`
	SizeEstimateRangeGB []float64 `json:"SizeEstimateRangeGB"`
}

// collectionMetrics measures the item collection of key's partition: the
// table's items with that partition key and their LSI entries. nil when the
// table has no LSI or the request did not ask.
func (t *table) collectionMetrics(r storage.Reader, mode *string, key attr.Item) (*ItemCollectionMetrics, error) {
	if str(mode) != "SIZE" || !t.hasLSI() {
		return nil, nil
	}
	hv := key[t.HashKey]
	var size int64
	prefix := t.partitionPrefix(nil, hv)
	ranges := [][2][]byte{{prefix, prefixEnd(prefix)}}
	for _, ix := range t.Indexes {
		if !ix.Global {
			p := ix.partitionPrefix(t, hv)
			ranges = append(ranges, [2][]byte{p, prefixEnd(p)})
		}
	}
	for _, rg := range ranges {
		it := r.Iter(storage.IterOptions{Lower: rg[0], Upper: rg[1]})
		for it.Next() {
			size += int64(len(it.Key()) + storedItemSize(it.Value()))
		}
		err := it.Err()
		it.Close()
		if err != nil {
			return nil, err
		}
	}
	// DynamoDB gives a range around its estimate, rounded to whole GB.
	gb := float64(size) / (1 << 30)
	lo := math.Floor(gb)
	return &ItemCollectionMetrics{
		ItemCollectionKey:   attr.Item{t.HashKey: hv},
		SizeEstimateRangeGB: []float64{lo, lo + 1},
	}, nil
}

func (t *table) hasLSI() bool {
	for _, ix := range t.Indexes {
		if !ix.Global {
			return true
		}
	}
	return false
}
