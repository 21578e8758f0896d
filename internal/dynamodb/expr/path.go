package expr

import (
	"strconv"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
)

// A PathElem is one step of a document path: an attribute or map key by
// name, or a list position.
type PathElem struct {
	Name    string // the attribute name, #placeholders resolved; empty for an index
	Index   int    // the list position when IsIndex
	IsIndex bool
}

// A Path is a document path with its #placeholders resolved: a.b[0] is
// {a, b, [0]}. The first element is always a name.
type Path []PathElem

// String renders p as DynamoDB's messages do: "[a, b, [0]]".
func (p Path) String() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, e := range p {
		if i > 0 {
			b.WriteString(", ")
		}
		if e.IsIndex {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.Index))
			b.WriteByte(']')
		} else {
			b.WriteString(e.Name)
		}
	}
	b.WriteByte(']')
	return b.String()
}

// Equal reports whether p and q name the same place.
func (p Path) Equal(q Path) bool {
	if len(p) != len(q) {
		return false
	}
	for i := range p {
		if p[i] != q[i] {
			return false
		}
	}
	return true
}

// Top returns the top-level attribute name p starts with.
func (p Path) Top() string {
	if len(p) == 0 {
		return ""
	}
	return p[0].Name
}

// get returns the value p designates in it, if any.
func (p Path) get(it attr.Item) (attr.Value, bool) {
	if len(p) == 0 {
		return attr.Value{}, false
	}
	v, ok := it[p[0].Name]
	for _, e := range p[1:] {
		if !ok {
			break
		}
		v, ok = child(v, e)
	}
	return v, ok
}

// child returns the element e of the map or list v.
func child(v attr.Value, e PathElem) (attr.Value, bool) {
	if e.IsIndex {
		if v.Kind != attr.L || e.Index >= len(v.List) {
			return attr.Value{}, false
		}
		return v.List[e.Index], true
	}
	if v.Kind != attr.M {
		return attr.Value{}, false
	}
	c, ok := v.Map[e.Name]
	return c, ok
}

// clash compares two paths of one update or projection: "overlap" when one
// is the other or lies inside it, "conflict" when they part where one takes
// a map key and the other a list index, "" when they are independent.
func clash(p, q Path) string {
	for i := 0; i < len(p) && i < len(q); i++ {
		if p[i].IsIndex != q[i].IsIndex {
			return "conflict"
		}
		if p[i] != q[i] {
			return ""
		}
	}
	return "overlap"
}
