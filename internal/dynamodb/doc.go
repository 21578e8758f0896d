// Package dynamodb is nimbus's DynamoDB (API 2012-08-10): tables, items,
// Query and Scan, with the expression language of package expr and the data
// model of package attr, on nimbus's transactional key-value storage.
//
// Every write runs in one storage.Update, so a conditional write is atomic
// with its condition and nothing half-written is ever visible. Reads run in a
// storage.View snapshot. Table metadata lives in the same store as items; a
// small cache keyed by the stored bytes saves decoding it on every request.
// See table.go for the key layout, which leaves room for secondary indexes
// and streams.
package dynamodb
