package vtl

import (
	"errors"
	"fmt"
)

// Sentinel errors, matched with errors.Is. Every error Parse and Execute
// return wraps exactly one of them in an *Error that carries the position.
var (
	// ErrSyntax: the template does not parse.
	ErrSyntax = errors.New("vtl: syntax error")
	// ErrForeachLimit: a #foreach ran more than MaxForeachIterations times;
	// API Gateway caps each loop at 1,000 iterations.
	ErrForeachLimit = errors.New("vtl: #foreach iteration limit exceeded")
	// ErrOutputLimit: the rendered output (or a string built by the
	// template) grew past MaxOutputBytes.
	ErrOutputLimit = errors.New("vtl: output size limit exceeded")
	// ErrRecursionLimit: macros, #define blocks or nested evaluation went
	// deeper than MaxDepth.
	ErrRecursionLimit = errors.New("vtl: recursion limit exceeded")
	// ErrStepLimit: the template did more work than MaxSteps allows.
	ErrStepLimit = errors.New("vtl: evaluation step limit exceeded")
	// ErrInvocation: a method threw, as Java would (substring out of range,
	// bad JSON given to parseJson, an invalid regular expression...).
	ErrInvocation = errors.New("vtl: method invocation failed")
)

// Error is a failure at a position of the template.
type Error struct {
	Kind   error // one of the sentinels above
	Line   int   // 1-based
	Column int   // 1-based, in bytes
	Msg    string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%v at line %d, column %d: %s", e.Kind, e.Line, e.Column, e.Msg)
}

func (e *Error) Unwrap() error { return e.Kind }

// position converts a byte offset of src into a line and column.
func position(src string, off int) (line, col int) {
	line, col = 1, 1
	if off > len(src) {
		off = len(src)
	}
	for i := 0; i < off; i++ {
		if src[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
