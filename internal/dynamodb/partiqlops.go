package dynamodb

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/partiql"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// PartiQL: package partiql parses each statement and plans it as the one
// DynamoDB request it means (GetItem, Query, Scan, PutItem, UpdateItem,
// DeleteItem, or a ConditionCheck inside a transaction); the operations
// below run those requests through the same code as the API, so a PartiQL
// SELECT returns exactly what the equivalent Query or Scan does.

const maxStatementLen = 8192

type ExecuteStatementInput struct {
	Statement                           *string      `json:"Statement"`
	Parameters                          []attr.Value `json:"Parameters"`
	ConsistentRead                      *bool        `json:"ConsistentRead"`
	NextToken                           *string      `json:"NextToken"`
	ReturnConsumedCapacity              *string      `json:"ReturnConsumedCapacity"`
	Limit                               *int64       `json:"Limit"`
	ReturnValuesOnConditionCheckFailure *string      `json:"ReturnValuesOnConditionCheckFailure"`
}

type ExecuteStatementOutput struct {
	Items            []attr.Item       `json:"Items"`
	NextToken        *string           `json:"NextToken,omitempty"`
	ConsumedCapacity *ConsumedCapacity `json:"ConsumedCapacity,omitempty"`
	LastEvaluatedKey attr.Item         `json:"LastEvaluatedKey,omitempty"`
}

type BatchStatementRequest struct {
	Statement                           *string      `json:"Statement"`
	Parameters                          []attr.Value `json:"Parameters"`
	ConsistentRead                      *bool        `json:"ConsistentRead"`
	ReturnValuesOnConditionCheckFailure *string      `json:"ReturnValuesOnConditionCheckFailure"`
}

type BatchExecuteStatementInput struct {
	Statements             []BatchStatementRequest `json:"Statements"`
	ReturnConsumedCapacity *string                 `json:"ReturnConsumedCapacity"`
}

type BatchStatementError struct {
	Code    string    `json:"Code"`
	Message string    `json:"Message"`
	Item    attr.Item `json:"Item,omitempty"`
}

type BatchStatementResponse struct {
	Error     *BatchStatementError `json:"Error,omitempty"`
	TableName string               `json:"TableName,omitempty"`
	Item      attr.Item            `json:"Item,omitempty"`
}

type BatchExecuteStatementOutput struct {
	Responses        []BatchStatementResponse `json:"Responses"`
	ConsumedCapacity []ConsumedCapacity       `json:"ConsumedCapacity,omitempty"`
}

type ParameterizedStatement struct {
	Statement                           *string      `json:"Statement"`
	Parameters                          []attr.Value `json:"Parameters"`
	ReturnValuesOnConditionCheckFailure *string      `json:"ReturnValuesOnConditionCheckFailure"`
}

type ExecuteTransactionInput struct {
	TransactStatements     []ParameterizedStatement `json:"TransactStatements"`
	ClientRequestToken     *string                  `json:"ClientRequestToken"`
	ReturnConsumedCapacity *string                  `json:"ReturnConsumedCapacity"`
}

type ExecuteTransactionOutput struct {
	Responses        []ItemResponse     `json:"Responses,omitempty"`
	ConsumedCapacity []ConsumedCapacity `json:"ConsumedCapacity,omitempty"`
}

// plan parses a statement and plans it against its table's (or index's) keys.
func (s *Service) plan(ctx context.Context, src *string, params []attr.Value, in partiql.Context) (*partiql.Statement, *partiql.Plan, error) {
	if src == nil {
		return nil, nil, validation("1 validation error detected: Value null at 'statement' failed to satisfy constraint: Member must not be null")
	}
	if len(*src) < 1 || len(*src) > maxStatementLen {
		return nil, nil, validationf("1 validation error detected: Value at 'statement' failed to satisfy constraint: Member must have length less than or equal to %d", maxStatementLen)
	}
	st, err := partiql.Parse(*src)
	if err != nil {
		return nil, nil, err
	}
	info := request.From(ctx)
	var schema partiql.Schema
	err = s.kv.View(ctx, func(r storage.Reader) error {
		t, err := s.loadTable(r, info.Account, info.Region, st.Table())
		if err == errTableNotFound {
			return &awserr.Error{Code: "ResourceNotFoundException", Message: "Requested resource not found"}
		} else if err != nil {
			return err
		}
		schema = partiql.Schema{HashKey: t.HashKey, HashType: t.HashType, RangeKey: t.RangeKey, RangeType: t.RangeType}
		if name := st.Index(); name != "" {
			ix := t.indexNamed(name)
			if ix == nil {
				return noIndex(t, name)
			}
			schema = partiql.Schema{HashKey: ix.HashKey, HashType: ix.HashType, RangeKey: ix.RangeKey, RangeType: ix.RangeType}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	p, err := st.PlanIn(in, schema, params)
	if err != nil {
		return nil, nil, err
	}
	return st, p, nil
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (p *exprParams) fromPlan(pl *partiql.Plan) {
	p.ExpressionAttributeNames = pl.Names
	p.ExpressionAttributeValues = pl.Values
}

// runPlan executes a planned statement outside a transaction.
func (s *Service) runPlan(ctx context.Context, st *partiql.Statement, pl *partiql.Plan, consistent *bool, limit *int64, next attr.Item, capMode, rvFail *string) (*ExecuteStatementOutput, error) {
	table := ptr(st.Table())
	out := &ExecuteStatementOutput{Items: []attr.Item{}}
	switch pl.Op {
	case "GetItem":
		in := &GetItemInput{TableName: table, Key: pl.Key, ProjectionExpression: optional(pl.ProjectionExpression),
			ExpressionAttributeNames: pl.Names, ConsistentRead: consistent, ReturnConsumedCapacity: capMode}
		if st.Index() != "" {
			// A key lookup on an index is a Query of it.
			break
		}
		res, err := s.GetItem(ctx, in)
		if err != nil {
			return nil, err
		}
		if res.Item != nil {
			out.Items = append(out.Items, res.Item)
		}
		out.ConsumedCapacity = res.ConsumedCapacity
		return out, nil
	case "Query", "Scan":
	case "PutItem":
		in := &PutItemInput{TableName: table, Item: pl.Item, ConditionExpression: optional(pl.ConditionExpression),
			ReturnConsumedCapacity: capMode, ReturnValuesOnConditionCheckFailure: rvFail}
		in.fromPlan(pl)
		res, err := s.PutItem(ctx, in)
		if errors.Is(err, errConditionFailed) {
			return nil, &awserr.Error{Code: "DuplicateItemException", Message: "Duplicate primary key exists in table"}
		}
		if err != nil {
			return nil, err
		}
		out.ConsumedCapacity = res.ConsumedCapacity
		return out, nil
	case "UpdateItem":
		in := &UpdateItemInput{TableName: table, Key: pl.Key, UpdateExpression: optional(pl.UpdateExpression),
			ConditionExpression: optional(pl.ConditionExpression), ReturnValues: optional(pl.ReturnValues),
			ReturnConsumedCapacity: capMode, ReturnValuesOnConditionCheckFailure: rvFail}
		in.fromPlan(pl)
		res, err := s.UpdateItem(ctx, in)
		if err != nil {
			return nil, err
		}
		if res.Attributes != nil {
			out.Items = append(out.Items, res.Attributes)
		}
		out.ConsumedCapacity = res.ConsumedCapacity
		return out, nil
	case "DeleteItem":
		in := &DeleteItemInput{TableName: table, Key: pl.Key, ConditionExpression: optional(pl.ConditionExpression),
			ReturnValues: optional(pl.ReturnValues), ReturnConsumedCapacity: capMode, ReturnValuesOnConditionCheckFailure: rvFail}
		in.fromPlan(pl)
		res, err := s.DeleteItem(ctx, in)
		if err != nil {
			return nil, err
		}
		if res.Attributes != nil {
			out.Items = append(out.Items, res.Attributes)
		}
		out.ConsumedCapacity = res.ConsumedCapacity
		return out, nil
	default:
		return nil, validation("Unsupported operation in ExecuteStatement: " + pl.Op)
	}
	// Query and Scan (and key lookups on an index).
	in := &QueryInput{TableName: table, IndexName: optional(st.Index()), ConsistentRead: consistent, Limit: limit,
		ExclusiveStartKey: next, ReturnConsumedCapacity: capMode, ScanIndexForward: pl.ScanIndexForward,
		ProjectionExpression: optional(pl.ProjectionExpression), FilterExpression: optional(pl.FilterExpression),
		KeyConditionExpression: optional(pl.KeyConditionExpression)}
	in.fromPlan(pl)
	if pl.Op == "GetItem" {
		// A full-key lookup on an index: the index keys are not unique, so
		// it is a Query of the index.
		names, values := map[string]string{}, map[string]attr.Value{}
		for k, v := range pl.Names {
			names[k] = v
		}
		for k, v := range pl.Values {
			values[k] = v
		}
		cond := ""
		for i, name := range sortedTables(pl.Key) {
			if cond != "" {
				cond += " AND "
			}
			cond += fmt.Sprintf("#ik%d = :ik%d", i, i)
			names[fmt.Sprintf("#ik%d", i)] = name
			values[fmt.Sprintf(":ik%d", i)] = pl.Key[name]
		}
		in.KeyConditionExpression = &cond
		in.ExpressionAttributeNames, in.ExpressionAttributeValues = names, values
	}
	var res *QueryOutput
	var err error
	if pl.Op == "Scan" {
		res, err = s.Scan(ctx, in)
	} else {
		res, err = s.Query(ctx, in)
	}
	if err != nil {
		return nil, err
	}
	out.Items = res.Items
	if out.Items == nil {
		out.Items = []attr.Item{}
	}
	out.ConsumedCapacity = res.ConsumedCapacity
	if res.LastEvaluatedKey != nil {
		out.LastEvaluatedKey = res.LastEvaluatedKey
		tok := base64.StdEncoding.EncodeToString(attr.AppendItemJSON(nil, res.LastEvaluatedKey))
		out.NextToken = &tok
	}
	return out, nil
}

// ExecuteStatement runs one PartiQL statement.
func (s *Service) ExecuteStatement(ctx context.Context, in *ExecuteStatementInput) (*ExecuteStatementOutput, error) {
	var c constraints
	c.returnConsumed(in.ReturnConsumedCapacity)
	c.enum(in.ReturnValuesOnConditionCheckFailure, "returnValuesOnConditionCheckFailure", "ALL_OLD", "NONE")
	if in.Limit != nil && *in.Limit < 1 {
		c.add(fmt.Sprintf("'%d'", *in.Limit), "limit", "Member must have value greater than or equal to 1")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	st, pl, err := s.plan(ctx, in.Statement, in.Parameters, partiql.InStatement)
	if err != nil {
		return nil, err
	}
	var next attr.Item
	if in.NextToken != nil {
		raw, err := base64.StdEncoding.DecodeString(*in.NextToken)
		if err != nil || next.UnmarshalJSON(raw) != nil {
			return nil, validation("Invalid NextToken")
		}
	}
	return s.runPlan(ctx, st, pl, in.ConsistentRead, in.Limit, next, in.ReturnConsumedCapacity, in.ReturnValuesOnConditionCheckFailure)
}

// BatchExecuteStatement runs up to 25 statements, all reads or all writes,
// each on its own: a failure is reported in that statement's response.
func (s *Service) BatchExecuteStatement(ctx context.Context, in *BatchExecuteStatementInput) (*BatchExecuteStatementOutput, error) {
	var c constraints
	c.notNull(in.Statements == nil, "statements")
	if in.Statements != nil && len(in.Statements) == 0 {
		c.add("'[]'", "statements", "Member must have length greater than or equal to 1")
	}
	if len(in.Statements) > 25 {
		c.add(fmt.Sprintf("'%d items'", len(in.Statements)), "statements", "Member must have length less than or equal to 25")
	}
	c.returnConsumed(in.ReturnConsumedCapacity)
	if err := c.err(); err != nil {
		return nil, err
	}
	type planned struct {
		st  *partiql.Statement
		pl  *partiql.Plan
		err error
	}
	plans := make([]planned, len(in.Statements))
	reads, writes := 0, 0
	for i, req := range in.Statements {
		st, pl, err := s.plan(ctx, req.Statement, req.Parameters, partiql.InBatch)
		plans[i] = planned{st, pl, err}
		var ae *awserr.Error
		if err != nil && (!errors.As(err, &ae) || ae.Code != "ValidationException") {
			return nil, err
		}
		if pl != nil {
			if pl.Op == "GetItem" {
				reads++
			} else {
				writes++
			}
		}
	}
	if reads > 0 && writes > 0 {
		return nil, validation("Statements in a batch must be all reads or all writes")
	}
	out := &BatchExecuteStatementOutput{Responses: make([]BatchStatementResponse, len(in.Statements))}
	for i, p := range plans {
		resp := &out.Responses[i]
		if p.st != nil {
			resp.TableName = p.st.Table()
		}
		err := p.err
		var res *ExecuteStatementOutput
		if err == nil {
			res, err = s.runPlan(ctx, p.st, p.pl, in.Statements[i].ConsistentRead, nil, nil, in.ReturnConsumedCapacity, in.Statements[i].ReturnValuesOnConditionCheckFailure)
		}
		if err != nil {
			var ae *awserr.Error
			if !errors.As(err, &ae) {
				return nil, err
			}
			code := ae.Code
			switch code {
			case "ConditionalCheckFailedException":
				code = "ConditionalCheckFailed"
			case "DuplicateItemException":
				code = "DuplicateItem"
			case "ValidationException":
				code = "ValidationError"
			case "ResourceNotFoundException":
				code = "ResourceNotFound"
			}
			be := &BatchStatementError{Code: code, Message: ae.Message}
			if it, ok := ae.Fields["Item"].(attr.Item); ok {
				be.Item = it
			}
			resp.Error = be
			continue
		}
		if len(res.Items) > 0 && p.pl.Op == "GetItem" {
			resp.Item = res.Items[0]
		}
		if res.ConsumedCapacity != nil {
			out.ConsumedCapacity = append(out.ConsumedCapacity, *res.ConsumedCapacity)
		}
	}
	return out, nil
}

// ExecuteTransaction runs up to 100 statements as one transaction: all
// reads (a TransactGetItems) or all writes (a TransactWriteItems).
func (s *Service) ExecuteTransaction(ctx context.Context, in *ExecuteTransactionInput) (*ExecuteTransactionOutput, error) {
	var c constraints
	c.notNull(in.TransactStatements == nil, "transactStatements")
	if in.TransactStatements != nil && len(in.TransactStatements) == 0 {
		c.add("'[]'", "transactStatements", "Member must have length greater than or equal to 1")
	}
	if len(in.TransactStatements) > maxTransactItems {
		c.add(fmt.Sprintf("'%d items'", len(in.TransactStatements)), "transactStatements", "Member must have length less than or equal to 100")
	}
	c.returnConsumed(in.ReturnConsumedCapacity)
	if err := c.err(); err != nil {
		return nil, err
	}
	var gets []TransactGetItem
	var writes []TransactWriteItem
	for _, ps := range in.TransactStatements {
		st, pl, err := s.plan(ctx, ps.Statement, ps.Parameters, partiql.InTransaction)
		if err != nil {
			return nil, err
		}
		table := ptr(st.Table())
		op := &TransactOp{TableName: table, Key: pl.Key, Item: pl.Item, UpdateExpression: optional(pl.UpdateExpression),
			ConditionExpression: optional(pl.ConditionExpression), ReturnValuesOnConditionCheckFailure: ps.ReturnValuesOnConditionCheckFailure}
		op.fromPlan(pl)
		switch pl.Op {
		case "GetItem":
			g := TransactGetItem{}
			g.Get = &struct {
				TableName                *string           `json:"TableName"`
				Key                      attr.Item         `json:"Key"`
				ProjectionExpression     *string           `json:"ProjectionExpression"`
				ExpressionAttributeNames map[string]string `json:"ExpressionAttributeNames"`
			}{table, pl.Key, optional(pl.ProjectionExpression), pl.Names}
			gets = append(gets, g)
		case "PutItem":
			writes = append(writes, TransactWriteItem{Put: op})
		case "UpdateItem":
			writes = append(writes, TransactWriteItem{Update: op})
		case "DeleteItem":
			writes = append(writes, TransactWriteItem{Delete: op})
		case "ConditionCheck":
			writes = append(writes, TransactWriteItem{ConditionCheck: op})
		default:
			return nil, validation("Unsupported operation in ExecuteTransaction: " + pl.Op)
		}
	}
	if len(gets) > 0 && len(writes) > 0 {
		return nil, validation("Transaction must contain either only reads or only writes")
	}
	if len(gets) > 0 {
		res, err := s.TransactGetItems(ctx, &TransactGetItemsInput{TransactItems: gets, ReturnConsumedCapacity: in.ReturnConsumedCapacity})
		if err != nil {
			return nil, err
		}
		return &ExecuteTransactionOutput{Responses: res.Responses, ConsumedCapacity: res.ConsumedCapacity}, nil
	}
	res, err := s.TransactWriteItems(ctx, &TransactWriteItemsInput{TransactItems: writes, ClientRequestToken: in.ClientRequestToken,
		ReturnConsumedCapacity: in.ReturnConsumedCapacity})
	if err != nil {
		return nil, err
	}
	return &ExecuteTransactionOutput{ConsumedCapacity: res.ConsumedCapacity}, nil
}
