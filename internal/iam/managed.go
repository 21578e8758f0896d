package iam

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/iam/policy"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// policyRec is a stored customer managed policy.
type policyRec struct {
	Name        string
	ID          string
	Path        string
	Description *string
	Created     time.Time
	Updated     time.Time
	Default     string
	NextVersion int
	Versions    []versionRec // oldest first
	Tags        []Tag
}

type versionRec struct {
	ID       string
	Document string
	Created  time.Time
}

// Policy is a managed policy as IAM returns it.
type Policy struct {
	PolicyName                    string    `xml:"PolicyName"`
	PolicyId                      string    `xml:"PolicyId"`
	Arn                           string    `xml:"Arn"`
	Path                          string    `xml:"Path"`
	DefaultVersionId              string    `xml:"DefaultVersionId"`
	AttachmentCount               int32     `xml:"AttachmentCount"`
	PermissionsBoundaryUsageCount int32     `xml:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool      `xml:"IsAttachable"`
	Description                   *string   `xml:"Description"`
	CreateDate                    time.Time `xml:"CreateDate"`
	UpdateDate                    time.Time `xml:"UpdateDate"`
	Tags                          []Tag     `xml:"Tags>member"`
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	Document         string    `xml:"Document,omitempty"` // percent-encoded
	VersionId        string    `xml:"VersionId"`
	IsDefaultVersion bool      `xml:"IsDefaultVersion"`
	CreateDate       time.Time `xml:"CreateDate"`
}

func policyARN(account, path, name string) string {
	return "arn:aws:iam::" + account + ":policy" + path + name
}

func (p *policyRec) wire(account string, attached int32) *Policy {
	out := &Policy{PolicyName: p.Name, PolicyId: p.ID, Arn: policyARN(account, p.Path, p.Name), Path: p.Path,
		DefaultVersionId: p.Default, AttachmentCount: attached, IsAttachable: true, Description: p.Description,
		CreateDate: p.Created, UpdateDate: p.Updated}
	if len(p.Tags) > 0 {
		out.Tags = p.Tags
	}
	return out
}

func (p *awsPolicy) wire(attached int32) *Policy {
	d := p.Description
	return &Policy{PolicyName: p.Name, PolicyId: p.ID, Arn: p.arn(), Path: p.Path, DefaultVersionId: p.Version,
		AttachmentCount: attached, IsAttachable: true, Description: &d, CreateDate: p.Created, UpdateDate: p.Updated}
}

// splitPolicyARN returns the account ("aws" for AWS managed policies),
// path and name of a policy ARN, or InvalidInput.
func splitPolicyARN(arn string) (account, path, name string, err error) {
	bad := invalidInput("ARN %s is not valid.", arn)
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	if !ok {
		return "", "", "", bad
	}
	account, res, ok := strings.Cut(rest, ":")
	if !ok || (account != "aws" && !isAccount(account)) {
		return "", "", "", bad
	}
	res, ok = strings.CutPrefix(res, "policy/")
	if !ok || res == "" {
		return "", "", "", bad
	}
	i := strings.LastIndexByte(res, '/')
	path, name = "/"+res[:i+1], res[i+1:]
	if name == "" || !reName.MatchString(name) {
		return "", "", "", bad
	}
	return account, path, name, nil
}

func isAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// managedRef is a resolved managed policy: exactly one of aws and local.
type managedRef struct {
	arn   string
	aws   *awsPolicy
	local *policyRec
}

func (m managedRef) name() string {
	if m.aws != nil {
		return m.aws.Name
	}
	return m.local.Name
}

func (m managedRef) path() string {
	if m.aws != nil {
		return m.aws.Path
	}
	return m.local.Path
}

// resolvePolicy finds the policy arn names, as seen from account. notFound
// words the NoSuchEntity error (it differs between operations).
func resolvePolicy(r storage.Reader, account, arn string, notFound func(string) *awserr.Error) (managedRef, error) {
	acct, path, name, err := splitPolicyARN(arn)
	if err != nil {
		return managedRef{}, err
	}
	if acct == "aws" {
		if p := awsPolicyByARN(arn); p != nil {
			return managedRef{arn: arn, aws: p}, nil
		}
		return managedRef{}, notFound(arn)
	}
	if acct != account {
		return managedRef{}, notFound(arn)
	}
	rec := new(policyRec)
	ok, err := getJSON(r, entityKey(account, "pol", name), rec)
	if err != nil {
		return managedRef{}, err
	}
	if !ok || rec.Path != path || rec.Name != name {
		return managedRef{}, notFound(arn)
	}
	return managedRef{arn: arn, local: rec}, nil
}

func policyNotFound(arn string) *awserr.Error {
	return noSuchEntity("Policy %s was not found.", arn)
}

// attachments counts the roles in account that attach each policy ARN.
func attachments(r storage.Reader, account string) (map[string]int32, error) {
	counts := map[string]int32{}
	err := scan(r, entityPrefix(account, "role"), "", func(_ string, rec *roleRec) bool {
		for _, a := range rec.Attached {
			counts[a]++
		}
		return true
	})
	return counts, err
}

func (s *Service) notAuthorized(ctx context.Context, action, resource string) *awserr.Error {
	return &awserr.Error{Code: "AccessDenied", Status: http.StatusForbidden,
		Message: fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s", s.callerARN(ctx), action, resource)}
}

type CreatePolicyInput struct {
	PolicyName     *string
	Path           *string
	PolicyDocument *string
	Description    *string
	Tags           []Tag
}

type CreatePolicyOutput struct {
	Policy *Policy `xml:"Policy"`
}

func checkManagedDocument(doc string) error {
	if _, err := parsePolicy(doc, policy.Identity); err != nil {
		return err
	}
	if policy.Size(doc) > maxManagedSize {
		return limitExceeded("Cannot exceed quota for PolicySize: %d", maxManagedSize)
	}
	return nil
}

func (s *Service) createPolicy(ctx context.Context, in *CreatePolicyInput) (*CreatePolicyOutput, error) {
	var v validation
	v.str(in.PolicyName, "policyName", true, 1, 128, reName, reNameShown)
	v.str(in.Path, "path", false, 1, 512, rePolPath, rePolPathShown)
	v.str(in.PolicyDocument, "policyDocument", true, 1, maxDocument, reDoc, reDocShown)
	v.str(in.Description, "description", false, 0, 1000, nil, "")
	validateTags(&v, in.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	if len(in.Tags) > maxTagsPerEntity {
		return nil, limitExceeded("Cannot exceed quota for TagsPerPolicy: %d", maxTagsPerEntity)
	}
	if err := checkDuplicateTagKeys(in.Tags); err != nil {
		return nil, err
	}
	if err := checkManagedDocument(*in.PolicyDocument); err != nil {
		return nil, err
	}
	account := request.From(ctx).Account
	now := s.now().UTC().Truncate(time.Second)
	rec := &policyRec{Name: *in.PolicyName, ID: newID("ANPA", 21), Path: "/", Description: in.Description,
		Created: now, Updated: now, Default: "v1", NextVersion: 2,
		Versions: []versionRec{{ID: "v1", Document: *in.PolicyDocument, Created: now}}, Tags: in.Tags}
	if in.Path != nil {
		rec.Path = *in.Path
	}
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		key := entityKey(account, "pol", rec.Name)
		if _, err := tx.Get(key); err == nil {
			return entityExists("A policy called %s already exists. Duplicate names are not allowed.", rec.Name)
		}
		return setJSON(tx, key, rec)
	})
	if err != nil {
		return nil, err
	}
	out := rec.wire(account, 0)
	out.Description = nil // CreatePolicy does not echo it
	return &CreatePolicyOutput{Policy: out}, nil
}

type policyARNInput struct {
	PolicyArn *string
}

type GetPolicyOutput struct {
	Policy *Policy `xml:"Policy"`
}

func validateARN(v *validation, arn *string, member string) {
	v.str(arn, member, true, 20, 2048, nil, "")
}

func (s *Service) getPolicy(ctx context.Context, in *policyARNInput) (*GetPolicyOutput, error) {
	var v validation
	validateARN(&v, in.PolicyArn, "policyArn")
	if err := v.err(); err != nil {
		return nil, err
	}
	account := request.From(ctx).Account
	var out *Policy
	err := s.kv.View(ctx, func(r storage.Reader) error {
		m, err := resolvePolicy(r, account, *in.PolicyArn, policyNotFound)
		if err != nil {
			return err
		}
		counts, err := attachments(r, account)
		if err != nil {
			return err
		}
		if m.aws != nil {
			out = m.aws.wire(counts[m.arn])
		} else {
			out = m.local.wire(account, counts[m.arn])
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &GetPolicyOutput{Policy: out}, nil
}

type GetPolicyVersionInput struct {
	PolicyArn *string
	VersionId *string
}

type GetPolicyVersionOutput struct {
	PolicyVersion *PolicyVersion `xml:"PolicyVersion"`
}

func (s *Service) getPolicyVersion(ctx context.Context, in *GetPolicyVersionInput) (*GetPolicyVersionOutput, error) {
	var v validation
	validateARN(&v, in.PolicyArn, "policyArn")
	v.str(in.VersionId, "versionId", true, 0, 0, reVersion, reVersionShow)
	if err := v.err(); err != nil {
		return nil, err
	}
	account := request.From(ctx).Account
	noVersion := func(arn string) *awserr.Error {
		return noSuchEntity("Policy %s version %s does not exist or is not attachable.", arn, *in.VersionId)
	}
	var out *PolicyVersion
	err := s.kv.View(ctx, func(r storage.Reader) error {
		m, err := resolvePolicy(r, account, *in.PolicyArn, policyNotFound)
		if err != nil {
			return err
		}
		if m.aws != nil {
			if m.aws.Version != *in.VersionId {
				return noVersion(m.arn)
			}
			out = &PolicyVersion{Document: encodeDocument(m.aws.Document), VersionId: m.aws.Version, IsDefaultVersion: true, CreateDate: m.aws.Updated}
			return nil
		}
		for _, ver := range m.local.Versions {
			if ver.ID == *in.VersionId {
				out = &PolicyVersion{Document: encodeDocument(ver.Document), VersionId: ver.ID,
					IsDefaultVersion: ver.ID == m.local.Default, CreateDate: ver.Created}
				return nil
			}
		}
		return noVersion(m.arn)
	})
	if err != nil {
		return nil, err
	}
	return &GetPolicyVersionOutput{PolicyVersion: out}, nil
}

type ListPolicyVersionsInput struct {
	PolicyArn *string
	Marker    *string
	MaxItems  *int32
}

type ListPolicyVersionsOutput struct {
	Versions    []*PolicyVersion `xml:"Versions>member"`
	IsTruncated bool             `xml:"IsTruncated"`
	Marker      *string          `xml:"Marker"`
}

func (s *Service) listPolicyVersions(ctx context.Context, in *ListPolicyVersionsInput) (*ListPolicyVersionsOutput, error) {
	var v validation
	validateARN(&v, in.PolicyArn, "policyArn")
	limit := v.paging(in.Marker, in.MaxItems)
	if err := v.err(); err != nil {
		return nil, err
	}
	account := request.From(ctx).Account
	var all []*PolicyVersion
	err := s.kv.View(ctx, func(r storage.Reader) error {
		m, err := resolvePolicy(r, account, *in.PolicyArn, policyNotFound)
		if err != nil {
			return err
		}
		if m.aws != nil {
			all = []*PolicyVersion{{VersionId: m.aws.Version, IsDefaultVersion: true, CreateDate: m.aws.Updated}}
			return nil
		}
		for i := len(m.local.Versions) - 1; i >= 0; i-- { // newest first, as IAM lists them
			ver := m.local.Versions[i]
			all = append(all, &PolicyVersion{VersionId: ver.ID, IsDefaultVersion: ver.ID == m.local.Default, CreateDate: ver.Created})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(all))
	for i, pv := range all {
		ids[i] = pv.VersionId
	}
	from, p, err := page(ids, in.Marker, limit)
	if err != nil {
		return nil, err
	}
	return &ListPolicyVersionsOutput{Versions: all[from : from+len(p.items)], IsTruncated: p.truncated, Marker: p.marker}, nil
}

type CreatePolicyVersionInput struct {
	PolicyArn      *string
	PolicyDocument *string
	SetAsDefault   *bool
}

type CreatePolicyVersionOutput struct {
	PolicyVersion *PolicyVersion `xml:"PolicyVersion"`
}

func (s *Service) createPolicyVersion(ctx context.Context, in *CreatePolicyVersionInput) (*CreatePolicyVersionOutput, error) {
	var v validation
	validateARN(&v, in.PolicyArn, "policyArn")
	v.str(in.PolicyDocument, "policyDocument", true, 1, maxDocument, reDoc, reDocShown)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := checkManagedDocument(*in.PolicyDocument); err != nil {
		return nil, err
	}
	account := request.From(ctx).Account
	var out *PolicyVersion
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		m, err := resolvePolicy(tx, account, *in.PolicyArn, policyNotFound)
		if err != nil {
			return err
		}
		if m.aws != nil {
			return s.notAuthorized(ctx, "iam:CreatePolicyVersion", "policy "+m.arn)
		}
		p := m.local
		if len(p.Versions) >= maxVersionsPerPolicy {
			return limitExceeded("A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", maxVersionsPerPolicy)
		}
		now := s.now().UTC().Truncate(time.Second)
		ver := versionRec{ID: "v" + strconv.Itoa(p.NextVersion), Document: *in.PolicyDocument, Created: now}
		p.NextVersion++
		p.Versions = append(p.Versions, ver)
		def := in.SetAsDefault != nil && *in.SetAsDefault
		if def {
			p.Default = ver.ID
			p.Updated = now
		}
		out = &PolicyVersion{VersionId: ver.ID, IsDefaultVersion: def, CreateDate: now}
		return setJSON(tx, entityKey(account, "pol", p.Name), p)
	})
	if err != nil {
		return nil, err
	}
	return &CreatePolicyVersionOutput{PolicyVersion: out}, nil
}

type DeletePolicyVersionInput struct {
	PolicyArn *string
	VersionId *string
}

func (s *Service) deletePolicyVersion(ctx context.Context, in *DeletePolicyVersionInput) (*struct{}, error) {
	var v validation
	validateARN(&v, in.PolicyArn, "policyArn")
	v.str(in.VersionId, "versionId", true, 0, 0, reVersion, reVersionShow)
	if err := v.err(); err != nil {
		return nil, err
	}
	account := request.From(ctx).Account
	return nil, s.kv.Update(ctx, func(tx storage.Tx) error {
		m, err := resolvePolicy(tx, account, *in.PolicyArn, policyNotFound)
		if err != nil {
			return err
		}
		if m.aws != nil {
			return s.notAuthorized(ctx, "iam:DeletePolicyVersion", "policy "+m.arn)
		}
		p := m.local
		for i, ver := range p.Versions {
			if ver.ID != *in.VersionId {
				continue
			}
			if ver.ID == p.Default {
				return deleteConflict("Cannot delete the default version of a policy.")
			}
			p.Versions = append(p.Versions[:i], p.Versions[i+1:]...)
			return setJSON(tx, entityKey(account, "pol", p.Name), p)
		}
		return noSuchEntity("Policy %s version %s does not exist or is not attachable.", m.arn, *in.VersionId)
	})
}

func (s *Service) deletePolicy(ctx context.Context, in *policyARNInput) (*struct{}, error) {
	var v validation
	validateARN(&v, in.PolicyArn, "policyArn")
	if err := v.err(); err != nil {
		return nil, err
	}
	account := request.From(ctx).Account
	return nil, s.kv.Update(ctx, func(tx storage.Tx) error {
		m, err := resolvePolicy(tx, account, *in.PolicyArn, policyNotFound)
		if err != nil {
			return err
		}
		if m.aws != nil {
			return s.notAuthorized(ctx, "iam:DeletePolicy", "policy "+m.arn)
		}
		counts, err := attachments(tx, account)
		if err != nil {
			return err
		}
		if counts[m.arn] > 0 {
			return deleteConflict("Cannot delete a policy attached to entities.")
		}
		if len(m.local.Versions) > 1 {
			return deleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
		}
		return tx.Delete(entityKey(account, "pol", m.local.Name))
	})
}

type ListPoliciesInput struct {
	Scope        *string
	OnlyAttached *bool
	PathPrefix   *string
	Marker       *string
	MaxItems     *int32
}

type ListPoliciesOutput struct {
	Policies    []*Policy `xml:"Policies>member"`
	IsTruncated bool      `xml:"IsTruncated"`
	Marker      *string   `xml:"Marker"`
}

func (s *Service) listPolicies(ctx context.Context, in *ListPoliciesInput) (*ListPoliciesOutput, error) {
	var v validation
	if in.Scope != nil && *in.Scope != "All" && *in.Scope != "AWS" && *in.Scope != "Local" {
		v.add(in.Scope, "scope", "satisfy enum value set: [All, AWS, Local]")
	}
	v.str(in.PathPrefix, "pathPrefix", false, 1, 512, rePolPath, rePolPathShown)
	limit := v.paging(in.Marker, in.MaxItems)
	if err := v.err(); err != nil {
		return nil, err
	}
	scope := "All"
	if in.Scope != nil {
		scope = *in.Scope
	}
	account := request.From(ctx).Account
	var all []*Policy
	err := s.kv.View(ctx, func(r storage.Reader) error {
		counts, err := attachments(r, account)
		if err != nil {
			return err
		}
		if scope != "Local" {
			for _, p := range awsPolicies {
				all = append(all, p.wire(counts[p.arn()]))
			}
		}
		if scope != "AWS" {
			err = scan(r, entityPrefix(account, "pol"), "", func(_ string, p *policyRec) bool {
				w := p.wire(account, counts[policyARN(account, p.Path, p.Name)])
				w.Tags = nil
				all = append(all, w)
				return true
			})
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	kept := all[:0]
	for _, p := range all {
		if in.PathPrefix != nil && !strings.HasPrefix(p.Path, *in.PathPrefix) {
			continue
		}
		if in.OnlyAttached != nil && *in.OnlyAttached && p.AttachmentCount == 0 {
			continue
		}
		p.Description = nil // ListPolicies leaves descriptions out
		kept = append(kept, p)
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].Arn < kept[j].Arn })
	arns := make([]string, len(kept))
	for i, p := range kept {
		arns[i] = p.Arn
	}
	from, p, err := page(arns, in.Marker, limit)
	if err != nil {
		return nil, err
	}
	return &ListPoliciesOutput{Policies: append([]*Policy{}, kept[from:from+len(p.items)]...), IsTruncated: p.truncated, Marker: p.marker}, nil
}

type rolePolicyARNInput struct {
	RoleName  *string
	PolicyArn *string
}

func (s *Service) attachRolePolicy(ctx context.Context, in *rolePolicyARNInput) (*struct{}, error) {
	var v validation
	v.str(in.RoleName, "roleName", true, 1, 64, reName, reNameShown)
	validateARN(&v, in.PolicyArn, "policyArn")
	if err := v.err(); err != nil {
		return nil, err
	}
	account := request.From(ctx).Account
	return nil, s.kv.Update(ctx, func(tx storage.Tx) error {
		rec, err := loadRole(tx, account, *in.RoleName)
		if err != nil {
			return err
		}
		m, err := resolvePolicy(tx, account, *in.PolicyArn, noSuchPolicy)
		if err != nil {
			return err
		}
		for _, a := range rec.Attached {
			if a == m.arn {
				return nil
			}
		}
		if len(rec.Attached) >= maxAttachedPerRole {
			return limitExceeded("Cannot exceed quota for PoliciesPerRole: %d", maxAttachedPerRole)
		}
		rec.Attached = append(rec.Attached, m.arn)
		return setJSON(tx, entityKey(account, "role", rec.Name), rec)
	})
}

func (s *Service) detachRolePolicy(ctx context.Context, in *rolePolicyARNInput) (*struct{}, error) {
	var v validation
	v.str(in.RoleName, "roleName", true, 1, 64, reName, reNameShown)
	validateARN(&v, in.PolicyArn, "policyArn")
	if err := v.err(); err != nil {
		return nil, err
	}
	if _, _, _, err := splitPolicyARN(*in.PolicyArn); err != nil {
		return nil, err
	}
	account := request.From(ctx).Account
	return nil, s.kv.Update(ctx, func(tx storage.Tx) error {
		rec, err := loadRole(tx, account, *in.RoleName)
		if err != nil {
			return err
		}
		for i, a := range rec.Attached {
			if a == *in.PolicyArn {
				rec.Attached = append(rec.Attached[:i], rec.Attached[i+1:]...)
				return setJSON(tx, entityKey(account, "role", rec.Name), rec)
			}
		}
		return policyNotFound(*in.PolicyArn)
	})
}

type ListAttachedRolePoliciesInput struct {
	RoleName   *string
	PathPrefix *string
	Marker     *string
	MaxItems   *int32
}

type AttachedPolicy struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

type ListAttachedRolePoliciesOutput struct {
	AttachedPolicies []AttachedPolicy `xml:"AttachedPolicies>member"`
	IsTruncated      bool             `xml:"IsTruncated"`
	Marker           *string          `xml:"Marker"`
}

func (s *Service) listAttachedRolePolicies(ctx context.Context, in *ListAttachedRolePoliciesInput) (*ListAttachedRolePoliciesOutput, error) {
	var v validation
	v.str(in.RoleName, "roleName", true, 1, 64, reName, reNameShown)
	v.str(in.PathPrefix, "pathPrefix", false, 1, 512, rePolPath, rePolPathShown)
	limit := v.paging(in.Marker, in.MaxItems)
	if err := v.err(); err != nil {
		return nil, err
	}
	account := request.From(ctx).Account
	var all []AttachedPolicy
	err := s.kv.View(ctx, func(r storage.Reader) error {
		rec, err := loadRole(r, account, *in.RoleName)
		if err != nil {
			return err
		}
		for _, arn := range rec.Attached {
			m, err := resolvePolicy(r, account, arn, policyNotFound)
			if err != nil {
				continue // deleted since (only possible for a path change); IAM hides it
			}
			if in.PathPrefix != nil && !strings.HasPrefix(m.path(), *in.PathPrefix) {
				continue
			}
			all = append(all, AttachedPolicy{PolicyName: m.name(), PolicyArn: arn})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	arns := make([]string, len(all))
	for i, a := range all {
		arns[i] = a.PolicyArn
	}
	from, p, err := page(arns, in.Marker, limit)
	if err != nil {
		return nil, err
	}
	return &ListAttachedRolePoliciesOutput{AttachedPolicies: append([]AttachedPolicy{}, all[from:from+len(p.items)]...),
		IsTruncated: p.truncated, Marker: p.marker}, nil
}
