package legacy

import (
	"slices"
	"strings"
)

// The parameters of each operation in the order DynamoDB lists them in the
// mixing error (Non-expression parameters, then Expression parameters).
// The service passes CheckMix the ones present, filtered in this order.
var (
	PutDeleteLegacy      = []string{"Expected", "ConditionalOperator"}
	PutDeleteExpressions = []string{"ConditionExpression"}
	UpdateLegacy         = []string{"AttributeUpdates", "Expected", "ConditionalOperator"}
	UpdateExpressions    = []string{"UpdateExpression", "ConditionExpression"}
	GetLegacy            = []string{"AttributesToGet"}
	GetExpressions       = []string{"ProjectionExpression"}
	ScanLegacy           = []string{"AttributesToGet", "ScanFilter", "ConditionalOperator"}
	ScanExpressions      = []string{"ProjectionExpression", "FilterExpression"}
	QueryLegacy          = []string{"AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"}
	QueryExpressions     = []string{"ProjectionExpression", "FilterExpression", "KeyConditionExpression"}
)

// Present returns the names in order for which present reports true, for
// building CheckMix's arguments from the lists above.
func Present(order []string, present func(name string) bool) []string {
	var out []string
	for _, n := range order {
		if present(n) {
			out = append(out, n)
		}
	}
	return out
}

// CheckMix returns DynamoDB's ValidationException for a request that uses
// both legacy and expression parameters, given the ones present of each
// kind in DynamoDB's order, or nil. As in DynamoDB, KeyConditions may be
// combined with a FilterExpression or ProjectionExpression; it is only
// counted when KeyConditionExpression is present too.
func CheckMix(legacy []string, expressions []string) error {
	if len(expressions) == 0 || len(legacy) == 0 {
		return nil
	}
	if !slices.Contains(expressions, "KeyConditionExpression") {
		legacy = slices.DeleteFunc(slices.Clone(legacy), func(s string) bool { return s == "KeyConditions" })
		if len(legacy) == 0 {
			return nil
		}
	}
	return validation("Can not use both expression and non-expression parameters in the same request: " +
		"Non-expression parameters: {" + strings.Join(legacy, ", ") + "} " +
		"Expression parameters: {" + strings.Join(expressions, ", ") + "}")
}
