package expr

import (
	"slices"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
)

// ptree is a projection's paths as a tree; a leaf takes the whole value.
type ptree struct {
	kids []pkid
	leaf bool
}

type pkid struct {
	elem PathElem
	t    *ptree
}

func newPtree(paths []Path) *ptree {
	root := &ptree{}
	for _, p := range paths {
		t := root
		for _, e := range p {
			if t.leaf {
				break // an enclosing path takes all of it already
			}
			var next *ptree
			for _, k := range t.kids {
				if k.elem == e {
					next = k.t
					break
				}
			}
			if next == nil {
				next = &ptree{}
				t.kids = append(t.kids, pkid{e, next})
			}
			t = next
		}
		if !t.leaf {
			t.leaf, t.kids = true, nil
		}
	}
	root.sort()
	return root
}

// sort puts list indexes in order, so projected elements keep theirs.
func (t *ptree) sort() {
	slices.SortStableFunc(t.kids, func(a, b pkid) int {
		if a.elem.IsIndex && b.elem.IsIndex {
			return a.elem.Index - b.elem.Index
		}
		return 0
	})
	for _, k := range t.kids {
		k.t.sort()
	}
}

// Apply returns the attributes of it the projection names. A path through
// a list keeps the named elements in index order; a path that designates
// nothing contributes nothing.
func (p *Projection) Apply(it attr.Item) attr.Item { return p.tree.item(it) }

// ProjectPaths projects it to paths as a ProjectionExpression of them would;
// ReturnValues UPDATED_OLD and UPDATED_NEW use it with Update.Paths.
func ProjectPaths(it attr.Item, paths []Path) attr.Item { return newPtree(paths).item(it) }

func (t *ptree) item(it attr.Item) attr.Item {
	out := make(attr.Item, len(t.kids))
	for _, k := range t.kids {
		if k.elem.IsIndex {
			continue
		}
		if v, ok := it[k.elem.Name]; ok {
			if pv, ok := k.t.project(v); ok {
				out[k.elem.Name] = pv
			}
		}
	}
	return out
}

func (t *ptree) project(v attr.Value) (attr.Value, bool) {
	if t.leaf {
		return v, true
	}
	switch v.Kind {
	case attr.M:
		m := map[string]attr.Value{}
		for _, k := range t.kids {
			if k.elem.IsIndex {
				continue
			}
			if c, ok := v.Map[k.elem.Name]; ok {
				if pc, ok := k.t.project(c); ok {
					m[k.elem.Name] = pc
				}
			}
		}
		if len(m) == 0 {
			return attr.Value{}, false
		}
		return attr.Value{Kind: attr.M, Map: m}, true
	case attr.L:
		var l []attr.Value
		for _, k := range t.kids {
			if !k.elem.IsIndex || k.elem.Index >= len(v.List) {
				continue
			}
			if pc, ok := k.t.project(v.List[k.elem.Index]); ok {
				l = append(l, pc)
			}
		}
		if len(l) == 0 {
			return attr.Value{}, false
		}
		return attr.Value{Kind: attr.L, List: l}, true
	}
	return attr.Value{}, false
}
