package partiql

import "github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"

// Context is the operation a statement arrives in; it decides which
// statements DynamoDB accepts.
type Context uint8

// The three PartiQL operations.
const (
	InStatement   Context = iota // ExecuteStatement
	InBatch                      // BatchExecuteStatement
	InTransaction                // ExecuteTransaction
)

const (
	msgBatchSelectKey = "Select statements within BatchExecuteStatement must specify the primary key in the where clause."
	msgTxSelectKey    = "Select statements within ExecuteTransaction must specify the primary key in the where clause."
	msgTxSelectIndex  = "Reads on indices are not supported within transactions."
	msgTxReturning    = "RETURNING clause is not supported in ExecuteTransaction."
)

// PlanIn is Plan with the rules of the operation the statement arrives
// in: EXISTS only in ExecuteTransaction; a SELECT in a batch or a
// transaction must name exactly one item of the table by its full primary
// key and nothing else (its plan is then always a GetItem); no RETURNING
// and no index reads in a transaction.
func (s *Statement) PlanIn(ctx Context, schema Schema, params []attr.Value) (*Plan, error) {
	switch {
	case s.kind == Exists && ctx != InTransaction:
		return nil, validation(msgExistsOutsideTx)
	case ctx == InTransaction && s.kind == Select && s.index != "":
		return nil, validation(msgTxSelectIndex)
	case ctx == InTransaction && s.returning != "":
		return nil, validation(msgTxReturning)
	}
	p, err := s.Plan(schema, params)
	if err != nil {
		return nil, err
	}
	if s.kind == Select && p.Op != "GetItem" {
		switch ctx {
		case InBatch:
			return nil, validation(msgBatchSelectKey)
		case InTransaction:
			return nil, validation(msgTxSelectKey)
		}
	}
	return p, nil
}
