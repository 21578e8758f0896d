package vtl

import (
	"strconv"
	"strings"
)

// jsonPath evaluates the JSONPath subset API Gateway templates use: $,
// .name, ['name'], ["name"], [n] (negative counts from the end), [*], .*,
// [a:b] slices and ..name deep scan. A definite path yields the value or
// null; a path with a wildcard, slice or deep scan yields a list of matches,
// as Jayway JsonPath (which API Gateway uses) does. Paths without a leading
// '$' are taken relative to the root, again as Jayway does.
func jsonPath(root any, path string) (any, error) {
	p := strings.TrimSpace(path)
	if !strings.HasPrefix(p, "$") {
		p = "$." + p
	}
	p = p[1:]
	cur := []any{root}
	definite := true
	bad := func(msg string) error { return javaException("invalid JSONPath " + strconv.Quote(path) + ": " + msg) }
	for len(p) > 0 {
		switch {
		case strings.HasPrefix(p, ".."):
			p = p[2:]
			definite = false
			name, rest := pathName(p)
			if name == "" && strings.HasPrefix(p, "[") {
				// $..[0] style: collect all nodes, the bracket applies next
				cur = descendants(cur)
				continue
			}
			if name == "" {
				return nil, bad("missing name after ..")
			}
			p = rest
			all := descendants(cur)
			var next []any
			for _, n := range all {
				if m, ok := n.(*Map); ok {
					if name == "*" {
						next = append(next, mapValues(m)...)
					} else if v, ok := m.get(name); ok {
						next = append(next, v)
					}
				}
			}
			cur = next
		case strings.HasPrefix(p, "."):
			name, rest := pathName(p[1:])
			if name == "" {
				return nil, bad("missing name after .")
			}
			p = rest
			if name == "*" {
				definite = false
				cur = wildcard(cur)
				continue
			}
			cur = field(cur, name)
		case strings.HasPrefix(p, "["):
			end := bracketEnd(p)
			if end < 0 {
				return nil, bad("missing ]")
			}
			inner := strings.TrimSpace(p[1:end])
			p = p[end+1:]
			switch {
			case inner == "*":
				definite = false
				cur = wildcard(cur)
			case len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"'):
				var names []string
				for _, part := range splitQuoted(inner) {
					part = strings.TrimSpace(part)
					if len(part) < 2 || part[0] != part[len(part)-1] || (part[0] != '\'' && part[0] != '"') {
						return nil, bad("bad property " + part)
					}
					names = append(names, part[1:len(part)-1])
				}
				if len(names) != 1 {
					return nil, bad("multiple properties are not supported")
				}
				cur = field(cur, names[0])
			case strings.Contains(inner, ":"):
				definite = false
				a, b, _ := strings.Cut(inner, ":")
				var next []any
				for _, n := range cur {
					l, ok := n.(*List)
					if !ok {
						continue
					}
					from, to := 0, len(l.items)
					if s := strings.TrimSpace(a); s != "" {
						v, err := strconv.Atoi(s)
						if err != nil {
							return nil, bad("bad slice")
						}
						from = v
					}
					if s := strings.TrimSpace(b); s != "" {
						v, err := strconv.Atoi(s)
						if err != nil {
							return nil, bad("bad slice")
						}
						to = v
					}
					if from < 0 {
						from += len(l.items)
					}
					if to < 0 {
						to += len(l.items)
					}
					from, to = max(from, 0), min(to, len(l.items))
					if from < to {
						next = append(next, l.items[from:to]...)
					}
				}
				cur = next
			case strings.HasPrefix(inner, "?"):
				return nil, bad("filters are not supported")
			default:
				var idx []int
				for _, part := range strings.Split(inner, ",") {
					i, err := strconv.Atoi(strings.TrimSpace(part))
					if err != nil {
						return nil, bad("bad index " + part)
					}
					idx = append(idx, i)
				}
				if len(idx) > 1 {
					definite = false
				}
				var next []any
				for _, n := range cur {
					l, ok := n.(*List)
					if !ok {
						continue
					}
					for _, i := range idx {
						if i < 0 {
							i += len(l.items)
						}
						if i >= 0 && i < len(l.items) {
							next = append(next, l.items[i])
						}
					}
				}
				cur = next
			}
		default:
			return nil, bad("unexpected " + strconv.Quote(p[:1]))
		}
	}
	if definite {
		if len(cur) == 0 {
			return nil, nil
		}
		return cur[0], nil
	}
	return &List{items: cur}, nil
}

func pathName(p string) (name, rest string) {
	i := 0
	for i < len(p) && p[i] != '.' && p[i] != '[' {
		i++
	}
	return strings.TrimSpace(p[:i]), p[i:]
}

func bracketEnd(p string) int {
	var q byte
	for i := 1; i < len(p); i++ {
		c := p[i]
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '\'' || c == '"':
			q = c
		case c == ']':
			return i
		}
	}
	return -1
}

func splitQuoted(s string) []string {
	var parts []string
	var q byte
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '\'' || c == '"':
			q = c
		case c == ',':
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

func field(cur []any, name string) []any {
	next := cur[:0:0]
	for _, n := range cur {
		if m, ok := n.(*Map); ok {
			if v, ok := m.get(name); ok {
				next = append(next, v)
			}
		}
	}
	return next
}

func mapValues(m *Map) []any {
	return append([]any(nil), m.vals...)
}

func wildcard(cur []any) []any {
	var next []any
	for _, n := range cur {
		switch x := n.(type) {
		case *Map:
			next = append(next, mapValues(x)...)
		case *List:
			next = append(next, x.items...)
		}
	}
	return next
}

// descendants returns the nodes and everything below them, depth first.
func descendants(cur []any) []any {
	var out []any
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > 512 {
			return
		}
		out = append(out, v)
		switch x := v.(type) {
		case *Map:
			for _, v := range x.vals {
				walk(v, depth+1)
			}
		case *List:
			for _, e := range x.items {
				walk(e, depth+1)
			}
		}
	}
	for _, n := range cur {
		walk(n, 0)
	}
	return out
}
