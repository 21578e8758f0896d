// Package lambda is AWS Lambda (API 2015-03-31, restJson1): the control
// plane (functions, versions, aliases, concurrency, resource policies,
// tags) and Invoke, which runs functions as local processes speaking the
// real Lambda Runtime API. No Docker.
//
// # Model
//
// A function is stored as one JSON document in the KV store (its $LATEST
// configuration, its published versions, aliases, policy, reserved and
// provisioned concurrency, tags) and cached in memory; every change
// writes it through. Code is a zip extracted once per code version into
// <data dir>/lambda/<account>/<region>/<function>/<sha256> (zip slip,
// absolute names, symbolic links and special files are refused; 50 MB
// zipped, 250 MB unzipped). With the nimbus extension S3Bucket
// "hot-reload", S3Key is a local folder run in place.
//
// # Execution
//
// An execution environment is a sandbox.Sandbox: a runtime process in its
// own process group with its own runtimeapi.Server on a loopback port, its
// own TMPDIR, a memory limit and a clean environment (PATH and LANG from
// nimbus, the reserved Lambda variables, the execution role's temporary
// credentials from credentials.Store.Issue, AWS_ENDPOINT_URL pointing at
// nimbus, then the function's variables). Python and Node.js runtimes are
// nimbus's own bootstraps (package runtimes) run by the machine's python3
// and node; provided.* functions run their own bootstrap executable, so a
// Go function built with aws-lambda-go works unmodified.
//
// Sandboxes are pooled per function version and revision: an invocation
// takes an idle one (warm) or starts one (cold, with Init Duration), runs
// one event at a time in it, and gives it back. A timeout, crash or
// out-of-memory kills the process group and the sandbox is dropped; an
// update retires the pool (idle sandboxes close at once, busy ones when
// they finish). Idle sandboxes are reaped after Options.KeepAlive.
// Reserved concurrency and the account limit count invocations in flight;
// beyond them Invoke answers TooManyRequestsException.
//
// Every invocation's output, framed by START/END/REPORT lines, goes to the
// CloudWatch Logs group /aws/lambda/<name> through the LogSink the app
// wires in (package logs), one stream per sandbox; LogType Tail returns
// its last 4 KB. A function's failure is never an API error: it is a 200
// with X-Amz-Function-Error: Unhandled and the error document, so clients
// do not retry it.
//
// Other services invoke functions with Service.Invoke (naming their
// service principal, so the resource policy is checked as AWS does) and
// Service.InvokeAsync (S3 notifications).
package lambda
