package partiql

import (
	"fmt"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
)

// Messages are DynamoDB's, as its PartiQL front end words them (see doc.go
// for where they come from). Those with a %s take the name of the
// attribute, operator or function concerned.
const (
	msgMalformed          = "Statement wasn't well formed, can't be processed: %s"
	msgParamCount         = "Number of parameters in request and statement don't match."
	msgIncompleteKey      = "Where clause does not contain a mandatory equality on all key attributes"
	msgMultipleOnKey      = "Multiple conditions on same key %s. Only single item Update/Insert/Delete are supported"
	msgOnIndex            = "This operation is not supported on an index"
	msgFromPath           = "A path may contain at most 2 components in the FROM clause"
	msgStarAndOthers      = "Other attributes should not be present in the projection when '*' is used."
	msgMissingCompare     = "MISSING must be compared using IS operator"
	msgISOperand          = "The left hand side argument to IS must be a Variable Reference, Literal, or Path"
	msgISInUpdate         = "IS operator is not supported in update expressions"
	msgISType             = "Unsupported data type for IS operator: %s. Supported data types are [MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]"
	msgInOperator         = "IN operator must have a left hand argument of type Variable Reference and right hand argument of type Seq with at least one member"
	msgInsertMany         = "Unsupported operation: Inserting multiple items in a single statement is not supported, use \"INSERT INTO tableName VALUE item\" instead"
	msgInsertFormat       = "Unsupported format in item expression. Please use struct format {...} to express item values for insert statement."
	msgInsertReturning    = "RETURNING is not supported in INSERT"
	msgDeleteReturning    = "Invalid returning clause: RETURNING %s. Only RETURNING ALL OLD * is allowed in DELETE statements."
	msgReturningSyntax    = "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause"
	msgMissingKey         = "Key attribute should be present in the item: Key %s"
	msgKeyType            = "Key attribute's data type should match its data type in table's schema: Key %s"
	msgUnsupportedClause  = "Unsupported clause: %s"
	msgEmptyBag           = "Empty bags are not supported"
	msgBagType            = "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"
	msgDuplicateKey       = "Duplicate keys in tuple. Key: %s under %s"
	msgSetArgs            = "SET_%s must have exactly two arguments"
	msgSetFirstArg        = "The first argument to SET_%s must equal the assignment value"
	msgSetSecondArg       = "The second argument to SET_%s must be a value with type SET"
	msgUnknownFunction    = "Unrecognized function: %s"
	msgUnsupportedToken   = "Unsupported token in expression: %s"
	msgConditionOperator  = "Unsupported operator in Condition Expression. Operator: %s"
	msgUpdateOperator     = "Unsupported operator in Update Expression. Operator: %s"
	msgWhereBoolean       = "WHERE clause must contain an expression that resolves to a boolean"
	msgOrderByNoWhere     = "Must have WHERE clause in the statement when using ORDER BY clause."
	msgOrderByNoHash      = "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause."
	msgOrderByNotKey      = "Variable reference %s in ORDER BY clause must be part of the primary key"
	msgExistsOutsideTx    = "EXISTS can only be used in ExecuteTransaction write requests."
	msgExistsKey          = "EXISTS() must contain a single item read with additional condition"
	msgExistsIndex        = "Operations on indices are not supported in transactions"
	msgEmptyPathComponent = "Path component cannot be an empty string"
	msgPathListIndex      = "A path cannot start with a list index"
)

// Details of malformed statements (the text after "can't be processed: "),
// as DynamoDB's PartiQL parser words them. The lexer's failures (an
// unterminated string or comment, a character outside the language, a
// number PartiQL cannot represent) leave the detail empty, as DynamoDB does.
const (
	detLexer           = ""
	detExpectedDML     = "Expected data manipulation"
	detTrailing        = "Unexpected token after expression"
	detAfterSemicolon  = "Unexpected token after semicolon. (Only one query is allowed.)"
	detUnexpectedKW    = "Unexpected keyword"
	detUnexpectedTerm  = "Unexpected term"
	detUnexpectedOp    = "Unexpected operator"
	detMissingRHS      = "Missing right-hand side expression of infix operator"
	detEmptyGroup      = "Expression group cannot be empty"
	detSimplePath      = "Expected identifier for simple path"
	detDotComponent    = "Invalid path dot component"
	detTypeName        = "Expected type name"
	detFromAfterSelect = "Expected FROM after SELECT list"
	detFromAfterDelete = "Expected FROM after DELETE"
	detTooDeep         = "Expression nested too deeply"
	detExpectedToken   = "Expected %s"
	detArity           = "Incorrect number of arguments to function %s"
)

const (
	msgAliasing        = "Aliasing is not supported"
	msgInsertAt        = "AT is not supported in insert statements."
	msgSelectValue     = "Select projection doesn't support value or pivot keywords"
	msgPathComponent   = "Unexpected path component"
	msgUnsupportedType = "Unsupported data type: %s under key %s"
)

func validation(format string, args ...any) *awserr.Error {
	if len(args) == 0 {
		return awserr.New("ValidationException", format)
	}
	return awserr.New("ValidationException", fmt.Sprintf(format, args...))
}

func malformed(detail string, args ...any) *awserr.Error {
	if len(args) > 0 {
		detail = fmt.Sprintf(detail, args...)
	}
	return validation(msgMalformed, detail)
}
