// Package runtimes holds the Python and Node.js runtime bootstraps nimbus
// ships inside its binary, and the table of runtimes Lambda accepts.
//
// The bootstraps are Lambda Runtime API clients written for nimbus from the
// API specification and AWS's documented runtime behaviour; they run under
// the machine's python3 and node. provided.* functions bring their own
// executable named bootstrap.
package runtimes

import (
	_ "embed"
	"strings"
)

//go:embed bootstrap.py
var pythonBootstrap []byte

//go:embed bootstrap.js
var nodeBootstrap []byte

// Family is how a runtime's processes are started.
type Family int

// Families.
const (
	Python Family = iota + 1
	Node
	Provided
)

// supported are the runtimes functions may be created with.
var supported = map[string]Family{
	"python3.9": Python, "python3.10": Python, "python3.11": Python, "python3.12": Python, "python3.13": Python,
	"nodejs18.x": Node, "nodejs20.x": Node, "nodejs22.x": Node,
	"provided.al2": Provided, "provided.al2023": Provided,
}

// deprecated are runtimes AWS no longer accepts for creation or update.
var deprecated = map[string]string{
	"python2.7": "python3.13", "python3.6": "python3.13", "python3.7": "python3.13", "python3.8": "python3.13",
	"nodejs": "nodejs22.x", "nodejs4.3": "nodejs22.x", "nodejs6.10": "nodejs22.x", "nodejs8.10": "nodejs22.x",
	"nodejs10.x": "nodejs22.x", "nodejs12.x": "nodejs22.x", "nodejs14.x": "nodejs22.x", "nodejs16.x": "nodejs22.x",
	"go1.x": "provided.al2023", "provided": "provided.al2023",
}

// Lookup returns the family of a supported runtime.
func Lookup(runtime string) (Family, bool) {
	f, ok := supported[runtime]
	return f, ok
}

// Deprecated reports whether runtime is retired, and what AWS recommends instead.
func Deprecated(runtime string) (replacement string, ok bool) {
	r, ok := deprecated[runtime]
	return r, ok
}

// Enum is the runtime enum as AWS's validation message lists it.
func Enum() string {
	return "[nodejs20.x, provided.al2023, python3.12, python3.13, nodejs22.x, nodejs18.x, java17, python3.10, java21, python3.11, dotnet8, java11, python3.9, java8.al2, ruby3.2, ruby3.3, ruby3.4, provided.al2, dotnet6, python3.8, java8, ruby2.7, go1.x, nodejs, nodejs4.3, nodejs6.10, nodejs8.10, nodejs10.x, nodejs12.x, nodejs14.x, nodejs16.x, python2.7, python3.6, python3.7, provided, dotnet5.0, dotnetcore1.0, dotnetcore2.0, dotnetcore2.1, dotnetcore3.1, nodejs4.3-edge, java25, nodejs24.x, python3.14]"
}

// Known reports whether runtime is in AWS's enum at all (supported here or not).
func Known(runtime string) bool {
	return strings.Contains(Enum(), " "+runtime+",") || strings.HasPrefix(Enum(), "["+runtime+",") || strings.HasSuffix(Enum(), " "+runtime+"]")
}

// PythonBootstrap is the Python runtime client's source.
func PythonBootstrap() []byte { return pythonBootstrap }

// NodeBootstrap is the Node.js runtime client's source.
func NodeBootstrap() []byte { return nodeBootstrap }

// ExecutionEnv is AWS_EXECUTION_ENV for a runtime.
func ExecutionEnv(runtime string) string { return "AWS_Lambda_" + runtime }
