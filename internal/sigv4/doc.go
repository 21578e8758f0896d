// Package sigv4 parses and verifies AWS Signature Version 4 the way AWS does,
// for the edge of the server. It is pure: it answers "who signed this, and is
// the signature good", and leaves HTTP responses and each service's error
// shape to the edge.
//
// # Model
//
// A request authenticates in one of two ways: an Authorization header
// ("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=...") or a presigned URL
// (X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
// X-Amz-SignedHeaders, X-Amz-Signature in the query). The edge calls
//
//   - Scope on every request, to route it by the credential's region and
//     service; it is cheap and validates nothing;
//   - Parse, to read the whole Auth (ErrNoAuth for anonymous requests);
//   - Verify, with the access key's secret, the payload hash and the clock.
//
// Verify rebuilds the canonical request from the request as received: S3
// signs its path as sent, every other service encodes the path once more;
// the query is re-encoded per RFC 3986 and sorted; signed header values are
// trimmed and their inner spaces collapsed, with Host, Content-Length and
// Transfer-Encoding recovered from where Go's server moved them. Derived
// signing keys are cached per (secret, date, region, service), and
// signatures are compared in constant time.
//
// Streaming uploads (X-Amz-Content-Sha256: STREAMING-...) send an
// aws-chunked body whose chunks are signed one after another starting from
// the request's signature. NewChunkedReader decodes and verifies such a body;
// NewUnsignedChunkedReader decodes the unsigned variant and exposes its
// trailing checksum headers.
//
// # Errors
//
// Every failure is an *Error whose Kind says what went wrong. Msg is AWS's
// wording where AWS has one: DynamoDB's for header problems (e.g. "Signature
// expired: 20260101T000000Z is now earlier than 20260101T001500Z
// (20260101T003000Z - 15 min.)"), S3's for presigned URLs ("Request has
// expired"). Error.Response gives the code, message and status each protocol
// family answers with:
//
//	Kind               awsJson (DynamoDB...)               restJson (Lambda, API GW, Polly)  awsQuery (IAM, STS)         S3 (restXml)
//	MissingAuth        MissingAuthenticationTokenException MissingAuthenticationTokenException MissingAuthenticationToken  AccessDenied
//	Malformed          IncompleteSignatureException        IncompleteSignatureException      IncompleteSignature (400)   AuthorizationHeaderMalformed (400) / presigned: AuthorizationQueryParametersError (400)
//	MissingDate        IncompleteSignatureException        IncompleteSignatureException      IncompleteSignature (400)   AccessDenied
//	ScopeMismatch      InvalidSignatureException           InvalidSignatureException         SignatureDoesNotMatch       AuthorizationHeaderMalformed / AuthorizationQueryParametersError (400)
//	SignatureMismatch  InvalidSignatureException           InvalidSignatureException         SignatureDoesNotMatch       SignatureDoesNotMatch
//	Skewed             InvalidSignatureException           InvalidSignatureException         SignatureDoesNotMatch       RequestTimeTooSkewed
//	Expired            InvalidSignatureException           InvalidSignatureException         SignatureDoesNotMatch       AccessDenied ("Request has expired")
//	NotYetValid        InvalidSignatureException           InvalidSignatureException         SignatureDoesNotMatch       AccessDenied ("Request is not valid yet")
//	UnsignedHeaders    InvalidSignatureException           InvalidSignatureException         SignatureDoesNotMatch       AccessDenied ("There were headers present in the request which were not signed")
//	MalformedBody      IncompleteSignatureException        IncompleteSignatureException      IncompleteSignature (400)   IncompleteBody (400)
//	InvalidAccessKey   UnrecognizedClientException         UnrecognizedClientException       InvalidClientTokenId        InvalidAccessKeyId
//	status             400                                 403                               403 unless noted            403 unless noted
//
// KindInvalidAccessKey is never returned by this package (it does not know
// the keys); the edge builds it with NewError when the key is unknown, so
// that the mapping stays in one table.
package sigv4
