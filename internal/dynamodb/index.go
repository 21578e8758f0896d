package dynamodb

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// Secondary indexes are "a second table DynamoDB builds for you". Each
// entry lives under
//
//	"X" uid(8) index-id(2) hash(4) index-pk-component [index-sk-component] table-pk-component [table-sk-final]
//
// so one index partition sorts by the index sort key, ties broken by the
// table key, and every entry is unique. The value is the projected item.
// Entries are written in the same transaction as the base item, so an index
// never disagrees with its table. Items lacking an index key attribute are
// not indexed (sparse indexes).
const prefixIndex = 'X'

// index is a secondary index's stored metadata.
type index struct {
	Name      string              `json:"name"`
	ID        uint16              `json:"id"`
	Global    bool                `json:"global"`
	KeySchema []KeySchemaElement  `json:"keySchema"`
	HashKey   string              `json:"hashKey"`
	HashType  attr.Kind           `json:"hashType"`
	RangeKey  string              `json:"rangeKey,omitempty"`
	RangeType attr.Kind           `json:"rangeType,omitempty"`
	ProjType  string              `json:"projType"`
	NonKey    []string            `json:"nonKey,omitempty"`
	Status    string              `json:"status,omitempty"` // GSIs: ACTIVE (CREATING only in the response that created it)
	RCU       int64               `json:"rcu,omitempty"`
	WCU       int64               `json:"wcu,omitempty"`
	OnDemand  *OnDemandThroughput `json:"onDemand,omitempty"`
}

func (t *table) indexNamed(name string) *index {
	for _, ix := range t.Indexes {
		if ix.Name == name {
			return ix
		}
	}
	return nil
}

func (ix *index) prefix(t *table) []byte {
	k := make([]byte, 0, 64)
	k = append(k, prefixIndex)
	k = binary.BigEndian.AppendUint64(k, t.UID)
	return binary.BigEndian.AppendUint16(k, ix.ID)
}

func (ix *index) rangeOf(t *table) (lower, upper []byte) {
	lower = ix.prefix(t)
	return lower, prefixEnd(lower)
}

// partitionPrefix is the prefix of the index entries whose index hash key is pk.
func (ix *index) partitionPrefix(t *table, pk attr.Value) []byte {
	enc := attr.AppendKeyComponent(nil, pk)
	k := ix.prefix(t)
	k = binary.BigEndian.AppendUint32(k, hashPK(enc))
	return append(k, enc...)
}

// entryKey is the index key of item, or ok=false when the item lacks an
// index key attribute (or has one of another type, which writes reject
// beforehand).
func (ix *index) entryKey(t *table, it attr.Item) (key []byte, ok bool) {
	hv, ok := it[ix.HashKey]
	if !ok || hv.Kind != ix.HashType {
		return nil, false
	}
	k := ix.partitionPrefix(t, hv)
	if ix.RangeKey != "" {
		rv, ok := it[ix.RangeKey]
		if !ok || rv.Kind != ix.RangeType {
			return nil, false
		}
		k = attr.AppendKeyComponent(k, rv)
	}
	k = attr.AppendKeyComponent(k, it[t.HashKey])
	if t.RangeKey != "" {
		k = attr.AppendKey(k, it[t.RangeKey])
	}
	return k, true
}

// project is the part of item the index stores.
func (ix *index) project(t *table, it attr.Item) attr.Item {
	if ix.ProjType == "ALL" {
		return it
	}
	out := attr.Item{}
	for _, n := range ix.keyNames(t) {
		if v, ok := it[n]; ok {
			out[n] = v
		}
	}
	if ix.ProjType == "INCLUDE" {
		for _, n := range ix.NonKey {
			if v, ok := it[n]; ok {
				out[n] = v
			}
		}
	}
	return out
}

// keyNames are the table's and the index's key attributes.
func (ix *index) keyNames(t *table) []string {
	names := []string{t.HashKey}
	if t.RangeKey != "" {
		names = append(names, t.RangeKey)
	}
	for _, n := range []string{ix.HashKey, ix.RangeKey} {
		if n != "" && n != t.HashKey && n != t.RangeKey {
			names = append(names, n)
		}
	}
	return names
}

// projects reports whether the index stores attribute name.
func (ix *index) projects(t *table, name string) bool {
	if ix.ProjType == "ALL" {
		return true
	}
	for _, n := range ix.keyNames(t) {
		if n == name {
			return true
		}
	}
	for _, n := range ix.NonKey {
		if n == name {
			return true
		}
	}
	return false
}

// checkIndexKeys rejects an item whose index key attributes have the wrong
// type or an empty value, as DynamoDB does on every write.
func (t *table) checkIndexKeys(it attr.Item) error {
	for _, ix := range t.Indexes {
		for _, k := range []struct {
			name string
			kind attr.Kind
		}{{ix.HashKey, ix.HashType}, {ix.RangeKey, ix.RangeType}} {
			if k.name == "" {
				continue
			}
			v, ok := it[k.name]
			if !ok {
				continue
			}
			if v.Kind != k.kind {
				return invalidParam(fmt.Sprintf("Type mismatch for Index Key %s Expected: %s Actual: %s IndexName: %s", k.name, k.kind, v.Kind, ix.Name))
			}
			if (v.Kind == attr.S && v.Str == "") || (v.Kind == attr.B && len(v.Bytes) == 0) {
				return validation(fmt.Sprintf("One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty %s value. IndexName: %s, IndexKey: %s",
					map[attr.Kind]string{attr.S: "string", attr.B: "binary"}[v.Kind], ix.Name, k.name))
			}
		}
	}
	return nil
}

// indexWrites maintains every index for one item changing from old to new
// (either may be nil) and returns the write units the indexes consumed,
// by index name.
func (t *table) maintainIndexes(tx storage.Tx, old, new attr.Item) (map[string]float64, error) {
	if len(t.Indexes) == 0 {
		return nil, nil
	}
	units := map[string]float64{}
	for _, ix := range t.Indexes {
		var oldKey, newKey []byte
		oldOK, newOK := false, false
		if old != nil {
			oldKey, oldOK = ix.entryKey(t, old)
		}
		if new != nil {
			newKey, newOK = ix.entryKey(t, new)
		}
		if oldOK && (!newOK || string(oldKey) != string(newKey)) {
			if err := tx.Delete(oldKey); err != nil {
				return nil, err
			}
			units[ix.Name] += writeUnits(attr.ItemSize(ix.project(t, old)))
		}
		if newOK {
			p := ix.project(t, new)
			if err := tx.Set(newKey, attr.AppendItem(nil, p)); err != nil {
				return nil, err
			}
			units[ix.Name] += writeUnits(attr.ItemSize(p))
		}
	}
	return units, nil
}

// maintain keeps everything derived from an item in step with a change from
// old to new: secondary indexes, the TTL expiry index and the stream. It
// returns the write units the indexes consumed.
func (s *Service) maintain(tx storage.Tx, t *table, old, new attr.Item) (map[string]float64, error) {
	units, err := t.maintainIndexes(tx, old, new)
	if err != nil {
		return nil, err
	}
	if err := t.maintainExpiry(tx, old, new); err != nil {
		return nil, err
	}
	return units, s.record(tx, t, old, new, false)
}

// backfill indexes every existing item in ix.
func (t *table) backfill(tx storage.Tx, ix *index) error {
	lo, hi := t.itemRange()
	it := tx.Iter(storage.IterOptions{Lower: lo, Upper: hi})
	defer it.Close()
	type entry struct{ k, v []byte }
	var entries []entry
	for it.Next() {
		item, err := attr.DecodeItem(it.Value())
		if err != nil {
			return err
		}
		if k, ok := ix.entryKey(t, item); ok {
			entries = append(entries, entry{k, attr.AppendItem(nil, ix.project(t, item))})
		}
	}
	if err := it.Err(); err != nil {
		return err
	}
	for _, e := range entries {
		if err := tx.Set(e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

// defineIndex validates one index definition against the table.
func (t *table) defineIndex(si SecondaryIndex, global bool, types map[string]string, billing string) (*index, error) {
	kind := "LocalSecondaryIndex"
	if global {
		kind = "GlobalSecondaryIndex"
	}
	if si.IndexName == nil || len(*si.IndexName) < 3 || len(*si.IndexName) > 255 || !validName(*si.IndexName) {
		return nil, invalidParam("Invalid IndexName: " + str(si.IndexName))
	}
	name := *si.IndexName
	if len(si.KeySchema) < 1 || len(si.KeySchema) > 2 {
		return nil, invalidParam(fmt.Sprintf("%s KeySchema must have 1 or 2 elements; index: %s", kind, name))
	}
	ix := &index{Name: name, Global: global, KeySchema: si.KeySchema}
	for i, k := range si.KeySchema {
		if k.AttributeName == nil || k.KeyType == nil {
			return nil, invalidParam("Invalid KeySchema for index: " + name)
		}
		typ, ok := types[*k.AttributeName]
		if !ok {
			return nil, invalidParam(fmt.Sprintf("Some index key attributes are not defined in AttributeDefinitions. Keys: [%s], AttributeDefinitions: [%s]",
				*k.AttributeName, strings.Join(sortedTables(types), ", ")))
		}
		switch {
		case i == 0 && *k.KeyType != "HASH":
			return nil, validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
		case i == 1 && *k.KeyType != "RANGE":
			return nil, validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
		}
		if i == 0 {
			ix.HashKey, ix.HashType = *k.AttributeName, kindOf(typ)
		} else {
			ix.RangeKey, ix.RangeType = *k.AttributeName, kindOf(typ)
		}
	}
	if ix.HashKey == ix.RangeKey {
		return nil, validation("Both the Hash Key and the Range Key element in the KeySchema have the same name")
	}
	if !global {
		if t.RangeKey == "" {
			return nil, invalidParam("Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex")
		}
		if ix.HashKey != t.HashKey {
			return nil, invalidParam(fmt.Sprintf("Index KeySchema does not have the same leading hash key as table KeySchema for index: %s. index hash key: %s, table hash key: %s", name, ix.HashKey, t.HashKey))
		}
		if ix.RangeKey == "" {
			return nil, invalidParam("Index KeySchema for a LocalSecondaryIndex must have a range key; index: " + name)
		}
	}
	if si.Projection == nil || si.Projection.ProjectionType == nil {
		return nil, invalidParam("Unknown ProjectionType: null")
	}
	ix.ProjType = *si.Projection.ProjectionType
	switch ix.ProjType {
	case "ALL", "KEYS_ONLY":
		if len(si.Projection.NonKeyAttributes) > 0 {
			return nil, invalidParam("ProjectionType is " + ix.ProjType + ", but NonKeyAttributes is specified")
		}
	case "INCLUDE":
		if len(si.Projection.NonKeyAttributes) == 0 {
			return nil, invalidParam("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
		}
		if len(si.Projection.NonKeyAttributes) > 100 {
			return nil, invalidParam("The number of NonKeyAttributes exceeds the limit of 100")
		}
		ix.NonKey = append([]string(nil), si.Projection.NonKeyAttributes...)
	default:
		return nil, invalidParam("Unknown ProjectionType: " + ix.ProjType)
	}
	if global {
		if billing == "PROVISIONED" {
			pt := si.ProvisionedThroughput
			if pt == nil || pt.ReadCapacityUnits == nil || pt.WriteCapacityUnits == nil {
				return nil, invalidParam("ProvisionedThroughput must be specified for index: " + name)
			}
			ix.RCU, ix.WCU = *pt.ReadCapacityUnits, *pt.WriteCapacityUnits
		} else if si.ProvisionedThroughput != nil {
			return nil, invalidParam("ProvisionedThroughput should not be specified for index: " + name + " when BillingMode is PAY_PER_REQUEST")
		}
		ix.OnDemand = si.OnDemandThroughput
		ix.Status = "ACTIVE"
	} else if si.ProvisionedThroughput != nil {
		return nil, invalidParam("ProvisionedThroughput should not be specified for a LocalSecondaryIndex: " + name)
	}
	return ix, nil
}

// describeIndexes renders the index descriptions.
func (t *table) describeIndexes(d *TableDescription, stats map[string][2]int64) {
	for _, ix := range t.Indexes {
		proj := &Projection{ProjectionType: ptr(ix.ProjType)}
		if len(ix.NonKey) > 0 {
			proj.NonKeyAttributes = ix.NonKey
		}
		desc := IndexDescription{
			IndexName:      ix.Name,
			KeySchema:      ix.KeySchema,
			Projection:     proj,
			IndexArn:       t.arn() + "/index/" + ix.Name,
			ItemCount:      stats[ix.Name][0],
			IndexSizeBytes: stats[ix.Name][1],
		}
		if ix.Global {
			desc.IndexStatus = ix.Status
			desc.ProvisionedThroughput = &ProvisionedThroughputDescription{ReadCapacityUnits: ix.RCU, WriteCapacityUnits: ix.WCU}
			if t.BillingMode == "PAY_PER_REQUEST" {
				desc.OnDemandThroughput = &OnDemandThroughput{MaxReadRequestUnits: ptr(int64(-1)), MaxWriteRequestUnits: ptr(int64(-1))}
				if ix.OnDemand != nil {
					desc.OnDemandThroughput = ix.OnDemand
				}
			}
			d.GlobalSecondaryIndexes = append(d.GlobalSecondaryIndexes, desc)
		} else {
			d.LocalSecondaryIndexes = append(d.LocalSecondaryIndexes, desc)
		}
	}
}

// indexStats counts each index's entries and bytes.
func (t *table) indexStats(r storage.Reader) (map[string][2]int64, error) {
	out := map[string][2]int64{}
	for _, ix := range t.Indexes {
		lo, hi := ix.rangeOf(t)
		it := r.Iter(storage.IterOptions{Lower: lo, Upper: hi})
		var n, size int64
		for it.Next() {
			n++
			size += int64(storedItemSize(it.Value()))
		}
		err := it.Err()
		it.Close()
		if err != nil {
			return nil, err
		}
		out[ix.Name] = [2]int64{n, size}
	}
	return out, nil
}

// indexKeyOf is the key attributes an index page's LastEvaluatedKey carries.
func (ix *index) lastKey(t *table, it attr.Item) attr.Item {
	k := attr.Item{}
	for _, n := range ix.keyNames(t) {
		if v, ok := it[n]; ok {
			k[n] = v
		}
	}
	return k
}

// startKey validates an index ExclusiveStartKey (table and index keys) and
// returns its storage key.
func (ix *index) startKey(t *table, esk attr.Item) ([]byte, error) {
	names := ix.keyNames(t)
	sort.Strings(names)
	if len(esk) != len(names) {
		return nil, validation("The provided starting key is invalid: The provided key element does not match the schema")
	}
	for _, n := range names {
		if _, ok := esk[n]; !ok {
			return nil, validation("The provided starting key is invalid: The provided key element does not match the schema")
		}
	}
	if err := t.checkKeyParam(t.keyOf(esk)); err != nil {
		return nil, validation("The provided starting key is invalid: The provided key element does not match the schema")
	}
	k, ok := ix.entryKey(t, esk)
	if !ok {
		return nil, validation("The provided starting key is invalid: The provided key element does not match the schema")
	}
	return k, nil
}
