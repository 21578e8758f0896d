package edge

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/credentials"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/sigv4"
)

// authError words a signature failure as the route's protocol family does.
func authError(err error, f sigv4.Family) *awserr.Error {
	var se *sigv4.Error
	if !errors.As(err, &se) {
		se = sigv4.NewError(sigv4.KindMalformed, err.Error())
	}
	code, msg, status := se.Response(f)
	return &awserr.Error{Code: code, Message: msg, Status: status}
}

type authenticator struct {
	strict   bool
	keys     *credentials.Store
	fallback string
}

// scope is the cheap routing look at the signature.
func scope(r *http.Request) (accessKey, region, service string, ok bool) {
	return sigv4.Scope(r)
}

// account maps an access key to its account: a known key's account, a
// 12-digit key itself (as LocalStack does, so tests can pick accounts),
// else the default.
func (a *authenticator) account(key string) string {
	if k, ok := a.keys.Lookup(key); ok {
		return k.Account
	}
	if len(key) == 12 {
		for i := 0; i < 12; i++ {
			if key[i] < '0' || key[i] > '9' {
				return a.fallback
			}
		}
		return key
	}
	return a.fallback
}

// check authenticates r and fills info's account. It returns nil when the
// request may proceed.
//
// Strict mode verifies every request. Accept mode takes header-signed
// requests on trust but still verifies presigned URLs: their expiry always,
// their signature whenever nimbus knows the key's secret (a configured key,
// "test"/"test", or credentials nimbus issued) — a pre-signed URL that
// outlives its expiry or was tampered with must fail as it would on AWS.
func (a *authenticator) check(r *http.Request, info *request.Info, body []byte, streaming, public bool, now time.Time) error {
	if info.AccessKey != "" {
		info.Account = a.account(info.AccessKey)
	}
	presigned := strings.Contains(r.URL.RawQuery, "X-Amz-Signature=")
	if !a.strict && !presigned {
		return nil
	}
	auth, err := sigv4.Parse(r)
	if err != nil {
		if (!a.strict || public) && errors.Is(err, sigv4.ErrNoAuth) {
			return nil
		}
		return err
	}
	key, known := a.keys.Lookup(auth.AccessKey)
	if !known {
		if a.strict {
			return sigv4.NewError(sigv4.KindInvalidAccessKey, "")
		}
		// Accept mode, unknown secret: the expiry is all we can check.
		if now.After(auth.Time.Add(auth.Expires)) {
			return sigv4.NewError(sigv4.KindExpired, "Request has expired")
		}
		return nil
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
	if err := sigv4.Verify(r, auth, key.Secret, payload, now); err != nil {
		return err
	}
	info.AccessKey = auth.AccessKey
	info.Account = key.Account
	return nil
}
