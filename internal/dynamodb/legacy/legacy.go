package legacy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
)

// ExpectedAttributeValue is one entry of a PutItem, UpdateItem or DeleteItem
// Expected map. A nil field was absent from the request (a present but
// empty AttributeValueList is a non-nil empty slice).
type ExpectedAttributeValue struct {
	Value              *attr.Value  `json:"Value"`
	Exists             *bool        `json:"Exists"`
	ComparisonOperator *string      `json:"ComparisonOperator"`
	AttributeValueList []attr.Value `json:"AttributeValueList"`
}

// Condition is one entry of a KeyConditions, QueryFilter or ScanFilter map.
type Condition struct {
	ComparisonOperator *string      `json:"ComparisonOperator"`
	AttributeValueList []attr.Value `json:"AttributeValueList"`
}

// AttributeValueUpdate is one entry of an UpdateItem AttributeUpdates map.
// A nil Action means PUT.
type AttributeValueUpdate struct {
	Value  *attr.Value `json:"Value"`
	Action *string     `json:"Action"`
}

// Out accumulates the placeholders of the expressions translated through
// it. The zero Out is ready to use; Names and Values may also be pre-filled
// with a request's own placeholders, which generated ones never reuse.
// An Out is not safe for concurrent use.
type Out struct {
	Names  map[string]string
	Values map[string]attr.Value

	nameOf    map[string]string // attribute name → placeholder generated here
	nextName  int
	nextValue int
}

// name returns the placeholder for an attribute name, reusing the one
// generated earlier for the same name.
func (o *Out) name(n string) string {
	if p, ok := o.nameOf[n]; ok {
		return p
	}
	if o.Names == nil {
		o.Names = map[string]string{}
	}
	if o.nameOf == nil {
		o.nameOf = map[string]string{}
	}
	for {
		p := "#l" + strconv.Itoa(o.nextName)
		o.nextName++
		if _, taken := o.Names[p]; !taken {
			o.Names[p] = n
			o.nameOf[n] = p
			return p
		}
	}
}

// value returns a new placeholder for v.
func (o *Out) value(v attr.Value) string {
	if o.Values == nil {
		o.Values = map[string]attr.Value{}
	}
	for {
		p := ":l" + strconv.Itoa(o.nextValue)
		o.nextValue++
		if _, taken := o.Values[p]; !taken {
			o.Values[p] = v
			return p
		}
	}
}

// Errors.

func validation(msg string) *awserr.Error { return awserr.New("ValidationException", msg) }

func invalid(format string, args ...any) *awserr.Error {
	return validation("One or more parameter values were invalid: " + fmt.Sprintf(format, args...))
}

// constraints collects violations in the request validation layer's words.
type constraints []string

func (c *constraints) add(value, member, constraint string) {
	*c = append(*c, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", value, member, constraint))
}

func (c *constraints) enum(v *string, member string, allowed string) {
	if v == nil {
		return
	}
	if !slices.Contains(strings.Split(strings.Trim(allowed, "[]"), ", "), *v) {
		c.add("'"+*v+"'", member, "Member must satisfy enum value set: "+allowed)
	}
}

func (c constraints) err() error {
	if len(c) == 0 {
		return nil
	}
	noun := "error"
	if len(c) > 1 {
		noun = "errors"
	}
	return validation(fmt.Sprintf("%d validation %s detected: %s", len(c), noun, strings.Join(c, "; ")))
}

// The enum sets as DynamoDB lists them in its messages.
const (
	enumComparisonOperator  = "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"
	enumConditionalOperator = "[OR, AND]"
	enumAction              = "[ADD, DELETE, PUT]"
)

// lowerFirst turns a parameter name into its member name in constraint
// messages ("ScanFilter" → "scanFilter").
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
