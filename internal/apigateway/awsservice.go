package apigateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/nimbus-cloud/nimbus/internal/credentials"
)

// AWS integrations with services other than Lambda (DynamoDB's PutItem,
// S3 paths...) are real requests to nimbus's own endpoint, signed with
// temporary credentials nimbus issues for the API's account, so they go
// through the same edge, authentication and service code as any client's.

// awsServiceURIRE reads arn:aws:apigateway:{region}:{[subdomain.]service}:{action|path}/{rest}.
var awsServiceURIRE = regexp.MustCompile(`^arn:aws[a-z-]*:apigateway:([a-z0-9-]+):(?:[a-z0-9-]+\.)?([a-z0-9-]+):(action|path)/(.+)$`)

// jsonTargets are the awsJson services reachable by action: their
// X-Amz-Target prefix and content type.
var jsonTargets = map[string][2]string{
	"dynamodb": {"DynamoDB_20120810", "application/x-amz-json-1.0"},
	"logs":     {"Logs_20140328", "application/x-amz-json-1.1"},
}

// serviceKeys issues and reuses one temporary key per account.
type serviceKeys struct {
	store *credentials.Store
	mu    sync.Mutex
	keys  map[string]credentials.Key
}

func (k *serviceKeys) get(account string) credentials.Key {
	k.mu.Lock()
	defer k.mu.Unlock()
	key, ok := k.keys[account]
	if !ok || time.Until(key.Expires) < 10*time.Minute {
		key = k.store.Issue(account, "arn:aws:sts::"+account+":assumed-role/apigateway/apigateway", time.Hour)
		if k.keys == nil {
			k.keys = map[string]credentials.Key{}
		}
		k.keys[account] = key
	}
	return key
}

// awsService runs a non-Lambda AWS integration.
func (c *call) awsService(ctx context.Context, ig *Integration, body []byte, ov *overrides) (*backendAnswer, bool) {
	m := awsServiceURIRE.FindStringSubmatch(c.stageVarsIn(ig.URI))
	if m == nil || c.s.endpoint == nil || c.s.keys == nil {
		c.errorMsg = "Execution failed due to configuration error: unsupported AWS integration " + ig.URI
		c.internalError()
		return nil, false
	}
	region, service, kind, rest := m[1], m[2], m[3], m[4]
	var req *http.Request
	var err error
	base := c.s.endpoint()
	switch kind {
	case "action":
		action, _, _ := strings.Cut(rest, "&")
		t, ok := jsonTargets[service]
		if !ok {
			c.errorMsg = "Execution failed due to configuration error: the " + service + " service is not reachable by action from nimbus's API Gateway"
			c.internalError()
			return nil, false
		}
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, base+"/", bytes.NewReader(body))
		if err == nil {
			req.Header.Set("X-Amz-Target", t[0]+"."+action)
			req.Header.Set("Content-Type", t[1])
		}
	case "path":
		u, uerr := c.integrationURL(&Integration{URI: base + "/" + rest, RequestParameters: ig.RequestParameters}, false)
		if uerr != nil {
			c.internalError()
			return nil, false
		}
		method := ig.HTTPMethod
		if method == "ANY" {
			method = c.r.Method
		}
		req, err = http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", c.r.Header.Get("Content-Type"))
		}
	}
	if err != nil {
		c.internalError()
		return nil, false
	}
	for k, v := range ig.RequestParameters {
		if name, ok := strings.CutPrefix(k, "integration.request.header."); ok {
			if val, ok := c.paramValue(v); ok {
				req.Header.Set(name, val)
			}
		}
	}
	if ov != nil {
		for k, v := range ov.reqHeader {
			req.Header.Set(k, v)
		}
	}
	key := c.s.keys.get(c.t.c.account)
	sum := sha256.Sum256(body)
	req.ContentLength = int64(len(body))
	err = v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: key.AccessKey, SecretAccessKey: key.Secret, SessionToken: key.SessionToken},
		req, hex.EncodeToString(sum[:]), service, region, time.Now())
	if err != nil {
		c.internalError()
		return nil, false
	}
	resp, ok := c.send(req)
	if !ok {
		return nil, false
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(io.LimitReader(resp.Body, 10<<20+1))
	if err != nil {
		c.gateway("INTEGRATION_FAILURE", "Internal server error")
		return nil, false
	}
	return &backendAnswer{status: resp.StatusCode, header: resp.Header, body: rb}, true
}
