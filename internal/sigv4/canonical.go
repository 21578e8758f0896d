package sigv4

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// The canonical request is
//
//	Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n PayloadHash
//
// where CanonicalHeaders is one "name:value\n" line per signed header. The
// builders below append to a caller's buffer so the hot path does not
// allocate.

// appendCanonicalRequest appends the canonical request for r to b. uri is the
// canonical URI (see canonicalURI).
func appendCanonicalRequest(b []byte, r *http.Request, a *Auth, uri, payloadHash string) ([]byte, error) {
	b = append(b, r.Method...)
	b = append(b, '\n')
	b = append(b, uri...)
	b = append(b, '\n')
	var err error
	if r.URL != nil {
		b, err = appendCanonicalQuery(b, r.URL.RawQuery, a.Presigned)
		if err != nil {
			return b, err
		}
	}
	b = append(b, '\n')
	for _, name := range a.SignedHeaders {
		b = append(b, name...)
		b = append(b, ':')
		b = appendHeaderValue(b, r, name)
		b = append(b, '\n')
	}
	b = append(b, '\n')
	if a.signedHeaders != "" {
		b = append(b, a.signedHeaders...)
	} else {
		for i, name := range a.SignedHeaders {
			if i > 0 {
				b = append(b, ';')
			}
			b = append(b, name...)
		}
	}
	b = append(b, '\n')
	b = append(b, payloadHash...)
	return b, nil
}

// ---- URI ----

// rawPath returns the request path exactly as the client sent it, still
// escaped.
func rawPath(r *http.Request) string {
	if u := r.RequestURI; u != "" && u[0] == '/' {
		if i := strings.IndexByte(u, '?'); i >= 0 {
			u = u[:i]
		}
		return u
	}
	if r.URL == nil {
		return "/"
	}
	if p := r.URL.EscapedPath(); p != "" {
		return p
	}
	return "/"
}

// canonicalURI returns the canonical URI of r.
//
// S3 signs the path as sent: no normalization, no second encoding (the
// SDK's DisableURIPathEscaping). Every other service encodes the escaped
// path once more ("%20" becomes "%2520"), and aws-sdk-go-v2 does so without
// normalizing it.
func canonicalURI(r *http.Request, s3 bool) string {
	if s3 {
		return rawPath(r)
	}
	return uriEncode(rawPath(r), false)
}

// altCanonicalURI returns the other form some clients sign, or "" when it is
// the same as canonicalURI. It is only computed once the first form failed.
//
// For S3: clients that send a character raw that S3's UriEncode would escape
// (e.g. '=' or '!') may have signed the fully encoded form. For the other
// services: botocore removes dot segments and empty segments ("//") before
// encoding, as the SigV4 documentation asks.
func altCanonicalURI(r *http.Request, s3 bool) string {
	raw := rawPath(r)
	if s3 {
		dec, err := unescapePath(raw)
		if err != nil {
			return ""
		}
		if enc := uriEncode(dec, false); enc != raw {
			return enc
		}
		return ""
	}
	if norm := normalizePath(raw); norm != raw {
		return uriEncode(norm, false)
	}
	return ""
}

// normalizePath removes "." and ".." segments and empty segments, keeping a
// leading and trailing slash, as botocore does for non-S3 services.
func normalizePath(p string) string {
	if !strings.Contains(p, "//") && !strings.Contains(p, "/.") {
		return p
	}
	segs := strings.Split(p, "/")
	out := segs[:0]
	for _, s := range segs {
		switch s {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, s)
		}
	}
	var b strings.Builder
	b.WriteByte('/')
	b.WriteString(strings.Join(out, "/"))
	if len(out) > 0 && strings.HasSuffix(p, "/") {
		b.WriteByte('/')
	}
	return b.String()
}

// unreserved reports RFC 3986 unreserved characters, the only ones SigV4
// leaves unescaped.
func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

const upperhex = "0123456789ABCDEF"

// uriEncode percent-encodes every byte but unreserved ones (and '/' unless
// encodeSlash), with uppercase hex. It returns s itself when nothing needs
// encoding.
func uriEncode(s string, encodeSlash bool) string {
	i := 0
	for i < len(s) && (unreserved(s[i]) || s[i] == '/' && !encodeSlash) {
		i++
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, 0, len(s)+16)
	b = append(b, s[:i]...)
	return string(appendURIEncode(b, s[i:], encodeSlash))
}

func appendURIEncode(b []byte, s string, encodeSlash bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || c == '/' && !encodeSlash {
			b = append(b, c)
		} else {
			b = append(b, '%', upperhex[c>>4], upperhex[c&15])
		}
	}
	return b
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func unescapePath(s string) (string, error) { return unescape(s, false) }

func unescapeQuery(s string) (string, error) { return unescape(s, true) }

// unescape decodes %XX escapes, and '+' as a space in queries.
func unescape(s string, query bool) (string, error) {
	if !strings.ContainsRune(s, '%') && !(query && strings.ContainsRune(s, '+')) {
		return s, nil
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '%':
			if i+2 >= len(s) {
				return "", errBadEscape(s[i:])
			}
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return "", errBadEscape(s[i : i+3])
			}
			b = append(b, hi<<4|lo)
			i += 2
		case c == '+' && query:
			b = append(b, ' ')
		default:
			b = append(b, c)
		}
	}
	return string(b), nil
}

func errBadEscape(esc string) error {
	return errors.New("Illegal hex character in escape % pattern: " + esc)
}

// ---- query ----

type qpair struct{ k, v string }

// parseQuery splits a raw query into decoded pairs, in order. A segment
// without '=' is a key with an empty value; empty segments are skipped.
func parseQuery(raw string) ([]qpair, error) {
	var pairs []qpair
	for raw != "" {
		var seg string
		seg, raw, _ = strings.Cut(raw, "&")
		if seg == "" {
			continue
		}
		k, v, _ := strings.Cut(seg, "=")
		k, err := unescapeQuery(k)
		if err != nil {
			return nil, err
		}
		v, err = unescapeQuery(v)
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, qpair{k, v})
	}
	return pairs, nil
}

// canonicalComponent returns the SigV4 encoding of an escaped query
// component. When the client already sent it in canonical form (the usual
// case with SDKs) that is the input itself, with no allocation.
func canonicalComponent(s string) (string, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			continue
		}
		if c == '%' && i+2 < len(s) && isUpperHex(s[i+1]) && isUpperHex(s[i+2]) {
			hi, _ := unhex(s[i+1])
			lo, _ := unhex(s[i+2])
			if !unreserved(hi<<4 | lo) {
				i += 2
				continue
			}
		}
		dec, err := unescapeQuery(s)
		if err != nil {
			return "", err
		}
		return uriEncode(dec, true), nil
	}
	return s, nil
}

func isUpperHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }

// appendCanonicalQuery appends the canonical query: every parameter encoded
// per RFC 3986 (space as %20, '~' bare), sorted by encoded key then encoded
// value, X-Amz-Signature left out of presigned requests.
func appendCanonicalQuery(b []byte, raw string, presigned bool) ([]byte, error) {
	if raw == "" {
		return b, nil
	}
	var stack [16]qpair
	pairs := stack[:0]
	for raw != "" {
		var seg string
		seg, raw, _ = strings.Cut(raw, "&")
		if seg == "" {
			continue
		}
		k, v, _ := strings.Cut(seg, "=")
		k, err := canonicalComponent(k)
		if err != nil {
			return b, err
		}
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		v, err = canonicalComponent(v)
		if err != nil {
			return b, err
		}
		pairs = append(pairs, qpair{k, v})
	}
	slices.SortFunc(pairs, func(x, y qpair) int {
		if c := strings.Compare(x.k, y.k); c != 0 {
			return c
		}
		return strings.Compare(x.v, y.v)
	})
	for i, p := range pairs {
		if i > 0 {
			b = append(b, '&')
		}
		b = append(b, p.k...)
		b = append(b, '=')
		b = append(b, p.v...)
	}
	return b, nil
}

// ---- headers ----

// appendHeaderValue appends the canonical value of the signed header name
// (lowercase): every value trimmed, inner runs of spaces collapsed, values
// joined with ','. Go's server moves some headers out of r.Header: Host into
// r.Host, Transfer-Encoding into r.TransferEncoding, and Content-Length may
// only be in r.ContentLength.
func appendHeaderValue(b []byte, r *http.Request, name string) []byte {
	switch name {
	case "host":
		host := r.Host
		if host == "" && r.URL != nil {
			host = r.URL.Host
		}
		return appendTrimmed(b, host)
	case "content-length":
		if vs := lookupHeader(r.Header, name); len(vs) > 0 {
			return appendValues(b, vs)
		}
		if r.ContentLength >= 0 {
			return strconv.AppendInt(b, r.ContentLength, 10)
		}
		return b
	case "transfer-encoding":
		if vs := lookupHeader(r.Header, name); len(vs) > 0 {
			return appendValues(b, vs)
		}
		return appendValues(b, r.TransferEncoding)
	}
	return appendValues(b, lookupHeader(r.Header, name))
}

func appendValues(b []byte, vs []string) []byte {
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendTrimmed(b, v)
	}
	return b
}

// appendTrimmed appends v without leading and trailing whitespace and with
// each run of spaces collapsed to one.
func appendTrimmed(b []byte, v string) []byte {
	v = strings.TrimSpace(v)
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b = append(b, c)
	}
	return b
}

// lookupHeader finds a header by lowercase name without allocating: the
// canonical form is built on the stack (a map lookup keyed by string(bytes)
// does not allocate). Keys someone stored non-canonically are found by a
// case-insensitive scan.
func lookupHeader(h http.Header, name string) []string {
	var buf [64]byte
	if len(name) <= len(buf) {
		key := buf[:len(name)]
		upper := true
		valid := true
		for i := 0; i < len(name); i++ {
			c := name[i]
			if c == ' ' || c == ':' || c >= 0x7f || c < 0x21 {
				valid = false
			}
			if upper && 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			} else if !upper && 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			key[i] = c
			upper = c == '-'
		}
		if valid {
			if vs, ok := h[string(key)]; ok {
				return vs
			}
		}
	}
	if vs, ok := h[name]; ok {
		return vs
	}
	for k, vs := range h {
		if strings.EqualFold(k, name) {
			return vs
		}
	}
	return nil
}
