package expr

import (
	"strconv"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
)

// DynamoDB words its expression errors as "<problem>; <key>: <value>, ...",
// or "<problem>;" when there is nothing to add, and prefixes those found while
// parsing with "Invalid <parameter>: ". The problems below are DynamoDB's own
// text (see doc.go for which are confirmed and which are inferred).
const (
	msgSyntax             = "Syntax error"
	msgEmpty              = "The expression can not be empty"
	msgTooLong            = "Expression size has exceeded the maximum allowed size"
	msgRedundantParens    = "The expression has redundant parentheses"
	msgReserved           = "Attribute name is a reserved keyword"
	msgListIndex          = "List index is not within the allowable range"
	msgUnknownFunction    = "Invalid function name"
	msgConditionFunction  = "The function is not allowed in a condition expression"
	msgUpdateFunction     = "The function is not allowed in an update expression"
	msgFunctionContext    = "The function is not allowed to be used this way in an expression"
	msgAttributeTypeName  = "Invalid attribute type name found"
	msgTooDeep            = "The document path has too many nesting levels"
	msgConflict           = "Two document paths conflict with each other; must remove or rewrite one of these paths"
	msgOverlap            = "Two document paths overlap with each other; must remove or rewrite one of these paths"
	msgNameUndefined      = "An expression attribute name used in the document path is not defined"
	msgValueUndefined     = "An expression attribute value used in expression is not defined"
	msgOperandCount       = "Incorrect number of operands for operator or function"
	msgOperandType        = "Incorrect operand type for operator or function"
	msgNeedsPath          = "Operator or function requires a document path"
	msgNotDistinct        = "The first operand must be distinct from the remaining operands for this operator or function"
	msgTooManyOperators   = "The expression contains too many operators"
	msgBetweenBounds      = "The BETWEEN operator requires upper bound to be greater than or equal to lower bound"
	msgBetweenTypes       = "The BETWEEN operator requires same data type for lower and upper bounds"
	msgTooManyInOperands  = "The IN operator is provided with too many operands"
	msgUnusedNames        = "Value provided in ExpressionAttributeNames unused in expressions"
	msgUnusedValues       = "Value provided in ExpressionAttributeValues unused in expressions"
	msgSectionTwice       = "The \"%s\" section can only be used once in an update expression"
	msgAttributeNotFound  = "The provided expression refers to an attribute that does not exist in the item"
	msgIncorrectDataType  = "An operand in the update expression has an incorrect data type"
	msgInvalidUpdatePath  = "The document path provided in the update expression is invalid for update"
	msgNestingTooDeep     = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"
	msgKeyInvalidOperator = "Invalid operator used in KeyConditionExpression"
	msgKeyNested          = "KeyConditionExpressions cannot contain nested operations"
	msgKeyNestedAttr      = "KeyConditionExpressions cannot have conditions on nested attributes"
	msgKeyTwice           = "KeyConditionExpressions must only contain one condition per key"
	msgKeyMultipleNames   = "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"
	msgKeyNoAttribute     = "Invalid condition in KeyConditionExpression: No key attribute specified"
	msgKeyFirstOperand    = "Invalid condition in KeyConditionExpression: %s operator must have the key attribute as its first operand"
	msgKeyMissed          = "Query condition missed key schema element"
	msgKeyNotSupported    = "Query key condition not supported"
	msgKeyType            = "One or more parameter values were invalid: Condition parameter type does not match schema type"
)

// Limits DynamoDB places on expressions ("Service, account, and table quotas":
// expression parameters).
const (
	maxExprBytes  = 4096 // an expression string, in UTF-8 bytes
	maxOperators  = 300  // operators and functions in one expression
	maxInOperands = 100  // right-hand operands of one IN
	maxPathDepth  = 32   // elements of one document path; also document nesting
	maxListIndex  = 1<<31 - 1
	// maxNesting bounds the parser's recursion. No valid expression nests
	// deeper: every level of non-redundant parentheses or function calls
	// costs an operator, and there can be at most maxOperators of those.
	maxNesting = maxOperators + 1
)

// detail renders DynamoDB's "<problem>; key: value, key: value" form.
// kv alternates keys and values.
func detail(problem string, kv ...string) string {
	var b strings.Builder
	b.WriteString(problem)
	b.WriteByte(';')
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte(' ')
		b.WriteString(kv[i])
		b.WriteString(": ")
		b.WriteString(kv[i+1])
	}
	return b.String()
}

func validation(msg string) *awserr.Error { return awserr.New("ValidationException", msg) }

// invalid is an error found while parsing or checking the expression named
// by param ("ConditionExpression", "UpdateExpression", ...).
func invalid(param, msg string) *awserr.Error {
	return validation("Invalid " + param + ": " + msg)
}

func itoa(n int) string { return strconv.Itoa(n) }

// Error categories of the checking pass. When an expression has several
// problems DynamoDB reports one; which one follows a precedence between kinds
// of problem rather than their position (these orders are the ones dynalite
// established against DynamoDB). Within a kind, the first in the text wins.
type category int

const (
	catParens category = iota
	catUnknownFunction
	catFunctionContext
	catMisusedFunction
	catReserved
	catSection
	catName  // undefined #name, path too deep, list index out of range
	catValue // undefined :value
	catOverlap
	catConflict
	catOperand  // operand count (conditions); ADD/DELETE operand type (updates)
	catDistinct // same path as first and later operand
	catFunction // operand types and function-specific rules
	catOperators
	numCategories
)

// conditionOrder and updateOrder are the precedences for condition-like
// expressions and for update expressions. In conditions, undefined names and
// values are one kind of problem.
var (
	conditionOrder = []category{catParens, catUnknownFunction, catFunctionContext, catMisusedFunction, catReserved, catName, catOperand, catDistinct, catFunction, catOperators}
	updateOrder    = []category{catReserved, catUnknownFunction, catFunctionContext, catMisusedFunction, catSection, catName, catValue, catOverlap, catConflict, catOperand, catFunction, catDistinct, catOperators}
	projectOrder   = []category{catReserved, catName, catOverlap, catConflict}
)

// problems collects the first problem of each category.
type problems [numCategories]string

func (p *problems) add(c category, msg string) {
	if p[c] == "" {
		p[c] = msg
	}
}

// first returns the problem to report, by the given precedence.
func (p *problems) first(order []category) string {
	for _, c := range order {
		if p[c] != "" {
			return p[c]
		}
	}
	return ""
}
