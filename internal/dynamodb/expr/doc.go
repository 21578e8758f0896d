// Package expr is DynamoDB's expression language: condition and filter
// expressions, key condition expressions, update expressions and projection
// expressions, parsed into trees and evaluated against items.
//
// # Parsing
//
// A request's expressions are parsed through one Env, which holds the
// request's ExpressionAttributeNames and ExpressionAttributeValues, resolves
// the #names and :values each expression uses, and remembers which were used
// so that Unused can report the rest once every expression is parsed:
//
//	env := expr.NewEnv(in.ExpressionAttributeNames, in.ExpressionAttributeValues)
//	cond, err := env.Condition("ConditionExpression", in.ConditionExpression)
//	upd, err := env.Update(in.UpdateExpression)
//	err = env.Unused()
//
// Parsing has three stages, each of which can fail with a ValidationException
// worded as DynamoDB words it. Checks on the raw text come first (empty, over
// 4 KB). A hand-written lexer and recursive-descent parser then build the
// tree, or report a syntax error at the first token that no parse can
// continue from, quoting it and its neighbours as DynamoDB does
// ("Syntax error; token: "*", near: "a * :v""). Finally a checking pass walks
// the tree resolving placeholders and applying DynamoDB's static rules:
// reserved words, which functions may appear where, operand counts and the
// operand types that are known without an item, distinct operands, BETWEEN
// bounds, overlapping update and projection paths, and the limits on
// operators (300), IN operands (100) and path depth (32). When several
// problems exist, DynamoDB reports one by a precedence between kinds of
// problem (see errors.go), and so does this package.
//
// The parser's recursion is bounded explicitly: no valid expression nests
// deeper than its operator limit allows, so deeper input is refused without
// recursing further, whatever its size or shape.
//
// # Trees
//
// Condition, update and projection expressions share node types. Nodes keep
// what was written (placeholders, parentheses) beside what it means (resolved
// paths, values), so String renders text that parses back to the same tree;
// the fuzz targets check this. A Path is the resolved form of a document
// path, and renders as DynamoDB's messages show paths: "[a, b, [0]]".
//
// # Evaluation
//
// Parsed expressions are immutable: Eval and Apply may run concurrently.
//
// Cond.Eval follows DynamoDB's rules: comparisons between different types,
// and comparisons with a missing attribute, are false (<> is then true);
// size() of a number, boolean or null is missing; numbers compare by value.
// Conditions never fail on an item.
//
// Update.Apply builds the new item from the old one, which it never changes:
// the result is a fresh top-level map whose untouched values are shared with
// the old item, with copies of the maps and lists along the updated paths.
// As in DynamoDB, every operand is read from the item as it was, list indexes
// name positions in the list as it was (REMOVE a[0], a[1] removes two
// elements; later ones move up), a SET past the end of a list appends, and
// the actions are applied along a tree of their paths, so that an update
// with several failing actions reports the one DynamoDB reports. Evaluation
// errors are DynamoDB's: missing operands, operands of the wrong type,
// paths through missing or non-document values, numbers out of range (from
// package attr) and documents nested too deeply.
//
// Projection.Apply and ProjectPaths select sub-documents, keeping list
// elements in index order; ProjectPaths with Update.Paths gives ReturnValues
// UPDATED_OLD and UPDATED_NEW.
//
// KeyCondition parses a KeyConditionExpression as a condition, checks that it
// has the shape DynamoDB accepts (comparisons, BETWEEN or begins_with on
// top-level attributes, joined by AND), and matches it to a key schema:
// the partition key compared with =, and optionally one sort-key condition.
// ParseKeyCondition and KeyConditions.Bind split the two steps, since
// DynamoDB reports shape problems before it looks the table up and schema
// problems after.
//
// # Where the messages come from
//
// The messages are DynamoDB's. Most are confirmed by several independent
// sources that quote the service: DynamoDB Local's message table
// (DbValidationError), dynalite's tests (written against DynamoDB), the AWS
// API reference, and errors users report from AWS. Some details are
// inferred and may differ from the service: the key "operator count" in the
// too-many-operators message, the precedence between kinds of problem
// (taken from dynalite), the order in which overlapping paths are named
// (earlier path first), whitespace-only expressions counting as empty, and
// which of redundant parentheses or too many operators to report for input
// nested past the parser's bound. The syntax-error "near" text is the source
// from the token before the offending one to the token after it, which
// matches every example we found.
package expr
