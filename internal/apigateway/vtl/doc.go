// Package vtl is the Velocity Template Language engine behind API Gateway's
// mapping templates: a hand-written lexer/parser into a tree, and an
// evaluator that follows Apache Velocity 1.7, the version API Gateway runs.
//
// # Model
//
// Parse turns a template into an immutable *Template (safe to cache and to
// share between goroutines); Execute renders it with API Gateway's
// variables. Render does both. The caller supplies only data: the request
// or integration response (Input), $context (a Context of nested maps), and
// the stage variables. The package implements the objects the template sees:
//
//   - $input: body, json(path), path(path), params(), params(name) — JSONPath
//     over the body parsed as JSON (an empty body is {}), params looked up in
//     path, then query string, then headers.
//   - $util: escapeJavaScript (Commons Lang 2 semantics: ' becomes \'),
//     parseJson, urlEncode/urlDecode (java.net.URLEncoder/URLDecoder),
//     base64Encode/base64Decode.
//   - $context, with requestOverride.{header,path,querystring} and
//     responseOverride.{header,status} maps the template may #set; Execute
//     returns what it set as Overrides. The caller's Context is not modified.
//   - $stageVariables.
//
// Values inside the engine stand in for the Java objects Velocity sees (see
// value.go): strings, booleans, 64-bit integers, doubles, lists and
// insertion-ordered maps, with Java's methods (String.replaceAll with the
// regular expression translated to Go's RE2, List.add, Map.keySet...) and
// Java's toString ({k=v}, [a, b], 1.0E10) when rendered.
//
// # Velocity 1.7 behaviour kept on purpose
//
// Undefined or null references render as written ($foo stays "$foo"), $!foo
// renders nothing; #set with a null right side leaves the variable unchanged;
// only null and false are false in #if (an empty string is true); "a" + 1 is
// "a1"; a method that does not exist or gets the wrong argument types leaves
// the reference literal, one that throws (substring out of range, bad JSON)
// fails the execution with ErrInvocation. Whitespace: a directive's closing
// ')' and #else/#end eat the rest of their line (spaces, tabs and the
// newline) when nothing else follows on it; #set also eats the spaces and
// tabs before it; indentation before other directives is output; ## comments
// eat their newline. Identifiers may contain '-' ($a-b is one reference).
// Method calls on literals ("a".length()) are not Velocity 1.7 syntax.
//
// # Limits
//
// Each #foreach may run MaxForeachIterations (1,000, API Gateway's limit)
// times, else ErrForeachLimit. Output and strings are bounded by
// MaxOutputBytes, macro/#define nesting by MaxDepth, total work by MaxSteps,
// and parser nesting, so any input renders or fails quickly (FuzzRender).
//
// # Known differences
//
// Map keys are strings (Java maps built by a template may have other key
// types); arrays from split() are lists (Java would render an array as
// [Ljava.lang.String;@...); Java regular expression features RE2 lacks
// (backreferences, lookaround) fail as invalid patterns; macro arguments are
// evaluated once at the call (Velocity 1.7 passes them by name).
package vtl
