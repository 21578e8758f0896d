package edge

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/config"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/sigv4"
)

// FailureKind says why a request was not authenticated.
type FailureKind int

// Failure kinds; each protocol family words them differently.
const (
	FailMissing     FailureKind = iota + 1 // no signature in strict mode
	FailMalformed                          // an Authorization header or presigned query that cannot be parsed
	FailUnknownKey                         // the access key is not configured
	FailMismatch                           // the signature is wrong
	FailSkewed                             // X-Amz-Date more than 15 minutes off
	FailExpired                            // a presigned URL past its expiry
	FailNotYetValid                        // a presigned URL dated in the future
)

// AuthFailure is what the edge hands a route's AuthErrors.
type AuthFailure struct {
	Kind FailureKind
	// Message is sigv4's detail (e.g. the skew wording), possibly empty.
	Message string
}

// JSONAuthErrors words failures as the awsJson and restJson services
// (DynamoDB, Lambda, ...) do.
func JSONAuthErrors(f AuthFailure) *awserr.Error {
	switch f.Kind {
	case FailMissing:
		return &awserr.Error{Code: "MissingAuthenticationTokenException", Message: "Request is missing Authentication Token", Status: 400}
	case FailMalformed:
		return &awserr.Error{Code: "IncompleteSignatureException", Message: f.Message, Status: 400}
	case FailUnknownKey:
		return &awserr.Error{Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid.", Status: 400}
	case FailSkewed, FailExpired, FailNotYetValid:
		return &awserr.Error{Code: "InvalidSignatureException", Message: f.Message, Status: 400}
	default:
		return &awserr.Error{Code: "InvalidSignatureException", Status: 400,
			Message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}
	}
}

type authenticator struct {
	strict   bool
	keys     map[string]config.Credential
	fallback string
}

func newAuthenticator(cfg config.Config) *authenticator {
	a := &authenticator{strict: cfg.Auth == config.AuthStrict, keys: map[string]config.Credential{}, fallback: cfg.Account}
	for _, c := range cfg.Credentials {
		a.keys[c.AccessKey] = c
	}
	return a
}

// scope is the cheap routing look at the signature.
func scope(r *http.Request) (accessKey, region, service string, ok bool) {
	return sigv4.Scope(r)
}

// account maps an access key to its account: a configured key's account,
// a 12-digit key itself (as LocalStack does, so tests can pick accounts),
// else the default.
func (a *authenticator) account(key string) string {
	if c, ok := a.keys[key]; ok {
		return c.Account
	}
	if len(key) == 12 {
		digits := true
		for i := 0; i < 12; i++ {
			if key[i] < '0' || key[i] > '9' {
				digits = false
				break
			}
		}
		if digits {
			return key
		}
	}
	return a.fallback
}

// check authenticates r, filling info's account. It returns nil when the
// request may proceed.
func (a *authenticator) check(r *http.Request, info *request.Info, body []byte, streaming bool, now time.Time) *AuthFailure {
	if info.AccessKey != "" {
		info.Account = a.account(info.AccessKey)
	}
	if !a.strict {
		return nil
	}
	auth, err := sigv4.Parse(r)
	if err != nil {
		if errors.Is(err, sigv4.ErrNoAuth) {
			return &AuthFailure{Kind: FailMissing}
		}
		return failure(err)
	}
	cred, ok := a.keys[auth.AccessKey]
	if !ok {
		return &AuthFailure{Kind: FailUnknownKey}
	}
	payload := auth.PayloadHash
	if payload == "" {
		if streaming {
			payload = "UNSIGNED-PAYLOAD"
		} else {
			sum := sha256.Sum256(body)
			payload = hex.EncodeToString(sum[:])
		}
	}
	if err := sigv4.Verify(r, auth, cred.Secret, payload, now); err != nil {
		return failure(err)
	}
	info.AccessKey = auth.AccessKey
	info.Account = cred.Account
	return nil
}

func failure(err error) *AuthFailure {
	var se *sigv4.Error
	if !errors.As(err, &se) {
		return &AuthFailure{Kind: FailMalformed, Message: err.Error()}
	}
	f := &AuthFailure{Message: se.Msg}
	switch se.Kind {
	case sigv4.KindSignatureMismatch:
		f.Kind = FailMismatch
	case sigv4.KindExpired:
		f.Kind = FailExpired
	case sigv4.KindSkewed:
		f.Kind = FailSkewed
	case sigv4.KindNotYetValid:
		f.Kind = FailNotYetValid
	default:
		f.Kind = FailMalformed
	}
	return f
}
