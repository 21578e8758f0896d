package lambda

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/request"
)

// unreservedMinimum is the concurrency AWS keeps unreserved in an account.
const unreservedMinimum = 100

// PutFunctionConcurrencyInput is PutFunctionConcurrency's request.
type PutFunctionConcurrencyInput struct {
	FunctionName                 string `location:"uri" name:"FunctionName"`
	ReservedConcurrentExecutions *int   `json:"ReservedConcurrentExecutions"`
}

// PutFunctionConcurrency reserves concurrency for a function (and caps it).
func (s *Service) PutFunctionConcurrency(ctx context.Context, in *PutFunctionConcurrencyInput) (*Concurrency, error) {
	var v validation
	checkFunctionName(&v, in.FunctionName, 140)
	if in.ReservedConcurrentExecutions == nil {
		v.add("Value null at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must not be null")
	} else if *in.ReservedConcurrentExecutions < 0 {
		v.add("Value '%d' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0", *in.ReservedConcurrentExecutions)
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
	n := *in.ReservedConcurrentExecutions
	reserved := 0
	for _, g := range s.funcs {
		if g != f && g.Account == f.Account && g.Region == f.Region && g.Reserved != nil {
			reserved += *g.Reserved
		}
	}
	if reserved+n > s.o.AccountConcurrency-unreservedMinimum {
		return nil, invalidParam(fmt.Sprintf("Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [%d].", unreservedMinimum))
	}
	old := f.Reserved
	f.Reserved = &n
	if err := s.save(ctx, f); err != nil {
		f.Reserved = old
		return nil, err
	}
	return &Concurrency{ReservedConcurrentExecutions: &n}, nil
}

// FunctionNameInput names a function.
type FunctionNameInput struct {
	FunctionName string `location:"uri" name:"FunctionName"`
}

// GetFunctionConcurrency returns the reserved concurrency ({} if none).
func (s *Service) GetFunctionConcurrency(ctx context.Context, in *FunctionNameInput) (*Concurrency, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, _, err := s.lookup(ctx, in.FunctionName)
	if err != nil {
		return nil, err
	}
	return &Concurrency{ReservedConcurrentExecutions: f.Reserved}, nil
}

// DeleteFunctionConcurrency removes the reservation.
func (s *Service) DeleteFunctionConcurrency(ctx context.Context, in *FunctionNameInput) (*EmptyOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, _, err := s.lookup(ctx, in.FunctionName)
	if err != nil {
		return nil, err
	}
	f.Reserved = nil
	if err := s.save(ctx, f); err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

// ProvisionedConcurrencyInput is Put/GetProvisionedConcurrencyConfig's request.
type ProvisionedConcurrencyInput struct {
	FunctionName                    string `location:"uri" name:"FunctionName"`
	Qualifier                       string `location:"querystring" name:"Qualifier"`
	ProvisionedConcurrentExecutions *int   `json:"ProvisionedConcurrentExecutions"`
}

// ProvisionedConcurrencyOutput describes provisioned concurrency.
type ProvisionedConcurrencyOutput struct {
	RequestedProvisionedConcurrentExecutions int    `json:"RequestedProvisionedConcurrentExecutions"`
	AvailableProvisionedConcurrentExecutions int    `json:"AvailableProvisionedConcurrentExecutions"`
	AllocatedProvisionedConcurrentExecutions int    `json:"AllocatedProvisionedConcurrentExecutions"`
	Status                                   string `json:"Status"`
	LastModified                             string `json:"LastModified"`
}

// PutProvisionedConcurrencyConfig pre-warms sandboxes for a version or alias.
func (s *Service) PutProvisionedConcurrencyConfig(ctx context.Context, in *ProvisionedConcurrencyInput) (*ProvisionedConcurrencyOutput, error) {
	var v validation
	checkFunctionName(&v, in.FunctionName, 140)
	if in.ProvisionedConcurrentExecutions == nil {
		v.add("Value null at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must not be null")
	} else if *in.ProvisionedConcurrentExecutions < 1 {
		v.add("Value '%d' at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 1", *in.ProvisionedConcurrentExecutions)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	f, _, err := s.lookup(ctx, in.FunctionName)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if in.Qualifier == "" || in.Qualifier == "$LATEST" {
		s.mu.Unlock()
		return nil, invalidParam("Provisioned Concurrency Configs cannot be applied to unpublished function versions.")
	}
	ver, err := f.resolve(in.Qualifier)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	n := *in.ProvisionedConcurrentExecutions
	if f.Reserved != nil && n > *f.Reserved {
		s.mu.Unlock()
		return nil, invalidParam(fmt.Sprintf("Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function: %d", *f.Reserved))
	}
	if f.Provisioned == nil {
		f.Provisioned = map[string]int{}
	}
	f.Provisioned[in.Qualifier] = n
	if err := s.save(ctx, f); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	fc, vc := *f, *ver
	s.mu.Unlock()
	// Pre-warm: start the sandboxes now, in the background.
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.prewarm(&fc, &vc, n)
	}()
	now := lambdaTime(s.now())
	return &ProvisionedConcurrencyOutput{RequestedProvisionedConcurrentExecutions: n, AvailableProvisionedConcurrentExecutions: 0,
		AllocatedProvisionedConcurrentExecutions: 0, Status: "IN_PROGRESS", LastModified: now}, nil
}

// GetProvisionedConcurrencyConfig reports provisioned concurrency.
func (s *Service) GetProvisionedConcurrencyConfig(ctx context.Context, in *ProvisionedConcurrencyInput) (*ProvisionedConcurrencyOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, _, err := s.lookup(ctx, in.FunctionName)
	if err != nil {
		return nil, err
	}
	n, ok := f.Provisioned[in.Qualifier]
	if !ok {
		return nil, &awserr.Error{Code: "ProvisionedConcurrencyConfigNotFoundException", Status: 404, Fields: userType, Message: "No Provisioned Concurrency Config found for this function"}
	}
	return &ProvisionedConcurrencyOutput{RequestedProvisionedConcurrentExecutions: n, AvailableProvisionedConcurrentExecutions: n,
		AllocatedProvisionedConcurrentExecutions: n, Status: "READY", LastModified: lambdaTime(f.Latest.LastModified)}, nil
}

// AddPermissionInput is AddPermission's request.
type AddPermissionInput struct {
	FunctionName   string  `location:"uri" name:"FunctionName"`
	Qualifier      *string `location:"querystring" name:"Qualifier"`
	StatementId    string  `json:"StatementId"`
	Action         string  `json:"Action"`
	Principal      string  `json:"Principal"`
	SourceArn      *string `json:"SourceArn"`
	SourceAccount  *string `json:"SourceAccount"`
	PrincipalOrgID *string `json:"PrincipalOrgID"`
	RevisionId     *string `json:"RevisionId"`
}

// AddPermissionOutput is AddPermission's response.
type AddPermissionOutput struct {
	Statement string `json:"Statement"`
}

var (
	statementIDRE = regexp.MustCompile(`^([a-zA-Z0-9-_.]+)$`)
	actionRE      = regexp.MustCompile(`^(lambda:[*]|lambda:[a-zA-Z]+|[*])$`)
	principalRE   = regexp.MustCompile(`^[^\s]+$`)
)

// AddPermission adds a statement to the function's resource policy.
func (s *Service) AddPermission(ctx context.Context, in *AddPermissionInput) (*AddPermissionOutput, error) {
	var v validation
	checkFunctionName(&v, in.FunctionName, 140)
	if !statementIDRE.MatchString(in.StatementId) || len(in.StatementId) > 100 {
		v.add("Value '%s' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)", in.StatementId)
	}
	if !actionRE.MatchString(in.Action) {
		v.add("Value '%s' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])", in.Action)
	}
	if !principalRE.MatchString(in.Principal) {
		v.add("Value '%s' at 'principal' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\\s]+", in.Principal)
	}
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
		if _, err := f.resolve(q); err != nil {
			return nil, err
		}
	}
	if in.RevisionId != nil && *in.RevisionId != f.PolicyRev {
		return nil, preconditionFailed("The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id")
	}
	for _, st := range f.Policy {
		if st.Sid == in.StatementId {
			return nil, conflict(fmt.Sprintf("The statement id (%s) provided already exists. Please provide a new statement id, or remove the existing statement.", in.StatementId))
		}
	}
	st := statement{Sid: in.StatementId, Action: in.Action, Principal: in.Principal, Qualifier: q}
	if in.SourceArn != nil {
		st.SourceArn = *in.SourceArn
	}
	if in.SourceAccount != nil {
		st.SourceAccount = *in.SourceAccount
	}
	if in.PrincipalOrgID != nil {
		st.PrincipalOrg = *in.PrincipalOrgID
	}
	f.Policy = append(f.Policy, st)
	old := f.PolicyRev
	f.PolicyRev = newRevision()
	if err := s.save(ctx, f); err != nil {
		f.Policy = f.Policy[:len(f.Policy)-1]
		f.PolicyRev = old
		return nil, err
	}
	b, _ := json.Marshal(f.statementDoc(st))
	return &AddPermissionOutput{Statement: string(b)}, nil
}

func (f *function) statementDoc(st statement) map[string]any {
	resource := f.arn()
	if st.Qualifier != "" {
		resource += ":" + st.Qualifier
	}
	doc := map[string]any{"Sid": st.Sid, "Effect": "Allow", "Action": st.Action, "Resource": resource}
	switch {
	case st.Principal == "*":
		doc["Principal"] = "*"
	case strings.HasSuffix(st.Principal, ".amazonaws.com") || strings.HasSuffix(st.Principal, ".amazonaws.com.cn"):
		doc["Principal"] = map[string]string{"Service": st.Principal}
	case len(st.Principal) == 12:
		doc["Principal"] = map[string]string{"AWS": "arn:aws:iam::" + st.Principal + ":root"}
	default:
		doc["Principal"] = map[string]string{"AWS": st.Principal}
	}
	cond := map[string]any{}
	if st.SourceArn != "" {
		cond["ArnLike"] = map[string]string{"AWS:SourceArn": st.SourceArn}
	}
	eq := map[string]string{}
	if st.SourceAccount != "" {
		eq["AWS:SourceAccount"] = st.SourceAccount
	}
	if st.PrincipalOrg != "" {
		eq["aws:PrincipalOrgID"] = st.PrincipalOrg
	}
	if len(eq) > 0 {
		cond["StringEquals"] = eq
	}
	if len(cond) > 0 {
		doc["Condition"] = cond
	}
	return doc
}

// RemovePermissionInput is RemovePermission's request.
type RemovePermissionInput struct {
	FunctionName string  `location:"uri" name:"FunctionName"`
	StatementId  string  `location:"uri" name:"StatementId"`
	Qualifier    *string `location:"querystring" name:"Qualifier"`
	RevisionId   *string `location:"querystring" name:"RevisionId"`
}

// RemovePermission removes a statement.
func (s *Service) RemovePermission(ctx context.Context, in *RemovePermissionInput) (*EmptyOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, _, err := s.lookup(ctx, in.FunctionName)
	if err != nil {
		return nil, err
	}
	if in.RevisionId != nil && *in.RevisionId != f.PolicyRev {
		return nil, preconditionFailed("The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id")
	}
	for i, st := range f.Policy {
		if st.Sid == in.StatementId {
			f.Policy = append(f.Policy[:i:i], f.Policy[i+1:]...)
			f.PolicyRev = newRevision()
			if err := s.save(ctx, f); err != nil {
				return nil, err
			}
			return &EmptyOutput{}, nil
		}
	}
	return nil, notFound("Statement " + in.StatementId + " is not found in resource policy.")
}

// GetPolicyInput is GetPolicy's request.
type GetPolicyInput struct {
	FunctionName string  `location:"uri" name:"FunctionName"`
	Qualifier    *string `location:"querystring" name:"Qualifier"`
}

// GetPolicyOutput is GetPolicy's response.
type GetPolicyOutput struct {
	Policy     string `json:"Policy"`
	RevisionId string `json:"RevisionId"`
}

// GetPolicy returns the resource policy document.
func (s *Service) GetPolicy(ctx context.Context, in *GetPolicyInput) (*GetPolicyOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, q, err := s.lookup(ctx, in.FunctionName)
	if err != nil {
		return nil, err
	}
	if in.Qualifier != nil {
		q = pickQualifier(*in.Qualifier, q)
	}
	var stmts []any
	for _, st := range f.Policy {
		if st.Qualifier == q {
			stmts = append(stmts, f.statementDoc(st))
		}
	}
	if len(stmts) == 0 {
		return nil, notFound("The resource you requested does not exist.")
	}
	doc := map[string]any{"Version": "2012-10-17", "Id": "default", "Statement": stmts}
	b, _ := json.Marshal(doc)
	return &GetPolicyOutput{Policy: string(b), RevisionId: f.PolicyRev}, nil
}

// allowed reports whether the function's resource policy lets principal
// (a service such as s3.amazonaws.com) invoke qualifier from sourceARN /
// sourceAccount. Call with s.mu held.
func (f *function) allowed(principal, qualifier, sourceARN, sourceAccount string) bool {
	for _, st := range f.Policy {
		if st.Action != "lambda:InvokeFunction" && st.Action != "lambda:*" && st.Action != "*" {
			continue
		}
		if st.Principal != "*" && st.Principal != principal {
			continue
		}
		if st.Qualifier != "" && st.Qualifier != qualifier {
			continue
		}
		if st.SourceArn != "" && !arnLike(st.SourceArn, sourceARN) {
			continue
		}
		if st.SourceAccount != "" && st.SourceAccount != sourceAccount {
			continue
		}
		return true
	}
	return false
}

// arnLike matches IAM's ArnLike: * and ? wildcards within each of the six
// colon-separated parts.
func arnLike(pattern, arn string) bool {
	pp := strings.SplitN(pattern, ":", 6)
	ap := strings.SplitN(arn, ":", 6)
	if len(pp) != len(ap) {
		return false
	}
	for i := range pp {
		if !globMatch(pp[i], ap[i]) {
			return false
		}
	}
	return true
}

func globMatch(p, s string) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if globMatch(p[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
			p, s = p[1:], s[1:]
		default:
			if s == "" || s[0] != p[0] {
				return false
			}
			p, s = p[1:], s[1:]
		}
	}
	return s == ""
}

// TagsInput names a resource by ARN.
type TagsInput struct {
	Resource string            `location:"uri" name:"Resource"`
	Tags     map[string]string `json:"Tags"`
	TagKeys  []string          `location:"querystring" name:"tagKeys"`
}

// TagsOutput lists tags.
type TagsOutput struct {
	Tags map[string]string `json:"Tags"`
}

func (s *Service) tagged(ctx context.Context, arn string) (*function, error) {
	if !strings.HasPrefix(arn, "arn:") {
		return nil, validationOne(fmt.Sprintf("Value '%s' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", arn))
	}
	f, _, err := s.lookup(ctx, arn)
	return f, err
}

// TagResource adds tags to a function.
func (s *Service) TagResource(ctx context.Context, in *TagsInput) (*EmptyOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.tagged(ctx, in.Resource)
	if err != nil {
		return nil, err
	}
	if f.Tags == nil {
		f.Tags = map[string]string{}
	}
	for k, v := range in.Tags {
		f.Tags[k] = v
	}
	if len(f.Tags) > 50 {
		return nil, invalidParam("Number of tags exceeds resource tag limit.")
	}
	return &EmptyOutput{}, s.save(ctx, f)
}

// UntagResource removes tags.
func (s *Service) UntagResource(ctx context.Context, in *TagsInput) (*EmptyOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.tagged(ctx, in.Resource)
	if err != nil {
		return nil, err
	}
	for _, k := range in.TagKeys {
		delete(f.Tags, k)
	}
	return &EmptyOutput{}, s.save(ctx, f)
}

// ListTags lists a function's tags.
func (s *Service) ListTags(ctx context.Context, in *TagsInput) (*TagsOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.tagged(ctx, in.Resource)
	if err != nil {
		return nil, err
	}
	out := &TagsOutput{Tags: map[string]string{}}
	for k, v := range f.Tags {
		out.Tags[k] = v
	}
	return out, nil
}

// AccountLimit is the account's limits.
type AccountLimit struct {
	TotalCodeSize                  int64 `json:"TotalCodeSize"`
	CodeSizeUnzipped               int64 `json:"CodeSizeUnzipped"`
	CodeSizeZipped                 int64 `json:"CodeSizeZipped"`
	ConcurrentExecutions           int   `json:"ConcurrentExecutions"`
	UnreservedConcurrentExecutions int   `json:"UnreservedConcurrentExecutions"`
}

// AccountUsage is the account's usage.
type AccountUsage struct {
	TotalCodeSize int64 `json:"TotalCodeSize"`
	FunctionCount int   `json:"FunctionCount"`
}

// GetAccountSettingsInput is GetAccountSettings' (empty) request.
type GetAccountSettingsInput struct{}

// GetAccountSettingsOutput is GetAccountSettings' response.
type GetAccountSettingsOutput struct {
	AccountLimit *AccountLimit `json:"AccountLimit"`
	AccountUsage *AccountUsage `json:"AccountUsage"`
}

// GetAccountSettings reports limits and usage in the caller's region.
func (s *Service) GetAccountSettings(ctx context.Context, _ *GetAccountSettingsInput) (*GetAccountSettingsOutput, error) {
	info := request.From(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	usage := &AccountUsage{}
	reserved := 0
	names := []string{}
	for _, f := range s.funcs {
		if f.Account != info.Account || f.Region != info.Region {
			continue
		}
		names = append(names, f.Name)
		usage.FunctionCount++
		usage.TotalCodeSize += f.Latest.CodeSize
		for _, v := range f.Versions {
			usage.TotalCodeSize += v.CodeSize
		}
		if f.Reserved != nil {
			reserved += *f.Reserved
		}
	}
	sort.Strings(names)
	return &GetAccountSettingsOutput{
		AccountLimit: &AccountLimit{TotalCodeSize: 80530636800, CodeSizeUnzipped: maxUnzippedBytes, CodeSizeZipped: maxZipBytes,
			ConcurrentExecutions: s.o.AccountConcurrency, UnreservedConcurrentExecutions: s.o.AccountConcurrency - reserved},
		AccountUsage: usage,
	}, nil
}
