// Package partiql is DynamoDB's PartiQL front end: it parses the
// statements ExecuteStatement, BatchExecuteStatement and
// ExecuteTransaction carry and translates each into the DynamoDB request
// that does the same work, written in DynamoDB's own expression language,
// so the service runs it through the code paths GetItem, Query, Scan,
// PutItem, UpdateItem and DeleteItem already use. The package is a pure
// translator: it knows nothing of storage, and needs only the key schema of
// the table or index a statement names.
//
// # Statements
//
// The grammar is the subset of PartiQL DynamoDB accepts:
//
//	SELECT * | path [, path ...] FROM table[."index"] [WHERE cond] [ORDER BY key [ASC|DESC] [, ...]]
//	INSERT INTO table VALUE {'name': value, ...}
//	UPDATE table (SET path = value [, ...] | REMOVE path) ... WHERE cond [RETURNING (ALL|MODIFIED) (OLD|NEW) *]
//	FROM table WHERE cond (SET ... | REMOVE ...) ... [RETURNING ...]   -- PartiQL's other UPDATE form
//	DELETE FROM table WHERE cond [RETURNING ALL OLD *]
//	EXISTS(SELECT * FROM table WHERE cond)   -- ExecuteTransaction's condition check
//
// Names are identifiers or "double-quoted" identifiers; paths are
// a.b[0]['c']. As in DynamoDB, PartiQL's keywords (SQL-92's reserved words
// and PartiQL's own: date, value, key, size, old, ...) must be quoted to
// be used as names. Values are 'strings', numbers, TRUE, FALSE, NULL, ?
// parameters, [lists], {'tuple': maps} and <<bags>> (string, number or
// binary sets). Conditions have =, <> (and !=), <, <=, >, >=, AND, OR,
// NOT, BETWEEN, IN [..] or IN (..), IS [NOT] MISSING / NULL / BOOLEAN /
// STRING / NUMERIC / BLOB / LIST / STRUCT / TUPLE, and the functions
// begins_with, contains, attribute_type, size and exists. SET values may
// add or subtract and call list_append, set_add and set_delete. Keywords
// and function names are case-insensitive; -- and /* */ comments are
// skipped.
//
// A hand-written lexer and recursive-descent parser build a tree; the
// recursion is bounded (maxDepth), so no input can exhaust the stack, and
// both are linear in the statement's length. Number literals are checked
// against DynamoDB's number rules when the statement is planned, so that
// the error can name the literal's place ("... under root.x").
//
// # Translation
//
// Statement.Plan binds the request's Parameters and returns a Plan: the
// operation to run and its parameters. Every attribute name becomes a #pN
// placeholder and every value a :pN placeholder, so reserved words and
// odd characters in names never matter, and the plan's expressions parse
// with package expr like any client's. See Plan for the rules; briefly, a
// SELECT is a GetItem, Query or Scan depending on the key equalities among
// the WHERE clause's top-level AND terms, and writes need the full key.
//
// Statement.PlanIn adds the rules of the operation a statement arrives in
// (EXISTS only in ExecuteTransaction, single-item SELECTs in batches and
// transactions, no index reads or RETURNING in transactions).
//
// As in DynamoDB, a SELECT whose WHERE clause cannot be split into a key
// condition (IN or OR on the partition key, two conditions on the sort
// key, a key under NOT) is a Scan filtered by the whole clause. DynamoDB
// serves IN and OR on the partition key as several queries; the Scan
// returns the same items, but ORDER BY is then not honoured beyond the
// scan's key order.
//
// # Messages
//
// Errors are ValidationExceptions worded as DynamoDB's. The semantic
// messages are those of DynamoDB's PartiQL layer as DynamoDB Local ships
// them ("Where clause does not contain a mandatory equality on all key
// attributes", "Key attribute should be present in the item: Key pk").
// Syntax errors carry the detail of PartiQL's reference parser, which
// DynamoDB uses: "Statement wasn't well formed, can't be processed:
// Unexpected term", "... Unexpected keyword", "... Missing right-hand side
// expression of infix operator", "... Unexpected token after expression";
// lexer failures leave the detail empty. These were checked against
// statements other emulators' suites pin against DynamoDB itself. Ours,
// where we found no DynamoDB wording: "Expression nested too deeply"
// (DynamoDB's parser has no such bound), "Incorrect number of arguments to
// function f", and "Expected )" style details for a missing closing token.
// Checks that need the table (its existence, item size, the statement's
// 8 KB length limit) are the service's; key types are checked here when
// Schema carries them.
//
// Not modelled: DynamoDB's rule against OR branches that overlap on the
// sort key ("Overlapping conditions with range keys are not supported in
// where clause"), and the decomposition of IN or OR on the partition key
// into several queries (a Scan returns the same items).
package partiql
