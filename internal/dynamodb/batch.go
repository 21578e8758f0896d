package dynamodb

import (
	"context"
	"fmt"
	"sort"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/expr"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

const (
	maxBatchGet      = 100
	maxBatchWrite    = 25
	maxBatchResponse = 16 << 20
)

func sortedTables[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// BatchGetItem reads up to 100 items from one or more tables. Keys that
// would push the response past 16 MB come back in UnprocessedKeys.
func (s *Service) BatchGetItem(ctx context.Context, in *BatchGetItemInput) (*BatchGetItemOutput, error) {
	var c constraints
	c.notNull(in.RequestItems == nil, "requestItems")
	if in.RequestItems != nil && len(in.RequestItems) == 0 {
		c.add("'{}'", "requestItems", "Member must have length greater than or equal to 1")
	}
	c.returnConsumed(in.ReturnConsumedCapacity)
	names := sortedTables(in.RequestItems)
	total := 0
	for _, n := range names {
		ka := in.RequestItems[n]
		nn := n
		c.tableName(&nn, "requestItems.key")
		if ka == nil || ka.Keys == nil {
			c.notNull(true, "requestItems."+n+".member.keys")
			continue
		}
		if len(ka.Keys) == 0 {
			c.add("'[]'", "requestItems."+n+".member.keys", "Member must have length greater than or equal to 1")
		}
		total += len(ka.Keys)
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	if total > maxBatchGet {
		return nil, validation("Too many items requested for the BatchGetItem call")
	}
	projs := map[string]*expr.Projection{}
	for _, n := range names {
		ka := in.RequestItems[n]
		names, err := legacyGet(ka.ExpressionAttributeNames, ka.AttributesToGet, &ka.ProjectionExpression)
		if err != nil {
			return nil, err
		}
		if ka.ProjectionExpression != nil {
			env := expr.NewEnv(names, nil)
			p, err := env.Projection(*ka.ProjectionExpression)
			if err != nil {
				return nil, err
			}
			if err := env.Unused(); err != nil {
				return nil, err
			}
			projs[n] = p
		}
	}
	info := request.From(ctx)
	out := &BatchGetItemOutput{Responses: map[string][]attr.Item{}, UnprocessedKeys: map[string]*KeysAndAttributes{}}
	err := s.kv.View(ctx, func(r storage.Reader) error {
		size := 0
		for _, n := range names {
			ka := in.RequestItems[n]
			t, err := s.loadTable(r, info.Account, info.Region, n)
			if err != nil {
				return err
			}
			seen := map[string]bool{}
			for _, k := range ka.Keys {
				if err := t.checkKeyParam(k); err != nil {
					return err
				}
				sk := string(t.itemKey(k))
				if seen[sk] {
					return validation("Provided list of item keys contains duplicates")
				}
				seen[sk] = true
			}
			items := []attr.Item{}
			units := 0.0
			for _, k := range ka.Keys {
				if size >= maxBatchResponse {
					u := out.UnprocessedKeys[n]
					if u == nil {
						u = &KeysAndAttributes{ConsistentRead: ka.ConsistentRead, ProjectionExpression: ka.ProjectionExpression,
							ExpressionAttributeNames: ka.ExpressionAttributeNames}
						out.UnprocessedKeys[n] = u
					}
					u.Keys = append(u.Keys, k)
					continue
				}
				it, err := getItem(r, t.itemKey(k))
				if err != nil {
					return err
				}
				if it == nil {
					units += readUnits(0, boolv(ka.ConsistentRead))
					continue
				}
				sz := attr.ItemSize(it)
				size += sz
				units += readUnits(sz, boolv(ka.ConsistentRead))
				if p := projs[n]; p != nil {
					it = p.Apply(it)
				}
				items = append(items, it)
			}
			out.Responses[n] = items
			if cc := consumed(in.ReturnConsumedCapacity, t, units, false); cc != nil {
				out.ConsumedCapacity = append(out.ConsumedCapacity, *cc)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// BatchWriteItem puts or deletes up to 25 items across tables. nimbus
// applies the whole batch in one transaction, so UnprocessedItems is
// always empty.
func (s *Service) BatchWriteItem(ctx context.Context, in *BatchWriteItemInput) (*BatchWriteItemOutput, error) {
	var c constraints
	c.notNull(in.RequestItems == nil, "requestItems")
	if in.RequestItems != nil && len(in.RequestItems) == 0 {
		c.add("'{}'", "requestItems", "Member must have length greater than or equal to 1")
	}
	c.returnConsumed(in.ReturnConsumedCapacity)
	c.enum(in.ReturnItemCollectionMetrics, "returnItemCollectionMetrics", "SIZE", "NONE")
	names := sortedTables(in.RequestItems)
	total := 0
	for _, n := range names {
		reqs := in.RequestItems[n]
		nn := n
		c.tableName(&nn, "requestItems.key")
		if len(reqs) == 0 {
			c.add("'[]'", "requestItems."+n+".member", "Member must have length greater than or equal to 1")
		}
		if len(reqs) > maxBatchWrite {
			c.add(fmt.Sprintf("'%d items'", len(reqs)), "requestItems."+n+".member", "Member must have length less than or equal to 25")
		}
		total += len(reqs)
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	if total > maxBatchWrite {
		return nil, validation("Too many items requested for the BatchWriteItem call")
	}
	for _, n := range names {
		for _, w := range in.RequestItems[n] {
			if (w.PutRequest == nil) == (w.DeleteRequest == nil) {
				return nil, validation("Supplied WriteRequest has more than one operation or none; it must contain exactly one of PutRequest or DeleteRequest")
			}
			if w.PutRequest != nil {
				if w.PutRequest.Item == nil {
					return nil, validation("1 validation error detected: Value null at 'requestItems." + n + ".member.1.member.putRequest.item' failed to satisfy constraint: Member must not be null")
				}
				if attr.ItemSize(w.PutRequest.Item) > attr.MaxItemSize {
					return nil, validation("Item size has exceeded the maximum allowed size")
				}
			} else if w.DeleteRequest.Key == nil {
				return nil, validation("1 validation error detected: Value null at 'requestItems." + n + ".member.1.member.deleteRequest.key' failed to satisfy constraint: Member must not be null")
			}
		}
	}
	info := request.From(ctx)
	out := &BatchWriteItemOutput{UnprocessedItems: map[string][]WriteRequest{}}
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		type op struct {
			t    *table
			key  []byte
			val  []byte
			item attr.Item
			keys attr.Item
		}
		var ops []op
		var caps []ConsumedCapacity
		for _, n := range names {
			t, err := s.loadTable(tx, info.Account, info.Region, n)
			if err != nil {
				return err
			}
			seen := map[string]bool{}
			units := 0.0
			for _, w := range in.RequestItems[n] {
				var key []byte
				if w.PutRequest != nil {
					if err := t.checkItemKeys(w.PutRequest.Item); err != nil {
						return err
					}
					if err := t.checkIndexKeys(w.PutRequest.Item); err != nil {
						return err
					}
					key = t.itemKey(w.PutRequest.Item)
					ops = append(ops, op{t, key, attr.AppendItem(nil, w.PutRequest.Item), w.PutRequest.Item, w.PutRequest.Item})
					units += writeUnits(attr.ItemSize(w.PutRequest.Item))
				} else {
					if err := t.checkKeyParam(w.DeleteRequest.Key); err != nil {
						return err
					}
					key = t.itemKey(w.DeleteRequest.Key)
					ops = append(ops, op{t, key, nil, nil, w.DeleteRequest.Key})
					units += 1
				}
				if seen[string(key)] {
					return validation("Provided list of item keys contains duplicates")
				}
				seen[string(key)] = true
			}
			if cc := consumed(in.ReturnConsumedCapacity, t, units, true); cc != nil {
				caps = append(caps, *cc)
			}
		}
		for _, o := range ops {
			var old attr.Item
			if len(o.t.Indexes) > 0 || o.t.TTLAttr != "" || o.t.activeStream() != nil {
				var err error
				if old, err = getItem(tx, o.key); err != nil {
					return err
				}
			}
			var err error
			if o.val == nil {
				err = tx.Delete(o.key)
			} else {
				err = tx.Set(o.key, o.val)
			}
			if err != nil {
				return err
			}
			if _, err := s.maintain(tx, o.t, old, o.item); err != nil {
				return err
			}
		}
		out.ConsumedCapacity = caps
		for _, o := range ops {
			m, err := o.t.collectionMetrics(tx, in.ReturnItemCollectionMetrics, o.keys)
			if err != nil {
				return err
			}
			if m != nil {
				if out.ItemCollectionMetrics == nil {
					out.ItemCollectionMetrics = map[string][]*ItemCollectionMetrics{}
				}
				out.ItemCollectionMetrics[o.t.Name] = append(out.ItemCollectionMetrics[o.t.Name], m)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
