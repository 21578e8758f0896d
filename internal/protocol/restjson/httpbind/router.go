package httpbind

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
)

// Router matches requests against Smithy-style HTTP bindings:
//
//	GET /2015-03-31/functions/{FunctionName}/invocations
//	GET /{Bucket}/{Key+}?uploadId           (a required query parameter)
//	GET /{Bucket}?list-type=2               (a required query parameter value)
//
// A {Label} matches one non-empty path segment; a greedy {Label+} matches
// one or more segments, slashes included. Label values are percent-decoded,
// so an encoded "/" (%2F) stays inside a plain label. When several routes
// match, the most specific wins: more literal segments, then no greedy
// label, then more query requirements, then registration order. A trailing
// slash is optional on routes without a greedy label, so Lambda's
// "/2015-03-31/functions/" matches with or without it.
//
// A Router is built once, before serving, and then only read: Handle is not
// safe to call concurrently with Match.
type Router[H any] struct {
	// NotFound builds the error Match returns when no route matches; a 404
	// UnknownOperationException when nil.
	NotFound func(r *http.Request) *awserr.Error
	routes   []*route[H]
}

type route[H any] struct {
	method  string
	pattern string
	segs    []segment
	greedy  int // index of the greedy segment, -1 if none
	query   []queryReq
	h       H
	order   int
	literal int
}

type segment struct {
	literal string // when label == ""
	label   string
}

type queryReq struct {
	name, value string
	anyValue    bool
}

// Handle adds a route. pattern is "METHOD /path[?query]". It panics on a
// malformed pattern, a programming error any test of the service catches.
func (rt *Router[H]) Handle(pattern string, h H) {
	method, rest, ok := strings.Cut(pattern, " ")
	if !ok || method == "" || !strings.HasPrefix(rest, "/") {
		panic(fmt.Sprintf("httpbind: bad route pattern %q", pattern))
	}
	path, rawQuery, _ := strings.Cut(rest, "?")
	r := &route[H]{method: method, pattern: pattern, greedy: -1, h: h, order: len(rt.routes)}
	for i, s := range splitPath(path, true) {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			name := s[1 : len(s)-1]
			if strings.HasSuffix(name, "+") {
				if r.greedy >= 0 {
					panic(fmt.Sprintf("httpbind: two greedy labels in %q", pattern))
				}
				name = strings.TrimSuffix(name, "+")
				r.greedy = i
			}
			if name == "" {
				panic(fmt.Sprintf("httpbind: empty label in %q", pattern))
			}
			r.segs = append(r.segs, segment{label: name})
			continue
		}
		if strings.ContainsAny(s, "{}") {
			panic(fmt.Sprintf("httpbind: partial label in %q", pattern))
		}
		r.segs = append(r.segs, segment{literal: s})
		if s != "" {
			r.literal++
		}
	}
	if rawQuery != "" {
		for _, kv := range strings.Split(rawQuery, "&") {
			k, v, hasValue := strings.Cut(kv, "=")
			r.query = append(r.query, queryReq{name: k, value: v, anyValue: !hasValue})
		}
	}
	rt.routes = append(rt.routes, r)
}

// splitPath splits an escaped path into segments; keepTrailing keeps the
// empty segment after a trailing slash.
func splitPath(p string, keepTrailing bool) []string {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return nil
	}
	segs := strings.Split(p, "/")
	if !keepTrailing && len(segs) > 0 && segs[len(segs)-1] == "" {
		segs = segs[:len(segs)-1]
	}
	return segs
}

// Match finds the route for r and returns its handler and the decoded
// label values.
func (rt *Router[H]) Match(r *http.Request) (H, map[string]string, *awserr.Error) {
	escaped := r.URL.EscapedPath()
	full := splitPath(escaped, true)
	trimmed := splitPath(escaped, false)
	query := r.URL.Query()
	var best *route[H]
	var bestParams map[string]string
	for _, c := range rt.routes {
		if c.method != r.Method {
			continue
		}
		segs := trimmed
		if c.greedy >= 0 {
			segs = full
		}
		params, ok := c.match(segs)
		if !ok || !c.queryOK(query) {
			continue
		}
		if best == nil || c.moreSpecific(best) {
			best, bestParams = c, params
		}
	}
	if best == nil {
		var zero H
		if rt.NotFound != nil {
			return zero, nil, rt.NotFound(r)
		}
		return zero, nil, &awserr.Error{Code: "UnknownOperationException", Status: http.StatusNotFound,
			Message: fmt.Sprintf("No operation matches %s %s", r.Method, r.URL.Path)}
	}
	return best.h, bestParams, nil
}

func (c *route[H]) match(segs []string) (map[string]string, bool) {
	pat := c.segs
	// A pattern with a trailing slash has an empty literal last segment;
	// compare without it, since trailing slashes are optional.
	if c.greedy < 0 && len(pat) > 0 && pat[len(pat)-1].label == "" && pat[len(pat)-1].literal == "" {
		pat = pat[:len(pat)-1]
	}
	params := map[string]string{}
	if c.greedy < 0 {
		if len(segs) != len(pat) {
			return nil, false
		}
		for i, s := range pat {
			if !matchSeg(s, segs[i], params) {
				return nil, false
			}
		}
		return params, true
	}
	before, after := pat[:c.greedy], pat[c.greedy+1:]
	if len(segs) < len(before)+len(after)+1 {
		return nil, false
	}
	for i, s := range before {
		if !matchSeg(s, segs[i], params) {
			return nil, false
		}
	}
	for i, s := range after {
		if !matchSeg(s, segs[len(segs)-len(after)+i], params) {
			return nil, false
		}
	}
	middle := strings.Join(segs[len(before):len(segs)-len(after)], "/")
	if middle == "" {
		return nil, false
	}
	v, err := url.PathUnescape(middle)
	if err != nil {
		return nil, false
	}
	params[pat[c.greedy].label] = v
	return params, true
}

func matchSeg(s segment, got string, params map[string]string) bool {
	v, err := url.PathUnescape(got)
	if err != nil {
		return false
	}
	if s.label == "" {
		return v == s.literal
	}
	if v == "" {
		return false
	}
	params[s.label] = v
	return true
}

func (c *route[H]) queryOK(q url.Values) bool {
	for _, req := range c.query {
		vs, ok := q[req.name]
		if !ok {
			return false
		}
		if !req.anyValue && (len(vs) == 0 || vs[0] != req.value) {
			return false
		}
	}
	return true
}

func (c *route[H]) moreSpecific(than *route[H]) bool {
	if c.literal != than.literal {
		return c.literal > than.literal
	}
	if (c.greedy < 0) != (than.greedy < 0) {
		return c.greedy < 0
	}
	if len(c.query) != len(than.query) {
		return len(c.query) > len(than.query)
	}
	return c.order < than.order
}

// Routes lists the registered patterns in registration order, for docs and
// tests.
func (rt *Router[H]) Routes() []string {
	out := make([]string, len(rt.routes))
	for i, r := range rt.routes {
		out[i] = r.pattern
	}
	return out
}
