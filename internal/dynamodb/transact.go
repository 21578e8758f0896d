package dynamodb

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/expr"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// Transactions run inside one storage.Update, which nimbus's storage
// serializes with every other write: a transaction is all-or-nothing and
// serializable against concurrent single-item writes and other
// transactions. Because nothing interleaves with it, nimbus never needs to
// cancel one for a TransactionConflict, as DynamoDB sometimes does.

const (
	maxTransactItems = 100
	maxTransactSize  = 4 << 20
	idempotencyTTL   = 10 * time.Minute
	prefixToken      = 'K' // "K" account "/" region "/" token → idempotency record
)

type TransactWriteItem struct {
	ConditionCheck *TransactOp `json:"ConditionCheck,omitempty"`
	Put            *TransactOp `json:"Put,omitempty"`
	Delete         *TransactOp `json:"Delete,omitempty"`
	Update         *TransactOp `json:"Update,omitempty"`
}

// TransactOp is the union of the four action shapes.
type TransactOp struct {
	TableName                           *string   `json:"TableName"`
	Key                                 attr.Item `json:"Key,omitempty"`
	Item                                attr.Item `json:"Item,omitempty"`
	UpdateExpression                    *string   `json:"UpdateExpression,omitempty"`
	ConditionExpression                 *string   `json:"ConditionExpression,omitempty"`
	ReturnValuesOnConditionCheckFailure *string   `json:"ReturnValuesOnConditionCheckFailure,omitempty"`
	exprParams
}

type TransactWriteItemsInput struct {
	TransactItems               []TransactWriteItem `json:"TransactItems"`
	ReturnConsumedCapacity      *string             `json:"ReturnConsumedCapacity"`
	ReturnItemCollectionMetrics *string             `json:"ReturnItemCollectionMetrics"`
	ClientRequestToken          *string             `json:"ClientRequestToken"`
}

type TransactWriteItemsOutput struct {
	ConsumedCapacity []ConsumedCapacity `json:"ConsumedCapacity,omitempty"`
}

type CancellationReason struct {
	Code    string    `json:"Code"`
	Message string    `json:"Message,omitempty"`
	Item    attr.Item `json:"Item,omitempty"`
}

type TransactGetItem struct {
	Get *struct {
		TableName                *string           `json:"TableName"`
		Key                      attr.Item         `json:"Key"`
		ProjectionExpression     *string           `json:"ProjectionExpression"`
		ExpressionAttributeNames map[string]string `json:"ExpressionAttributeNames"`
	} `json:"Get"`
}

type TransactGetItemsInput struct {
	TransactItems          []TransactGetItem `json:"TransactItems"`
	ReturnConsumedCapacity *string           `json:"ReturnConsumedCapacity"`
}

type ItemResponse struct {
	Item attr.Item `json:"Item,omitempty"`
}

type TransactGetItemsOutput struct {
	Responses        []ItemResponse     `json:"Responses"`
	ConsumedCapacity []ConsumedCapacity `json:"ConsumedCapacity,omitempty"`
}

// prepared is one action with its expressions parsed.
type prepared struct {
	kind string // ConditionCheck, Put, Delete, Update
	op   *TransactOp
	cond *expr.Cond
	upd  *expr.Update
}

func (p *prepared) key() attr.Item {
	if p.kind == "Put" {
		return p.op.Item
	}
	return p.op.Key
}

// TransactWriteItems applies up to 100 actions atomically.
func (s *Service) TransactWriteItems(ctx context.Context, in *TransactWriteItemsInput) (*TransactWriteItemsOutput, error) {
	var c constraints
	c.notNull(in.TransactItems == nil, "transactItems")
	if in.TransactItems != nil && len(in.TransactItems) == 0 {
		c.add("'[]'", "transactItems", "Member must have length greater than or equal to 1")
	}
	if len(in.TransactItems) > maxTransactItems {
		c.add(fmt.Sprintf("'%d items'", len(in.TransactItems)), "transactItems", "Member must have length less than or equal to 100")
	}
	c.returnConsumed(in.ReturnConsumedCapacity)
	c.enum(in.ReturnItemCollectionMetrics, "returnItemCollectionMetrics", "SIZE", "NONE")
	if in.ClientRequestToken != nil && (len(*in.ClientRequestToken) < 1 || len(*in.ClientRequestToken) > 36) {
		c.add("'"+*in.ClientRequestToken+"'", "clientRequestToken", "Member must have length less than or equal to 36")
	}
	for i, ti := range in.TransactItems {
		n := 0
		for _, op := range []*TransactOp{ti.ConditionCheck, ti.Put, ti.Delete, ti.Update} {
			if op != nil {
				n++
				c.tableName(op.TableName, fmt.Sprintf("transactItems.%d.member.tableName", i+1))
			}
		}
		if n != 1 {
			return nil, validation("TransactItems can only contain one of Check, Put, Update or Delete")
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	preps := make([]*prepared, len(in.TransactItems))
	size := 0
	for i, ti := range in.TransactItems {
		p := &prepared{}
		switch {
		case ti.ConditionCheck != nil:
			p.kind, p.op = "ConditionCheck", ti.ConditionCheck
			if p.op.ConditionExpression == nil {
				return nil, validation("1 validation error detected: Value null at 'transactItems." + fmt.Sprint(i+1) + ".member.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null")
			}
		case ti.Put != nil:
			p.kind, p.op = "Put", ti.Put
			if p.op.Item == nil {
				return nil, validation("1 validation error detected: Value null at 'transactItems." + fmt.Sprint(i+1) + ".member.put.item' failed to satisfy constraint: Member must not be null")
			}
			if attr.ItemSize(p.op.Item) > attr.MaxItemSize {
				return nil, validation("Item size has exceeded the maximum allowed size")
			}
			size += attr.ItemSize(p.op.Item)
		case ti.Delete != nil:
			p.kind, p.op = "Delete", ti.Delete
		case ti.Update != nil:
			p.kind, p.op = "Update", ti.Update
			if p.op.UpdateExpression == nil {
				return nil, validation("1 validation error detected: Value null at 'transactItems." + fmt.Sprint(i+1) + ".member.update.updateExpression' failed to satisfy constraint: Member must not be null")
			}
		}
		if p.kind != "Put" && p.op.Key == nil {
			return nil, validation("1 validation error detected: Value null at 'transactItems." + fmt.Sprint(i+1) + ".member." + strings.ToLower(p.kind[:1]) + p.kind[1:] + ".key' failed to satisfy constraint: Member must not be null")
		}
		if err := exprCheck(&p.op.exprParams, p.op.ConditionExpression != nil || p.op.UpdateExpression != nil); err != nil {
			return nil, err
		}
		env := expr.NewEnv(p.op.ExpressionAttributeNames, p.op.ExpressionAttributeValues)
		var err error
		if p.op.UpdateExpression != nil {
			if p.upd, err = env.Update(*p.op.UpdateExpression); err != nil {
				return nil, err
			}
		}
		if p.op.ConditionExpression != nil {
			if p.cond, err = env.Condition("ConditionExpression", *p.op.ConditionExpression); err != nil {
				return nil, err
			}
		}
		if err := env.Unused(); err != nil {
			return nil, err
		}
		preps[i] = p
	}
	if size > maxTransactSize {
		return nil, validation("Transaction request cannot exceed 4 MB")
	}
	info := request.From(ctx)
	var hash string
	if in.ClientRequestToken != nil {
		h := sha256.New()
		json.NewEncoder(h).Encode(in.TransactItems)
		hash = fmt.Sprintf("%x", h.Sum(nil))
	}
	out := &TransactWriteItemsOutput{}
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		if in.ClientRequestToken != nil {
			done, err := s.checkToken(tx, info, *in.ClientRequestToken, hash)
			if err != nil || done {
				return err
			}
		}
		tables := map[string]*table{}
		seen := map[string]bool{}
		olds := make([]attr.Item, len(preps))
		keys := make([][]byte, len(preps))
		for i, p := range preps {
			t := tables[*p.op.TableName]
			if t == nil {
				var err error
				if t, err = s.loadTable(tx, info.Account, info.Region, *p.op.TableName); err != nil {
					return err
				}
				tables[t.Name] = t
			}
			if p.kind == "Put" {
				if err := t.checkItemKeys(p.op.Item); err != nil {
					return err
				}
				if err := t.checkIndexKeys(p.op.Item); err != nil {
					return err
				}
			} else if err := t.checkKeyParam(p.op.Key); err != nil {
				return err
			}
			keys[i] = t.itemKey(p.key())
			if seen[string(keys[i])] {
				return validation("Transaction request cannot include multiple operations on one item")
			}
			seen[string(keys[i])] = true
			// The old item is read only when something needs it: a
			// condition, an update, derived data (indexes, TTL, stream) or
			// the capacity report.
			if p.cond != nil || p.kind == "Update" || len(t.Indexes) > 0 || t.TTLAttr != "" || t.activeStream() != nil || in.ReturnConsumedCapacity != nil {
				old, err := getItem(tx, keys[i])
				if err != nil {
					return err
				}
				olds[i] = old
			}
		}
		// Every condition is evaluated before anything is written.
		reasons := make([]CancellationReason, len(preps))
		failed := false
		for i, p := range preps {
			reasons[i].Code = "None"
			if p.cond == nil {
				continue
			}
			ok, err := p.cond.Eval(olds[i])
			if err != nil {
				return err
			}
			if !ok {
				failed = true
				reasons[i] = CancellationReason{Code: "ConditionalCheckFailed", Message: "The conditional request failed"}
				if str(p.op.ReturnValuesOnConditionCheckFailure) == "ALL_OLD" && olds[i] != nil {
					reasons[i].Item = olds[i]
				}
			}
		}
		if failed {
			return canceled(reasons)
		}
		units := map[string]float64{}
		for i, p := range preps {
			t := tables[*p.op.TableName]
			var next attr.Item
			switch p.kind {
			case "ConditionCheck":
				units[t.Name] += 2 * readUnits(attr.ItemSize(olds[i]), true)
				continue
			case "Put":
				next = p.op.Item
			case "Delete":
				next = nil
			case "Update":
				base := olds[i]
				if base == nil {
					base = p.op.Key.Clone()
				}
				for _, path := range p.upd.Paths() {
					if n := path.Top(); n == t.HashKey || n == t.RangeKey {
						return invalidParam("Cannot update attribute " + n + ". This attribute is part of the key")
					}
				}
				var err error
				if next, err = p.upd.Apply(base); err != nil {
					return err
				}
				if attr.ItemSize(next) > attr.MaxItemSize {
					return validation("Item size to update has exceeded the maximum allowed size")
				}
				if err := t.checkIndexKeys(next); err != nil {
					return err
				}
			}
			var err error
			if next == nil {
				err = tx.Delete(keys[i]) // deleting a missing item is a no-op
			} else {
				err = tx.Set(keys[i], attr.AppendItem(nil, next))
			}
			if err != nil {
				return err
			}
			if _, err := s.maintain(tx, t, olds[i], next); err != nil {
				return err
			}
			// Transactional writes cost two write units per KB.
			units[t.Name] += 2 * writeUnits(max(attr.ItemSize(next), attr.ItemSize(olds[i])))
		}
		for _, name := range sortedTables(units) {
			if cc := consumed(in.ReturnConsumedCapacity, tables[name], units[name], true); cc != nil {
				out.ConsumedCapacity = append(out.ConsumedCapacity, *cc)
			}
		}
		if in.ClientRequestToken != nil {
			return s.saveToken(tx, info, *in.ClientRequestToken, hash)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func canceled(reasons []CancellationReason) error {
	codes := make([]string, len(reasons))
	for i, r := range reasons {
		codes[i] = r.Code
	}
	e := &awserr.Error{Code: "TransactionCanceledException",
		Message: "Transaction cancelled, please refer cancellation reasons for specific reasons [" + strings.Join(codes, ", ") + "]"}
	return e.With("CancellationReasons", reasons)
}

type tokenRecord struct {
	Hash    string `json:"hash"`
	Expires int64  `json:"expires"`
}

func tokenKey(info *request.Info, token string) []byte {
	return []byte(string(prefixToken) + info.Account + "/" + info.Region + "/" + token)
}

// checkToken reports whether a transaction with this token already
// succeeded in the last 10 minutes (then the call succeeds again without
// writing), and refuses the token with other parameters.
func (s *Service) checkToken(tx storage.Tx, info *request.Info, token, hash string) (bool, error) {
	raw, err := tx.Get(tokenKey(info, token))
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var rec tokenRecord
	if err := json.Unmarshal(raw, &rec); err != nil || s.now().Unix() > rec.Expires {
		return false, nil
	}
	if rec.Hash != hash {
		return false, &awserr.Error{Code: "IdempotentParameterMismatchException",
			Message: "The request uses the same client token as a previous, but non-identical request. Do not reuse a client token with different requests, unless the requests are identical."}
	}
	return true, nil
}

func (s *Service) saveToken(tx storage.Tx, info *request.Info, token, hash string) error {
	raw, _ := json.Marshal(tokenRecord{Hash: hash, Expires: s.now().Add(idempotencyTTL).Unix()})
	return tx.Set(tokenKey(info, token), raw)
}

// TransactGetItems reads up to 100 items from one consistent snapshot.
func (s *Service) TransactGetItems(ctx context.Context, in *TransactGetItemsInput) (*TransactGetItemsOutput, error) {
	var c constraints
	c.notNull(in.TransactItems == nil, "transactItems")
	if in.TransactItems != nil && len(in.TransactItems) == 0 {
		c.add("'[]'", "transactItems", "Member must have length greater than or equal to 1")
	}
	if len(in.TransactItems) > maxTransactItems {
		c.add(fmt.Sprintf("'%d items'", len(in.TransactItems)), "transactItems", "Member must have length less than or equal to 100")
	}
	c.returnConsumed(in.ReturnConsumedCapacity)
	for i, ti := range in.TransactItems {
		if ti.Get == nil {
			c.notNull(true, fmt.Sprintf("transactItems.%d.member.get", i+1))
			continue
		}
		c.tableName(ti.Get.TableName, fmt.Sprintf("transactItems.%d.member.get.tableName", i+1))
		c.notNull(ti.Get.Key == nil, fmt.Sprintf("transactItems.%d.member.get.key", i+1))
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	projs := make([]*expr.Projection, len(in.TransactItems))
	for i, ti := range in.TransactItems {
		if ti.Get.ExpressionAttributeNames != nil && ti.Get.ProjectionExpression == nil {
			return nil, validation("ExpressionAttributeNames can only be specified when using expressions")
		}
		if ti.Get.ProjectionExpression != nil {
			env := expr.NewEnv(ti.Get.ExpressionAttributeNames, nil)
			p, err := env.Projection(*ti.Get.ProjectionExpression)
			if err != nil {
				return nil, err
			}
			if err := env.Unused(); err != nil {
				return nil, err
			}
			projs[i] = p
		}
	}
	info := request.From(ctx)
	out := &TransactGetItemsOutput{Responses: make([]ItemResponse, len(in.TransactItems))}
	err := s.kv.View(ctx, func(r storage.Reader) error {
		seen := map[string]bool{}
		units := map[string]float64{}
		tables := map[string]*table{}
		for i, ti := range in.TransactItems {
			t, err := s.loadTable(r, info.Account, info.Region, *ti.Get.TableName)
			if err != nil {
				return err
			}
			tables[t.Name] = t
			if err := t.checkKeyParam(ti.Get.Key); err != nil {
				return err
			}
			k := t.itemKey(ti.Get.Key)
			if seen[string(k)] {
				return validation("Transaction request cannot include multiple operations on one item")
			}
			seen[string(k)] = true
			it, err := getItem(r, k)
			if err != nil {
				return err
			}
			// Transactional reads cost two read units per 4 KB.
			units[t.Name] += 2 * readUnits(attr.ItemSize(it), true)
			if it != nil && projs[i] != nil {
				it = projs[i].Apply(it)
			}
			out.Responses[i].Item = it
		}
		for _, name := range sortedTables(units) {
			if cc := consumed(in.ReturnConsumedCapacity, tables[name], units[name], false); cc != nil {
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
