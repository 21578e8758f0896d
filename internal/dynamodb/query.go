package dynamodb

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/expr"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// maxPage is the 1 MB a single Query or Scan reads before it stops.
const maxPage = 1 << 20

// readPlan is what Query and Scan share: which range to walk and what to do
// with each item.
type readPlan struct {
	lower, upper []byte
	reverse      bool
	limit        int64
	filter       *expr.Cond
	proj         *expr.Projection
	count        bool
	consistent   bool
	capMode      *string
	// index, when set, makes the walk read index entries; fetchBase says
	// an LSI entry must be completed from the base table.
	index     *index
	fetchBase bool
	// legacyFilter words key-attribute errors for QueryFilter.
	legacyFilter bool
	// render writes items straight from storage into the response (see
	// run); wire says the request allows it.
	render, wire bool
}

// run walks the range: it reads up to limit items or 1 MB (whichever comes
// first, before filtering, as DynamoDB does), filters and projects them.
func (s *Service) run(r storage.Reader, t *table, p *readPlan) (*QueryOutput, error) {
	out := &QueryOutput{}
	p.render = p.wire && p.filter == nil && p.proj == nil && !p.fetchBase && !p.count
	if !p.count {
		out.Items = []attr.Item{}
	}
	it := r.Iter(storage.IterOptions{Lower: p.lower, Upper: p.upper, Reverse: p.reverse})
	defer it.Close()
	total := 0
	var last attr.Item
	stopped := false
	if p.render {
		// Nothing to filter or project: each stored item is written
		// straight into the response. Only the last one is decoded, for
		// LastEvaluatedKey.
		out.Items, out.rendered = nil, true
		var lastRaw []byte
		for it.Next() {
			if out.ScannedCount > 0 {
				out.itemsJSON = append(out.itemsJSON, ',')
			}
			var size int
			var err error
			if out.itemsJSON == nil {
				out.itemsJSON = make([]byte, 0, 4096)
			}
			if out.itemsJSON, size, err = attr.TranscodeJSON(out.itemsJSON, it.Value()); err != nil {
				return nil, err
			}
			out.ScannedCount++
			out.Count++
			total += size
			lastRaw = it.Value()
			if (p.limit > 0 && out.ScannedCount >= p.limit) || total >= maxPage {
				stopped = true
				break
			}
		}
		if err := it.Err(); err != nil {
			return nil, err
		}
		if stopped && lastRaw != nil {
			item, err := attr.DecodeItem(lastRaw)
			if err != nil {
				return nil, err
			}
			if p.index != nil {
				out.LastEvaluatedKey = p.index.lastKey(t, item)
			} else {
				out.LastEvaluatedKey = t.keyOf(item)
			}
		}
		out.ConsumedCapacity = consumed(p.capMode, t, readUnits(total, p.consistent), false)
		return out, nil
	}
	for it.Next() {
		item, err := attr.DecodeItem(it.Value())
		if err != nil {
			return nil, err
		}
		out.ScannedCount++
		total += attr.ItemSize(item)
		last = item
		if p.fetchBase {
			base, err := getItem(r, t.itemKey(t.keyOf(item)))
			if err != nil {
				return nil, err
			}
			if base != nil {
				item = base
				total += attr.ItemSize(base)
			}
		}
		match := true
		if p.filter != nil {
			if match, err = p.filter.Eval(item); err != nil {
				return nil, err
			}
		}
		if match {
			out.Count++
			if !p.count {
				if p.proj != nil {
					item = p.proj.Apply(item)
				}
				out.Items = append(out.Items, item)
			}
		}
		if (p.limit > 0 && out.ScannedCount >= p.limit) || total >= maxPage {
			stopped = true
			break
		}
	}
	if err := it.Err(); err != nil {
		return nil, err
	}
	if stopped && last != nil {
		if p.index != nil {
			out.LastEvaluatedKey = p.index.lastKey(t, last)
		} else {
			out.LastEvaluatedKey = t.keyOf(last)
		}
	}
	out.ConsumedCapacity = consumed(p.capMode, t, readUnits(total, p.consistent), false)
	return out, nil
}

// successor is the smallest key greater than every key with prefix k...
// no: the smallest key greater than k itself.
func after(k []byte) []byte {
	return append(append(make([]byte, 0, len(k)+1), k...), 0)
}

// prefixEnd is the smallest key greater than every key starting with k.
func prefixEnd(k []byte) []byte {
	end := append([]byte(nil), k...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

func maxKey(a, b []byte) []byte {
	if bytes.Compare(a, b) >= 0 {
		return a
	}
	return b
}

func minKey(a, b []byte) []byte {
	if b == nil {
		return a
	}
	if a == nil || bytes.Compare(a, b) <= 0 {
		return a
	}
	return b
}

// commonRead validates what Query and Scan share and parses their
// projection and filter.
func commonRead(in *QueryInput, env *expr.Env, c *constraints) (*readPlan, error) {
	c.tableName(in.TableName, "tableName")
	c.enum(in.Select, "select", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT")
	c.returnConsumed(in.ReturnConsumedCapacity)
	c.enum(in.ConditionalOperator, "conditionalOperator", "AND", "OR")
	if in.Limit != nil && *in.Limit < 1 {
		c.add(fmt.Sprintf("'%d'", *in.Limit), "limit", "Member must have value greater than or equal to 1")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	p := &readPlan{consistent: boolv(in.ConsistentRead), capMode: in.ReturnConsumedCapacity, wire: in.wire}
	if in.Limit != nil {
		p.limit = *in.Limit
	}
	switch str(in.Select) {
	case "COUNT":
		p.count = true
		if in.ProjectionExpression != nil {
			return nil, validation("Cannot specify the ProjectionExpression when choosing to get COUNT")
		}
	case "ALL_ATTRIBUTES":
		if in.ProjectionExpression != nil {
			return nil, validation("Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES")
		}
	case "ALL_PROJECTED_ATTRIBUTES":
		if in.IndexName == nil {
			return nil, validation("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
		}
	case "SPECIFIC_ATTRIBUTES":
		if in.ProjectionExpression == nil {
			return nil, validation("Must specify the ProjectionExpression or AttributesToGet when choosing to get SPECIFIC_ATTRIBUTES")
		}
	}
	var err error
	if in.ProjectionExpression != nil {
		if p.proj, err = env.Projection(*in.ProjectionExpression); err != nil {
			return nil, err
		}
	}
	if in.FilterExpression != nil {
		if p.filter, err = env.Condition("FilterExpression", *in.FilterExpression); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func noIndex(t *table, name string) error {
	return validation("The table does not have the specified index: " + name)
}

// startKey validates ExclusiveStartKey and returns its storage key.
func (t *table) startKey(esk attr.Item) ([]byte, error) {
	if err := t.checkKeyParam(esk); err != nil {
		var ae *awserr.Error
		if e, ok := err.(*awserr.Error); ok {
			ae = e
			return nil, validation("The provided starting key is invalid: " + ae.Message)
		}
		return nil, err
	}
	return t.itemKey(esk), nil
}

// Query reads the items of one partition in sort-key order.
func (s *Service) Query(ctx context.Context, in *QueryInput) (*QueryOutput, error) {
	var c constraints
	if in.ScanFilter != nil {
		return nil, validation("ScanFilter is not a valid parameter for Query")
	}
	legacyFilter, err := legacyRead(in, true)
	if err != nil {
		return nil, err
	}
	env := expr.NewEnv(in.ExpressionAttributeNames, in.ExpressionAttributeValues)
	p, err := commonRead(in, env, &c)
	if err != nil {
		return nil, err
	}
	p.legacyFilter = legacyFilter
	if in.KeyConditionExpression == nil {
		return nil, validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
	}
	if in.Segment != nil || in.TotalSegments != nil {
		// Query has no such members; the SDKs never send them.
		return nil, validation("Segment and TotalSegments are not valid parameters for Query")
	}
	p.reverse = in.ScanIndexForward != nil && !*in.ScanIndexForward
	// Syntax and placeholders are checked before the table is looked up,
	// the key schema after, as DynamoDB does.
	kcs, err := env.ParseKeyCondition(*in.KeyConditionExpression)
	if err != nil {
		return nil, err
	}
	if err := env.Unused(); err != nil {
		return nil, err
	}
	info := request.From(ctx)
	var out *QueryOutput
	err = s.kv.View(ctx, func(r storage.Reader) error {
		t, err := s.loadTable(r, info.Account, info.Region, *in.TableName)
		if err != nil {
			return err
		}
		if in.IndexName != nil {
			ix, err := t.readIndex(p, in)
			if err != nil {
				return err
			}
			kc, err := kcs.Bind(ix.HashKey, ix.RangeKey)
			if err != nil {
				return err
			}
			if err := ix.bounds(t, p, kc); err != nil {
				return err
			}
			if err := checkFilterKeys(p, ix.HashKey, ix.RangeKey); err != nil {
				return err
			}
			if in.ExclusiveStartKey != nil {
				sk, err := ix.startKey(t, in.ExclusiveStartKey)
				if err != nil {
					return err
				}
				if p.reverse {
					p.upper = minKey(p.upper, sk)
				} else {
					p.lower = maxKey(p.lower, after(sk))
				}
			}
			out, err = s.run(r, t, p)
			return err
		}
		kc, err := kcs.Bind(t.HashKey, t.RangeKey)
		if err != nil {
			return err
		}
		if err := t.bounds(p, kc); err != nil {
			return err
		}
		if err := checkFilterKeys(p, t.HashKey, t.RangeKey); err != nil {
			return err
		}
		if in.ExclusiveStartKey != nil {
			sk, err := t.startKey(in.ExclusiveStartKey)
			if err != nil {
				return err
			}
			if !attr.Equal(in.ExclusiveStartKey[t.HashKey], kc.Hash.Values[0]) {
				return validation("The provided starting key is invalid: The provided starting key does not match the range key predicate")
			}
			if p.reverse {
				p.upper = minKey(p.upper, sk)
			} else {
				p.lower = maxKey(p.lower, after(sk))
			}
		}
		out, err = s.run(r, t, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// bounds turns a key condition into a range of the table's items.
func (t *table) bounds(p *readPlan, kc *expr.KeyCond) error {
	return keyRange(p, kc, t.HashType, t.RangeType, false, func(h attr.Value) []byte { return t.partitionPrefix(nil, h) })
}

// keyRange narrows p to a key condition: the partition whose keys start
// with partition(hash value), then the sort-key condition within it. Table
// items end with the sort key in final form, so a key's successor is the
// key plus a zero byte; index entries have the sort key in component form
// followed by the table key, so the bound past a sort key value is the end
// of every key with that prefix.
func keyRange(p *readPlan, kc *expr.KeyCond, hashType, rangeType attr.Kind, component bool, partition func(attr.Value) []byte) error {
	hash := kc.Hash.Values[0]
	if hash.Kind != hashType {
		return invalidParam("Condition parameter type does not match schema type")
	}
	prefix := partition(hash)
	p.lower, p.upper = prefix, prefixEnd(prefix)
	if kc.Range == nil {
		return nil
	}
	vals := kc.Range.Values
	for _, v := range vals {
		if v.Kind != rangeType {
			return invalidParam("Condition parameter type does not match schema type")
		}
	}
	enc, past := attr.AppendKey, after
	if component {
		enc, past = attr.AppendKeyComponent, prefixEnd
	}
	key := func(v attr.Value) []byte { return enc(append([]byte(nil), prefix...), v) }
	switch kc.Range.Op {
	case "=":
		k := key(vals[0])
		p.lower, p.upper = k, past(k)
	case "<":
		p.upper = key(vals[0])
	case "<=":
		p.upper = past(key(vals[0]))
	case ">":
		p.lower = past(key(vals[0]))
	case ">=":
		p.lower = key(vals[0])
	case "BETWEEN":
		if c, _ := attr.Compare(vals[0], vals[1]); c > 0 {
			return validationf("Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {%s}, upper bound operand: AttributeValue: {%s}",
				valueString(vals[0]), valueString(vals[1]))
		}
		p.lower, p.upper = key(vals[0]), past(key(vals[1]))
	case "begins_with":
		if rangeType == attr.N {
			return validation("Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N")
		}
		k := key(vals[0])
		if component {
			k = k[:len(k)-2] // drop the terminator: any value with this prefix
		}
		p.lower = k
		if e := prefixEnd(k); e != nil {
			p.upper = minKey(p.upper, e)
		}
	default:
		return fmt.Errorf("dynamodb: unknown key operator %q", kc.Range.Op)
	}
	return nil
}

func valueString(v attr.Value) string {
	switch v.Kind {
	case attr.S:
		return "S:" + v.Str
	case attr.N:
		return "N:" + v.Str
	case attr.B:
		return fmt.Sprintf("B:%x", v.Bytes)
	}
	return v.Kind.String()
}

// Scan reads a whole table (or one segment of it) in storage order.
func (s *Service) Scan(ctx context.Context, in *QueryInput) (*QueryOutput, error) {
	var c constraints
	if in.TotalSegments != nil {
		if *in.TotalSegments < 1 {
			c.add(fmt.Sprintf("'%d'", *in.TotalSegments), "totalSegments", "Member must have value greater than or equal to 1")
		} else if *in.TotalSegments > 1000000 {
			c.add(fmt.Sprintf("'%d'", *in.TotalSegments), "totalSegments", "Member must have value less than or equal to 1000000")
		}
	}
	if in.Segment != nil {
		if *in.Segment < 0 {
			c.add(fmt.Sprintf("'%d'", *in.Segment), "segment", "Member must have value greater than or equal to 0")
		} else if *in.Segment > 999999 {
			c.add(fmt.Sprintf("'%d'", *in.Segment), "segment", "Member must have value less than or equal to 999999")
		}
	}
	if in.QueryFilter != nil || in.KeyConditions != nil {
		return nil, validation("QueryFilter and KeyConditions are not valid parameters for Scan")
	}
	if _, err := legacyRead(in, false); err != nil {
		return nil, err
	}
	env := expr.NewEnv(in.ExpressionAttributeNames, in.ExpressionAttributeValues)
	p, err := commonRead(in, env, &c)
	if err != nil {
		return nil, err
	}
	if err := env.Unused(); err != nil {
		return nil, err
	}
	if in.KeyConditionExpression != nil || in.KeyConditions != nil || in.ScanIndexForward != nil {
		return nil, validation("KeyConditionExpression, KeyConditions and ScanIndexForward are not valid parameters for Scan")
	}
	seg, total := int64(0), int64(1)
	switch {
	case in.TotalSegments != nil && in.Segment == nil:
		return nil, validation("The Segment parameter is required but was not present in the request when parameter TotalSegments is present")
	case in.Segment != nil && in.TotalSegments == nil:
		return nil, validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present")
	case in.Segment != nil:
		seg, total = *in.Segment, *in.TotalSegments
		if seg >= total {
			return nil, validationf("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: %d is not less than TotalSegments: %d", seg, total)
		}
	}
	info := request.From(ctx)
	var out *QueryOutput
	err = s.kv.View(ctx, func(r storage.Reader) error {
		t, err := s.loadTable(r, info.Account, info.Region, *in.TableName)
		if err != nil {
			return err
		}
		var ix *index
		if in.IndexName != nil {
			if ix, err = t.readIndex(p, in); err != nil {
				return err
			}
			p.lower, p.upper = ix.segmentRange(t, seg, total)
		} else {
			p.lower, p.upper = t.segmentRange(seg, total)
		}
		if in.ExclusiveStartKey != nil {
			var sk []byte
			if ix != nil {
				sk, err = ix.startKey(t, in.ExclusiveStartKey)
			} else {
				sk, err = t.startKey(in.ExclusiveStartKey)
			}
			if err != nil {
				return err
			}
			if bytes.Compare(sk, p.lower) < 0 || bytes.Compare(sk, p.upper) >= 0 {
				return validation("The provided Exclusive start key does not map to the provided segment")
			}
			p.lower = after(sk)
		}
		out, err = s.run(r, t, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkFilterKeys refuses filters on the key attributes of what is queried.
func checkFilterKeys(p *readPlan, hash, rng string) error {
	if p.filter == nil {
		return nil
	}
	for _, path := range p.filter.Paths() {
		if n := path.Top(); n == hash || n == rng {
			if p.legacyFilter {
				return validation("QueryFilter can only contain non-primary key attributes: Primary key attribute: " + n)
			}
			return validation("Filter Expression can only contain non-primary key attributes: Primary key attribute: " + n)
		}
	}
	return nil
}

// readIndex resolves IndexName for a Query or Scan and applies the index's
// read rules: no consistent reads on a GSI; ALL_ATTRIBUTES only where the
// projection has them (an LSI fetches the rest from the table).
func (t *table) readIndex(p *readPlan, in *QueryInput) (*index, error) {
	ix := t.indexNamed(*in.IndexName)
	if ix == nil {
		return nil, noIndex(t, *in.IndexName)
	}
	if ix.Global && p.consistent {
		return nil, validation("Consistent reads are not supported on global secondary indexes")
	}
	p.index = ix
	if ix.ProjType == "ALL" {
		return ix, nil
	}
	wantsAll := str(in.Select) == "ALL_ATTRIBUTES"
	if p.proj != nil && !wantsAll {
		for _, path := range p.proj.Paths() {
			if !ix.projects(t, path.Top()) {
				wantsAll = true
			}
		}
	}
	if wantsAll {
		if ix.Global {
			if str(in.Select) == "ALL_ATTRIBUTES" {
				return nil, invalidParam("Select type ALL_ATTRIBUTES is not supported for global secondary index " + ix.Name + " because its projection type is not ALL")
			}
			return ix, nil // attributes the GSI does not project are simply absent
		}
		p.fetchBase = true
	}
	return ix, nil
}

// bounds turns a key condition on the index into a range of index entries.
func (ix *index) bounds(t *table, p *readPlan, kc *expr.KeyCond) error {
	return keyRange(p, kc, ix.HashType, ix.RangeType, true, func(h attr.Value) []byte { return ix.partitionPrefix(t, h) })
}

// segmentRange is a parallel-scan segment of the index.
func (ix *index) segmentRange(t *table, seg, total int64) (lower, upper []byte) {
	return segment(ix.prefix(t), seg, total)
}

// segmentRange is segment seg of total over the 32-bit partition hash space.
func (t *table) segmentRange(seg, total int64) (lower, upper []byte) {
	return segment(t.itemPrefix(), seg, total)
}

// segment is segment seg of total of the keys under base, which continue
// with the 32-bit partition hash.
func segment(base []byte, seg, total int64) (lower, upper []byte) {
	lo := uint64(seg) * (1 << 32) / uint64(total)
	hi := uint64(seg+1) * (1 << 32) / uint64(total)
	lower = binary.BigEndian.AppendUint32(append([]byte(nil), base...), uint32(lo))
	if hi >= 1<<32 {
		upper = prefixEnd(base)
	} else {
		upper = binary.BigEndian.AppendUint32(append([]byte(nil), base...), uint32(hi))
	}
	return lower, upper
}
