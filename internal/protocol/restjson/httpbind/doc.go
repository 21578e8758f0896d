// Package httpbind implements the HTTP bindings the REST protocols share
// (restJson1 for Lambda, API Gateway and Polly; restXml for S3): which struct
// member travels in the URI, the query string, a header, a header prefix,
// the status code or the raw payload, and how scalars are written there.
//
// Bindings are declared with struct tags modelled on the Smithy traits and
// botocore's "location" key:
//
//	FunctionName string            `location:"uri" name:"FunctionName"`
//	Qualifier    *string           `location:"querystring" name:"Qualifier"`
//	Marker       []string          `location:"querystring" name:"Marker"`   // repeated ?Marker=a&Marker=b
//	Params       map[string]string `location:"querystring"`                 // every other query parameter
//	Type         string            `location:"header" name:"X-Amz-Invocation-Type"`
//	Metadata     map[string]string `location:"headers" name:"x-amz-meta-"`  // header prefix; keys lower-cased in, written verbatim out
//	StatusCode   int               `location:"statusCode"`                  // outputs only
//	Payload      []byte            `location:"payload"`                     // or io.Reader, string, or a struct
//	Modified     time.Time         `location:"header" name:"Last-Modified" timestampFormat:"http-date"`
//
// name defaults to the Go field name. Members with no location tag form the
// body, which the protocol package encodes (JSON or XML); this package only
// tells it which members those are (Fields, Location == "").
//
// Timestamps default to the Smithy defaults for their location: http-date in
// headers, date-time (RFC 3339) in the URI and query string; timestampFormat
// ("date-time", "iso8601", "http-date", "epoch-seconds") overrides.
//
// Absent means nil: a nil pointer, slice or map is not written, and a
// non-pointer string that is empty is not written either (an empty header
// says nothing). Non-pointer numbers and booleans are always written, so
// optional numbers should be pointers.
//
// Decoding errors are *awserr.Error values built by Options.BadRequest, so
// each service words them the way the real one does.
package httpbind
