package attr

import (
	"slices"
	"strings"
)

// Clone returns a deep copy of v: no slice or map is shared with v.
// Strings are immutable and shared.
func Clone(v Value) Value {
	switch v.Kind {
	case B:
		v.Bytes = cloneBytes(v.Bytes)
	case SS, NS:
		v.Strs = slices.Clone(v.Strs)
	case BS:
		bins := make([][]byte, len(v.Bins))
		for i, b := range v.Bins {
			bins[i] = cloneBytes(b)
		}
		v.Bins = bins
	case L:
		if v.List != nil {
			list := make([]Value, len(v.List))
			for i, e := range v.List {
				list[i] = Clone(e)
			}
			v.List = list
		}
	case M:
		if v.Map != nil {
			v.Map = cloneMap(v.Map)
		}
	}
	return v
}

// Clone returns a deep copy of the item.
func (it Item) Clone() Item {
	if it == nil {
		return nil
	}
	return Item(cloneMap(it))
}

func cloneMap(m map[string]Value) map[string]Value {
	out := make(map[string]Value, len(m))
	for k, v := range m {
		out[k] = Clone(v)
	}
	return out
}

// cloneBytes copies b, keeping nil as nil and empty as empty.
func cloneBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append(make([]byte, 0, len(b)), b...)
}

// sortedNames appends m's keys to buf, sorted bytewise.
func sortedNames(m map[string]Value, buf []string) []string {
	for k := range m {
		buf = append(buf, k)
	}
	slices.SortFunc(buf, strings.Compare)
	return buf
}
