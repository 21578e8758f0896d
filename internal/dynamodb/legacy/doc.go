// Package legacy translates DynamoDB's legacy (pre-expression) request
// parameters into the expression language of package expr, so that the
// service evaluates both kinds of request through one engine.
//
//	Expected + ConditionalOperator     → ConditionExpression      (Out.Expected)
//	QueryFilter / ScanFilter + ConditionalOperator → FilterExpression (Out.Conditions)
//	KeyConditions                      → KeyConditionExpression   (Out.KeyConditions)
//	AttributesToGet                    → ProjectionExpression     (Out.AttributesToGet)
//	AttributeUpdates                   → UpdateExpression         (Out.AttributeUpdates)
//
// The translation is pure: it reads the legacy parameters, validates them as
// DynamoDB does (the errors are ValidationExceptions worded as DynamoDB's),
// and returns expression text whose attribute names and values are all
// placeholders it adds to Out.Names and Out.Values: #l0, #l1, ... and :l0,
// :l1, .... Every name goes through a placeholder, so reserved words, dots
// and other characters in attribute names need no care. An Out may be
// created with a request's own ExpressionAttributeNames and
// ExpressionAttributeValues already in its maps (DynamoDB accepts
// KeyConditions beside a FilterExpression or ProjectionExpression); the
// generated placeholders then skip every key already present. The service
// parses the results with expr.NewEnv(out.Names, out.Values).
//
// # Semantics
//
// Each legacy comparison maps to the expression with the same meaning,
// including for missing attributes and values of another type, which
// expressions treat as DynamoDB's legacy evaluator does:
//
//	EQ  a = v     NE  a <> v (true when a is missing)    LT LE GT GE  <  <=  >  >=
//	NULL      attribute_not_exists(a)      NOT_NULL  attribute_exists(a)
//	CONTAINS  contains(a, v)  (substring, subsequence, set member or list element)
//	NOT_CONTAINS  attribute_exists(a) AND NOT contains(a, v)
//	BEGINS_WITH   begins_with(a, v)
//	IN        a IN (v1, v2, ...), split into OR'ed groups of 100 (the
//	          expression limit) since the legacy parameter has none
//	BETWEEN   a BETWEEN lo AND hi
//
// NOT_CONTAINS is false on a missing attribute, unlike NOT contains(): that
// is how AWS's own DAX client translates it, and so does this package.
// Expected's Value alone (Exists absent or true) is a = v; Exists false is
// attribute_not_exists(a). Conditions are joined with AND unless
// ConditionalOperator is OR; KeyConditions are always joined with AND. Map
// entries are translated in sorted key order, so the text is deterministic
// and, when several entries are invalid, the one reported is the first by
// name.
//
// AttributeUpdates actions: PUT (the default) is SET a = v; DELETE without a
// value is REMOVE a; DELETE with a set is DELETE a v; ADD of a number or a
// set is ADD a v (a missing number counts as 0, a missing set as empty);
// ADD of a list appends to it, SET a = list_append(if_not_exists(a, []), v),
// which DynamoDB accepts though its documentation only speaks of numbers and
// sets.
//
// # Validation order
//
// Constraint violations (a ComparisonOperator, Action or ConditionalOperator
// outside its enum, a missing ComparisonOperator, an empty AttributesToGet)
// are reported first, in the "N validation errors detected" form of the
// request validation layer; the service's own constraint pass should catch
// them first so that they join its other violations. Then each entry is
// checked in sorted key order (for Expected: Exists with ComparisonOperator,
// Value with AttributeValueList, AttributeValueList without operator, Value
// with Exists false, a missing Value; then for every entry the argument
// count, each value's type for the operator and sameness with the first,
// and BETWEEN bounds), and only then the ConditionalOperator rules, as
// DynamoDB Local's converter orders them.
// KeyConditions then checks the number of conditions and that each operator
// can be answered from an index; the schema checks (missing key, wrong key
// type, range operator on the hash key) are left to expr.KeyConditions.Bind
// and KeyCond.CheckTypes, whose messages are the same for both forms.
// DynamoDB reports a non-indexable operator only after the schema checks; we
// report it before them (the expression language cannot carry it to Bind),
// so a request with both problems gets the non-indexable error where
// DynamoDB would name the schema problem.
//
// # Limits
//
// The generated expressions are subject to expr's limits (4 KB of text, 300
// operators): about 150 conditions in one map, or about 580 values in one
// IN list. Larger legacy parameters are rejected with an expression error
// ("Invalid FilterExpression: The expression contains too many operators"),
// where DynamoDB might accept them or word its refusal differently.
//
// # Sources
//
// Messages and rules come from the DynamoDB API reference (Condition,
// ExpectedAttributeValue, AttributeValueUpdate), the message table of
// DynamoDB Local, dynalite's tests (written against DynamoDB), AWS's DAX
// client (which performs the same translation client-side), and tests run
// against DynamoDB by other emulators. CheckMix follows the same sources.
package legacy
