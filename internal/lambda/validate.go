package lambda

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
)

func notFound(msg string) *awserr.Error {
	return &awserr.Error{Code: "ResourceNotFoundException", Message: msg, Status: 404, Fields: userType}
}

func conflict(msg string) *awserr.Error {
	return &awserr.Error{Code: "ResourceConflictException", Message: msg, Status: 409, Fields: userType}
}

func invalidParam(msg string) *awserr.Error {
	return &awserr.Error{Code: "InvalidParameterValueException", Message: msg, Status: 400, Fields: userType}
}

func preconditionFailed(msg string) *awserr.Error {
	return &awserr.Error{Code: "PreconditionFailedException", Message: msg, Status: 412, Fields: userType}
}

func tooManyRequests(reason string) *awserr.Error {
	return &awserr.Error{Code: "TooManyRequestsException", Message: "Rate Exceeded.", Status: 429,
		Fields: map[string]any{"Type": "User", "Reason": reason}}
}

func functionNotFound(arn string) *awserr.Error {
	return notFound("Function not found: " + arn)
}

// validation collects constraint violations into AWS's
// "N validation error(s) detected: ..." ValidationException.
type validation []string

func (v *validation) add(format string, args ...any) { *v = append(*v, fmt.Sprintf(format, args...)) }

func (v validation) err() error {
	if len(v) == 0 {
		return nil
	}
	noun := "error"
	if len(v) > 1 {
		noun = "errors"
	}
	return &awserr.Error{Code: "ValidationException", Status: 400,
		Message: fmt.Sprintf("%d validation %s detected: %s", len(v), noun, strings.Join(v, "; "))}
}

const (
	functionNamePattern = `(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`
	rolePattern         = `arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`
	qualifierPattern    = `(|[a-zA-Z0-9$_-]+)`
	aliasPattern        = `(?!^[0-9]+$)([a-zA-Z0-9-_]+)`
	handlerPattern      = `[^\s]+`
)

var (
	functionNameRE = regexp.MustCompile(`^` + functionNamePattern + `$`)
	// functionNameParts is functionNamePattern capturing the name and the qualifier.
	functionNameParts = regexp.MustCompile(`^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:[a-z]{2}(?:(?:-gov)|(?:-iso(?:[a-z]?)))?-[a-z]+-\d{1}:)?(?:\d{12}:)?(?:function:)?([a-zA-Z0-9-_]+)(?::(\$LATEST|[a-zA-Z0-9-_]+))?$`)
	roleRE            = regexp.MustCompile(`^` + rolePattern + `$`)
	qualifierRE       = regexp.MustCompile(`^` + qualifierPattern + `$`)
	aliasRE           = regexp.MustCompile(`^[a-zA-Z0-9-_]+$`)
	numericRE         = regexp.MustCompile(`^[0-9]+$`)
	envKeyRE          = regexp.MustCompile(`^[a-zA-Z]([a-zA-Z0-9_])+$`)
	handlerRE         = regexp.MustCompile(`^[^\s]+$`)
)

// checkFunctionName validates a FunctionName member (1..max characters).
func checkFunctionName(v *validation, name string, max int) {
	switch {
	case len(name) > max:
		v.add("Value '%s' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to %d", name, max)
	case name == "":
		v.add("Value '%s' at 'functionName' failed to satisfy constraint: Member must have length greater than or equal to 1", name)
	case !functionNameRE.MatchString(name):
		v.add("Value '%s' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", name, functionNamePattern)
	}
}

// splitName parses a FunctionName (name, partial ARN or ARN, with an
// optional :qualifier) into the bare name and the qualifier.
func splitName(s string) (name, qualifier string) {
	if m := functionNameParts.FindStringSubmatch(s); m != nil {
		return m[1], m[2]
	}
	parts := strings.Split(s, ":")
	switch {
	case len(parts) >= 7 && parts[0] == "arn": // arn:aws:lambda:region:account:function:name[:q]
		name = parts[6]
		if len(parts) > 7 {
			qualifier = parts[7]
		}
	case len(parts) >= 3 && parts[1] == "function": // account:function:name[:q]
		name = parts[2]
		if len(parts) > 3 {
			qualifier = parts[3]
		}
	case len(parts) == 2:
		name, qualifier = parts[0], parts[1]
	default:
		name = s
	}
	return name, qualifier
}

func checkQualifier(v *validation, q *string) {
	if q == nil {
		return
	}
	switch {
	case len(*q) > 128:
		v.add("Value '%s' at 'qualifier' failed to satisfy constraint: Member must have length less than or equal to 128", *q)
	case *q == "":
		v.add("Value '%s' at 'qualifier' failed to satisfy constraint: Member must have length greater than or equal to 1", *q)
	case !qualifierRE.MatchString(*q):
		v.add("Value '%s' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", *q, qualifierPattern)
	}
}

func checkRole(v *validation, role string) {
	if !roleRE.MatchString(role) {
		v.add("Value '%s' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", role, rolePattern)
	}
}

func checkTimeout(v *validation, t *int) {
	if t == nil {
		return
	}
	if *t < 1 {
		v.add("Value '%d' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1", *t)
	} else if *t > 900 {
		v.add("Value '%d' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900", *t)
	}
}

func checkMemory(v *validation, m *int) {
	if m == nil {
		return
	}
	if *m < 128 {
		v.add("Value '%d' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128", *m)
	} else if *m > 10240 {
		v.add("Value '%d' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240", *m)
	}
}

func checkDescription(v *validation, d *string) {
	if d != nil && len(*d) > 256 {
		v.add("Value '%s' at 'description' failed to satisfy constraint: Member must have length less than or equal to 256", *d)
	}
}

func checkHandler(v *validation, h *string) {
	if h == nil {
		return
	}
	if len(*h) > 128 {
		v.add("Value '%s' at 'handler' failed to satisfy constraint: Member must have length less than or equal to 128", *h)
	} else if !handlerRE.MatchString(*h) {
		v.add("Value '%s' at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", *h, handlerPattern)
	}
}

// reservedEnv are the variables Lambda sets and does not let a function override.
var reservedEnv = map[string]bool{
	"_HANDLER": true, "_X_AMZN_TRACE_ID": true, "AWS_REGION": true, "AWS_EXECUTION_ENV": true,
	"AWS_LAMBDA_FUNCTION_NAME": true, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": true, "AWS_LAMBDA_FUNCTION_VERSION": true,
	"AWS_LAMBDA_INITIALIZATION_TYPE": true, "AWS_LAMBDA_LOG_GROUP_NAME": true, "AWS_LAMBDA_LOG_STREAM_NAME": true,
	"AWS_ACCESS_KEY": true, "AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true,
	"AWS_LAMBDA_RUNTIME_API": true, "LAMBDA_TASK_ROOT": true, "LAMBDA_RUNTIME_DIR": true,
}

// checkEnvironment enforces AWS's rules: key syntax, reserved keys, 4 KB total.
func checkEnvironment(env *Environment) error {
	if env == nil {
		return nil
	}
	var v validation
	var reserved []string
	size := 0
	for k, val := range env.Variables {
		if !envKeyRE.MatchString(k) {
			v.add("Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]")
			break
		}
		if reservedEnv[k] {
			reserved = append(reserved, k)
		}
		size += len(k) + len(val)
	}
	if err := v.err(); err != nil {
		return err
	}
	if len(reserved) > 0 {
		return invalidParam("Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: " + strings.Join(reserved, ","))
	}
	if size > 4096 {
		return invalidParam(fmt.Sprintf("Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: %d", size))
	}
	return nil
}
