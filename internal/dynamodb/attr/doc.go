// Package attr is DynamoDB's data model: attribute values, items, numbers.
//
// A Value is a tagged union over DynamoDB's ten types. Numbers are kept as
// their canonical decimal text (38 significant digits, magnitudes 1e-130 to
// 9.99…e125, plain notation without exponent or trailing zeros, the way
// DynamoDB returns them) and computed with cockroachdb/apd, never float64.
// Sets are kept in the order the client sent them (DynamoDB does not promise
// an order) and never hold duplicates or nothing.
//
// The package has four encodings, each in its own file:
//
//   - wire.go: DynamoDB JSON, the request and response form. Decoding
//     validates as DynamoDB does and fails with its exact messages:
//     SerializationException for malformed JSON and wrong JSON types,
//     ValidationException for the rest (a SerializationException anywhere
//     in the value wins over a ValidationException, as on DynamoDB, where
//     deserialization finishes before validation starts).
//   - codec.go: a compact, versioned binary form of an Item for storage.
//   - key.go: order-preserving key encodings, so the store's bytewise order
//     is DynamoDB's key order, with a self-delimiting form for components
//     of composite keys.
//   - size.go: item and value sizes as DynamoDB meters them.
//
// number.go and compare.go hold the arithmetic and the comparisons that
// condition and update expressions use.
//
// Errors meant for clients are *awserr.Error values whose Code is
// "ValidationException" or "SerializationException"; match them with
// errors.Is(err, &awserr.Error{Code: "ValidationException"}). A caller that
// validates a value inside a larger request (ExpressionAttributeValues,
// ExclusiveStartKey) wraps the Message in DynamoDB's prefix for that place.
package attr
