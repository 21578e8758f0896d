package iam

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/iam/policy"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// STS limits.
const (
	minSessionSeconds     = 900
	maxSessionTokenSecs   = 129600
	defaultSessionToken   = 43200
	rootSessionTokenLimit = 3600
	maxSessionPolicy      = 2048
)

var (
	reSession      = regexp.MustCompile(`^[\w+=,.@-]*$`)
	reSessionShown = `[\w+=,.@-]*`
)

// caller is who signed a request, as STS describes it.
type caller struct {
	arn, userID string
	temporary   bool
}

// callerARN is the ARN of the request's caller (root for unknown keys).
func (s *Service) callerARN(ctx context.Context) string {
	return s.whoami(ctx).arn
}

func (s *Service) whoami(ctx context.Context) caller {
	info := request.From(ctx)
	root := caller{arn: "arn:aws:iam::" + info.Account + ":root", userID: info.Account}
	k, ok := s.keys.Lookup(info.AccessKey)
	if !ok || k.Principal == "" {
		if ok && k.SessionToken != "" {
			root.temporary = true
		}
		return root
	}
	c := caller{arn: k.Principal, temporary: k.SessionToken != ""}
	rest, _ := strings.CutPrefix(k.Principal, "arn:aws:")
	switch {
	case strings.HasPrefix(rest, "sts::") && strings.Contains(rest, ":assumed-role/"):
		_, res, _ := strings.Cut(rest, ":assumed-role/")
		role, session, _ := strings.Cut(res, "/")
		id := stableID("AROA", k.Principal)
		if r, err := s.GetRole(ctx, k.Account, role); err == nil {
			id = r.RoleId
		}
		c.userID = id + ":" + session
	case strings.HasPrefix(rest, "iam::") && strings.Contains(rest, ":user/"):
		name := k.Principal[strings.LastIndexByte(k.Principal, '/')+1:]
		c.userID = stableID("AIDA", k.Principal)
		_ = s.kv.View(ctx, func(r storage.Reader) error {
			if u, err := loadUser(r, k.Account, name); err == nil {
				c.userID = u.ID
			}
			return nil
		})
	default:
		c.userID = stableID("AIDA", k.Principal)
	}
	return c
}

// stableID derives an id for a principal nimbus has no record of (a role
// deleted since its session began), the same every time.
func stableID(prefix, principal string) string {
	sum := sha256.Sum256([]byte(principal))
	b := make([]byte, 17)
	for i := range b {
		b[i] = idAlphabet[int(sum[i])%len(idAlphabet)]
	}
	return prefix + string(b)
}

type GetCallerIdentityOutput struct {
	UserId  string `xml:"UserId"`
	Account string `xml:"Account"`
	Arn     string `xml:"Arn"`
}

func (s *Service) getCallerIdentity(ctx context.Context, _ *struct{}) (*GetCallerIdentityOutput, error) {
	c := s.whoami(ctx)
	return &GetCallerIdentityOutput{UserId: c.userID, Account: request.From(ctx).Account, Arn: c.arn}, nil
}

// Credentials are temporary credentials.
type Credentials struct {
	AccessKeyId     string    `xml:"AccessKeyId"`
	SecretAccessKey string    `xml:"SecretAccessKey"`
	SessionToken    string    `xml:"SessionToken"`
	Expiration      time.Time `xml:"Expiration"`
}

type AssumedRoleUser struct {
	AssumedRoleId string `xml:"AssumedRoleId"`
	Arn           string `xml:"Arn"`
}

type AssumeRoleInput struct {
	RoleArn         *string
	RoleSessionName *string
	DurationSeconds *int32
	Policy          *string
	ExternalId      *string
	Tags            []Tag
}

type AssumeRoleOutput struct {
	Credentials      *Credentials     `xml:"Credentials"`
	AssumedRoleUser  *AssumedRoleUser `xml:"AssumedRoleUser"`
	PackedPolicySize *int32           `xml:"PackedPolicySize"`
}

func (s *Service) assumeRole(ctx context.Context, in *AssumeRoleInput) (*AssumeRoleOutput, error) {
	var v validation
	v.str(in.RoleArn, "roleArn", true, 20, 2048, nil, "")
	v.str(in.RoleSessionName, "roleSessionName", true, 2, 64, reSession, reSessionShown)
	v.intRange(in.DurationSeconds, "durationSeconds", minSessionSeconds, maxSessionLimit)
	v.str(in.ExternalId, "externalId", false, 2, 1224, regexp.MustCompile(`^[\w+=,.@:/-]*$`), `[\w+=,.@:\/-]*`)
	v.str(in.Policy, "policy", false, 1, maxSessionPolicy, reDoc, reDocShown)
	if err := v.err(); err != nil {
		return nil, err
	}
	if in.Policy != nil {
		if _, err := policy.Parse(*in.Policy, policy.Identity); err != nil {
			return nil, malformed(err.Error())
		}
		if policy.Size(*in.Policy) > maxSessionPolicy {
			return nil, &awserr.Error{Code: "PackedPolicyTooLarge", Status: http.StatusBadRequest,
				Message: "Packed size of consolidated session policies exceeds 100%."}
		}
	}
	arn := *in.RoleArn
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	account, res, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 || !isAccount(account) || !strings.HasPrefix(res, "role/") {
		return nil, &awserr.Error{Code: "ValidationError", Status: http.StatusBadRequest,
			Message: fmt.Sprintf("%s is invalid", arn)}
	}
	name := res[strings.LastIndexByte(res, '/')+1:]
	denied := &awserr.Error{Code: "AccessDenied", Status: http.StatusForbidden,
		Message: fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", s.callerARN(ctx), arn)}
	role, err := s.GetRole(ctx, account, name)
	if ae, ok := awserr.As(err); ok && ae.Code == "NoSuchEntity" {
		return nil, denied
	}
	if err != nil {
		return nil, err
	}
	if role.Arn != arn { // same name, other path
		return nil, denied
	}
	dur := int32(maxSessionDefault)
	if in.DurationSeconds != nil {
		dur = *in.DurationSeconds
		if dur > role.MaxSessionDuration {
			return nil, &awserr.Error{Code: "ValidationError", Status: http.StatusBadRequest,
				Message: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."}
		}
	}
	principal := "arn:aws:sts::" + account + ":assumed-role/" + role.RoleName + "/" + *in.RoleSessionName
	k := s.keys.Issue(account, principal, time.Duration(dur)*time.Second)
	out := &AssumeRoleOutput{
		Credentials:     &Credentials{AccessKeyId: k.AccessKey, SecretAccessKey: k.Secret, SessionToken: k.SessionToken, Expiration: k.Expires.UTC()},
		AssumedRoleUser: &AssumedRoleUser{AssumedRoleId: role.RoleId + ":" + *in.RoleSessionName, Arn: principal},
	}
	if in.Policy != nil {
		n := int32(policy.Size(*in.Policy) * 100 / maxSessionPolicy)
		out.PackedPolicySize = &n
	}
	return out, nil
}

type GetSessionTokenInput struct {
	DurationSeconds *int32
	SerialNumber    *string
	TokenCode       *string
}

type GetSessionTokenOutput struct {
	Credentials *Credentials `xml:"Credentials"`
}

func (s *Service) getSessionToken(ctx context.Context, in *GetSessionTokenInput) (*GetSessionTokenOutput, error) {
	var v validation
	v.intRange(in.DurationSeconds, "durationSeconds", minSessionSeconds, maxSessionTokenSecs)
	if err := v.err(); err != nil {
		return nil, err
	}
	c := s.whoami(ctx)
	if c.temporary {
		return nil, &awserr.Error{Code: "AccessDenied", Status: http.StatusForbidden,
			Message: "Cannot call GetSessionToken with session credentials"}
	}
	info := request.From(ctx)
	dur := int32(defaultSessionToken)
	if in.DurationSeconds != nil {
		dur = *in.DurationSeconds
	}
	principal := ""
	if strings.HasSuffix(c.arn, ":root") {
		dur = min(dur, rootSessionTokenLimit) // root sessions last at most an hour
	} else {
		principal = c.arn
	}
	k := s.keys.Issue(info.Account, principal, time.Duration(dur)*time.Second)
	return &GetSessionTokenOutput{Credentials: &Credentials{AccessKeyId: k.AccessKey, SecretAccessKey: k.Secret,
		SessionToken: k.SessionToken, Expiration: k.Expires.UTC()}}, nil
}
