// Package console serves nimbus's web console at /_nimbus/: plain HTML, CSS
// and ES modules embedded in the binary (no framework, no build step, no
// CDN).
//
// The console has no API of its own. The browser signs every request with
// SigV4 (assets/sigv4.js, crypto.subtle) using the access key and secret
// the user enters, and calls nimbus's AWS endpoints exactly as the CLI does:
// DynamoDB and CloudWatch Logs over awsJson, Lambda, Polly and API Gateway
// over restJson, S3 over restXml with path-style addresses. The edge routes
// those requests by the credential scope, so what the console shows is what
// the CLI sees, and with --auth strict the same signatures are verified: the
// console is protected exactly like the APIs. The pages themselves hold no
// data and are served to anyone who can reach the listener.
package console
