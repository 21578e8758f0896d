package iam

import (
	"context"
	"strings"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/iam/policy"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// Quotas IAM enforces by default.
const (
	maxRolesPerAccount   = 1000
	maxTrustPolicySize   = 2048
	maxSessionDefault    = 3600
	maxSessionLimit      = 43200
	maxTagsPerEntity     = 50
	maxAttachedPerRole   = 10
	maxInlineRoleSize    = 10240
	maxManagedSize       = 6144
	maxVersionsPerPolicy = 5
	maxUsersPerAccount   = 5000
	maxKeysPerUser       = 2
)

// Tag is a key-value tag.
type Tag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// roleRec is a stored role.
type roleRec struct {
	Path        string
	Name        string
	ID          string
	Description *string
	Created     time.Time
	Trust       string
	MaxSession  int32
	Tags        []Tag
	Inline      map[string]string // policy name as written → document
	Attached    []string          // managed policy ARNs, in attachment order
	LastUsed    *time.Time
}

// Role is a role as IAM returns it; exported for Go callers (GetRole).
type Role struct {
	Path                     string    `xml:"Path"`
	RoleName                 string    `xml:"RoleName"`
	RoleId                   string    `xml:"RoleId"`
	Arn                      string    `xml:"Arn"`
	CreateDate               time.Time `xml:"CreateDate"`
	AssumeRolePolicyDocument string    `xml:"AssumeRolePolicyDocument,omitempty"` // percent-encoded on the wire
	Description              *string   `xml:"Description"`
	MaxSessionDuration       int32     `xml:"MaxSessionDuration,omitempty"`
	Tags                     []Tag     `xml:"Tags>member"`
	RoleLastUsed             *lastUsed `xml:"RoleLastUsed"`
	// TrustPolicy is the decoded trust policy document (not on the wire).
	TrustPolicy string `xml:"-"`
}

type lastUsed struct {
	LastUsedDate *time.Time `xml:"LastUsedDate"`
}

func roleARN(account, path, name string) string {
	return "arn:aws:iam::" + account + ":role" + path + name
}

func (r *roleRec) wire(account string, full bool) *Role {
	out := &Role{Path: r.Path, RoleName: r.Name, RoleId: r.ID, Arn: roleARN(account, r.Path, r.Name),
		CreateDate: r.Created, AssumeRolePolicyDocument: encodeDocument(r.Trust), Description: r.Description,
		MaxSessionDuration: r.MaxSession, TrustPolicy: r.Trust}
	if full {
		if len(r.Tags) > 0 {
			out.Tags = r.Tags
		}
		out.RoleLastUsed = &lastUsed{LastUsedDate: r.LastUsed}
	}
	return out
}

// GetRole returns the role named name in account, for Go callers (Lambda
// checks execution roles). It returns NoSuchEntity when there is none.
func (s *Service) GetRole(ctx context.Context, account, name string) (*Role, error) {
	var out *Role
	err := s.kv.View(ctx, func(r storage.Reader) error {
		rec, err := loadRole(r, account, name)
		if err != nil {
			return err
		}
		out = rec.wire(account, true)
		return nil
	})
	return out, err
}

func loadRole(r storage.Reader, account, name string) (*roleRec, error) {
	rec := new(roleRec)
	ok, err := getJSON(r, entityKey(account, "role", name), rec)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, noSuchRole(name)
	}
	return rec, nil
}

func validateTags(v *validation, tags []Tag) {
	for i := range tags {
		k, val := tags[i].Key, tags[i].Value
		member := "tags." + itoa(i+1) + ".member"
		v.str(&k, member+".key", true, 1, 128, reTagKey, reTagKeyShown)
		v.str(&val, member+".value", true, 0, 256, reTagVal, reTagValShown)
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// mergeTags adds tags to have, replacing values of existing keys
// (case-sensitive, as IAM).
func mergeTags(have, add []Tag) []Tag {
	for _, t := range add {
		replaced := false
		for i := range have {
			if have[i].Key == t.Key {
				have[i].Value, replaced = t.Value, true
				break
			}
		}
		if !replaced {
			have = append(have, t)
		}
	}
	return have
}

func checkDuplicateTagKeys(tags []Tag) error {
	seen := map[string]bool{}
	for _, t := range tags {
		k := strings.ToLower(t.Key)
		if seen[k] {
			return invalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[k] = true
	}
	return nil
}

type CreateRoleInput struct {
	Path                     *string
	RoleName                 *string
	AssumeRolePolicyDocument *string
	Description              *string
	MaxSessionDuration       *int32
	PermissionsBoundary      *string
	Tags                     []Tag
}

type CreateRoleOutput struct {
	Role *Role `xml:"Role"`
}

func (s *Service) createRole(ctx context.Context, in *CreateRoleInput) (*CreateRoleOutput, error) {
	var v validation
	v.str(in.Path, "path", false, 1, 512, rePath, rePathShown)
	v.str(in.RoleName, "roleName", true, 1, 64, reName, reNameShown)
	v.str(in.AssumeRolePolicyDocument, "assumeRolePolicyDocument", true, 1, maxDocument, reDoc, reDocShown)
	v.str(in.Description, "description", false, 0, 1000, reDesc, reDescShown)
	v.intRange(in.MaxSessionDuration, "maxSessionDuration", maxSessionDefault, maxSessionLimit)
	validateTags(&v, in.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	if len(in.Tags) > maxTagsPerEntity {
		return nil, limitExceeded("Cannot exceed quota for TagsPerRole: %d", maxTagsPerEntity)
	}
	if err := checkDuplicateTagKeys(in.Tags); err != nil {
		return nil, err
	}
	if in.PermissionsBoundary != nil {
		return nil, invalidInput("Permissions boundaries are not supported by nimbus yet.")
	}
	if _, err := parsePolicy(*in.AssumeRolePolicyDocument, policy.Trust); err != nil {
		return nil, err
	}
	if policy.Size(*in.AssumeRolePolicyDocument) > maxTrustPolicySize {
		return nil, limitExceeded("Cannot exceed quota for ACLSizePerRole: %d", maxTrustPolicySize)
	}
	info := request.From(ctx)
	rec := &roleRec{Path: "/", Name: *in.RoleName, ID: newID("AROA", 21), Description: in.Description,
		Created: s.now().UTC().Truncate(time.Second), Trust: *in.AssumeRolePolicyDocument,
		MaxSession: maxSessionDefault, Tags: in.Tags}
	if in.Path != nil {
		rec.Path = *in.Path
	}
	if in.MaxSessionDuration != nil {
		rec.MaxSession = *in.MaxSessionDuration
	}
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		key := entityKey(info.Account, "role", rec.Name)
		if _, err := tx.Get(key); err == nil {
			return entityExists("Role with name %s already exists.", rec.Name)
		}
		n := 0
		if err := scan(tx, entityPrefix(info.Account, "role"), "", func(string, *struct{}) bool { n++; return true }); err != nil {
			return err
		}
		if n >= maxRolesPerAccount {
			return limitExceeded("Cannot exceed quota for RolesPerAccount: %d", maxRolesPerAccount)
		}
		return setJSON(tx, key, rec)
	})
	if err != nil {
		return nil, err
	}
	out := rec.wire(info.Account, false)
	out.Tags = rec.Tags
	return &CreateRoleOutput{Role: out}, nil
}

type roleNameInput struct {
	RoleName *string
}

type GetRoleOutput struct {
	Role *Role `xml:"Role"`
}

func (s *Service) getRole(ctx context.Context, in *roleNameInput) (*GetRoleOutput, error) {
	var v validation
	v.str(in.RoleName, "roleName", true, 1, 64, reName, reNameShown)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := s.GetRole(ctx, request.From(ctx).Account, *in.RoleName)
	if err != nil {
		return nil, err
	}
	return &GetRoleOutput{Role: r}, nil
}

type ListRolesInput struct {
	PathPrefix *string
	Marker     *string
	MaxItems   *int32
}

type ListRolesOutput struct {
	Roles       []*Role `xml:"Roles>member"`
	IsTruncated bool    `xml:"IsTruncated"`
	Marker      *string `xml:"Marker"`
}

func (s *Service) listRoles(ctx context.Context, in *ListRolesInput) (*ListRolesOutput, error) {
	var v validation
	v.str(in.PathPrefix, "pathPrefix", false, 1, 512, rePrefix, rePrefixShown)
	limit := v.paging(in.Marker, in.MaxItems)
	if err := v.err(); err != nil {
		return nil, err
	}
	after, err := decodeMarker(in.Marker)
	if err != nil {
		return nil, err
	}
	account := request.From(ctx).Account
	out := &ListRolesOutput{Roles: []*Role{}}
	err = s.kv.View(ctx, func(r storage.Reader) error {
		last := ""
		return scan(r, entityPrefix(account, "role"), after, func(key string, rec *roleRec) bool {
			if in.PathPrefix != nil && !strings.HasPrefix(rec.Path, *in.PathPrefix) {
				return true
			}
			if len(out.Roles) == limit {
				out.IsTruncated = true
				m := encodeMarker(last)
				out.Marker = &m
				return false
			}
			w := rec.wire(account, false)
			out.Roles = append(out.Roles, w)
			last = key
			return true
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) deleteRole(ctx context.Context, in *roleNameInput) (*struct{}, error) {
	var v validation
	v.str(in.RoleName, "roleName", true, 1, 64, reName, reNameShown)
	if err := v.err(); err != nil {
		return nil, err
	}
	account := request.From(ctx).Account
	return nil, s.kv.Update(ctx, func(tx storage.Tx) error {
		rec, err := loadRole(tx, account, *in.RoleName)
		if err != nil {
			return err
		}
		if len(rec.Attached) > 0 {
			return deleteConflict("Cannot delete entity, must detach all policies first.")
		}
		if len(rec.Inline) > 0 {
			return deleteConflict("Cannot delete entity, must delete policies first.")
		}
		return tx.Delete(entityKey(account, "role", rec.Name))
	})
}

// updateRoleRec loads a role, lets fn change it, and stores it.
func (s *Service) updateRoleRec(ctx context.Context, name string, fn func(*roleRec) error) error {
	account := request.From(ctx).Account
	return s.kv.Update(ctx, func(tx storage.Tx) error {
		rec, err := loadRole(tx, account, name)
		if err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
		return setJSON(tx, entityKey(account, "role", rec.Name), rec)
	})
}

type UpdateRoleInput struct {
	RoleName           *string
	Description        *string
	MaxSessionDuration *int32
}

func (s *Service) updateRole(ctx context.Context, in *UpdateRoleInput) (*struct{}, error) {
	var v validation
	v.str(in.RoleName, "roleName", true, 1, 64, reName, reNameShown)
	v.str(in.Description, "description", false, 0, 1000, reDesc, reDescShown)
	v.intRange(in.MaxSessionDuration, "maxSessionDuration", maxSessionDefault, maxSessionLimit)
	if err := v.err(); err != nil {
		return nil, err
	}
	return &struct{}{}, s.updateRoleRec(ctx, *in.RoleName, func(r *roleRec) error {
		if in.Description != nil {
			r.Description = in.Description
		}
		if in.MaxSessionDuration != nil {
			r.MaxSession = *in.MaxSessionDuration
		}
		return nil
	})
}

type UpdateAssumeRolePolicyInput struct {
	RoleName       *string
	PolicyDocument *string
}

func (s *Service) updateAssumeRolePolicy(ctx context.Context, in *UpdateAssumeRolePolicyInput) (*struct{}, error) {
	var v validation
	v.str(in.RoleName, "roleName", true, 1, 64, reName, reNameShown)
	v.str(in.PolicyDocument, "policyDocument", true, 1, maxDocument, reDoc, reDocShown)
	if err := v.err(); err != nil {
		return nil, err
	}
	if _, err := parsePolicy(*in.PolicyDocument, policy.Trust); err != nil {
		return nil, err
	}
	if policy.Size(*in.PolicyDocument) > maxTrustPolicySize {
		return nil, limitExceeded("Cannot exceed quota for ACLSizePerRole: %d", maxTrustPolicySize)
	}
	return nil, s.updateRoleRec(ctx, *in.RoleName, func(r *roleRec) error {
		r.Trust = *in.PolicyDocument
		return nil
	})
}

type TagRoleInput struct {
	RoleName *string
	Tags     []Tag
}

func (s *Service) tagRole(ctx context.Context, in *TagRoleInput) (*struct{}, error) {
	var v validation
	v.str(in.RoleName, "roleName", true, 1, 64, reName, reNameShown)
	if in.Tags == nil {
		v.add(nil, "tags", "not be null")
	}
	validateTags(&v, in.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := checkDuplicateTagKeys(in.Tags); err != nil {
		return nil, err
	}
	return nil, s.updateRoleRec(ctx, *in.RoleName, func(r *roleRec) error {
		tags := mergeTags(append([]Tag(nil), r.Tags...), in.Tags)
		if len(tags) > maxTagsPerEntity {
			return limitExceeded("Cannot exceed quota for TagsPerRole: %d", maxTagsPerEntity)
		}
		r.Tags = tags
		return nil
	})
}

type UntagRoleInput struct {
	RoleName *string
	TagKeys  []string
}

func (s *Service) untagRole(ctx context.Context, in *UntagRoleInput) (*struct{}, error) {
	var v validation
	v.str(in.RoleName, "roleName", true, 1, 64, reName, reNameShown)
	if in.TagKeys == nil {
		v.add(nil, "tagKeys", "not be null")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	drop := map[string]bool{}
	for _, k := range in.TagKeys {
		drop[k] = true
	}
	return nil, s.updateRoleRec(ctx, *in.RoleName, func(r *roleRec) error {
		kept := r.Tags[:0]
		for _, t := range r.Tags {
			if !drop[t.Key] {
				kept = append(kept, t)
			}
		}
		r.Tags = kept
		return nil
	})
}

type ListRoleTagsInput struct {
	RoleName *string
	Marker   *string
	MaxItems *int32
}

type ListRoleTagsOutput struct {
	Tags        []Tag   `xml:"Tags>member"`
	IsTruncated bool    `xml:"IsTruncated"`
	Marker      *string `xml:"Marker"`
}

func (s *Service) listRoleTags(ctx context.Context, in *ListRoleTagsInput) (*ListRoleTagsOutput, error) {
	var v validation
	v.str(in.RoleName, "roleName", true, 1, 64, reName, reNameShown)
	limit := v.paging(in.Marker, in.MaxItems)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := s.GetRole(ctx, request.From(ctx).Account, *in.RoleName)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(r.Tags))
	for i, t := range r.Tags {
		names[i] = t.Key
	}
	from, next, err := page(names, in.Marker, limit)
	if err != nil {
		return nil, err
	}
	out := &ListRoleTagsOutput{Tags: append([]Tag{}, r.Tags[from:from+len(next.items)]...)}
	out.IsTruncated, out.Marker = next.truncated, next.marker
	return out, nil
}

// pageResult is one page of an in-record list.
type pageResult struct {
	items     []string
	truncated bool
	marker    *string
}

// page pages over names (in their stored order): the marker is the last
// name returned.
func page(names []string, marker *string, limit int) (int, pageResult, error) {
	from := 0
	if marker != nil {
		after, err := decodeMarker(marker)
		if err != nil {
			return 0, pageResult{}, err
		}
		from = -1
		for i, n := range names {
			if n == after {
				from = i + 1
				break
			}
		}
		if from < 0 {
			return 0, pageResult{}, invalidInput("Invalid Marker.")
		}
	}
	end := min(from+limit, len(names))
	res := pageResult{items: names[from:end]}
	if end < len(names) {
		res.truncated = true
		m := encodeMarker(names[end-1])
		res.marker = &m
	}
	return from, res, nil
}
