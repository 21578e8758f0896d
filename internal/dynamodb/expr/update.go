package expr

import (
	"bytes"
	"maps"
	"slices"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
)

// utree arranges an update's actions as DynamoDB does: a tree of the paths
// they touch, each action at the end of its path. Applying the update
// rebuilds only the branches of the item the tree reaches. Since paths of
// one update never overlap, an action is always a leaf, and since they never
// conflict, a node's children are all names or all list indexes.
type utree struct {
	kids []ukid
	verb string  // the leaf's action: SET, REMOVE, ADD or DELETE
	act  *action // nil for an inner node
}

type ukid struct {
	elem PathElem
	t    *utree
}

func (t *utree) add(p Path, verb string, a *action) {
	for _, e := range p {
		var next *utree
		for _, k := range t.kids {
			if k.elem == e {
				next = k.t
				break
			}
		}
		if next == nil {
			next = &utree{}
			t.kids = append(t.kids, ukid{e, next})
		}
		t = next
	}
	t.verb, t.act = verb, a
}

// sort orders children as DynamoDB visits them (names by text, indexes by
// number), which decides which error an update with several reports.
func (t *utree) sort() {
	slices.SortFunc(t.kids, func(a, b ukid) int {
		if a.elem.IsIndex && b.elem.IsIndex {
			return a.elem.Index - b.elem.Index
		}
		return strings.Compare(a.elem.Name, b.elem.Name)
	})
	for _, k := range t.kids {
		k.t.sort()
	}
}

// Apply returns the item the update makes of it. It never modifies it: the
// result is a new top-level map sharing every value the update leaves alone,
// and containers on the updated paths are copied. Every operand is read from
// the item as it was, so SET a = b, b = a swaps.
//
// Errors are DynamoDB's ValidationExceptions: a path through something that
// is not a map or list, or through a missing map or list ("The document path
// provided in the update expression is invalid for update"), an operand that
// does not exist ("The provided expression refers to an attribute that does
// not exist in the item"), operands of the wrong type for +, -, list_append,
// ADD or DELETE ("An operand in the update expression has an incorrect data
// type"), numbers out of range (from attr), and results nested too deeply.
func (u *Update) Apply(it attr.Item) (attr.Item, error) {
	out := maps.Clone(it) // copies the table wholesale: cheaper than inserting
	if out == nil {
		out = make(attr.Item, len(u.tree.kids))
	}
	for _, k := range u.tree.kids {
		orig, ok := it[k.elem.Name]
		v, present, err := apply(k.t, orig, ok, it)
		if err != nil {
			return nil, err
		}
		if !present {
			delete(out, k.elem.Name)
			continue
		}
		if nesting(v, 1) >= attr.MaxDepth {
			return nil, validation(msgNestingTooDeep)
		}
		out[k.elem.Name] = v
	}
	return out, nil
}

func invalidPath() error { return validation(msgInvalidUpdatePath) }

// apply computes the new value of the tree node t, whose value in the item
// is orig (when ok). present is false when the update leaves nothing there.
func apply(t *utree, orig attr.Value, ok bool, it attr.Item) (v attr.Value, present bool, err error) {
	if t.act != nil {
		return act(t, orig, ok, it)
	}
	if !ok {
		return v, false, invalidPath()
	}
	switch orig.Kind {
	case attr.M:
		if t.kids[0].elem.IsIndex {
			return v, false, invalidPath()
		}
		m := make(map[string]attr.Value, len(orig.Map)+len(t.kids))
		maps.Copy(m, orig.Map)
		for _, k := range t.kids {
			c, cok := orig.Map[k.elem.Name]
			nv, p, err := apply(k.t, c, cok, it)
			if err != nil {
				return v, false, err
			}
			if p {
				m[k.elem.Name] = nv
			} else {
				delete(m, k.elem.Name)
			}
		}
		return attr.Value{Kind: attr.M, Map: m}, true, nil
	case attr.L:
		if !t.kids[0].elem.IsIndex {
			return v, false, invalidPath()
		}
		// Indexes name positions in the list as it was: REMOVE a[0], a[1]
		// removes the first two elements, later ones move up, and a position
		// past the end appends.
		list := make([]attr.Value, 0, len(orig.List)+len(t.kids))
		ki := 0
		for i, c := range orig.List {
			if ki < len(t.kids) && t.kids[ki].elem.Index == i {
				nv, p, err := apply(t.kids[ki].t, c, true, it)
				ki++
				if err != nil {
					return v, false, err
				}
				if p {
					list = append(list, nv)
				}
				continue
			}
			list = append(list, c)
		}
		for ; ki < len(t.kids); ki++ {
			nv, p, err := apply(t.kids[ki].t, attr.Value{}, false, it)
			if err != nil {
				return v, false, err
			}
			if p {
				list = append(list, nv)
			}
		}
		return attr.Value{Kind: attr.L, List: list}, true, nil
	}
	return v, false, invalidPath()
}

// act performs a leaf's action on the value orig (when ok).
func act(t *utree, orig attr.Value, ok bool, it attr.Item) (attr.Value, bool, error) {
	switch t.verb {
	case "SET":
		v, present, err := evalValue(t.act.val, it)
		if err != nil {
			return v, false, err
		}
		if !present {
			return v, false, validation(msgAttributeNotFound)
		}
		return v, true, nil
	case "REMOVE":
		return attr.Value{}, false, nil
	case "ADD":
		val := t.act.val.(*valueNode).val
		if !ok {
			return val, true, nil
		}
		if orig.Kind != val.Kind {
			return attr.Value{}, false, validation(msgIncorrectDataType)
		}
		if val.Kind == attr.N {
			sum, err := attr.AddNumbers(orig.Str, val.Str)
			if err != nil {
				return attr.Value{}, false, err
			}
			return attr.Value{Kind: attr.N, Str: sum}, true, nil
		}
		return union(orig, val), true, nil
	case "DELETE":
		val := t.act.val.(*valueNode).val
		if !ok {
			return attr.Value{}, false, nil
		}
		if orig.Kind != val.Kind {
			return attr.Value{}, false, validation(msgIncorrectDataType)
		}
		v := difference(orig, val)
		return v, len(v.Strs)+len(v.Bins) > 0, nil
	}
	return attr.Value{}, false, nil
}

// union adds b's members to the set a, after a's.
func union(a, b attr.Value) attr.Value {
	out := attr.Value{Kind: a.Kind}
	if a.Kind == attr.BS {
		out.Bins = slices.Clone(a.Bins)
		for _, x := range b.Bins {
			if !slices.ContainsFunc(out.Bins, func(y []byte) bool { return bytes.Equal(x, y) }) {
				out.Bins = append(out.Bins, x)
			}
		}
		return out
	}
	out.Strs = slices.Clone(a.Strs)
	for _, x := range b.Strs {
		if !hasString(out.Strs, x, a.Kind == attr.NS) {
			out.Strs = append(out.Strs, x)
		}
	}
	return out
}

// difference removes b's members from the set a.
func difference(a, b attr.Value) attr.Value {
	out := attr.Value{Kind: a.Kind}
	if a.Kind == attr.BS {
		for _, x := range a.Bins {
			if !slices.ContainsFunc(b.Bins, func(y []byte) bool { return bytes.Equal(x, y) }) {
				out.Bins = append(out.Bins, x)
			}
		}
		return out
	}
	for _, x := range a.Strs {
		if !hasString(b.Strs, x, a.Kind == attr.NS) {
			out.Strs = append(out.Strs, x)
		}
	}
	return out
}

// evalValue computes a SET value from the item as it was. present is false
// when a path designates nothing; functions and operators then fail, as
// DynamoDB checks each operand in turn, after evaluating all of them.
func evalValue(n node, it attr.Item) (v attr.Value, present bool, err error) {
	switch n := n.(type) {
	case *parenNode:
		return evalValue(n.x, it)
	case *valueNode:
		return n.val, true, nil
	case *pathNode:
		v, ok := n.path.get(it)
		return v, ok, nil
	case *arithNode:
		ops, err := operands(it, attr.N, n.l, n.r)
		if err != nil {
			return v, false, err
		}
		var s string
		if n.op == '+' {
			s, err = attr.AddNumbers(ops[0].Str, ops[1].Str)
		} else {
			s, err = attr.SubNumbers(ops[0].Str, ops[1].Str)
		}
		if err != nil {
			return v, false, err
		}
		return attr.Value{Kind: attr.N, Str: s}, true, nil
	case *callNode:
		switch n.name {
		case "list_append":
			ops, err := operands(it, attr.L, n.args[0], n.args[1])
			if err != nil {
				return v, false, err
			}
			l := make([]attr.Value, 0, len(ops[0].List)+len(ops[1].List))
			l = append(append(l, ops[0].List...), ops[1].List...)
			return attr.Value{Kind: attr.L, List: l}, true, nil
		case "if_not_exists":
			a, aok, err := evalValue(n.args[0], it)
			if err != nil {
				return v, false, err
			}
			b, bok, err := evalValue(n.args[1], it)
			if err != nil {
				return v, false, err
			}
			if !bok {
				return v, false, validation(msgAttributeNotFound)
			}
			if aok {
				return a, true, nil
			}
			return b, true, nil
		}
	}
	return v, false, nil
}

// operands evaluates the two operands of an operator that needs both
// present and of kind k.
func operands(it attr.Item, k attr.Kind, l, r node) (ops [2]attr.Value, err error) {
	var oks [2]bool
	for i, n := range [2]node{l, r} {
		if ops[i], oks[i], err = evalValue(n, it); err != nil {
			return ops, err
		}
	}
	for i := range ops {
		if !oks[i] {
			return ops, validation(msgAttributeNotFound)
		}
		if ops[i].Kind != k {
			return ops, validation(msgIncorrectDataType)
		}
	}
	return ops, nil
}

// nesting returns the level of the deepest map or list in v, when v itself
// sits at level: an item is level 0, its attributes level 1.
func nesting(v attr.Value, level int) int {
	deepest := 0
	switch v.Kind {
	case attr.M:
		deepest = level
		for _, c := range v.Map {
			deepest = max(deepest, nesting(c, level+1))
		}
	case attr.L:
		deepest = level
		for _, c := range v.List {
			deepest = max(deepest, nesting(c, level+1))
		}
	}
	return deepest
}
