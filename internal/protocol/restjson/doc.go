// Package restjson is the restJson1 protocol (Lambda, API Gateway, Polly):
// operations are chosen by method and path, inputs arrive in the path, the
// query string, headers and a JSON (or raw) body, and outputs leave the same
// way.
//
// A service builds a Handler, routes each operation to a typed function and
// lets the Codec do the wire work:
//
//	type InvokeInput struct {
//		FunctionName   string  `location:"uri" name:"FunctionName"`
//		Qualifier      *string `location:"querystring" name:"Qualifier"`
//		InvocationType string  `location:"header" name:"X-Amz-Invocation-Type"`
//		Payload        []byte  `location:"payload"`
//	}
//	type InvokeOutput struct {
//		StatusCode    int    `location:"statusCode"`
//		FunctionError string `location:"header" name:"X-Amz-Function-Error"`
//		Payload       []byte `location:"payload"`
//	}
//	h.Handle("Invoke", "POST /2015-03-31/functions/{FunctionName}/invocations", 200, restjson.Operation(svc.Invoke))
//
// The tags are package httpbind's (uri, querystring, header, headers,
// payload, statusCode, timestampFormat); untagged members are the JSON body,
// named by their json tag or field name. Body timestamps are epoch seconds,
// restJson1's default; headers use http-date; nil pointers, slices and maps
// are left out.
//
// Errors follow what botocore's RestJSONParser and aws-sdk-go-v2's
// restjson1 deserializer read: the code in the x-amzn-ErrorType header
// (which both prefer over the body), the message in the body's "message"
// (or "Message", Codec.MessageKey), and the error's Fields as further body
// members, which the SDKs parse into the modeled exception. Decoding
// failures are 400 SerializationException unless Codec.BadRequest words them
// as the service does (Lambda: InvalidRequestContentException; API Gateway:
// BadRequestException).
//
// The body comes from request.Info.Body when the edge has read it, else
// from the request itself; payload members typed io.Reader get the body
// unread, for streaming routes.
package restjson
