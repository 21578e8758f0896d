// Package policy parses and validates IAM policy documents: identity
// policies (inline and managed) and role trust policies. It is pure: no
// storage, no request state. Validation follows IAM's order and wording, so
// a document IAM refuses is refused here with the message IAM gives
// (MalformedPolicyDocument's text); an evaluator (Decide) is a later step
// and will work on the Document this package returns.
package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// Kind says which grammar a document follows.
type Kind int

const (
	// Identity policies (inline role/user policies, managed policies) name
	// actions and resources and must not name a principal.
	Identity Kind = iota
	// Trust policies (a role's AssumeRolePolicyDocument) name a principal
	// and actions, and must not name resources.
	Trust
)

// Versions IAM knows. Identity policies must say 2012-10-17; trust
// policies may still say 2008-10-17 (AWS's own examples do).
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Error is a document IAM would refuse; Message is IAM's wording, sent as
// MalformedPolicyDocument.
type Error struct{ Message string }

func (e *Error) Error() string { return e.Message }

// Messages IAM uses.
const (
	MsgInvalidJSON     = "This policy contains invalid Json"
	MsgSyntax          = "Syntax errors in policy."
	MsgVersion         = "Policy document must be version 2012-10-17 or greater."
	MsgLegacy          = "The policy failed legacy parsing"
	MsgSidUnique       = "Statement IDs (SID) in a single policy must be unique."
	MsgNoActions       = "Policy statement must contain actions."
	MsgNoResources     = "Policy statement must contain resources."
	MsgHasPrincipal    = "Policy document should not specify a principal."
	MsgNoPrincipal     = "Missing required field Principal"
	MsgTrustResource   = "Has prohibited field Resource"
	MsgVendor          = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
	MsgOneColon        = "Actions/Condition can contain only one colon."
	MsgPrincipalSyntax = "Invalid principal in policy"
)

// Document is a parsed policy.
type Document struct {
	Version   string
	ID        string
	Statement []Statement
}

// Statement is one statement. Lists hold the values whether the document
// wrote a single string or an array.
type Statement struct {
	Sid         string
	Effect      string // "Allow" or "Deny"
	Action      []string
	NotAction   []string
	Resource    []string
	NotResource []string
	// Principal maps a principal type ("AWS", "Service", "Federated",
	// "CanonicalUser") to its values; "*" alone is {"*": ["*"]}.
	Principal    map[string][]string
	NotPrincipal map[string][]string
	// Condition is operator → key → values.
	Condition map[string]map[string][]string
}

var topElements = map[string]bool{"Version": true, "Id": true, "Statement": true}

var statementElements = map[string]bool{"Sid": true, "Effect": true, "Action": true, "NotAction": true,
	"Resource": true, "NotResource": true, "Principal": true, "NotPrincipal": true, "Condition": true}

func syntax() error { return &Error{MsgSyntax} }

// Parse validates doc as a policy of kind k and returns it. Errors are
// *Error with IAM's message.
func Parse(doc string, k Kind) (*Document, error) {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return nil, &Error{MsgInvalidJSON}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &Error{MsgInvalidJSON} // trailing data after the object
	}
	top, ok := raw.(map[string]any)
	if !ok {
		return nil, syntax()
	}
	if dupKeys(doc) {
		return nil, syntax()
	}
	d := &Document{}
	for name, v := range top {
		if !topElements[name] {
			return nil, syntax()
		}
		switch name {
		case "Version":
			s, ok := v.(string)
			if !ok || (s != Version2012 && s != Version2008) {
				return nil, syntax()
			}
			d.Version = s
		case "Id":
			s, ok := v.(string)
			if !ok {
				return nil, syntax()
			}
			d.ID = s
		}
	}
	var stmts []any
	switch s := top["Statement"].(type) {
	case map[string]any:
		stmts = []any{s}
	case []any:
		stmts = s
	default:
		return nil, syntax()
	}
	if len(stmts) == 0 {
		return nil, syntax()
	}
	for _, raw := range stmts {
		m, ok := raw.(map[string]any)
		if !ok {
			return nil, syntax()
		}
		st, err := statement(m)
		if err != nil {
			return nil, err
		}
		d.Statement = append(d.Statement, st)
	}
	if d.Version == "" || (k == Identity && d.Version != Version2012) {
		return nil, &Error{MsgVersion}
	}
	for _, st := range d.Statement {
		if st.Effect != "Allow" && st.Effect != "Deny" {
			return nil, &Error{MsgLegacy} // right word, wrong case
		}
	}
	seen := map[string]bool{}
	for _, st := range d.Statement {
		if st.Sid == "" {
			continue
		}
		if seen[st.Sid] {
			return nil, &Error{MsgSidUnique}
		}
		seen[st.Sid] = true
	}
	for _, st := range d.Statement {
		if len(st.Action) == 0 && len(st.NotAction) == 0 {
			return nil, &Error{MsgNoActions}
		}
	}
	for _, st := range d.Statement {
		switch k {
		case Identity:
			if st.Principal != nil || st.NotPrincipal != nil {
				return nil, &Error{MsgHasPrincipal}
			}
			if len(st.Resource) == 0 && len(st.NotResource) == 0 {
				return nil, &Error{MsgNoResources}
			}
			for _, r := range append(append([]string(nil), st.Resource...), st.NotResource...) {
				if err := checkResource(r); err != nil {
					return nil, err
				}
			}
		case Trust:
			if st.Resource != nil || st.NotResource != nil {
				return nil, &Error{MsgTrustResource}
			}
			if st.Principal == nil && st.NotPrincipal == nil {
				return nil, &Error{MsgNoPrincipal}
			}
		}
	}
	for _, st := range d.Statement {
		for _, a := range append(append([]string(nil), st.Action...), st.NotAction...) {
			if err := checkAction(a); err != nil {
				return nil, err
			}
		}
	}
	return d, nil
}

func statement(m map[string]any) (Statement, error) {
	var st Statement
	for name := range m {
		if !statementElements[name] {
			return st, syntax()
		}
	}
	if _, ok := m["Action"]; ok {
		if _, ok := m["NotAction"]; ok {
			return st, syntax()
		}
	}
	if _, ok := m["Resource"]; ok {
		if _, ok := m["NotResource"]; ok {
			return st, syntax()
		}
	}
	if _, ok := m["Principal"]; ok {
		if _, ok := m["NotPrincipal"]; ok {
			return st, syntax()
		}
	}
	e, ok := m["Effect"].(string)
	if !ok || (!strings.EqualFold(e, "Allow") && !strings.EqualFold(e, "Deny")) {
		return st, syntax()
	}
	st.Effect = e
	if v, ok := m["Sid"]; ok {
		s, ok := v.(string)
		if !ok {
			return st, syntax()
		}
		st.Sid = s
	}
	var err error
	for _, f := range []struct {
		name string
		dst  *[]string
	}{{"Action", &st.Action}, {"NotAction", &st.NotAction}, {"Resource", &st.Resource}, {"NotResource", &st.NotResource}} {
		if v, ok := m[f.name]; ok {
			if *f.dst, err = strings1(v); err != nil {
				return st, err
			}
			if *f.dst == nil {
				*f.dst = []string{}
			}
		}
	}
	if v, ok := m["Principal"]; ok {
		if st.Principal, err = principal(v); err != nil {
			return st, err
		}
	}
	if v, ok := m["NotPrincipal"]; ok {
		if st.NotPrincipal, err = principal(v); err != nil {
			return st, err
		}
	}
	if v, ok := m["Condition"]; ok {
		if st.Condition, err = condition(v); err != nil {
			return st, err
		}
	}
	return st, nil
}

// strings1 reads a string or an array of strings.
func strings1(v any) ([]string, error) {
	switch v := v.(type) {
	case string:
		return []string{v}, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, syntax()
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, syntax()
}

var principalTypes = map[string]bool{"AWS": true, "Service": true, "Federated": true, "CanonicalUser": true}

func principal(v any) (map[string][]string, error) {
	switch v := v.(type) {
	case string:
		if v != "*" {
			return nil, &Error{MsgPrincipalSyntax}
		}
		return map[string][]string{"*": {"*"}}, nil
	case map[string]any:
		out := map[string][]string{}
		for typ, vals := range v {
			if !principalTypes[typ] {
				return nil, &Error{MsgPrincipalSyntax}
			}
			ss, err := strings1(vals)
			if err != nil {
				return nil, err
			}
			if len(ss) == 0 {
				return nil, &Error{MsgPrincipalSyntax}
			}
			for _, s := range ss {
				if !validPrincipal(typ, s) {
					return nil, &Error{fmt.Sprintf("%s: %q:%q", MsgPrincipalSyntax, strings.ToUpper(typ), s)}
				}
			}
			out[typ] = ss
		}
		return out, nil
	}
	return nil, syntax()
}

func condition(v any) (map[string]map[string][]string, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, syntax()
	}
	out := make(map[string]map[string][]string, len(m))
	for op, kv := range m {
		km, ok := kv.(map[string]any)
		if !ok {
			return nil, syntax()
		}
		vals := make(map[string][]string, len(km))
		for key, raw := range km {
			switch raw := raw.(type) {
			case string:
				vals[key] = []string{raw}
			case bool:
				vals[key] = []string{fmt.Sprint(raw)}
			case json.Number:
				vals[key] = []string{raw.String()}
			case []any:
				ss := make([]string, 0, len(raw))
				for _, e := range raw {
					switch e := e.(type) {
					case string:
						ss = append(ss, e)
					case bool:
						ss = append(ss, fmt.Sprint(e))
					case json.Number:
						ss = append(ss, e.String())
					default:
						return nil, syntax()
					}
				}
				vals[key] = ss
			default:
				return nil, syntax()
			}
		}
		out[op] = vals
	}
	return out, nil
}

func checkAction(a string) error {
	if a == "*" {
		return nil
	}
	vendor, rest, ok := strings.Cut(a, ":")
	if !ok {
		return &Error{MsgVendor}
	}
	if strings.Contains(rest, ":") {
		return &Error{MsgOneColon}
	}
	for _, r := range vendor {
		if !(r < unicode.MaxASCII && (r == '-' || r == '.' || r == '*' || r == '?' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')) {
			return &Error{"Vendor " + vendor + " is not valid"}
		}
	}
	return nil
}

func checkResource(r string) error {
	if r == "*" {
		return nil
	}
	if !strings.HasPrefix(r, "arn:") {
		return &Error{fmt.Sprintf("Resource %s must be in ARN format or \"*\".", r)}
	}
	parts := strings.SplitN(r, ":", 6)
	if len(parts) < 6 {
		return &Error{fmt.Sprintf("Resource %s must be in ARN format or \"*\".", r)}
	}
	switch parts[1] {
	case "aws", "aws-cn", "aws-us-gov", "*":
	default:
		return &Error{fmt.Sprintf("Partition \"%s\" is not valid for resource \"%s\".", parts[1], r)}
	}
	if parts[2] == "iam" && parts[3] != "" {
		return &Error{fmt.Sprintf("IAM resource %s cannot contain region information.", r)}
	}
	return nil
}

// dupKeys reports whether any JSON object in doc (already known to be
// valid JSON) repeats a key: IAM refuses such documents, while
// encoding/json would silently keep the last value.
func dupKeys(doc string) bool {
	dec := json.NewDecoder(bytes.NewReader([]byte(doc)))
	type frame struct {
		obj  bool
		keys map[string]bool
		key  bool // next token in an object is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		isKey := top != nil && top.obj && top.key
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				if top != nil && top.obj {
					top.key = true
				}
				stack = append(stack, &frame{obj: true, keys: map[string]bool{}, key: true})
			case '[':
				if top != nil && top.obj {
					top.key = true
				}
				stack = append(stack, &frame{})
			default:
				stack = stack[:len(stack)-1]
			}
		default:
			if isKey {
				s, _ := t.(string)
				if top.keys[s] {
					return true
				}
				top.keys[s] = true
				top.key = false
			} else if top != nil && top.obj {
				top.key = true
			}
		}
	}
}

// Size is the length IAM counts against its policy size quotas: the
// document without whitespace outside strings.
func Size(doc string) int {
	n := 0
	inStr, esc := false, false
	for _, r := range doc {
		switch {
		case inStr:
			n++
			if esc {
				esc = false
			} else if r == '\\' {
				esc = true
			} else if r == '"' {
				inStr = false
			}
		case r == '"':
			inStr = true
			n++
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
		default:
			n++
		}
	}
	return n
}

// validPrincipal checks a principal's form (whether it exists is the
// service's business): AWS principals are "*", an account id or an IAM/STS
// ARN; service principals are DNS names; others are non-empty.
func validPrincipal(typ, v string) bool {
	if v == "" || strings.ContainsAny(v, " \t\r\n") {
		return false
	}
	switch typ {
	case "AWS":
		if v == "*" || isAccount(v) {
			return true
		}
		parts := strings.SplitN(v, ":", 6)
		if len(parts) != 6 || parts[0] != "arn" || (parts[2] != "iam" && parts[2] != "sts") || parts[3] != "" {
			return false
		}
		return isAccount(parts[4]) && parts[5] != ""
	case "Service":
		if v == "*" {
			return true
		}
		for _, r := range v {
			if !(r == '.' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return false
			}
		}
		return strings.Contains(v, ".")
	}
	return true
}

func isAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
