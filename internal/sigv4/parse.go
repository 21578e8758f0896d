package sigv4

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Values that appear on the wire.
const (
	// Algorithm is the only signing algorithm this package verifies.
	Algorithm = "AWS4-HMAC-SHA256"
	// Terminator ends every credential scope.
	Terminator = "aws4_request"

	// Payload hashes a client may send in X-Amz-Content-Sha256 instead of
	// the hex SHA-256 of the body.
	UnsignedPayload                 = "UNSIGNED-PAYLOAD"
	StreamingPayload                = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	StreamingPayloadTrailer         = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	StreamingUnsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"

	// EmptySHA256 is the hex SHA-256 of an empty body.
	EmptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

	// MaxSkew is how far a request's time may be from the server's clock.
	MaxSkew = 15 * time.Minute
	// MaxExpires is the longest X-Amz-Expires AWS accepts (7 days).
	MaxExpires = 7 * 24 * time.Hour

	// TimeFormat is ISO 8601 basic format, as in X-Amz-Date.
	TimeFormat = "20060102T150405Z"
)

// Auth is what a request says about its signature.
type Auth struct {
	AccessKey string
	// Date (yyyymmdd), Region and Service are the credential scope.
	Date, Region, Service string
	// SignedHeaders are the lowercase names of the signed headers, in the
	// order the client listed them.
	SignedHeaders []string
	// Signature is the hex signature as sent.
	Signature string
	// Time is X-Amz-Date (or, for header auth without it, the Date header).
	Time time.Time
	// Presigned is true for query-string authentication.
	Presigned bool
	// Expires is X-Amz-Expires, for presigned requests only. S3 requires it;
	// for other services, which do not, it is MaxSkew when absent.
	Expires time.Duration
	// PayloadHash is X-Amz-Content-Sha256 as sent. When absent it is
	// UNSIGNED-PAYLOAD for presigned S3 requests and empty otherwise: the
	// caller then hashes the body.
	PayloadHash string
	// SecurityToken is X-Amz-Security-Token (header or query), if any.
	SecurityToken string

	// amzDate is the timestamp exactly as the string to sign needs it.
	amzDate string
	// signedHeaders is the SignedHeaders parameter, lowercased.
	signedHeaders string
}

// CredentialScope returns "date/region/service/aws4_request".
func (a *Auth) CredentialScope() string {
	return a.Date + "/" + a.Region + "/" + a.Service + "/" + Terminator
}

// Parse extracts the auth from the Authorization header ("AWS4-HMAC-SHA256
// Credential=..., SignedHeaders=..., Signature=...") or from the presigned
// query (X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
// X-Amz-SignedHeaders, X-Amz-Signature). It returns ErrNoAuth when the
// request carries neither, and an *Error of KindMalformed, KindMissingDate or
// KindScopeMismatch when the auth is there but unusable. Parse does not look
// at the clock or the secret: that is Verify's job.
func Parse(r *http.Request) (*Auth, error) {
	var rawQuery string
	if r.URL != nil {
		rawQuery = r.URL.RawQuery
	}
	inQuery := queryHasAuth(rawQuery)
	if h := r.Header["Authorization"]; len(h) > 0 && h[0] != "" {
		if inQuery {
			return nil, &Error{Kind: KindMalformed, Msg: "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified"}
		}
		return parseHeader(r, h[0])
	}
	if inQuery {
		return parsePresigned(r, rawQuery)
	}
	return nil, ErrNoAuth
}

func parseHeader(r *http.Request, h string) (*Auth, error) {
	h = trimOWS(h)
	alg, rest, _ := strings.Cut(h, " ")
	var cred, signed, sig string
	if alg == Algorithm {
		for rest != "" {
			var part string
			part, rest, _ = strings.Cut(rest, ",")
			part = trimOWS(part)
			if part == "" {
				continue
			}
			k, v, ok := strings.Cut(part, "=")
			if !ok {
				return nil, malformed("'" + part + "' not a valid key=value pair (missing equal-sign) in Authorization header: '" + h + "'")
			}
			switch k {
			case "Credential":
				cred = v
			case "SignedHeaders":
				signed = v
			case "Signature":
				sig = v
			}
		}
	} else if strings.HasPrefix(alg, "AWS4-") {
		return nil, malformed("Unsupported AWS 'algorithm': '" + alg + "'.")
	}

	dateValue, fromDateHeader := headerDate(r)
	if cred == "" || signed == "" || sig == "" || dateValue == "" {
		var b strings.Builder
		if cred == "" {
			b.WriteString("Authorization header requires 'Credential' parameter. ")
		}
		if sig == "" {
			b.WriteString("Authorization header requires 'Signature' parameter. ")
		}
		if signed == "" {
			b.WriteString("Authorization header requires 'SignedHeaders' parameter. ")
		}
		if dateValue == "" {
			b.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
		}
		b.WriteString("Authorization=")
		b.WriteString(alg)
		kind := KindMalformed
		if cred != "" && signed != "" && sig != "" {
			kind = KindMissingDate
		}
		return nil, &Error{Kind: kind, Msg: b.String()}
	}

	a := &Auth{Signature: sig}
	t, ok := parseTime(dateValue)
	if !ok && fromDateHeader {
		t, ok = parseHTTPDate(dateValue)
	}
	if !ok {
		return nil, malformed("Date must be in ISO-8601 'basic format'. Got '" + dateValue + "'. See http://en.wikipedia.org/wiki/ISO_8601")
	}
	a.Time = t
	if fromDateHeader {
		a.amzDate = t.Format(TimeFormat)
	} else {
		a.amzDate = dateValue
	}

	ak, date, region, service, term, n := splitCredential(cred)
	if n != 5 {
		return nil, malformed("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" + cred + "'")
	}
	if ak == "" {
		return nil, malformed("The authorization header is malformed; a non-empty Access Key (AKID) must be provided in the credential.")
	}
	var scopeErr strings.Builder
	if region == "" {
		scopeErr.WriteString("Credential should be scoped to a valid region, not ''. ")
	}
	if service == "" {
		scopeErr.WriteString("Credential should be scoped to correct service. ")
	}
	if term != Terminator {
		scopeErr.WriteString("Credential should be scoped with a valid terminator: 'aws4_request', not '" + term + "'. ")
	}
	if date != a.amzDate[:8] {
		scopeErr.WriteString("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" + date + "' != '" + a.amzDate[:8] + "', from '" + a.amzDate + "'. ")
	}
	if scopeErr.Len() > 0 {
		return nil, &Error{Kind: KindScopeMismatch, Msg: strings.TrimSuffix(scopeErr.String(), " ")}
	}
	a.AccessKey, a.Date, a.Region, a.Service = ak, date, region, service

	a.signedHeaders = strings.ToLower(signed)
	a.SignedHeaders = strings.Split(a.signedHeaders, ";")
	a.PayloadHash = firstHeader(r.Header, "X-Amz-Content-Sha256")
	a.SecurityToken = firstHeader(r.Header, "X-Amz-Security-Token")
	return a, nil
}

// headerDate returns X-Amz-Date, or failing that the Date header.
func headerDate(r *http.Request) (value string, fromDate bool) {
	if v := firstHeader(r.Header, "X-Amz-Date"); v != "" {
		return trimOWS(v), false
	}
	if v := firstHeader(r.Header, "Date"); v != "" {
		return trimOWS(v), true
	}
	return "", false
}

const presignRequires = "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."

func parsePresigned(r *http.Request, rawQuery string) (*Auth, error) {
	pairs, err := parseQuery(rawQuery)
	if err != nil {
		return nil, &Error{Kind: KindMalformed, Presigned: true, Msg: err.Error()}
	}
	var alg, cred, date, expires, signed, sig, token string
	var hasExpires bool
	for _, p := range pairs {
		switch p.k {
		case "X-Amz-Algorithm":
			alg = first(alg, p.v)
		case "X-Amz-Credential":
			cred = first(cred, p.v)
		case "X-Amz-Date":
			date = first(date, p.v)
		case "X-Amz-Expires":
			if !hasExpires {
				expires, hasExpires = p.v, true
			}
		case "X-Amz-SignedHeaders":
			signed = first(signed, p.v)
		case "X-Amz-Signature":
			sig = first(sig, p.v)
		case "X-Amz-Security-Token":
			token = first(token, p.v)
		}
	}
	fail := func(kind Kind, msg string) (*Auth, error) {
		return nil, &Error{Kind: kind, Presigned: true, Msg: msg}
	}
	if alg == "" || cred == "" || date == "" || signed == "" || sig == "" {
		return fail(KindMalformed, presignRequires)
	}
	if alg != Algorithm {
		return fail(KindMalformed, `X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"`)
	}
	ak, scopeDate, region, service, term, n := splitCredential(cred)
	if n != 5 || ak == "" || region == "" || service == "" {
		return fail(KindMalformed, `Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`)
	}
	if term != Terminator {
		return fail(KindScopeMismatch, `Error parsing the X-Amz-Credential parameter; incorrect terminal "`+term+`". This endpoint uses "aws4_request".`)
	}
	t, ok := parseTime(date)
	if !ok {
		return fail(KindMalformed, `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`)
	}
	if scopeDate != date[:8] {
		return fail(KindScopeMismatch, "Invalid credential date. Date is not the same as X-Amz-Date.")
	}
	a := &Auth{
		AccessKey: ak, Date: scopeDate, Region: region, Service: service,
		Signature: sig, Time: t, Presigned: true, SecurityToken: token,
		amzDate: date, signedHeaders: strings.ToLower(signed),
	}
	switch {
	case hasExpires:
		d, msg := parseExpires(expires)
		if msg != "" {
			return fail(KindMalformed, msg)
		}
		a.Expires = d
	case service == "s3":
		return fail(KindMalformed, presignRequires)
	default:
		a.Expires = MaxSkew
	}
	a.SignedHeaders = strings.Split(a.signedHeaders, ";")
	// A presigned URL signs "UNSIGNED-PAYLOAD" unless the client sent (and
	// signed) a payload hash header; S3 is the service that presigns
	// bodies this way. Other services (STS, RDS tokens) sign the body's hash.
	a.PayloadHash = firstHeader(r.Header, "X-Amz-Content-Sha256")
	if a.PayloadHash == "" && service == "s3" {
		a.PayloadHash = UnsignedPayload
	}
	return a, nil
}

// parseExpires parses X-Amz-Expires, returning S3's message when it is not
// a number of seconds in [0, 604800].
func parseExpires(s string) (time.Duration, string) {
	digits := s
	if s != "" && (s[0] == '-' || s[0] == '+') {
		digits = s[1:]
	}
	if digits == "" || strings.TrimLeft(digits, "0123456789") != "" {
		return 0, "X-Amz-Expires should be a number"
	}
	if s[0] == '-' && strings.TrimLeft(digits, "0") != "" {
		return 0, "X-Amz-Expires must be non-negative"
	}
	secs, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || secs > uint64(MaxExpires/time.Second) {
		return 0, "X-Amz-Expires must be less than a week (in seconds) that is; the given X-Amz-Expires must be less than 604800 seconds"
	}
	return time.Duration(secs) * time.Second, ""
}

func first(have, v string) string {
	if have != "" {
		return have
	}
	return v
}

func malformed(msg string) *Error { return &Error{Kind: KindMalformed, Msg: msg} }

// Scope extracts access key, region and service from the Authorization
// header's Credential or the X-Amz-Credential query parameter, without
// validating anything else. It runs on every request to route it, so it does
// not allocate unless the query credential is percent-encoded.
func Scope(r *http.Request) (accessKey, region, service string, ok bool) {
	if h := r.Header["Authorization"]; len(h) > 0 && h[0] != "" {
		cred := headerCredential(h[0])
		if cred == "" {
			return "", "", "", false
		}
		return scopeParts(cred)
	}
	if r.URL == nil {
		return "", "", "", false
	}
	cred, found := rawQueryValue(r.URL.RawQuery, "X-Amz-Credential")
	if !found || cred == "" {
		return "", "", "", false
	}
	if strings.ContainsAny(cred, "%+") {
		// Usually only the slashes are escaped: split on "%2F" without
		// allocating, and decode only if something else is escaped.
		ak, _, region, service, _, n := splitEscapedCredential(cred)
		if n == 5 && ak != "" && region != "" && service != "" && !strings.ContainsAny(ak, "%+") && !strings.ContainsAny(region, "%+") && !strings.ContainsAny(service, "%+") {
			return ak, region, service, true
		}
		v, err := unescapeQuery(cred)
		if err != nil {
			return "", "", "", false
		}
		cred = v
	}
	return scopeParts(cred)
}

// splitEscapedCredential is splitCredential for a credential whose slashes
// may be escaped as %2F.
func splitEscapedCredential(cred string) (ak, date, region, service, term string, n int) {
	var parts [5]string
	start := 0
	for i := 0; i < len(cred); i++ {
		sep := 0
		if cred[i] == '/' {
			sep = 1
		} else if cred[i] == '%' && i+2 < len(cred) && cred[i+1] == '2' && (cred[i+2] == 'F' || cred[i+2] == 'f') {
			sep = 3
		}
		if sep > 0 {
			if n < 5 {
				parts[n] = cred[start:i]
			}
			n++
			start = i + sep
			i += sep - 1
		}
	}
	if n < 5 {
		parts[n] = cred[start:]
	}
	n++
	return parts[0], parts[1], parts[2], parts[3], parts[4], n
}

func scopeParts(cred string) (accessKey, region, service string, ok bool) {
	ak, _, region, service, _, n := splitCredential(cred)
	if n != 5 || ak == "" || region == "" || service == "" {
		return "", "", "", false
	}
	return ak, region, service, true
}

// headerCredential returns the Credential= value of an Authorization header.
func headerCredential(h string) string {
	const key = "Credential="
	for i := 0; ; {
		j := strings.Index(h[i:], key)
		if j < 0 {
			return ""
		}
		j += i
		if j > 0 && h[j-1] != ' ' && h[j-1] != ',' {
			i = j + len(key)
			continue
		}
		v := h[j+len(key):]
		for end := 0; end < len(v); end++ {
			if v[end] == ',' || v[end] == ' ' {
				return v[:end]
			}
		}
		return v
	}
}

// splitCredential splits "AKID/date/region/service/aws4_request". n is the
// number of slash-separated elements; the others are only meaningful when it
// is 5.
func splitCredential(cred string) (ak, date, region, service, term string, n int) {
	var parts [5]string
	start := 0
	for i := 0; i < len(cred); i++ {
		if cred[i] == '/' {
			if n < 5 {
				parts[n] = cred[start:i]
			}
			n++
			start = i + 1
		}
	}
	if n < 5 {
		parts[n] = cred[start:]
	}
	n++
	return parts[0], parts[1], parts[2], parts[3], parts[4], n
}

// queryHasAuth reports whether the raw query names one of the parameters
// that make a request presigned.
func queryHasAuth(raw string) bool {
	if raw == "" || !strings.Contains(raw, "X-Amz-") {
		return false
	}
	for _, k := range [...]string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature"} {
		if _, ok := rawQueryValue(raw, k); ok {
			return true
		}
	}
	return false
}

// rawQueryValue finds key (given unescaped, matched literally) in a raw query
// and returns its still-escaped value.
func rawQueryValue(raw, key string) (string, bool) {
	for raw != "" {
		var seg string
		seg, raw, _ = strings.Cut(raw, "&")
		if len(seg) >= len(key) && seg[:len(key)] == key {
			rest := seg[len(key):]
			if rest == "" {
				return "", true
			}
			if rest[0] == '=' {
				return rest[1:], true
			}
		}
	}
	return "", false
}

func firstHeader(h http.Header, canonicalKey string) string {
	if v := h[canonicalKey]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// parseTime parses ISO 8601 basic format, "20060102T150405Z", exactly.
func parseTime(s string) (time.Time, bool) {
	if len(s) != 16 || s[8] != 'T' || s[15] != 'Z' {
		return time.Time{}, false
	}
	var v [6]int
	widths := [6]int{4, 2, 2, 2, 2, 2}
	pos := 0
	for i, w := range widths {
		if i == 3 {
			pos++ // 'T'
		}
		n := 0
		for j := 0; j < w; j++ {
			c := s[pos+j]
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			n = n*10 + int(c-'0')
		}
		v[i] = n
		pos += w
	}
	if v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60 {
		return time.Time{}, false
	}
	t := time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], 0, time.UTC)
	if t.Day() != v[2] { // February 30th and friends
		return time.Time{}, false
	}
	return t, true
}

func parseHTTPDate(s string) (time.Time, bool) {
	t, err := http.ParseTime(s)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// trimOWS trims spaces and tabs, HTTP's optional whitespace.
func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
