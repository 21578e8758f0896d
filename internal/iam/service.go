package iam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/credentials"
	"github.com/nimbus-cloud/nimbus/internal/protocol/query"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// Options configure the service.
type Options struct {
	KV  storage.KV
	Log *slog.Logger
	// Keys is where access keys and STS credentials are registered; a
	// private store when nil.
	Keys *credentials.Store
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Service is IAM and STS.
type Service struct {
	kv   storage.KV
	log  *slog.Logger
	keys *credentials.Store
	now  func() time.Time
	iamH *query.Handler
	stsH *query.Handler
}

// New builds the service and registers the stored access keys in o.Keys.
func New(o Options) (*Service, error) {
	s := &Service{kv: o.KV, log: o.Log, keys: o.Keys, now: o.Now}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.keys == nil {
		s.keys = credentials.NewStore()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.loadKeys(context.Background()); err != nil {
		return nil, fmt.Errorf("iam: loading access keys: %w", err)
	}
	bad := func(msg string) *awserr.Error { return &awserr.Error{Code: "ValidationError", Message: msg} }
	s.iamH = &query.Handler{Codec: query.Codec{Namespace: query.IAMNamespace}, Version: "2010-05-08",
		BadRequest: bad, Log: s.log, Ops: map[string]query.Op{
			"CreateRole":               query.Operation(s.createRole),
			"GetRole":                  query.Operation(s.getRole),
			"ListRoles":                query.Operation(s.listRoles),
			"DeleteRole":               query.Operation(s.deleteRole),
			"UpdateRole":               query.Operation(s.updateRole),
			"UpdateAssumeRolePolicy":   query.Operation(s.updateAssumeRolePolicy),
			"TagRole":                  query.Operation(s.tagRole),
			"UntagRole":                query.Operation(s.untagRole),
			"ListRoleTags":             query.Operation(s.listRoleTags),
			"PutRolePolicy":            query.Operation(s.putRolePolicy),
			"GetRolePolicy":            query.Operation(s.getRolePolicy),
			"ListRolePolicies":         query.Operation(s.listRolePolicies),
			"DeleteRolePolicy":         query.Operation(s.deleteRolePolicy),
			"CreatePolicy":             query.Operation(s.createPolicy),
			"GetPolicy":                query.Operation(s.getPolicy),
			"GetPolicyVersion":         query.Operation(s.getPolicyVersion),
			"ListPolicies":             query.Operation(s.listPolicies),
			"ListPolicyVersions":       query.Operation(s.listPolicyVersions),
			"CreatePolicyVersion":      query.Operation(s.createPolicyVersion),
			"DeletePolicyVersion":      query.Operation(s.deletePolicyVersion),
			"DeletePolicy":             query.Operation(s.deletePolicy),
			"AttachRolePolicy":         query.Operation(s.attachRolePolicy),
			"DetachRolePolicy":         query.Operation(s.detachRolePolicy),
			"ListAttachedRolePolicies": query.Operation(s.listAttachedRolePolicies),
			"CreateUser":               query.Operation(s.createUser),
			"GetUser":                  query.Operation(s.getUser),
			"ListUsers":                query.Operation(s.listUsers),
			"DeleteUser":               query.Operation(s.deleteUser),
			"CreateAccessKey":          query.Operation(s.createAccessKey),
			"ListAccessKeys":           query.Operation(s.listAccessKeys),
			"DeleteAccessKey":          query.Operation(s.deleteAccessKey),
		}}
	s.stsH = &query.Handler{Codec: query.Codec{Namespace: query.STSNamespace}, Version: "2011-06-15",
		BadRequest: bad, Log: s.log, Ops: map[string]query.Op{
			"GetCallerIdentity": query.Operation(s.getCallerIdentity),
			"AssumeRole":        query.Operation(s.assumeRole),
			"GetSessionToken":   query.Operation(s.getSessionToken),
		}}
	return s, nil
}

// Handler serves IAM (signing name "iam").
func (s *Service) Handler() http.Handler { return s.iamH }

// STSHandler serves STS (signing name "sts").
func (s *Service) STSHandler() http.Handler { return s.stsH }

// WriteError encodes an error the edge raises, in IAM's shape.
func (s *Service) WriteError(w http.ResponseWriter, r *http.Request, e *awserr.Error) {
	s.iamH.WriteError(w, r, "", e)
}

// WriteSTSError encodes an error the edge raises, in STS's shape.
func (s *Service) WriteSTSError(w http.ResponseWriter, r *http.Request, e *awserr.Error) {
	s.stsH.WriteError(w, r, "", e)
}

// Storage keys.

const kvRoot = "iam/"

func entityKey(account, kind, name string) []byte {
	return []byte(kvRoot + account + "/" + kind + "/" + strings.ToLower(name))
}

func entityPrefix(account, kind string) []byte {
	return []byte(kvRoot + account + "/" + kind + "/")
}

func getJSON(r storage.Reader, key []byte, v any) (bool, error) {
	b, err := r.Get(key)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, json.Unmarshal(b, v)
}

func setJSON(tx storage.Tx, key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.Set(key, b)
}

// scan decodes every record under prefix whose lower-cased name is > after,
// in order, calling fn until it returns false.
func scan[T any](r storage.Reader, prefix []byte, after string, fn func(name string, v *T) bool) error {
	lower := prefix
	if after != "" {
		lower = append(append([]byte(nil), prefix...), after...)
		lower = append(lower, 0)
	}
	upper := append([]byte(nil), prefix...)
	upper[len(upper)-1]++
	it := r.Iter(storage.IterOptions{Lower: lower, Upper: upper})
	defer it.Close()
	for it.Next() {
		v := new(T)
		if err := json.Unmarshal(it.Value(), v); err != nil {
			return err
		}
		if !fn(string(it.Key()[len(prefix):]), v) {
			break
		}
	}
	return it.Err()
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
