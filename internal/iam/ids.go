package iam

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
)

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// newID returns an IAM unique id: a 4-letter prefix saying what it names
// (AROA role, ANPA policy, AIDA user, AKIA access key) and random letters
// and digits, n characters in all (21 for ids, 20 for access keys).
func newID(prefix string, n int) string {
	b := make([]byte, n-len(prefix))
	rand.Read(b)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return prefix + string(b)
}

// newSecret returns a 40-character secret access key, as IAM's.
func newSecret() string {
	b := make([]byte, 30)
	rand.Read(b)
	s := base64.StdEncoding.EncodeToString(b)
	return strings.NewReplacer("+", "a", "=", "b").Replace(s)[:40]
}

// Markers are opaque to clients: the lower-cased name of the last entry
// returned, base64-encoded.
func encodeMarker(name string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(name))
}

func decodeMarker(m *string) (string, error) {
	if m == nil {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*m)
	if err != nil || len(b) == 0 {
		return "", invalidInput("Invalid Marker.")
	}
	return string(b), nil
}
