package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"hash"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Verify checks the request's signature with the secret key.
//
// payloadHash is the last line of the canonical request: the hex SHA-256 of
// the body (the caller computes it when the request did not send
// X-Amz-Content-Sha256), or the literal the client sent ("UNSIGNED-PAYLOAD",
// "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", ...). Empty means a.PayloadHash.
// Verify does not read the body: checking that a sent X-Amz-Content-Sha256
// matches the body, and the chunk signatures of a streaming body (see
// NewChunkedReader), are left to the caller.
//
// now is the server's clock. The time is checked before the signature, as
// AWS does: header-signed requests must be within MaxSkew of now
// (KindSkewed); presigned ones must not be used after Time+Expires
// (KindExpired) nor more than MaxSkew before Time (KindNotYetValid).
//
// Verify also requires host to be signed and, for S3, every x-amz-* header
// the request carries (KindUnsignedHeaders).
func Verify(r *http.Request, a *Auth, secret, payloadHash string, now time.Time) error {
	if err := checkTime(a, now); err != nil {
		return err
	}
	if err := checkSignedHeaders(r, a); err != nil {
		return err
	}
	if payloadHash == "" {
		payloadHash = a.PayloadHash
	}
	key := signingKey(secret, a.Date, a.Region, a.Service)
	s3 := a.Service == "s3"

	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)

	uri := canonicalURI(r, s3)
	ok, canon, sts, err := verifyURI(bp, r, a, &key, uri, payloadHash)
	if err != nil || ok {
		return err
	}
	if alt := altCanonicalURI(r, s3); alt != "" {
		if ok, _, _, _ := verifyURI(bp, r, a, &key, alt, payloadHash); ok {
			return nil
		}
	}
	return &Error{
		Kind: KindSignatureMismatch, Msg: msgSignatureMismatch, Presigned: a.Presigned,
		CanonicalRequest: canon, StringToSign: sts,
	}
}

// verifyURI computes the signature with the given canonical URI. On a
// mismatch it returns the canonical request and string to sign it used.
func verifyURI(bp *[]byte, r *http.Request, a *Auth, key *[32]byte, uri, payloadHash string) (ok bool, canon, sts string, err error) {
	b, err := appendCanonicalRequest((*bp)[:0], r, a, uri, payloadHash)
	*bp = b
	if err != nil {
		return false, "", "", &Error{Kind: KindMalformed, Msg: err.Error(), Presigned: a.Presigned}
	}
	crHash := sha256.Sum256(b)
	cr := len(b)
	b = appendStringToSign(b, a, crHash[:])
	*bp = b
	m := macs.Get().(*mac)
	sig := m.sum(key[:], b[cr:])
	macs.Put(m)
	if signatureEqual(&sig, a.Signature) {
		return true, "", "", nil
	}
	return false, string(b[:cr]), string(b[cr:]), nil
}

func appendStringToSign(b []byte, a *Auth, canonicalHash []byte) []byte {
	b = append(b, Algorithm...)
	b = append(b, '\n')
	b = appendAmzDate(b, a)
	b = append(b, '\n')
	b = appendScope(b, a)
	b = append(b, '\n')
	return hex.AppendEncode(b, canonicalHash)
}

func appendAmzDate(b []byte, a *Auth) []byte {
	if a.amzDate != "" {
		return append(b, a.amzDate...)
	}
	return a.Time.UTC().AppendFormat(b, TimeFormat)
}

func appendScope(b []byte, a *Auth) []byte {
	b = append(b, a.Date...)
	b = append(b, '/')
	b = append(b, a.Region...)
	b = append(b, '/')
	b = append(b, a.Service...)
	b = append(b, '/')
	return append(b, Terminator...)
}

// signatureEqual compares a computed MAC with the hex signature the client
// sent, in time independent of where they differ.
func signatureEqual(sig *[32]byte, sent string) bool {
	var want [64]byte
	hex.Encode(want[:], sig[:])
	if len(sent) != len(want) {
		return false
	}
	var got [64]byte
	copy(got[:], sent)
	return subtle.ConstantTimeCompare(want[:], got[:]) == 1
}

func checkTime(a *Auth, now time.Time) error {
	if a.Presigned {
		if a.Time.Sub(now) > MaxSkew {
			return &Error{Kind: KindNotYetValid, Msg: msgNotYetValid, Presigned: true, RequestTime: a.Time, ServerTime: now}
		}
		if now.Sub(a.Time) > a.Expires {
			return &Error{Kind: KindExpired, Msg: msgExpired, Presigned: true, RequestTime: a.Time, ServerTime: now}
		}
		return nil
	}
	d := now.Sub(a.Time)
	if d > MaxSkew {
		return &Error{Kind: KindSkewed, RequestTime: a.Time, ServerTime: now,
			Msg: "Signature expired: " + fmtTime(a.Time) + " is now earlier than " +
				fmtTime(now.Add(-MaxSkew)) + " (" + fmtTime(now) + " - 15 min.)"}
	}
	if d < -MaxSkew {
		return &Error{Kind: KindSkewed, RequestTime: a.Time, ServerTime: now,
			Msg: "Signature not yet current: " + fmtTime(a.Time) + " is still later than " +
				fmtTime(now.Add(MaxSkew)) + " (" + fmtTime(now) + " + 15 min.)"}
	}
	return nil
}

func fmtTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

func checkSignedHeaders(r *http.Request, a *Auth) error {
	if !slices.Contains(a.SignedHeaders, "host") {
		return &Error{Kind: KindUnsignedHeaders, Presigned: a.Presigned, HeadersNotSigned: []string{"host"},
			Msg: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."}
	}
	if a.Service != "s3" {
		return nil
	}
	var missing []string
	for k := range r.Header {
		if len(k) < 6 || !strings.EqualFold(k[:6], "x-amz-") {
			continue
		}
		if !slices.ContainsFunc(a.SignedHeaders, func(s string) bool { return strings.EqualFold(s, k) }) {
			missing = append(missing, strings.ToLower(k))
		}
	}
	if missing != nil {
		slices.Sort(missing)
		return &Error{Kind: KindUnsignedHeaders, Presigned: a.Presigned, HeadersNotSigned: missing,
			Msg: msgS3UnsignedHeaders}
	}
	return nil
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// mac is HMAC-SHA256 with a reusable hash, so signing does not allocate.
type mac struct {
	h   hash.Hash
	pad [64]byte
	buf [32]byte
}

var macs = sync.Pool{New: func() any { return &mac{h: sha256.New()} }}

// sum returns HMAC-SHA256(key, msg) for a key of at most 64 bytes (signing
// keys are 32).
func (m *mac) sum(key, msg []byte) [32]byte {
	for i := range m.pad {
		m.pad[i] = 0x36
	}
	for i, k := range key {
		m.pad[i] ^= k
	}
	m.h.Reset()
	m.h.Write(m.pad[:])
	m.h.Write(msg)
	inner := m.h.Sum(m.buf[:0])
	for i := range m.pad {
		m.pad[i] ^= 0x36 ^ 0x5c
	}
	m.h.Reset()
	m.h.Write(m.pad[:])
	m.h.Write(inner)
	// Sum into m.buf: a local array passed through the hash.Hash interface
	// would escape to the heap.
	return [32]byte(m.h.Sum(m.buf[:0]))
}

// ---- signing keys ----

// SigningKey returns the key derived from secret for a's credential scope:
// HMAC chain "AWS4"+secret → date → region → service → "aws4_request". It
// is what NewChunkedReader needs.
func SigningKey(secret string, a *Auth) []byte {
	k := signingKey(secret, a.Date, a.Region, a.Service)
	return k[:]
}

type keyID struct{ secret, date, region, service string }

// keyCacheSize bounds the derived-key cache. An entry is a (secret, day,
// region, service) combination; a local cloud sees a handful.
const keyCacheSize = 512

// keyCache memoizes key derivation (four HMACs) per scope: strict mode
// verifies every request, and the scope changes once a day. It is an
// unexported package variable because it is a pure function's memo, not
// configuration.
var keyCache = struct {
	sync.RWMutex
	m map[keyID][32]byte
}{m: make(map[keyID][32]byte)}

func signingKey(secret, date, region, service string) [32]byte {
	id := keyID{secret, date, region, service}
	keyCache.RLock()
	k, ok := keyCache.m[id]
	keyCache.RUnlock()
	if ok {
		return k
	}
	k = deriveKey(secret, date, region, service)
	// Clone so the cache does not pin the request's header strings.
	id = keyID{strings.Clone(secret), strings.Clone(date), strings.Clone(region), strings.Clone(service)}
	keyCache.Lock()
	if len(keyCache.m) >= keyCacheSize {
		for old := range keyCache.m { // an arbitrary entry: map order is random
			delete(keyCache.m, old)
			break
		}
	}
	keyCache.m[id] = k
	keyCache.Unlock()
	return k
}

func deriveKey(secret, date, region, service string) [32]byte {
	h := func(key []byte, data string) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(data))
		return m.Sum(nil)
	}
	k := h([]byte("AWS4"+secret), date)
	k = h(k, region)
	k = h(k, service)
	k = h(k, Terminator)
	return [32]byte(k)
}
