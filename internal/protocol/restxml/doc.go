// Package restxml is the restXml protocol as S3 speaks it: operations are
// chosen by method, path and query (GET /{Bucket}?list-type=2), inputs
// arrive in the path, query, headers and a raw or XML body, and outputs
// leave as headers plus a raw body or an XML document in S3's namespace.
//
// Services use a Handler exactly as with restjson (the routing and the
// httpbind struct tags are shared); the difference is the document format.
// Documents are encoded by this package's encoder, which reads encoding/xml's
// tags with encoding/xml's meaning, so the same struct can be decoded with
// xml.Unmarshal (request bodies are) and encoded here (responses are). It
// adds what S3 needs: timestamps as 2006-01-02T15:04:05.000Z, nil members
// left out, the S3 xmlns on the root, and map support for awsQuery, which
// uses the same encoder (EncodeElement).
//
// Errors have S3's shape, which botocore's RestXMLParser recognises by its
// un-namespaced <Error> root and aws-sdk-go-v2 reads with its
// no-error-wrapping XML helper:
//
//	<?xml version="1.0" encoding="UTF-8"?>
//	<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>
//	<Key>photo.jpg</Key><RequestId>...</RequestId><HostId>...</HostId></Error>
//
// with the error's Fields as the extra elements, the status from the error,
// no body for HEAD, and S3's x-amz-request-id / x-amz-id-2 headers (which
// replace the edge's x-amzn-RequestId on S3 responses, as S3 sends only its
// own). Request documents that are not well-formed, or whose root is not
// the expected element, are MalformedXML with S3's wording; oversized ones
// MaxMessageLengthExceeded.
package restxml
