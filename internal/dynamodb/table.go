package dynamodb

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// Storage layout (all keys in one ordered KV):
//
//	"T" account "/" region "/" name          → table metadata (JSON)
//	"U"                                       → last table UID (uint64 BE)
//	"I" uid(8) hash(4) pk-escaped sk-final     → item (attr binary codec)
//
// Each table gets a fresh UID, so deleting a table is a range delete and a
// recreated table never sees its predecessor's items. Items sort by a
// 32-bit hash of the partition key first: Scan walks that order, which is
// stable but not sorted by key (as in DynamoDB), and parallel scan splits the
// hash space into segments. Within a partition items sort by the sort key's
// order-preserving encoding, which is Query's order. Secondary indexes will
// live under their own prefix ("X" uid index-id ...) and be maintained in the
// same transaction as the base write.
const (
	prefixTable = 'T'
	prefixUID   = 'U'
	prefixItem  = 'I'
)

// table is a table's stored metadata.
type table struct {
	UID       uint64                `json:"uid"`
	ID        string                `json:"id"`
	Name      string                `json:"name"`
	Account   string                `json:"account"`
	Region    string                `json:"region"`
	AttrDefs  []AttributeDefinition `json:"attrDefs"`
	KeySchema []KeySchemaElement    `json:"keySchema"`
	HashKey   string                `json:"hashKey"`
	HashType  attr.Kind             `json:"hashType"`
	RangeKey  string                `json:"rangeKey,omitempty"`
	RangeType attr.Kind             `json:"rangeType,omitempty"`

	BillingMode       string               `json:"billingMode"`
	RCU               int64                `json:"rcu"`
	WCU               int64                `json:"wcu"`
	LastIncrease      float64              `json:"lastIncrease,omitempty"`
	LastDecrease      float64              `json:"lastDecrease,omitempty"`
	DecreasesToday    int64                `json:"decreasesToday,omitempty"`
	PayPerRequestTime float64              `json:"ppr,omitempty"`
	Created           float64              `json:"created"`
	Status            string               `json:"status"`
	Tags              []Tag                `json:"tags,omitempty"`
	Stream            *StreamSpecification `json:"stream,omitempty"`
	SSE               *SSESpecification    `json:"sse,omitempty"`
	TableClass        string               `json:"tableClass,omitempty"`
	DeletionProtected bool                 `json:"deletionProtected,omitempty"`
	OnDemand          *OnDemandThroughput  `json:"onDemand,omitempty"`
	Indexes           []*index             `json:"indexes,omitempty"`
	Streams           []*stream            `json:"streams,omitempty"`
	TTLAttr           string               `json:"ttlAttr,omitempty"`
	NextIndexID       uint16               `json:"nextIndexId,omitempty"`
}

func (t *table) arn() string {
	return "arn:aws:dynamodb:" + t.Region + ":" + t.Account + ":table/" + t.Name
}

func metaKey(account, region, name string) []byte {
	k := make([]byte, 0, 3+len(account)+len(region)+len(name))
	k = append(k, prefixTable)
	k = append(k, account...)
	k = append(k, '/')
	k = append(k, region...)
	k = append(k, '/')
	k = append(k, name...)
	return k
}

func metaPrefix(account, region string) []byte {
	return metaKey(account, region, "")
}

// itemPrefix is the first key of the table's item range.
func (t *table) itemPrefix() []byte {
	k := make([]byte, 9, 64)
	k[0] = prefixItem
	binary.BigEndian.PutUint64(k[1:], t.UID)
	return k
}

// itemRange is [lower, upper) of the table's items.
func (t *table) itemRange() (lower, upper []byte) {
	lower = t.itemPrefix()
	upper = make([]byte, 9)
	upper[0] = prefixItem
	binary.BigEndian.PutUint64(upper[1:], t.UID+1)
	return lower, upper
}

func hashPK(enc []byte) uint32 {
	h := fnv.New32a()
	h.Write(enc)
	return h.Sum32()
}

// partitionPrefix is the key prefix of every item with partition key pk.
func (t *table) partitionPrefix(dst []byte, pk attr.Value) []byte {
	var scratch [64]byte
	enc := attr.AppendKeyComponent(scratch[:0], pk)
	dst = append(dst, prefixItem)
	dst = binary.BigEndian.AppendUint64(dst, t.UID)
	dst = binary.BigEndian.AppendUint32(dst, hashPK(enc))
	return append(dst, enc...)
}

// itemKey is the storage key of the item with the given key attributes
// (already validated).
func (t *table) itemKey(key attr.Item) []byte {
	k := t.partitionPrefix(make([]byte, 0, 64), key[t.HashKey])
	if t.RangeKey != "" {
		k = attr.AppendKey(k, key[t.RangeKey])
	}
	return k
}

// Table metadata lives in storage and, decoded, in memory (s.tables), so
// the data plane never reads or decodes it per request. It only changes in
// control-plane operations, which hold s.metaMu exclusively while they run
// and reload s.tables after they commit; data-plane operations hold s.metaMu
// shared for their whole duration. So every item write sees exactly the
// metadata (indexes, streams, TTL) that is committed.

// loadTable returns a table's metadata, or errTableNotFound. The caller
// holds s.metaMu (shared or exclusive). The reader argument is unused: the
// map is the committed state.
func (s *Service) loadTable(_ storage.Reader, account, region, name string) (*table, error) {
	t := s.tables[string(metaKey(account, region, name))]
	if t == nil {
		return nil, errTableNotFound
	}
	return t, nil
}

// reloadMeta rebuilds s.tables from storage. The caller holds s.metaMu
// exclusively (or is the constructor).
func (s *Service) reloadMeta() error {
	tables := map[string]*table{}
	err := s.kv.View(context.Background(), func(r storage.Reader) error {
		it := r.Iter(storage.IterOptions{Lower: []byte{prefixTable}, Upper: []byte{prefixTable + 1}})
		defer it.Close()
		for it.Next() {
			t := new(table)
			if err := json.Unmarshal(it.Value(), t); err != nil {
				return fmt.Errorf("dynamodb: table metadata %q: %w", it.Key(), err)
			}
			tables[string(it.Key())] = t
		}
		return it.Err()
	})
	if err != nil {
		return err
	}
	s.tables = tables
	return nil
}

// saveTable writes metadata inside a transaction.
func saveTable(tx storage.Tx, t *table) error {
	raw, err := json.Marshal(t)
	if err != nil {
		return err
	}
	return tx.Set(metaKey(t.Account, t.Region, t.Name), raw)
}

var errTableNotFound = &awserr.Error{Code: "ResourceNotFoundException", Message: "Requested resource not found"}

func tableNotFound(name string) *awserr.Error {
	return &awserr.Error{Code: "ResourceNotFoundException", Message: "Requested resource not found: Table: " + name + " not found"}
}

func kindOf(t string) attr.Kind {
	switch t {
	case "S":
		return attr.S
	case "N":
		return attr.N
	case "B":
		return attr.B
	}
	return 0
}
