package apigateway

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/request"
)

// AuthorizerInput names an authorizer.
type AuthorizerInput struct {
	RestApiID    string `location:"uri" name:"restapi_id"`
	AuthorizerID string `location:"uri" name:"authorizer_id"`
}

// CreateAuthorizerInput is CreateAuthorizer's request.
type CreateAuthorizerInput struct {
	RestApiID                    string   `location:"uri" name:"restapi_id"`
	Name                         string   `json:"name"`
	Type                         string   `json:"type"`
	ProviderARNs                 []string `json:"providerARNs"`
	AuthType                     string   `json:"authType"`
	AuthorizerURI                string   `json:"authorizerUri"`
	AuthorizerCredentials        string   `json:"authorizerCredentials"`
	IdentitySource               string   `json:"identitySource"`
	IdentityValidationExpression string   `json:"identityValidationExpression"`
	AuthorizerResultTTLInSeconds *int     `json:"authorizerResultTtlInSeconds"`
}

// UpdateAuthorizerInput is UpdateAuthorizer's request.
type UpdateAuthorizerInput struct {
	RestApiID       string           `location:"uri" name:"restapi_id"`
	AuthorizerID    string           `location:"uri" name:"authorizer_id"`
	PatchOperations []PatchOperation `json:"patchOperations"`
}

func authorizerNotFound() error { return notFound("Invalid Authorizer identifier specified") }

var identitySourceRE = regexp.MustCompile(`^(method\.request\.(header|querystring|multivalueheader|multivaluequerystring)\.[^\s,]+|stageVariables\.[^\s,]+|context\.[^\s,]+)$`)

func checkAuthorizer(a *Authorizer) error {
	if strings.TrimSpace(a.Name) == "" {
		return badRequest("Authorizer name must be non-empty")
	}
	switch a.Type {
	case "TOKEN", "REQUEST":
		if !lambdaURIRE.MatchString(a.AuthorizerURI) {
			return badRequest("Invalid Authorizer URI specified: " + a.AuthorizerURI)
		}
	case "COGNITO_USER_POOLS":
		if len(a.ProviderARNs) == 0 {
			return badRequest("ProviderARNs need to be specified for COGNITO_USER_POOLS authorizers")
		}
	default:
		return badRequest("Invalid authorizer type specified. Valid options are TOKEN,REQUEST,COGNITO_USER_POOLS")
	}
	if a.Type == "TOKEN" && !strings.HasPrefix(a.IdentitySource, "method.request.header.") {
		return badRequest("Invalid identity source specified: " + a.IdentitySource + ". TOKEN authorizers need a method.request.header.* identity source")
	}
	if a.IdentitySource != "" {
		for _, src := range strings.Split(a.IdentitySource, ",") {
			if !identitySourceRE.MatchString(strings.TrimSpace(src)) {
				return badRequest("Invalid identity source specified: " + a.IdentitySource)
			}
		}
	}
	if a.IdentityValidationExpression != "" {
		if _, err := regexp.Compile(a.IdentityValidationExpression); err != nil {
			return badRequest("Invalid identity validation expression specified: " + a.IdentityValidationExpression)
		}
	}
	if t := a.AuthorizerResultTTLInSeconds; t != nil && (*t < 0 || *t > 3600) {
		return badRequest("Authorizer result TTL must be between 0 and 3600 seconds")
	}
	return nil
}

// CreateAuthorizer adds an authorizer.
func (s *Service) CreateAuthorizer(ctx context.Context, in *CreateAuthorizerInput) (*Authorizer, error) {
	info := request.From(ctx)
	a := &Authorizer{ID: newID(6), Name: in.Name, Type: in.Type, ProviderARNs: in.ProviderARNs, AuthType: in.AuthType,
		AuthorizerURI: in.AuthorizerURI, AuthorizerCredentials: in.AuthorizerCredentials, IdentitySource: in.IdentitySource,
		IdentityValidationExpression: in.IdentityValidationExpression, AuthorizerResultTTLInSeconds: in.AuthorizerResultTTLInSeconds}
	if a.AuthorizerResultTTLInSeconds == nil {
		a.AuthorizerResultTTLInSeconds = ptr(300)
	}
	if a.AuthType == "" && a.Type != "COGNITO_USER_POOLS" {
		a.AuthType = "custom"
	}
	if err := checkAuthorizer(a); err != nil {
		return nil, err
	}
	err := s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		if d.Authorizers == nil {
			d.Authorizers = map[string]*Authorizer{}
		}
		d.Authorizers[a.ID] = a
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// GetAuthorizer returns an authorizer.
func (s *Service) GetAuthorizer(ctx context.Context, in *AuthorizerInput) (*Authorizer, error) {
	info := request.From(ctx)
	var out *Authorizer
	err := s.viewAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		if out = d.Authorizers[in.AuthorizerID]; out == nil {
			return authorizerNotFound()
		}
		return nil
	})
	return out, err
}

// GetAuthorizers lists an API's authorizers.
func (s *Service) GetAuthorizers(ctx context.Context, in *ListInput) (*List[*Authorizer], error) {
	info := request.From(ctx)
	var all []*Authorizer
	err := s.viewAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		for _, a := range d.Authorizers {
			all = append(all, a)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b *Authorizer) int { return strings.Compare(a.Name, b.Name) })
	items, pos, err := page(all, in.Position, in.Limit)
	if err != nil {
		return nil, err
	}
	return &List[*Authorizer]{Items: items, Position: pos}, nil
}

// DeleteAuthorizer removes an authorizer no method uses.
func (s *Service) DeleteAuthorizer(ctx context.Context, in *AuthorizerInput) (*Empty, error) {
	info := request.From(ctx)
	return nil, s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		if d.Authorizers[in.AuthorizerID] == nil {
			return authorizerNotFound()
		}
		for _, r := range d.Resources {
			for _, m := range r.ResourceMethods {
				if m.AuthorizerID == in.AuthorizerID {
					return conflict("Cannot delete authorizer '" + d.Authorizers[in.AuthorizerID].Name + "', is referenced in method: " + r.Path + "/" + m.HTTPMethod)
				}
			}
		}
		delete(d.Authorizers, in.AuthorizerID)
		return nil
	})
}

// UpdateAuthorizer applies patch operations to an authorizer.
func (s *Service) UpdateAuthorizer(ctx context.Context, in *UpdateAuthorizerInput) (*Authorizer, error) {
	info := request.From(ctx)
	var out *Authorizer
	err := s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		a := d.Authorizers[in.AuthorizerID]
		if a == nil {
			return authorizerNotFound()
		}
		na := *a
		if err := applyPatch(&na, in.PatchOperations, patchSpec{"name": kString, "type": kString, "authorizerUri": kString,
			"authorizerCredentials": kString, "identitySource": kString, "identityValidationExpression": kString,
			"authorizerResultTtlInSeconds": kInt, "authType": kString, "providerARNs": kList}); err != nil {
			return err
		}
		na.ID = a.ID
		if err := checkAuthorizer(&na); err != nil {
			return err
		}
		d.Authorizers[in.AuthorizerID] = &na
		out = &na
		return nil
	})
	return out, err
}

// authResult is a Lambda authorizer's answer, cached by identity for the
// authorizer's TTL (its policy is evaluated again for each method ARN, so
// a policy naming one method denies the others while cached, as on AWS).
type authResult struct {
	principalID string
	statements  []policyStatement
	context     map[string]any
	expires     time.Time
}

type policyStatement struct {
	Effect   string
	Action   []string
	Resource []string
}

type authCache struct {
	mu sync.Mutex
	m  map[string]*authResult
}

func (c *authCache) get(key string, now time.Time) *authResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.m[key]
	if r != nil && now.After(r.expires) {
		delete(c.m, key)
		return nil
	}
	return r
}

func (c *authCache) put(key string, r *authResult) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10000 {
		c.m = map[string]*authResult{}
	}
	c.m[key] = r
}

// stringOrList reads an IAM policy member that is a string or a list.
func stringOrList(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	json.Unmarshal(raw, &many)
	return many
}

// parseAuthResult reads {principalId, policyDocument, context}.
func parseAuthResult(payload []byte) (*authResult, bool) {
	var out struct {
		PrincipalID    any `json:"principalId"`
		PolicyDocument *struct {
			Statement json.RawMessage `json:"Statement"`
		} `json:"policyDocument"`
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(payload, &out); err != nil || out.PolicyDocument == nil || out.PrincipalID == nil {
		return nil, false
	}
	var raws []map[string]json.RawMessage
	if json.Unmarshal(out.PolicyDocument.Statement, &raws) != nil {
		var one map[string]json.RawMessage
		if json.Unmarshal(out.PolicyDocument.Statement, &one) != nil {
			return nil, false
		}
		raws = []map[string]json.RawMessage{one}
	}
	r := &authResult{principalID: scalarString(out.PrincipalID), context: out.Context}
	for _, st := range raws {
		var effect string
		json.Unmarshal(st["Effect"], &effect)
		r.statements = append(r.statements, policyStatement{Effect: effect, Action: stringOrList(st["Action"]), Resource: stringOrList(st["Resource"])})
	}
	for _, v := range r.context {
		switch v.(type) {
		case string, float64, bool, nil:
		default:
			// AWS refuses objects and arrays in the context.
			return nil, false
		}
	}
	return r, true
}

// wildcardMatch matches IAM's * and ? wildcards.
func wildcardMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if wildcardMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && wildcardMatch(pattern[1:], s[1:])
	}
	return s != "" && pattern[0] == s[0] && wildcardMatch(pattern[1:], s[1:])
}

// decide evaluates the policy for methodARN: "deny" (an explicit Deny),
// "allow", or "" (no statement allows it).
func (r *authResult) decide(methodARN string) string {
	allowed := false
	for _, st := range r.statements {
		actionOK := false
		for _, a := range st.Action {
			if wildcardMatch(strings.ToLower(a), "execute-api:invoke") {
				actionOK = true
			}
		}
		if !actionOK {
			continue
		}
		for _, res := range st.Resource {
			if wildcardMatch(res, methodARN) {
				if st.Effect == "Deny" {
					return "deny"
				}
				if st.Effect == "Allow" {
					allowed = true
				}
			}
		}
	}
	if allowed {
		return "allow"
	}
	return ""
}

// authorize runs the method's Lambda authorizer; it answers the client
// itself and returns false when the request may not proceed.
func (c *call) authorize(ctx context.Context) bool {
	a := c.t.c.doc.Authorizers[c.method.AuthorizerID]
	if a == nil || a.Type == "COGNITO_USER_POOLS" {
		c.errorMsg = "Cognito user pool authorizers are not supported by nimbus"
		c.gateway("AUTHORIZER_CONFIGURATION_ERROR", "")
		return false
	}
	methodARN := "arn:aws:execute-api:" + c.t.c.region + ":" + c.t.c.account + ":" + c.apiID + "/" + c.stage + "/" + c.r.Method + c.path
	var identity []string
	for _, src := range strings.Split(a.IdentitySource, ",") {
		src = strings.TrimSpace(src)
		if src == "" {
			continue
		}
		v, ok := c.paramValue(src)
		if !ok || v == "" {
			if a.Type == "TOKEN" || a.AuthorizerResultTTLInSeconds == nil || *a.AuthorizerResultTTLInSeconds > 0 {
				c.gateway("UNAUTHORIZED", "Unauthorized")
				return false
			}
		}
		identity = append(identity, v)
	}
	if a.Type == "TOKEN" && a.IdentityValidationExpression != "" {
		if re, err := regexp.Compile(`^(?:` + a.IdentityValidationExpression + `)$`); err == nil && !re.MatchString(identity[0]) {
			c.gateway("UNAUTHORIZED", "Unauthorized")
			return false
		}
	}
	ttl := 300
	if a.AuthorizerResultTTLInSeconds != nil {
		ttl = *a.AuthorizerResultTTLInSeconds
	}
	key := c.t.c.account + "/" + c.apiID + "/" + a.ID + "/" + strings.Join(identity, "\x00")
	now := time.Now()
	var res *authResult
	if ttl > 0 {
		res = c.s.auth.get(key, now)
	}
	if res == nil {
		var ev map[string]any
		if a.Type == "TOKEN" {
			ev = map[string]any{"type": "TOKEN", "authorizationToken": identity[0], "methodArn": methodARN}
		} else {
			ev = c.proxyEvent()
			ev["type"] = "REQUEST"
			ev["methodArn"] = methodARN
			delete(ev, "body")
			delete(ev, "isBase64Encoded")
		}
		payload, _ := json.Marshal(ev)
		m := lambdaURIRE.FindStringSubmatch(c.stageVarsIn(a.AuthorizerURI))
		if m == nil || c.s.lambda == nil {
			c.gateway("AUTHORIZER_CONFIGURATION_ERROR", "")
			return false
		}
		out, err := c.s.lambda(ctx, FunctionCall{Account: c.t.c.account, Region: c.t.c.region, FunctionName: m[2], Payload: payload,
			SourceARN: "arn:aws:execute-api:" + c.t.c.region + ":" + c.t.c.account + ":" + c.apiID + "/authorizers/" + a.ID})
		if err != nil {
			c.s.log.Info("Execution failed due to configuration error: authorizer", "request_id", c.info.ID, "err", err)
			c.gateway("AUTHORIZER_CONFIGURATION_ERROR", "")
			return false
		}
		if out.FunctionError != "" {
			var e struct {
				ErrorMessage string `json:"errorMessage"`
			}
			json.Unmarshal(out.Payload, &e)
			if e.ErrorMessage == "Unauthorized" {
				c.gateway("UNAUTHORIZED", "Unauthorized")
			} else {
				c.gateway("AUTHORIZER_FAILURE", "")
			}
			return false
		}
		var ok bool
		if res, ok = parseAuthResult(out.Payload); !ok {
			c.s.log.Info("Execution failed due to configuration error: Invalid JSON in response", "request_id", c.info.ID, "payload", string(out.Payload))
			c.gateway("AUTHORIZER_CONFIGURATION_ERROR", "")
			return false
		}
		if ttl > 0 {
			res.expires = now.Add(time.Duration(ttl) * time.Second)
			c.s.auth.put(key, res)
		}
	}
	switch res.decide(methodARN) {
	case "deny":
		c.gateway("ACCESS_DENIED", "User is not authorized to access this resource with an explicit deny")
		return false
	case "":
		c.gateway("ACCESS_DENIED", "User is not authorized to access this resource")
		return false
	}
	authz := map[string]any{"principalId": res.principalID}
	for k, v := range res.context {
		// API Gateway hands context values on as strings.
		switch x := v.(type) {
		case float64:
			authz[k] = strconv.FormatFloat(x, 'f', -1, 64)
		case bool:
			authz[k] = strconv.FormatBool(x)
		case nil:
			authz[k] = ""
		default:
			authz[k] = v
		}
	}
	c.ctx["authorizer"] = authz
	return true
}
