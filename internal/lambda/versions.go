package lambda

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"
)

// publish freezes a copy of v as the next version (call with s.mu held).
// An unchanged $LATEST republishes nothing: the last version is returned.
func (f *function) publish(v *version, description string, now time.Time) *version {
	if last := f.Versions[strconv.Itoa(f.NextVersion-1)]; last != nil && last.CodeSha256 == v.CodeSha256 &&
		last.RevisionID == v.RevisionID {
		return last
	}
	nv := *v
	nv.Version = strconv.Itoa(f.NextVersion)
	if description != "" {
		nv.Description = description
	}
	nv.LastModified = now
	nv.RevisionID = newRevision()
	if f.Versions == nil {
		f.Versions = map[string]*version{}
	}
	f.Versions[nv.Version] = &nv
	f.NextVersion++
	// Remember which $LATEST revision was published, so an unchanged
	// $LATEST is not published twice.
	nv.RevisionID = v.RevisionID
	return &nv
}

// PublishVersionInput is PublishVersion's request.
type PublishVersionInput struct {
	FunctionName string  `location:"uri" name:"FunctionName"`
	CodeSha256   *string `json:"CodeSha256"`
	Description  *string `json:"Description"`
	RevisionId   *string `json:"RevisionId"`
}

// PublishVersion publishes $LATEST as a new version.
func (s *Service) PublishVersion(ctx context.Context, in *PublishVersionInput) (*FunctionConfiguration, error) {
	var v validation
	checkFunctionName(&v, in.FunctionName, 140)
	checkDescription(&v, in.Description)
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, _, err := s.lookup(ctx, in.FunctionName)
	if err != nil {
		return nil, err
	}
	if in.CodeSha256 != nil && *in.CodeSha256 != f.Latest.CodeSha256 {
		return nil, invalidParam(fmt.Sprintf("CodeSHA256 (%s) is different from current CodeSHA256 in $LATEST (%s). Please try again with the CodeSHA256 in $LATEST.", *in.CodeSha256, f.Latest.CodeSha256))
	}
	if in.RevisionId != nil && *in.RevisionId != f.Latest.RevisionID {
		return nil, preconditionFailed("The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
	}
	desc := ""
	if in.Description != nil {
		desc = *in.Description
	}
	ver := f.publish(f.Latest, desc, s.now())
	if err := s.save(ctx, f); err != nil {
		return nil, err
	}
	return f.config(ver), nil
}

// ListVersionsByFunctionInput is ListVersionsByFunction's request.
type ListVersionsByFunctionInput struct {
	FunctionName string  `location:"uri" name:"FunctionName"`
	Marker       *string `location:"querystring" name:"Marker"`
	MaxItems     *int    `location:"querystring" name:"MaxItems"`
}

// ListVersionsByFunctionOutput is ListVersionsByFunction's response.
type ListVersionsByFunctionOutput struct {
	Versions   []*FunctionConfiguration `json:"Versions"`
	NextMarker *string                  `json:"NextMarker,omitempty"`
}

// ListVersionsByFunction lists $LATEST and the published versions.
func (s *Service) ListVersionsByFunction(ctx context.Context, in *ListVersionsByFunctionInput) (*ListVersionsByFunctionOutput, error) {
	var v validation
	checkFunctionName(&v, in.FunctionName, 170)
	if in.MaxItems != nil && (*in.MaxItems < 1 || *in.MaxItems > 10000) {
		v.add("Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000", *in.MaxItems)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, _, err := s.lookup(ctx, in.FunctionName)
	if err != nil {
		return nil, err
	}
	all := []*FunctionConfiguration{f.config(f.Latest)}
	for _, ver := range f.sortedVersions() {
		all = append(all, f.config(ver))
	}
	items, next, err := page(all, in.Marker, in.MaxItems, 50)
	if err != nil {
		return nil, err
	}
	return &ListVersionsByFunctionOutput{Versions: items, NextMarker: next}, nil
}

func page[T any](all []T, marker *string, maxItems *int, def int) ([]T, *string, error) {
	limit := def
	if maxItems != nil && *maxItems < limit {
		limit = *maxItems
	}
	start := 0
	if marker != nil && *marker != "" {
		n, err := strconv.Atoi(*marker)
		if err != nil || n < 0 || n > len(all) {
			return nil, nil, invalidParam("Invalid marker: " + *marker)
		}
		start = n
	}
	end := min(start+limit, len(all))
	out := append(make([]T, 0, end-start), all[start:end]...)
	if end < len(all) {
		m := strconv.Itoa(end)
		return out, &m, nil
	}
	return out, nil, nil
}

// AliasRoutingConfiguration splits traffic between two versions.
type AliasRoutingConfiguration struct {
	AdditionalVersionWeights map[string]float64 `json:"AdditionalVersionWeights,omitempty"`
}

// AliasConfiguration is an alias as the API shows it.
type AliasConfiguration struct {
	AliasArn        string                     `json:"AliasArn"`
	Name            string                     `json:"Name"`
	FunctionVersion string                     `json:"FunctionVersion"`
	Description     string                     `json:"Description"`
	RoutingConfig   *AliasRoutingConfiguration `json:"RoutingConfig,omitempty"`
	RevisionId      string                     `json:"RevisionId"`
}

func (f *function) aliasConfig(a *alias) *AliasConfiguration {
	c := &AliasConfiguration{AliasArn: f.arn() + ":" + a.Name, Name: a.Name, FunctionVersion: a.Version,
		Description: a.Description, RevisionId: a.RevisionID}
	if len(a.Weights) > 0 {
		c.RoutingConfig = &AliasRoutingConfiguration{AdditionalVersionWeights: a.Weights}
	}
	return c
}

// CreateAliasInput is CreateAlias's request.
type CreateAliasInput struct {
	FunctionName    string                     `location:"uri" name:"FunctionName"`
	Name            string                     `json:"Name"`
	FunctionVersion string                     `json:"FunctionVersion"`
	Description     *string                    `json:"Description"`
	RoutingConfig   *AliasRoutingConfiguration `json:"RoutingConfig"`
}

func checkAliasName(v *validation, name string) {
	if len(name) < 1 || len(name) > 128 || !aliasRE.MatchString(name) || numericRE.MatchString(name) {
		v.add("Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", name, aliasPattern)
	}
}

func (f *function) checkAliasTarget(ver string, weights map[string]float64) error {
	if ver != "$LATEST" && f.Versions[ver] == nil {
		return functionNotFound(f.arn() + ":" + ver)
	}
	for wv, w := range weights {
		if f.Versions[wv] == nil {
			return functionNotFound(f.arn() + ":" + wv)
		}
		if w < 0 || w > 1 {
			return invalidParam("Invalid weight for version " + wv + ": weights must be between 0.0 and 1.0")
		}
	}
	return nil
}

// CreateAlias names a version.
func (s *Service) CreateAlias(ctx context.Context, in *CreateAliasInput) (*AliasConfiguration, error) {
	var v validation
	checkFunctionName(&v, in.FunctionName, 140)
	checkAliasName(&v, in.Name)
	checkDescription(&v, in.Description)
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, _, err := s.lookup(ctx, in.FunctionName)
	if err != nil {
		return nil, err
	}
	if f.Aliases[in.Name] != nil {
		return nil, conflict("Alias already exists: " + f.arn() + ":" + in.Name)
	}
	var weights map[string]float64
	if in.RoutingConfig != nil {
		weights = in.RoutingConfig.AdditionalVersionWeights
	}
	if err := f.checkAliasTarget(in.FunctionVersion, weights); err != nil {
		return nil, err
	}
	a := &alias{Name: in.Name, Version: in.FunctionVersion, Weights: weights, RevisionID: newRevision()}
	if in.Description != nil {
		a.Description = *in.Description
	}
	if f.Aliases == nil {
		f.Aliases = map[string]*alias{}
	}
	f.Aliases[a.Name] = a
	if err := s.save(ctx, f); err != nil {
		delete(f.Aliases, a.Name)
		return nil, err
	}
	return f.aliasConfig(a), nil
}

// AliasInput names one alias.
type AliasInput struct {
	FunctionName string `location:"uri" name:"FunctionName"`
	Name         string `location:"uri" name:"Name"`
}

func (s *Service) findAlias(ctx context.Context, in *AliasInput) (*function, *alias, error) {
	var v validation
	checkFunctionName(&v, in.FunctionName, 140)
	if err := v.err(); err != nil {
		return nil, nil, err
	}
	f, _, err := s.lookup(ctx, in.FunctionName)
	if err != nil {
		return nil, nil, err
	}
	a := f.Aliases[in.Name]
	if a == nil {
		return nil, nil, notFound("Alias not found: " + f.arn() + ":" + in.Name)
	}
	return f, a, nil
}

// GetAlias describes an alias.
func (s *Service) GetAlias(ctx context.Context, in *AliasInput) (*AliasConfiguration, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, a, err := s.findAlias(ctx, in)
	if err != nil {
		return nil, err
	}
	return f.aliasConfig(a), nil
}

// UpdateAliasInput is UpdateAlias's request.
type UpdateAliasInput struct {
	FunctionName    string                     `location:"uri" name:"FunctionName"`
	Name            string                     `location:"uri" name:"Name"`
	FunctionVersion *string                    `json:"FunctionVersion"`
	Description     *string                    `json:"Description"`
	RoutingConfig   *AliasRoutingConfiguration `json:"RoutingConfig"`
	RevisionId      *string                    `json:"RevisionId"`
}

// UpdateAlias points an alias elsewhere.
func (s *Service) UpdateAlias(ctx context.Context, in *UpdateAliasInput) (*AliasConfiguration, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, a, err := s.findAlias(ctx, &AliasInput{FunctionName: in.FunctionName, Name: in.Name})
	if err != nil {
		return nil, err
	}
	if in.RevisionId != nil && *in.RevisionId != a.RevisionID {
		return nil, preconditionFailed("The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
	}
	na := *a
	if in.FunctionVersion != nil {
		na.Version = *in.FunctionVersion
	}
	if in.Description != nil {
		na.Description = *in.Description
	}
	if in.RoutingConfig != nil {
		na.Weights = in.RoutingConfig.AdditionalVersionWeights
	}
	if err := f.checkAliasTarget(na.Version, na.Weights); err != nil {
		return nil, err
	}
	na.RevisionID = newRevision()
	f.Aliases[a.Name] = &na
	if err := s.save(ctx, f); err != nil {
		f.Aliases[a.Name] = a
		return nil, err
	}
	return f.aliasConfig(&na), nil
}

// EmptyOutput is a response without a body.
type EmptyOutput struct{}

// DeleteAlias deletes an alias (deleting a missing one succeeds, as in AWS).
func (s *Service) DeleteAlias(ctx context.Context, in *AliasInput) (*EmptyOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, a, err := s.findAlias(ctx, in)
	if err != nil {
		if f == nil && a == nil && err != nil {
			if _, _, lerr := s.lookup(ctx, in.FunctionName); lerr != nil {
				return nil, lerr
			}
			return &EmptyOutput{}, nil
		}
		return nil, err
	}
	delete(f.Aliases, a.Name)
	if err := s.save(ctx, f); err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

// ListAliasesInput is ListAliases's request.
type ListAliasesInput struct {
	FunctionName    string  `location:"uri" name:"FunctionName"`
	FunctionVersion *string `location:"querystring" name:"FunctionVersion"`
	Marker          *string `location:"querystring" name:"Marker"`
	MaxItems        *int    `location:"querystring" name:"MaxItems"`
}

// ListAliasesOutput is ListAliases's response.
type ListAliasesOutput struct {
	Aliases    []*AliasConfiguration `json:"Aliases"`
	NextMarker *string               `json:"NextMarker,omitempty"`
}

// ListAliases lists a function's aliases, by name.
func (s *Service) ListAliases(ctx context.Context, in *ListAliasesInput) (*ListAliasesOutput, error) {
	var v validation
	checkFunctionName(&v, in.FunctionName, 140)
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, _, err := s.lookup(ctx, in.FunctionName)
	if err != nil {
		return nil, err
	}
	var all []*AliasConfiguration
	for _, a := range f.Aliases {
		if in.FunctionVersion == nil || *in.FunctionVersion == a.Version {
			all = append(all, f.aliasConfig(a))
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	items, next, err := page(all, in.Marker, in.MaxItems, 50)
	if err != nil {
		return nil, err
	}
	return &ListAliasesOutput{Aliases: items, NextMarker: next}, nil
}
