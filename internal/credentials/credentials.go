// Package credentials is nimbus's registry of access keys whose secrets it
// knows: the keys configured for strict mode, the conventional local
// "test"/"test" pair, and temporary keys nimbus issues itself (a Lambda
// function's execution-role credentials, STS sessions). The edge looks keys
// up here to verify signatures; services that issue credentials register
// them here. It is safe for concurrent use.
package credentials

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
	"sync"
	"time"
)

// Key is an access key nimbus can verify.
type Key struct {
	AccessKey string
	Secret    string
	// SessionToken is set for temporary credentials.
	SessionToken string
	// Account is the 12-digit account the key acts in.
	Account string
	// Principal is the ARN the key authenticates as, e.g.
	// arn:aws:sts::000000000000:assumed-role/role/session; "" for root keys.
	Principal string
	// Expires is zero for long-lived keys.
	Expires time.Time
}

// Store holds known keys.
type Store struct {
	mu   sync.RWMutex
	keys map[string]Key
	now  func() time.Time
}

// NewStore returns a store holding keys.
func NewStore(keys ...Key) *Store {
	s := &Store{keys: map[string]Key{}, now: time.Now}
	for _, k := range keys {
		s.keys[k.AccessKey] = k
	}
	return s
}

// Lookup returns the key, if known and not expired.
func (s *Store) Lookup(accessKey string) (Key, bool) {
	s.mu.RLock()
	k, ok := s.keys[accessKey]
	s.mu.RUnlock()
	if ok && !k.Expires.IsZero() && s.now().After(k.Expires) {
		return Key{}, false
	}
	return k, ok
}

// Add registers a key (replacing one with the same id).
func (s *Store) Add(k Key) {
	s.mu.Lock()
	s.keys[k.AccessKey] = k
	s.mu.Unlock()
}

// Remove forgets a key.
func (s *Store) Remove(accessKey string) {
	s.mu.Lock()
	delete(s.keys, accessKey)
	s.mu.Unlock()
}

// Issue creates and registers temporary credentials (an "ASIA" key id, as
// STS issues) for principal in account, valid for ttl.
func (s *Store) Issue(account, principal string, ttl time.Duration) Key {
	k := Key{
		AccessKey:    "ASIA" + randomID(16),
		Secret:       randomSecret(30),
		SessionToken: "nimbus/" + randomSecret(96),
		Account:      account,
		Principal:    principal,
		Expires:      s.now().Add(ttl),
	}
	s.Add(k)
	return k
}

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}

func randomSecret(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return strings.TrimRight(base64.StdEncoding.EncodeToString(b), "=")
}
