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
//	UPDATE table SET path = value [, ...] | REMOVE path [, ...] ... WHERE cond [RETURNING (ALL|MODIFIED) (OLD|NEW) *]
//	DELETE FROM table WHERE cond [RETURNING ALL OLD *]
//	EXISTS(SELECT * FROM table WHERE cond)   -- ExecuteTransaction's condition check
//
// Names are identifiers or "double-quoted" identifiers; paths are
// a.b[0]['c']. Values are 'strings', numbers, TRUE, FALSE, NULL, ?
// parameters, [lists], {'tuple': maps} and <<bags>> (string, number or
// binary sets). Conditions have =, <> (and !=), <, <=, >, >=, AND, OR, NOT,
// BETWEEN, IN [..] or IN (..), IS [NOT] MISSING / NULL / type, and the
// functions begins_with, contains, attribute_type, size, exists and
// missing. SET values may add or subtract and call list_append, set_add
// and set_delete. Keywords and function names are case-insensitive;
// -- and /* */ comments are skipped.
//
// A hand-written lexer and recursive-descent parser build a tree; the
// recursion is bounded (maxDepth), so no input can exhaust the stack, and
// both are linear in the statement's length.
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
// What DynamoDB does differently: a SELECT whose WHERE has IN or OR on the
// partition key is served by DynamoDB as several queries; here it is a Scan
// with the same filter, which returns the same items. A SELECT with two
// conditions on the sort key (sk > 1 AND sk < 5) is a Scan too, since a
// Query's filter may not name key attributes; ORDER BY is then not
// honoured beyond the scan's key order.
//
// # Messages
//
// Errors are ValidationExceptions worded as DynamoDB's: the messages of
// its PartiQL layer as DynamoDB Local ships them, checked against errors
// users report from AWS ("Statement wasn't well formed, can't be
// processed: Expected data manipulation", "Where clause does not contain a
// mandatory equality on all key attributes", "Number of parameters in
// request and statement don't match."). DynamoDB reports syntax errors
// from its PartiQL parser with a short detail; details we have not seen
// from the service ("Unterminated quoted text", "Invalid character",
// "Expression nested too deeply", "Expected keyword FROM") are ours.
// Checks that need the table (key types, item size, the statement's 8 KB
// length limit) are the service's.
package partiql
