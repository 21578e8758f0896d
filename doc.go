// Package nimbus runs a local AWS serverless cloud — DynamoDB today, with
// Lambda, S3, Polly and API Gateway to come — in one process, with no Docker
// and no account.
//
// Point any AWS SDK or the AWS CLI at Server.Endpoint(). Go tests can embed a
// whole cloud:
//
//	srv, err := nimbus.New(nimbus.Config{Memory: true, Addr: "127.0.0.1:0"})
//	if err != nil { ... }
//	if err := srv.Start(); err != nil { ... }
//	defer srv.Close()
//	// use srv.Endpoint() as the SDK's BaseEndpoint
//
// or, in a test, simply nimbustest.Start(t).
package nimbus
