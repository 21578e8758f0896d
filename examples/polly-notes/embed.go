// Package pollynotes holds the course's Polly Notes application, embedded so
// that `nimbus demo polly-notes` can deploy it from the binary. The files are
// the student-facing ones: deploy.sh (AWS CLI commands only), the functions,
// the table and its seed, the IAM policies, the API's templates and model,
// and the web front end.
package pollynotes

import "embed"

// Files is the application: deploy.sh at its root.
//
//go:embed deploy.sh event.json README.md functions iam dynamodb api web
var Files embed.FS
