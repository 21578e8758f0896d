package iam

import (
	"context"
	"sort"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/iam/policy"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// Inline role policies live in their role's record, so deleting a role
// and checking that it has none is one read.

type PutRolePolicyInput struct {
	RoleName       *string
	PolicyName     *string
	PolicyDocument *string
}

func validateRolePolicyNames(v *validation, role, name *string) {
	v.str(role, "roleName", true, 1, 64, reName, reNameShown)
	v.str(name, "policyName", true, 1, 128, reName, reNameShown)
}

// inlineName finds an inline policy by name, regardless of case.
func inlineName(m map[string]string, name string) (string, bool) {
	for k := range m {
		if strings.EqualFold(k, name) {
			return k, true
		}
	}
	return "", false
}

func (s *Service) putRolePolicy(ctx context.Context, in *PutRolePolicyInput) (*struct{}, error) {
	var v validation
	validateRolePolicyNames(&v, in.RoleName, in.PolicyName)
	v.str(in.PolicyDocument, "policyDocument", true, 1, maxDocument, reDoc, reDocShown)
	if err := v.err(); err != nil {
		return nil, err
	}
	if _, err := parsePolicy(*in.PolicyDocument, policy.Identity); err != nil {
		return nil, err
	}
	return nil, s.updateRoleRec(ctx, *in.RoleName, func(r *roleRec) error {
		if r.Inline == nil {
			r.Inline = map[string]string{}
		}
		if old, ok := inlineName(r.Inline, *in.PolicyName); ok {
			delete(r.Inline, old)
		}
		r.Inline[*in.PolicyName] = *in.PolicyDocument
		total := 0
		for _, d := range r.Inline {
			total += policy.Size(d)
		}
		if total > maxInlineRoleSize {
			return limitExceeded("Maximum policy size of %d bytes exceeded for role %s", maxInlineRoleSize, r.Name)
		}
		return nil
	})
}

type rolePolicyInput struct {
	RoleName   *string
	PolicyName *string
}

type GetRolePolicyOutput struct {
	RoleName       string `xml:"RoleName"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

func (s *Service) getRolePolicy(ctx context.Context, in *rolePolicyInput) (*GetRolePolicyOutput, error) {
	var v validation
	validateRolePolicyNames(&v, in.RoleName, in.PolicyName)
	if err := v.err(); err != nil {
		return nil, err
	}
	var out *GetRolePolicyOutput
	err := s.kv.View(ctx, func(r storage.Reader) error {
		rec, err := loadRole(r, request.From(ctx).Account, *in.RoleName)
		if err != nil {
			return err
		}
		name, ok := inlineName(rec.Inline, *in.PolicyName)
		if !ok {
			return noSuchEntity("The role policy with name %s cannot be found.", *in.PolicyName)
		}
		out = &GetRolePolicyOutput{RoleName: rec.Name, PolicyName: name, PolicyDocument: encodeDocument(rec.Inline[name])}
		return nil
	})
	return out, err
}

type ListRolePoliciesInput struct {
	RoleName *string
	Marker   *string
	MaxItems *int32
}

type ListRolePoliciesOutput struct {
	PolicyNames []string `xml:"PolicyNames>member"`
	IsTruncated bool     `xml:"IsTruncated"`
	Marker      *string  `xml:"Marker"`
}

func (s *Service) listRolePolicies(ctx context.Context, in *ListRolePoliciesInput) (*ListRolePoliciesOutput, error) {
	var v validation
	v.str(in.RoleName, "roleName", true, 1, 64, reName, reNameShown)
	limit := v.paging(in.Marker, in.MaxItems)
	if err := v.err(); err != nil {
		return nil, err
	}
	var names []string
	err := s.kv.View(ctx, func(r storage.Reader) error {
		rec, err := loadRole(r, request.From(ctx).Account, *in.RoleName)
		if err != nil {
			return err
		}
		for n := range rec.Inline {
			names = append(names, n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	_, p, err := page(names, in.Marker, limit)
	if err != nil {
		return nil, err
	}
	return &ListRolePoliciesOutput{PolicyNames: append([]string{}, p.items...), IsTruncated: p.truncated, Marker: p.marker}, nil
}

func (s *Service) deleteRolePolicy(ctx context.Context, in *rolePolicyInput) (*struct{}, error) {
	var v validation
	validateRolePolicyNames(&v, in.RoleName, in.PolicyName)
	if err := v.err(); err != nil {
		return nil, err
	}
	return nil, s.updateRoleRec(ctx, *in.RoleName, func(r *roleRec) error {
		name, ok := inlineName(r.Inline, *in.PolicyName)
		if !ok {
			return noSuchEntity("The role policy with name %s cannot be found.", *in.PolicyName)
		}
		delete(r.Inline, name)
		return nil
	})
}
