// Package query is the awsQuery protocol (IAM, STS; SNS and the older SQS
// speak it too): a POST of application/x-www-form-urlencoded parameters
// (or a GET with them in the query string) naming the operation in Action
// and the API version in Version, answered with XML.
//
// Parameters decode into input structs by dotted names, as botocore and
// aws-sdk-go-v2 write them: Tags.member.1.Key for a list of structures,
// AttributeName.1 for a flattened list, Attributes.entry.1.key/.value for
// a map (see Decode for the tags). Responses wrap the result:
//
//	<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
//	  <CreateUserResult><User>...</User></CreateUserResult>
//	  <ResponseMetadata><RequestId>...</RequestId></ResponseMetadata>
//	</CreateUserResponse>
//
// with members encoded by restxml's encoder (encoding/xml tags; lists as
// `xml:"Users>member"`; timestamps ISO 8601). Errors are
//
//	<ErrorResponse xmlns="..."><Error><Type>Sender</Type><Code>NoSuchEntity</Code>
//	<Message>...</Message></Error><RequestId>...</RequestId></ErrorResponse>
//
// which botocore's QueryParser and aws-sdk-go-v2's awsQuery deserializer
// both read (Error>Code, Error>Message, RequestId), the error's Fields
// becoming the modeled exception's members. The namespace differs per
// service, so it is the Codec's one setting.
package query
