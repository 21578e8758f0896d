package dynamodb

import (
	"context"
	"encoding/binary"
	"errors"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// Time to live. DynamoDB deletes expired items "within a few days"; nimbus
// deletes them within about a second, so tests and demos can see it happen.
// Every write to a table with TTL enabled maintains an expiry index
//
//	"E" expiry-seconds(8) uid(8) item-key → empty
//
// ordered by time across all tables, so the reaper reads only what is due.
// Like DynamoDB, an item is only expired when its TTL attribute is a
// Number of epoch seconds, not in the future, and not more than five years
// in the past; the deletion appears in the table's stream as a service
// deletion (userIdentity dynamodb.amazonaws.com).
const (
	prefixExpiry = 'E'
	ttlMaxAge    = 5 * 365 * 24 * time.Hour
)

type TimeToLiveSpecification struct {
	Enabled       *bool   `json:"Enabled"`
	AttributeName *string `json:"AttributeName"`
}

type UpdateTimeToLiveInput struct {
	TableName               *string                  `json:"TableName"`
	TimeToLiveSpecification *TimeToLiveSpecification `json:"TimeToLiveSpecification"`
}

type UpdateTimeToLiveOutput struct {
	TimeToLiveSpecification *TimeToLiveSpecification `json:"TimeToLiveSpecification"`
}

type TimeToLiveDescription struct {
	TimeToLiveStatus string `json:"TimeToLiveStatus"`
	AttributeName    string `json:"AttributeName,omitempty"`
}

type DescribeTimeToLiveOutput struct {
	TimeToLiveDescription TimeToLiveDescription `json:"TimeToLiveDescription"`
}

// expiryOf is the item's expiry time in epoch seconds, if it has one.
func (t *table) expiryOf(it attr.Item) (uint64, bool) {
	if t.TTLAttr == "" || it == nil {
		return 0, false
	}
	v, ok := it[t.TTLAttr]
	if !ok || v.Kind != attr.N {
		return 0, false
	}
	c := attr.CompareNumbers(v.Str, "0")
	if c < 0 {
		return 0, false
	}
	// Whole seconds; fractions and huge values are clamped sensibly.
	var secs uint64
	for _, ch := range v.Str {
		if ch == '.' {
			break
		}
		if secs > 1<<40 {
			return 0, false // far beyond any plausible epoch: never expires
		}
		secs = secs*10 + uint64(ch-'0')
	}
	return secs, true
}

func expiryKey(secs, uid uint64, itemKey []byte) []byte {
	k := make([]byte, 0, 17+len(itemKey))
	k = append(k, prefixExpiry)
	k = binary.BigEndian.AppendUint64(k, secs)
	k = binary.BigEndian.AppendUint64(k, uid)
	return append(k, itemKey...)
}

// maintainExpiry keeps the expiry index in step with an item change.
func (t *table) maintainExpiry(tx storage.Tx, old, new attr.Item) error {
	if t.TTLAttr == "" {
		return nil
	}
	oe, oldOK := t.expiryOf(old)
	ne, newOK := t.expiryOf(new)
	if oldOK && (!newOK || oe != ne) {
		if err := tx.Delete(expiryKey(oe, t.UID, t.itemKey(t.keyOf(old)))); err != nil {
			return err
		}
	}
	if newOK && (!oldOK || oe != ne) {
		return tx.Set(expiryKey(ne, t.UID, t.itemKey(t.keyOf(new))), nil)
	}
	return nil
}

// UpdateTimeToLive enables or disables TTL on an attribute.
func (s *Service) UpdateTimeToLive(ctx context.Context, in *UpdateTimeToLiveInput) (*UpdateTimeToLiveOutput, error) {
	var c constraints
	c.tableName(in.TableName, "tableName")
	c.notNull(in.TimeToLiveSpecification == nil, "timeToLiveSpecification")
	if spec := in.TimeToLiveSpecification; spec != nil {
		c.notNull(spec.Enabled == nil, "timeToLiveSpecification.enabled")
		c.notNull(spec.AttributeName == nil, "timeToLiveSpecification.attributeName")
		if spec.AttributeName != nil && (len(*spec.AttributeName) < 1 || len(*spec.AttributeName) > 255) {
			c.add("'"+*spec.AttributeName+"'", "timeToLiveSpecification.attributeName", "Member must have length greater than or equal to 1")
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	spec := in.TimeToLiveSpecification
	info := request.From(ctx)
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		cur, err := s.loadTable(tx, info.Account, info.Region, *in.TableName)
		if err == errTableNotFound {
			return tableNotFound(*in.TableName)
		} else if err != nil {
			return err
		}
		t := *cur
		if *spec.Enabled {
			if t.TTLAttr != "" {
				return validation("TimeToLive is already enabled")
			}
			t.TTLAttr = *spec.AttributeName
		} else {
			if t.TTLAttr == "" {
				return validation("TimeToLive is already disabled")
			}
			if t.TTLAttr != *spec.AttributeName {
				return validation("TimeToLive is active on a different AttributeName: current AttributeName is " + t.TTLAttr)
			}
			t.TTLAttr = ""
		}
		if err := rebuildExpiry(tx, cur, &t); err != nil {
			return err
		}
		return saveTable(tx, &t)
	})
	if err != nil {
		return nil, err
	}
	return &UpdateTimeToLiveOutput{TimeToLiveSpecification: spec}, nil
}

// rebuildExpiry drops the old expiry entries of a table and indexes its
// items under the new TTL attribute.
func rebuildExpiry(tx storage.Tx, old, t *table) error {
	lo, hi := t.itemRange()
	it := tx.Iter(storage.IterOptions{Lower: lo, Upper: hi})
	defer it.Close()
	type change struct{ del, set []byte }
	var changes []change
	for it.Next() {
		item, err := attr.DecodeItem(it.Value())
		if err != nil {
			return err
		}
		var ch change
		if e, ok := old.expiryOf(item); ok {
			ch.del = expiryKey(e, t.UID, append([]byte(nil), it.Key()...))
		}
		if e, ok := t.expiryOf(item); ok {
			ch.set = expiryKey(e, t.UID, append([]byte(nil), it.Key()...))
		}
		changes = append(changes, ch)
	}
	if err := it.Err(); err != nil {
		return err
	}
	for _, ch := range changes {
		if ch.del != nil {
			if err := tx.Delete(ch.del); err != nil {
				return err
			}
		}
		if ch.set != nil {
			if err := tx.Set(ch.set, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// DescribeTimeToLive reports a table's TTL setting.
func (s *Service) DescribeTimeToLive(ctx context.Context, in *TableNameInput) (*DescribeTimeToLiveOutput, error) {
	var c constraints
	c.tableName(in.TableName, "tableName")
	if err := c.err(); err != nil {
		return nil, err
	}
	info := request.From(ctx)
	out := &DescribeTimeToLiveOutput{TimeToLiveDescription: TimeToLiveDescription{TimeToLiveStatus: "DISABLED"}}
	err := s.kv.View(ctx, func(r storage.Reader) error {
		t, err := s.loadTable(r, info.Account, info.Region, *in.TableName)
		if err == errTableNotFound {
			return tableNotFound(*in.TableName)
		} else if err != nil {
			return err
		}
		if t.TTLAttr != "" {
			out.TimeToLiveDescription = TimeToLiveDescription{TimeToLiveStatus: "ENABLED", AttributeName: t.TTLAttr}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ExpireNow deletes every item whose TTL has passed, and returns how many.
// The background loop calls it about once a second; tests call it directly.
func (s *Service) ExpireNow(ctx context.Context) (int, error) {
	now := uint64(s.now().Unix())
	oldest := uint64(s.now().Add(-ttlMaxAge).Unix())
	type due struct {
		uid     uint64
		itemKey []byte
		expKey  []byte
	}
	var dues []due
	err := s.kv.View(ctx, func(r storage.Reader) error {
		upper := binary.BigEndian.AppendUint64([]byte{prefixExpiry}, now+1)
		it := r.Iter(storage.IterOptions{Lower: []byte{prefixExpiry}, Upper: upper})
		defer it.Close()
		for it.Next() && len(dues) < 1000 {
			k := it.Key()
			if len(k) < 17 {
				continue
			}
			secs := binary.BigEndian.Uint64(k[1:9])
			d := due{uid: binary.BigEndian.Uint64(k[9:17]), itemKey: append([]byte(nil), k[17:]...), expKey: append([]byte(nil), k...)}
			if secs < oldest {
				d.itemKey = nil // older than five years: DynamoDB never expires it; drop the entry only
			}
			dues = append(dues, d)
		}
		return it.Err()
	})
	if err != nil || len(dues) == 0 {
		return 0, err
	}
	deleted := 0
	err = s.kv.Update(ctx, func(tx storage.Tx) error {
		tables, err := s.tablesByUID(tx)
		if err != nil {
			return err
		}
		for _, d := range dues {
			if err := tx.Delete(d.expKey); err != nil {
				return err
			}
			t := tables[d.uid]
			if t == nil || d.itemKey == nil {
				continue
			}
			old, err := getItem(tx, d.itemKey)
			if err != nil {
				return err
			}
			// Re-check under the write lock: the item may have changed.
			if e, ok := t.expiryOf(old); !ok || e > now {
				continue
			}
			if err := tx.Delete(d.itemKey); err != nil {
				return err
			}
			if _, err := t.maintainIndexes(tx, old, nil); err != nil {
				return err
			}
			if err := s.record(tx, t, old, nil, true); err != nil {
				return err
			}
			deleted++
		}
		return nil
	})
	return deleted, err
}

// tablesByUID loads every table's metadata, by UID.
func (s *Service) tablesByUID(r storage.Reader) (map[uint64]*table, error) {
	out := map[uint64]*table{}
	it := r.Iter(storage.IterOptions{Lower: []byte{prefixTable}, Upper: []byte{prefixTable + 1}})
	defer it.Close()
	var keys []string
	for it.Next() {
		keys = append(keys, string(it.Key()))
	}
	if err := it.Err(); err != nil {
		return nil, err
	}
	for _, k := range keys {
		rest := k[1:]
		// account/region/name
		var parts [3]string
		for i := 0; i < 2; i++ {
			j := indexByte(rest, '/')
			if j < 0 {
				return nil, errors.New("dynamodb: bad table key " + k)
			}
			parts[i], rest = rest[:j], rest[j+1:]
		}
		parts[2] = rest
		t, err := s.loadTable(r, parts[0], parts[1], parts[2])
		if err != nil {
			return nil, err
		}
		out[t.UID] = t
	}
	return out, nil
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}
