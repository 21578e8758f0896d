package lambda

import (
	"context"
	"crypto/rand"
	"fmt"
	mathrand "math/rand/v2"
	"sort"
	"strconv"

	"github.com/nimbus-cloud/nimbus/internal/lambda/runtimes"
	"github.com/nimbus-cloud/nimbus/internal/request"
)

func newRevision() string {
	b := make([]byte, 16)
	rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// CreateFunctionInput is CreateFunction's request.
type CreateFunctionInput struct {
	FunctionName     string            `json:"FunctionName"`
	Runtime          *string           `json:"Runtime"`
	Role             *string           `json:"Role"`
	Handler          *string           `json:"Handler"`
	Code             *FunctionCode     `json:"Code"`
	Description      *string           `json:"Description"`
	Timeout          *int              `json:"Timeout"`
	MemorySize       *int              `json:"MemorySize"`
	Publish          bool              `json:"Publish"`
	PackageType      *string           `json:"PackageType"`
	Environment      *Environment      `json:"Environment"`
	Tags             map[string]string `json:"Tags"`
	Architectures    []string          `json:"Architectures"`
	EphemeralStorage *EphemeralStorage `json:"EphemeralStorage"`
}

func checkRuntime(v *validation, rt *string) {
	if rt != nil && !runtimes.Known(*rt) {
		v.add("Value '%s' at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: %s", *rt, runtimes.Enum())
	}
}

// runtimeUsable rejects retired runtimes and those nimbus cannot run.
func runtimeUsable(rt string) error {
	if repl, ok := runtimes.Deprecated(rt); ok {
		return invalidParam(fmt.Sprintf("The runtime parameter of %s is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (%s) while creating or updating functions.", rt, repl))
	}
	if _, ok := runtimes.Lookup(rt); !ok {
		return invalidParam(fmt.Sprintf("The runtime parameter of %s is not supported by nimbus; supported runtimes are python3.9-python3.13, nodejs18.x-nodejs22.x, provided.al2 and provided.al2023.", rt))
	}
	return nil
}

func checkArchitectures(v *validation, a []string) {
	if a == nil {
		return
	}
	if len(a) != 1 {
		v.add("Value '%v' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1", a)
		return
	}
	if a[0] != "x86_64" && a[0] != "arm64" {
		v.add("Value '[%s]' at 'architectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]", a[0])
	}
}

// CreateFunction creates a function from a deployment package.
func (s *Service) CreateFunction(ctx context.Context, in *CreateFunctionInput) (*FunctionConfiguration, error) {
	info := request.From(ctx)
	var v validation
	checkFunctionName(&v, in.FunctionName, 140)
	if in.Role == nil {
		v.add("Value null at 'role' failed to satisfy constraint: Member must not be null")
	} else {
		checkRole(&v, *in.Role)
	}
	checkRuntime(&v, in.Runtime)
	checkHandler(&v, in.Handler)
	checkTimeout(&v, in.Timeout)
	checkMemory(&v, in.MemorySize)
	checkDescription(&v, in.Description)
	checkArchitectures(&v, in.Architectures)
	if in.Code == nil {
		v.add("Value null at 'code' failed to satisfy constraint: Member must not be null")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	name, q := splitName(in.FunctionName)
	if q != "" || len(name) > 64 {
		return nil, validationOne(fmt.Sprintf("Value '%s' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", in.FunctionName, functionNamePattern))
	}
	if in.PackageType != nil && *in.PackageType == "Image" {
		return nil, invalidParam("nimbus runs Zip functions only; container images are not supported.")
	}
	if in.Runtime == nil || in.Handler == nil {
		return nil, invalidParam("Runtime and Handler are mandatory parameters for functions created with deployment packages.")
	}
	if err := runtimeUsable(*in.Runtime); err != nil {
		return nil, err
	}
	if err := checkEnvironment(in.Environment); err != nil {
		return nil, err
	}
	if in.EphemeralStorage != nil && (in.EphemeralStorage.Size < 512 || in.EphemeralStorage.Size > 10240) {
		return nil, validationOne(fmt.Sprintf("Value '%d' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value between 512 and 10240", in.EphemeralStorage.Size))
	}
	key := info.Account + "/" + info.Region + "/" + name
	s.mu.Lock()
	_, exists := s.funcs[key]
	s.mu.Unlock()
	if exists {
		return nil, conflict("Function already exist: " + name)
	}
	c, err := s.fetchCode(ctx, info.Account, info.Region, name, "CreateFunction", in.Code)
	if err != nil {
		return nil, err
	}
	ver := &version{
		Version: "$LATEST", Runtime: *in.Runtime, Handler: *in.Handler, Role: *in.Role,
		Timeout: 3, MemorySize: 128, CodeSha256: c.sha, CodeSize: c.size, CodeDir: c.dir, HotReload: c.hot,
		Architectures: []string{"x86_64"}, Ephemeral: 512, LastModified: s.now(), RevisionID: newRevision(),
	}
	if in.Description != nil {
		ver.Description = *in.Description
	}
	if in.Timeout != nil {
		ver.Timeout = *in.Timeout
	}
	if in.MemorySize != nil {
		ver.MemorySize = *in.MemorySize
	}
	if in.Environment != nil && len(in.Environment.Variables) > 0 {
		ver.Env = in.Environment.Variables
	}
	if in.Architectures != nil {
		ver.Architectures = in.Architectures
	}
	if in.EphemeralStorage != nil {
		ver.Ephemeral = in.EphemeralStorage.Size
	}
	f := &function{Account: info.Account, Region: info.Region, Name: name, Latest: ver, NextVersion: 1, Tags: in.Tags}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, exists := s.funcs[key]; exists {
		return nil, conflict("Function already exist: " + name)
	}
	out := ver
	if in.Publish {
		out = f.publish(ver, "", s.now())
	}
	if err := s.save(ctx, f); err != nil {
		return nil, err
	}
	s.funcs[key] = f
	cfg := f.config(out)
	cfg.State, cfg.StateReason, cfg.StateReasonCode = "Pending", "The function is being created.", "Creating"
	cfg.LastUpdateStatus = ""
	return cfg, nil
}

func validationOne(msg string) error {
	v := validation{msg}
	return v.err()
}

// lookup finds a function by FunctionName (name or ARN) in the caller's
// account and region; qualifier is the ARN's, if any. Call with s.mu held.
func (s *Service) lookup(ctx context.Context, fn string) (f *function, qualifier string, err error) {
	info := request.From(ctx)
	name, q := splitName(fn)
	f = s.funcs[info.Account+"/"+info.Region+"/"+name]
	if f == nil {
		return nil, "", functionNotFound(fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", info.Region, info.Account, name))
	}
	return f, q, nil
}

// resolve returns the version a qualifier names (a version number,
// $LATEST or an alias). Call with s.mu held.
func (f *function) resolve(q string) (*version, error) {
	if q == "" || q == "$LATEST" {
		return f.Latest, nil
	}
	if v := f.Versions[q]; v != nil {
		return v, nil
	}
	if a := f.Aliases[q]; a != nil {
		target := a.Version
		// Weighted routing: each additional version gets its share.
		if len(a.Weights) > 0 {
			r := mathrand.Float64()
			for wv, w := range a.Weights {
				if r < w {
					target = wv
					break
				}
				r -= w
			}
		}
		if v := f.version(target); v != nil {
			return v, nil
		}
	}
	return nil, functionNotFound(f.arn() + ":" + q)
}

func pickQualifier(argQ string, pathQ string) string {
	if argQ != "" {
		return argQ
	}
	return pathQ
}

// GetFunctionInput is GetFunction's and GetFunctionConfiguration's request.
type GetFunctionInput struct {
	FunctionName string  `location:"uri" name:"FunctionName"`
	Qualifier    *string `location:"querystring" name:"Qualifier"`
}

// FunctionCodeLocation says where the code is.
type FunctionCodeLocation struct {
	RepositoryType string `json:"RepositoryType"`
	Location       string `json:"Location,omitempty"`
}

// Concurrency is a function's reserved concurrency.
type Concurrency struct {
	ReservedConcurrentExecutions *int `json:"ReservedConcurrentExecutions,omitempty"`
}

// GetFunctionOutput is GetFunction's response.
type GetFunctionOutput struct {
	Configuration *FunctionConfiguration `json:"Configuration"`
	Code          *FunctionCodeLocation  `json:"Code"`
	Tags          map[string]string      `json:"Tags,omitempty"`
	Concurrency   *Concurrency           `json:"Concurrency,omitempty"`
}

func (s *Service) getConfig(ctx context.Context, in *GetFunctionInput) (*function, *version, error) {
	var v validation
	checkFunctionName(&v, in.FunctionName, 170)
	checkQualifier(&v, in.Qualifier)
	if err := v.err(); err != nil {
		return nil, nil, err
	}
	f, q, err := s.lookup(ctx, in.FunctionName)
	if err != nil {
		return nil, nil, err
	}
	if in.Qualifier != nil {
		q = pickQualifier(*in.Qualifier, q)
	}
	ver, err := f.resolve(q)
	if err != nil {
		return nil, nil, err
	}
	return f, ver, nil
}

// GetFunction returns a version's configuration, code location, tags and concurrency.
func (s *Service) GetFunction(ctx context.Context, in *GetFunctionInput) (*GetFunctionOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ver, err := s.getConfig(ctx, in)
	if err != nil {
		return nil, err
	}
	out := &GetFunctionOutput{Configuration: f.config(ver), Code: &FunctionCodeLocation{RepositoryType: "S3"}, Tags: f.Tags}
	if ver.HotReload {
		out.Code.Location = "file://" + ver.CodeDir
	}
	if f.Reserved != nil {
		out.Concurrency = &Concurrency{ReservedConcurrentExecutions: f.Reserved}
	}
	if out.Tags == nil {
		out.Tags = map[string]string{}
	}
	return out, nil
}

// GetFunctionConfiguration returns a version's configuration.
func (s *Service) GetFunctionConfiguration(ctx context.Context, in *GetFunctionInput) (*FunctionConfiguration, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ver, err := s.getConfig(ctx, in)
	if err != nil {
		return nil, err
	}
	return f.config(ver), nil
}

// ListFunctionsInput is ListFunctions' request.
type ListFunctionsInput struct {
	Marker          *string `location:"querystring" name:"Marker"`
	MaxItems        *int    `location:"querystring" name:"MaxItems"`
	FunctionVersion *string `location:"querystring" name:"FunctionVersion"`
	MasterRegion    *string `location:"querystring" name:"MasterRegion"`
}

// ListFunctionsOutput is ListFunctions' response.
type ListFunctionsOutput struct {
	Functions  []*FunctionConfiguration `json:"Functions"`
	NextMarker *string                  `json:"NextMarker,omitempty"`
}

// ListFunctions lists $LATEST of every function (or every version with
// FunctionVersion=ALL), 50 per page.
func (s *Service) ListFunctions(ctx context.Context, in *ListFunctionsInput) (*ListFunctionsOutput, error) {
	info := request.From(ctx)
	var v validation
	if in.MaxItems != nil && (*in.MaxItems < 1 || *in.MaxItems > 10000) {
		v.add("Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000", *in.MaxItems)
	}
	if in.FunctionVersion != nil && *in.FunctionVersion != "ALL" {
		v.add("Value '%s' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]", *in.FunctionVersion)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	limit := 50
	if in.MaxItems != nil && *in.MaxItems < limit {
		limit = *in.MaxItems
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []*FunctionConfiguration
	prefix := info.Account + "/" + info.Region + "/"
	names := make([]string, 0)
	for k, f := range s.funcs {
		if len(k) > len(prefix) && k[:len(prefix)] == prefix {
			names = append(names, f.Name)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		f := s.funcs[prefix+n]
		all = append(all, f.config(f.Latest))
		if in.FunctionVersion != nil {
			for _, ver := range f.sortedVersions() {
				all = append(all, f.config(ver))
			}
		}
	}
	start := 0
	if in.Marker != nil && *in.Marker != "" {
		n, err := strconv.Atoi(*in.Marker)
		if err != nil || n < 0 || n > len(all) {
			return nil, invalidParam("Invalid marker: " + *in.Marker)
		}
		start = n
	}
	out := &ListFunctionsOutput{Functions: []*FunctionConfiguration{}}
	end := min(start+limit, len(all))
	out.Functions = append(out.Functions, all[start:end]...)
	if end < len(all) {
		m := strconv.Itoa(end)
		out.NextMarker = &m
	}
	return out, nil
}

// UpdateFunctionCodeInput is UpdateFunctionCode's request.
type UpdateFunctionCodeInput struct {
	FunctionName    string   `location:"uri" name:"FunctionName"`
	ZipFile         []byte   `json:"ZipFile"`
	S3Bucket        *string  `json:"S3Bucket"`
	S3Key           *string  `json:"S3Key"`
	S3ObjectVersion *string  `json:"S3ObjectVersion"`
	ImageUri        *string  `json:"ImageUri"`
	Publish         bool     `json:"Publish"`
	DryRun          bool     `json:"DryRun"`
	RevisionId      *string  `json:"RevisionId"`
	Architectures   []string `json:"Architectures"`
}

// UpdateFunctionCode replaces $LATEST's code; warm sandboxes are retired.
func (s *Service) UpdateFunctionCode(ctx context.Context, in *UpdateFunctionCodeInput) (*FunctionConfiguration, error) {
	var v validation
	checkFunctionName(&v, in.FunctionName, 140)
	checkArchitectures(&v, in.Architectures)
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	f, _, err := s.lookup(ctx, in.FunctionName)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	c, err := s.fetchCode(ctx, f.Account, f.Region, f.Name, "UpdateFunctionCode",
		&FunctionCode{ZipFile: in.ZipFile, S3Bucket: in.S3Bucket, S3Key: in.S3Key, ImageUri: in.ImageUri})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.RevisionId != nil && *in.RevisionId != f.Latest.RevisionID {
		return nil, preconditionFailed("The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
	}
	if in.DryRun {
		cfg := f.config(f.Latest)
		cfg.CodeSha256, cfg.CodeSize = c.sha, c.size
		return cfg, nil
	}
	nv := *f.Latest
	nv.CodeSha256, nv.CodeSize, nv.CodeDir, nv.HotReload = c.sha, c.size, c.dir, c.hot
	if in.Architectures != nil {
		nv.Architectures = in.Architectures
	}
	nv.LastModified, nv.RevisionID = s.now(), newRevision()
	old := f.Latest
	f.Latest = &nv
	out := f.Latest
	if in.Publish {
		out = f.publish(f.Latest, "", s.now())
	}
	if err := s.save(ctx, f); err != nil {
		f.Latest = old
		return nil, err
	}
	s.retireLocked(f, "$LATEST")
	cfg := f.config(out)
	cfg.LastUpdateStatus, cfg.LastUpdateStatusReason, cfg.LastUpdateStatusReasonCode = "InProgress", "The function is being created.", "Creating"
	return cfg, nil
}

// UpdateFunctionConfigurationInput is UpdateFunctionConfiguration's request.
type UpdateFunctionConfigurationInput struct {
	FunctionName     string            `location:"uri" name:"FunctionName"`
	Role             *string           `json:"Role"`
	Handler          *string           `json:"Handler"`
	Description      *string           `json:"Description"`
	Timeout          *int              `json:"Timeout"`
	MemorySize       *int              `json:"MemorySize"`
	Environment      *Environment      `json:"Environment"`
	Runtime          *string           `json:"Runtime"`
	RevisionId       *string           `json:"RevisionId"`
	EphemeralStorage *EphemeralStorage `json:"EphemeralStorage"`
}

// UpdateFunctionConfiguration changes $LATEST's settings; warm sandboxes are retired.
func (s *Service) UpdateFunctionConfiguration(ctx context.Context, in *UpdateFunctionConfigurationInput) (*FunctionConfiguration, error) {
	var v validation
	checkFunctionName(&v, in.FunctionName, 140)
	if in.Role != nil {
		checkRole(&v, *in.Role)
	}
	checkRuntime(&v, in.Runtime)
	checkHandler(&v, in.Handler)
	checkTimeout(&v, in.Timeout)
	checkMemory(&v, in.MemorySize)
	checkDescription(&v, in.Description)
	if err := v.err(); err != nil {
		return nil, err
	}
	if in.Runtime != nil {
		if err := runtimeUsable(*in.Runtime); err != nil {
			return nil, err
		}
	}
	if err := checkEnvironment(in.Environment); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, _, err := s.lookup(ctx, in.FunctionName)
	if err != nil {
		return nil, err
	}
	if in.RevisionId != nil && *in.RevisionId != f.Latest.RevisionID {
		return nil, preconditionFailed("The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
	}
	nv := *f.Latest
	if in.Role != nil {
		nv.Role = *in.Role
	}
	if in.Handler != nil {
		nv.Handler = *in.Handler
	}
	if in.Description != nil {
		nv.Description = *in.Description
	}
	if in.Timeout != nil {
		nv.Timeout = *in.Timeout
	}
	if in.MemorySize != nil {
		nv.MemorySize = *in.MemorySize
	}
	if in.Runtime != nil {
		nv.Runtime = *in.Runtime
	}
	if in.Environment != nil {
		nv.Env = in.Environment.Variables
		if len(nv.Env) == 0 {
			nv.Env = nil
		}
	}
	if in.EphemeralStorage != nil {
		nv.Ephemeral = in.EphemeralStorage.Size
	}
	nv.LastModified, nv.RevisionID = s.now(), newRevision()
	old := f.Latest
	f.Latest = &nv
	if err := s.save(ctx, f); err != nil {
		f.Latest = old
		return nil, err
	}
	s.retireLocked(f, "$LATEST")
	cfg := f.config(f.Latest)
	cfg.LastUpdateStatus, cfg.LastUpdateStatusReason, cfg.LastUpdateStatusReasonCode = "InProgress", "The function is being updated.", "Updating"
	return cfg, nil
}

// DeleteFunctionInput is DeleteFunction's request.
type DeleteFunctionInput struct {
	FunctionName string  `location:"uri" name:"FunctionName"`
	Qualifier    *string `location:"querystring" name:"Qualifier"`
}

// DeleteFunctionOutput is DeleteFunction's (empty) response.
type DeleteFunctionOutput struct {
	StatusCode int `location:"statusCode"`
}

// DeleteFunction deletes a function (or one published version) and its sandboxes.
func (s *Service) DeleteFunction(ctx context.Context, in *DeleteFunctionInput) (*DeleteFunctionOutput, error) {
	var v validation
	checkFunctionName(&v, in.FunctionName, 140)
	checkQualifier(&v, in.Qualifier)
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, q, err := s.lookup(ctx, in.FunctionName)
	if err != nil {
		return nil, err
	}
	if in.Qualifier != nil {
		q = pickQualifier(*in.Qualifier, q)
	}
	if q != "" {
		if q == "$LATEST" {
			return nil, invalidParam("$LATEST version cannot be deleted without deleting the function.")
		}
		if f.Versions[q] == nil {
			return nil, functionNotFound(f.arn() + ":" + q)
		}
		for _, a := range f.Aliases {
			if a.Version == q {
				return nil, conflict(fmt.Sprintf("Unable to delete version because the following aliases reference it: [%s]", a.Name))
			}
		}
		delete(f.Versions, q)
		if err := s.save(ctx, f); err != nil {
			return nil, err
		}
		s.retireLocked(f, q)
		return &DeleteFunctionOutput{StatusCode: 204}, nil
	}
	if err := s.remove(ctx, f); err != nil {
		return nil, err
	}
	delete(s.funcs, f.key())
	s.retireLocked(f, "")
	s.discardCode(f)
	return &DeleteFunctionOutput{StatusCode: 204}, nil
}
