package dynamodb

import (
	"context"
	"errors"
	"math"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/expr"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// validPlaceholder reports whether s matches [A-Za-z0-9_]+, what may
// follow # or : in a placeholder.
func validPlaceholder(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

var errConditionFailed = &awserr.Error{Code: "ConditionalCheckFailedException", Message: "The conditional request failed"}

// conditionFailed builds the error, carrying the old item when the request
// asked for it with ReturnValuesOnConditionCheckFailure=ALL_OLD.
func conditionFailed(old attr.Item, returnOld bool) error {
	if !returnOld || old == nil {
		return errConditionFailed
	}
	e := *errConditionFailed
	return e.With("Item", old)
}

// checkKeyParam validates a Key parameter (GetItem, DeleteItem, UpdateItem,
// BatchGetItem): exactly the table's key attributes, of the right types.
func (t *table) checkKeyParam(key attr.Item) error {
	want := 1
	if t.RangeKey != "" {
		want = 2
	}
	if len(key) != want {
		return validation("The provided key element does not match the schema")
	}
	if err := t.checkKeyAttr(key, t.HashKey, t.HashType, true, false); err != nil {
		return err
	}
	if t.RangeKey != "" {
		return t.checkKeyAttr(key, t.RangeKey, t.RangeType, false, false)
	}
	return nil
}

// checkItemKeys validates the key attributes of a whole item (PutItem).
func (t *table) checkItemKeys(it attr.Item) error {
	if err := t.checkKeyAttr(it, t.HashKey, t.HashType, true, true); err != nil {
		return err
	}
	if t.RangeKey != "" {
		return t.checkKeyAttr(it, t.RangeKey, t.RangeType, false, true)
	}
	return nil
}

func (t *table) checkKeyAttr(it attr.Item, name string, kind attr.Kind, hash, whole bool) error {
	v, ok := it[name]
	if !ok {
		if whole {
			return invalidParam("Missing the key " + name + " in the item")
		}
		return validation("The provided key element does not match the schema")
	}
	if v.Kind != kind {
		if whole {
			return invalidParam("Type mismatch for key " + name + " expected: " + kind.String() + " actual: " + v.Kind.String())
		}
		return validation("The provided key element does not match the schema")
	}
	switch {
	case kind == attr.S && v.Str == "":
		return validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: " + name)
	case kind == attr.B && len(v.Bytes) == 0:
		return validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: " + name)
	}
	size := attr.KeySize(v)
	if hash && size > attr.MaxPartitionKeySize {
		return invalidParam("Size of hashkey has exceeded the maximum size limit of2048 bytes")
	}
	if !hash && size > attr.MaxSortKeySize {
		return invalidParam("Aggregated size of all range keys has exceeded the size limit of 1024 bytes")
	}
	return nil
}

// keyOf returns just the key attributes of an item.
func (t *table) keyOf(it attr.Item) attr.Item {
	k := attr.Item{t.HashKey: it[t.HashKey]}
	if t.RangeKey != "" {
		k[t.RangeKey] = it[t.RangeKey]
	}
	return k
}

// getItem reads an item by storage key; nil when absent.
func getItem(r storage.Reader, key []byte) (attr.Item, error) {
	raw, err := r.Get(key)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return attr.DecodeItem(raw)
}

func storedItemSize(raw []byte) int {
	it, err := attr.DecodeItem(raw)
	if err != nil {
		return len(raw)
	}
	return attr.ItemSize(it)
}

// exprCheck applies the rules on ExpressionAttributeNames/Values that hold
// before any expression is parsed.
func exprCheck(p *exprParams, anyExpr bool) error {
	for _, k := range sortedTables(p.ExpressionAttributeNames) {
		if len(k) < 2 || k[0] != '#' || !validPlaceholder(k[1:]) {
			return validation(`ExpressionAttributeNames contains invalid key: Syntax error; key: "` + k + `"`)
		}
		if p.ExpressionAttributeNames[k] == "" {
			return validation("ExpressionAttributeNames contains invalid value: Empty attribute name for key " + k)
		}
	}
	for _, k := range sortedTables(p.ExpressionAttributeValues) {
		if len(k) < 2 || k[0] != ':' || !validPlaceholder(k[1:]) {
			return validation(`ExpressionAttributeValues contains invalid key: Syntax error; key: "` + k + `"`)
		}
	}
	if p.ExpressionAttributeNames != nil {
		if !anyExpr {
			return validation("ExpressionAttributeNames can only be specified when using expressions")
		}
		if len(p.ExpressionAttributeNames) == 0 {
			return validation("ExpressionAttributeNames must not be empty")
		}
	}
	if p.ExpressionAttributeValues != nil {
		if !anyExpr {
			return validation("ExpressionAttributeValues can only be specified when using expressions")
		}
		if len(p.ExpressionAttributeValues) == 0 {
			return validation("ExpressionAttributeValues must not be empty")
		}
	}
	return nil
}

// capacity computes consumed capacity as DynamoDB rounds it: writes in
// 1 KB units, reads in 4 KB units (half for eventually consistent reads).
func writeUnits(size int) float64 {
	return math.Max(1, math.Ceil(float64(size)/1024))
}

func readUnits(size int, consistent bool) float64 {
	u := math.Max(1, math.Ceil(float64(size)/4096))
	if !consistent {
		u /= 2
	}
	return u
}

func consumed(mode *string, t *table, units float64, write bool) *ConsumedCapacity {
	m := str(mode)
	if m != "TOTAL" && m != "INDEXES" {
		return nil
	}
	cc := &ConsumedCapacity{TableName: t.Name, CapacityUnits: units}
	if m == "INDEXES" {
		u := units
		cc.Table = &Capacity{CapacityUnits: u}
	}
	if write {
		cc.WriteCapacityUnits = ptr(units)
		if cc.Table != nil {
			cc.Table.WriteCapacityUnits = ptr(units)
		}
	} else {
		cc.ReadCapacityUnits = ptr(units)
		if cc.Table != nil {
			cc.Table.ReadCapacityUnits = ptr(units)
		}
	}
	return cc
}

// consumedIdx is consumed with the units each index used: the total
// includes them, and INDEXES mode lists them per index.
func consumedIdx(mode *string, t *table, units float64, write bool, idx map[string]float64) *ConsumedCapacity {
	cc := consumed(mode, t, units, write)
	if cc == nil || len(idx) == 0 {
		return cc
	}
	total := units
	for name, u := range idx {
		total += u
		if str(mode) == "INDEXES" {
			c := &Capacity{CapacityUnits: u}
			if write {
				c.WriteCapacityUnits = ptr(u)
			} else {
				c.ReadCapacityUnits = ptr(u)
			}
			if ix := t.indexNamed(name); ix != nil && ix.Global {
				if cc.GlobalSecondaryIndexes == nil {
					cc.GlobalSecondaryIndexes = map[string]*Capacity{}
				}
				cc.GlobalSecondaryIndexes[name] = c
			} else {
				if cc.LocalSecondaryIndexes == nil {
					cc.LocalSecondaryIndexes = map[string]*Capacity{}
				}
				cc.LocalSecondaryIndexes[name] = c
			}
		}
	}
	cc.CapacityUnits = total
	if write {
		cc.WriteCapacityUnits = ptr(total)
	} else {
		cc.ReadCapacityUnits = ptr(total)
	}
	return cc
}

func (c *constraints) returnConsumed(v *string) {
	c.enum(v, "returnConsumedCapacity", "INDEXES", "TOTAL", "NONE")
}

// PutItem writes a whole item, replacing any item with the same key.
func (s *Service) PutItem(ctx context.Context, in *PutItemInput) (*ItemOutput, error) {
	var c constraints
	c.tableName(in.TableName, "tableName")
	c.notNull(in.Item == nil, "item")
	c.enum(in.ReturnValues, "returnValues", "NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW")
	c.returnConsumed(in.ReturnConsumedCapacity)
	c.enum(in.ReturnItemCollectionMetrics, "returnItemCollectionMetrics", "SIZE", "NONE")
	c.enum(in.ReturnValuesOnConditionCheckFailure, "returnValuesOnConditionCheckFailure", "ALL_OLD", "NONE")
	if err := c.err(); err != nil {
		return nil, err
	}
	if rv := str(in.ReturnValues); rv != "" && rv != "NONE" && rv != "ALL_OLD" {
		return nil, validation("ReturnValues can only be ALL_OLD or NONE")
	}
	if err := legacyPutDelete(&in.exprParams, in.Expected, in.ConditionalOperator, &in.ConditionExpression); err != nil {
		return nil, err
	}
	env := expr.NewEnv(in.ExpressionAttributeNames, in.ExpressionAttributeValues)
	var cond *expr.Cond
	if in.ConditionExpression != nil {
		var err error
		if cond, err = env.Condition("ConditionExpression", *in.ConditionExpression); err != nil {
			return nil, err
		}
	}
	if err := env.Unused(); err != nil {
		return nil, err
	}
	size := attr.ItemSize(in.Item)
	if size > attr.MaxItemSize {
		return nil, validation("Item size has exceeded the maximum allowed size")
	}
	info := request.From(ctx)
	out := &ItemOutput{}
	returnOld := str(in.ReturnValues) == "ALL_OLD"
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		t, err := s.loadTable(tx, info.Account, info.Region, *in.TableName)
		if err != nil {
			return err
		}
		if err := t.checkItemKeys(in.Item); err != nil {
			return err
		}
		if err := t.checkIndexKeys(in.Item); err != nil {
			return err
		}
		key := t.itemKey(in.Item)
		var old attr.Item
		if cond != nil || returnOld || in.ReturnConsumedCapacity != nil || len(t.Indexes) > 0 || t.TTLAttr != "" || t.activeStream() != nil {
			if old, err = getItem(tx, key); err != nil {
				return err
			}
		}
		if cond != nil {
			ok, err := cond.Eval(old)
			if err != nil {
				return err
			}
			if !ok {
				return conditionFailed(old, str(in.ReturnValuesOnConditionCheckFailure) == "ALL_OLD")
			}
		}
		if err := tx.Set(key, attr.AppendItem(nil, in.Item)); err != nil {
			return err
		}
		iu, err := s.maintain(tx, t, old, in.Item)
		if err != nil {
			return err
		}
		if returnOld && old != nil {
			out.Attributes = old
		}
		out.ConsumedCapacity = consumedIdx(in.ReturnConsumedCapacity, t, writeUnits(max(size, attr.ItemSize(old))), true, iu)
		out.ItemCollectionMetrics, err = t.collectionMetrics(tx, in.ReturnItemCollectionMetrics, in.Item)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetItem reads one item by its key.
func (s *Service) GetItem(ctx context.Context, in *GetItemInput) (*GetItemOutput, error) {
	var c constraints
	c.tableName(in.TableName, "tableName")
	c.notNull(in.Key == nil, "key")
	c.returnConsumed(in.ReturnConsumedCapacity)
	if err := c.err(); err != nil {
		return nil, err
	}
	names, err := legacyGet(in.ExpressionAttributeNames, in.AttributesToGet, &in.ProjectionExpression)
	if err != nil {
		return nil, err
	}
	env := expr.NewEnv(names, nil)
	var proj *expr.Projection
	if in.ProjectionExpression != nil {
		var err error
		if proj, err = env.Projection(*in.ProjectionExpression); err != nil {
			return nil, err
		}
		if err := env.Unused(); err != nil {
			return nil, err
		}
	}
	info := request.From(ctx)
	out := &GetItemOutput{}
	err = s.kv.View(ctx, func(r storage.Reader) error {
		t, err := s.loadTable(r, info.Account, info.Region, *in.TableName)
		if err != nil {
			return err
		}
		if err := t.checkKeyParam(in.Key); err != nil {
			return err
		}
		if in.wire && proj == nil {
			raw, err := r.Get(t.itemKey(in.Key))
			size := 0
			if err == nil {
				if out.itemJSON, size, err = attr.TranscodeJSON(make([]byte, 0, 2*len(raw)), raw); err != nil {
					return err
				}
			} else if !errors.Is(err, storage.ErrNotFound) {
				return err
			}
			out.ConsumedCapacity = consumed(in.ReturnConsumedCapacity, t, readUnits(size, boolv(in.ConsistentRead)), false)
			return nil
		}
		it, err := getItem(r, t.itemKey(in.Key))
		if err != nil {
			return err
		}
		size := 0
		if it != nil {
			size = attr.ItemSize(it)
			if proj != nil {
				it = proj.Apply(it)
			}
			out.Item = it
		}
		out.ConsumedCapacity = consumed(in.ReturnConsumedCapacity, t, readUnits(size, boolv(in.ConsistentRead)), false)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteItem deletes one item by key, optionally under a condition.
func (s *Service) DeleteItem(ctx context.Context, in *DeleteItemInput) (*ItemOutput, error) {
	var c constraints
	c.tableName(in.TableName, "tableName")
	c.notNull(in.Key == nil, "key")
	c.enum(in.ReturnValues, "returnValues", "NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW")
	c.returnConsumed(in.ReturnConsumedCapacity)
	c.enum(in.ReturnItemCollectionMetrics, "returnItemCollectionMetrics", "SIZE", "NONE")
	c.enum(in.ReturnValuesOnConditionCheckFailure, "returnValuesOnConditionCheckFailure", "ALL_OLD", "NONE")
	if err := c.err(); err != nil {
		return nil, err
	}
	if rv := str(in.ReturnValues); rv != "" && rv != "NONE" && rv != "ALL_OLD" {
		return nil, validation("ReturnValues can only be ALL_OLD or NONE")
	}
	if err := legacyPutDelete(&in.exprParams, in.Expected, in.ConditionalOperator, &in.ConditionExpression); err != nil {
		return nil, err
	}
	env := expr.NewEnv(in.ExpressionAttributeNames, in.ExpressionAttributeValues)
	var cond *expr.Cond
	if in.ConditionExpression != nil {
		var err error
		if cond, err = env.Condition("ConditionExpression", *in.ConditionExpression); err != nil {
			return nil, err
		}
	}
	if err := env.Unused(); err != nil {
		return nil, err
	}
	info := request.From(ctx)
	out := &ItemOutput{}
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		t, err := s.loadTable(tx, info.Account, info.Region, *in.TableName)
		if err != nil {
			return err
		}
		if err := t.checkKeyParam(in.Key); err != nil {
			return err
		}
		key := t.itemKey(in.Key)
		old, err := getItem(tx, key)
		if err != nil {
			return err
		}
		if cond != nil {
			ok, err := cond.Eval(old)
			if err != nil {
				return err
			}
			if !ok {
				return conditionFailed(old, str(in.ReturnValuesOnConditionCheckFailure) == "ALL_OLD")
			}
		}
		var iu map[string]float64
		if old != nil {
			if err := tx.Delete(key); err != nil {
				return err
			}
			if iu, err = s.maintain(tx, t, old, nil); err != nil {
				return err
			}
			if str(in.ReturnValues) == "ALL_OLD" {
				out.Attributes = old
			}
		}
		out.ConsumedCapacity = consumedIdx(in.ReturnConsumedCapacity, t, writeUnits(attr.ItemSize(old)), true, iu)
		out.ItemCollectionMetrics, err = t.collectionMetrics(tx, in.ReturnItemCollectionMetrics, in.Key)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateItem edits an item's attributes, creating the item if it does not
// exist (and the condition allows it).
func (s *Service) UpdateItem(ctx context.Context, in *UpdateItemInput) (*ItemOutput, error) {
	var c constraints
	c.tableName(in.TableName, "tableName")
	c.notNull(in.Key == nil, "key")
	c.enum(in.ReturnValues, "returnValues", "NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW")
	c.returnConsumed(in.ReturnConsumedCapacity)
	c.enum(in.ReturnItemCollectionMetrics, "returnItemCollectionMetrics", "SIZE", "NONE")
	c.enum(in.ReturnValuesOnConditionCheckFailure, "returnValuesOnConditionCheckFailure", "ALL_OLD", "NONE")
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := legacyUpdate(in); err != nil {
		return nil, err
	}
	env := expr.NewEnv(in.ExpressionAttributeNames, in.ExpressionAttributeValues)
	var cond *expr.Cond
	var upd *expr.Update
	var err error
	if in.UpdateExpression != nil {
		if upd, err = env.Update(*in.UpdateExpression); err != nil {
			return nil, err
		}
	}
	if in.ConditionExpression != nil {
		if cond, err = env.Condition("ConditionExpression", *in.ConditionExpression); err != nil {
			return nil, err
		}
	}
	if err := env.Unused(); err != nil {
		return nil, err
	}
	info := request.From(ctx)
	out := &ItemOutput{}
	rv := str(in.ReturnValues)
	err = s.kv.Update(ctx, func(tx storage.Tx) error {
		t, err := s.loadTable(tx, info.Account, info.Region, *in.TableName)
		if err != nil {
			return err
		}
		if err := t.checkKeyParam(in.Key); err != nil {
			return err
		}
		if upd != nil {
			for _, p := range upd.Paths() {
				if n := p.Top(); n == t.HashKey || n == t.RangeKey {
					return invalidParam("Cannot update attribute " + n + ". This attribute is part of the key")
				}
			}
		}
		key := t.itemKey(in.Key)
		old, err := getItem(tx, key)
		if err != nil {
			return err
		}
		if cond != nil {
			ok, err := cond.Eval(old)
			if err != nil {
				return err
			}
			if !ok {
				return conditionFailed(old, str(in.ReturnValuesOnConditionCheckFailure) == "ALL_OLD")
			}
		}
		base := old
		if base == nil {
			base = in.Key.Clone()
		}
		next := base
		if upd != nil {
			if next, err = upd.Apply(base); err != nil {
				return err
			}
		}
		size := attr.ItemSize(next)
		if size > attr.MaxItemSize {
			return validation("Item size to update has exceeded the maximum allowed size")
		}
		if err := t.checkIndexKeys(next); err != nil {
			return err
		}
		if err := tx.Set(key, attr.AppendItem(nil, next)); err != nil {
			return err
		}
		iu, err := s.maintain(tx, t, old, next)
		if err != nil {
			return err
		}
		switch rv {
		case "ALL_OLD":
			out.Attributes = old
		case "ALL_NEW":
			out.Attributes = next
		case "UPDATED_OLD":
			if old != nil && upd != nil {
				out.Attributes = expr.ProjectPaths(old, upd.Paths())
			}
		case "UPDATED_NEW":
			if upd != nil {
				out.Attributes = expr.ProjectPaths(next, upd.Paths())
			}
		}
		if len(out.Attributes) == 0 {
			out.Attributes = nil
		}
		out.ConsumedCapacity = consumedIdx(in.ReturnConsumedCapacity, t, writeUnits(max(size, attr.ItemSize(old))), true, iu)
		out.ItemCollectionMetrics, err = t.collectionMetrics(tx, in.ReturnItemCollectionMetrics, in.Key)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
