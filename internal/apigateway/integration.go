package apigateway

import (
	"context"
	"net/url"
	"regexp"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/request"
)

// PutIntegrationInput is PutIntegration's request.
type PutIntegrationInput struct {
	RestApiID           string            `location:"uri" name:"restapi_id"`
	ResourceID          string            `location:"uri" name:"resource_id"`
	HTTPMethod          string            `location:"uri" name:"http_method"`
	Type                string            `json:"type"`
	IntegrationMethod   string            `json:"httpMethod"`
	URI                 string            `json:"uri"`
	ConnectionType      string            `json:"connectionType"`
	ConnectionID        string            `json:"connectionId"`
	Credentials         string            `json:"credentials"`
	RequestParameters   map[string]string `json:"requestParameters"`
	RequestTemplates    map[string]string `json:"requestTemplates"`
	PassthroughBehavior string            `json:"passthroughBehavior"`
	CacheNamespace      string            `json:"cacheNamespace"`
	CacheKeyParameters  []string          `json:"cacheKeyParameters"`
	ContentHandling     string            `json:"contentHandling"`
	TimeoutInMillis     *int              `json:"timeoutInMillis"`
	TLSConfig           *TLSConfig        `json:"tlsConfig"`
}

// IntegrationResponseInput names an integration response.
type IntegrationResponseInput struct {
	RestApiID  string `location:"uri" name:"restapi_id"`
	ResourceID string `location:"uri" name:"resource_id"`
	HTTPMethod string `location:"uri" name:"http_method"`
	StatusCode string `location:"uri" name:"status_code"`
}

// PutIntegrationResponseInput is PutIntegrationResponse's request.
type PutIntegrationResponseInput struct {
	RestApiID          string            `location:"uri" name:"restapi_id"`
	ResourceID         string            `location:"uri" name:"resource_id"`
	HTTPMethod         string            `location:"uri" name:"http_method"`
	StatusCode         string            `location:"uri" name:"status_code"`
	SelectionPattern   *string           `json:"selectionPattern"`
	ResponseParameters map[string]string `json:"responseParameters"`
	ResponseTemplates  map[string]string `json:"responseTemplates"`
	ContentHandling    string            `json:"contentHandling"`
}

// UpdateIntegrationResponseInput is UpdateIntegrationResponse's request.
type UpdateIntegrationResponseInput struct {
	RestApiID       string           `location:"uri" name:"restapi_id"`
	ResourceID      string           `location:"uri" name:"resource_id"`
	HTTPMethod      string           `location:"uri" name:"http_method"`
	StatusCode      string           `location:"uri" name:"status_code"`
	PatchOperations []PatchOperation `json:"patchOperations"`
}

// lambdaURIRE is the Lambda invocation URI of AWS and AWS_PROXY integrations.
var lambdaURIRE = regexp.MustCompile(`^arn:aws[a-z-]*:apigateway:([a-z0-9-]+):lambda:path/2015-03-31/functions/(.+)/invocations$`)

var awsURIRE = regexp.MustCompile(`^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:[a-z0-9.-]+:(path|action)/.+$`)

var integrationReqParamRE = regexp.MustCompile(`^integration\.request\.(path|querystring|multivaluequerystring|header|multivalueheader)\.[^\s]+$`)
var integrationRespValueRE = regexp.MustCompile(`^('.*'|integration\.response\.(header|multivalueheader)\.[^\s]+|integration\.response\.body(\.[^\s]+)?|context\.[^\s]+|stageVariables\.[^\s]+)$`)
var requestValueRE = regexp.MustCompile(`^('.*'|method\.request\.(path|querystring|multivaluequerystring|header|multivalueheader)\.[^\s]+|method\.request\.body(\.[^\s]+)?|context\.[^\s]+|stageVariables\.[^\s]+)$`)

func noIntegration() error { return notFound("No integration defined for method") }

func checkIntegration(ig *Integration) error {
	switch ig.Type {
	case "MOCK":
	case "AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY":
		if ig.HTTPMethod == "" {
			return badRequest("Enumeration value for HttpMethod must be non-empty")
		}
		if err := checkHTTPMethod(ig.HTTPMethod); err != nil {
			return err
		}
		if ig.URI == "" {
			return badRequest("Invalid integration URI specified")
		}
	default:
		return badRequest("Invalid integration type specified. Valid options are HTTP,HTTP_PROXY,AWS,AWS_PROXY,MOCK")
	}
	switch ig.Type {
	case "AWS_PROXY":
		if !lambdaURIRE.MatchString(ig.URI) {
			return badRequest("Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations.")
		}
	case "AWS":
		if !awsURIRE.MatchString(ig.URI) {
			return badRequest("AWS ARN for integration must contain path or action")
		}
	case "HTTP", "HTTP_PROXY":
		u, err := url.Parse(ig.URI)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return badRequest("Invalid HTTP endpoint specified for URI")
		}
	}
	switch ig.PassthroughBehavior {
	case "WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER":
	default:
		return badRequest("Invalid passthrough behavior specified: " + ig.PassthroughBehavior + ". Valid options are WHEN_NO_MATCH, WHEN_NO_TEMPLATES, NEVER")
	}
	switch ig.ContentHandling {
	case "", "CONVERT_TO_BINARY", "CONVERT_TO_TEXT":
	default:
		return badRequest("Invalid content handling specified: " + ig.ContentHandling)
	}
	if ig.TimeoutInMillis < 50 || ig.TimeoutInMillis > 29000 {
		return badRequest("Timeout should be between 50 ms and 29000 ms")
	}
	for k, v := range ig.RequestParameters {
		if !integrationReqParamRE.MatchString(k) || !requestValueRE.MatchString(v) {
			return badRequest("Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: " + k + " -> " + v + "]")
		}
	}
	return nil
}

// PutIntegration sets (replaces) a method's integration.
func (s *Service) PutIntegration(ctx context.Context, in *PutIntegrationInput) (*Integration, error) {
	info := request.From(ctx)
	var out *Integration
	err := s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		_, m, err := findMethod(d, in.ResourceID, in.HTTPMethod)
		if err != nil {
			return err
		}
		ig := &Integration{Type: in.Type, HTTPMethod: in.IntegrationMethod, URI: in.URI, ConnectionType: in.ConnectionType,
			ConnectionID: in.ConnectionID, Credentials: in.Credentials, RequestParameters: in.RequestParameters,
			RequestTemplates: in.RequestTemplates, PassthroughBehavior: in.PassthroughBehavior, ContentHandling: in.ContentHandling,
			TimeoutInMillis: 29000, CacheNamespace: in.CacheNamespace, CacheKeyParameters: in.CacheKeyParameters, TLSConfig: in.TLSConfig}
		if ig.Type == "MOCK" {
			ig.HTTPMethod = ""
		}
		if in.TimeoutInMillis != nil {
			ig.TimeoutInMillis = *in.TimeoutInMillis
		}
		if ig.PassthroughBehavior == "" {
			ig.PassthroughBehavior = "WHEN_NO_MATCH"
		}
		if ig.CacheNamespace == "" {
			ig.CacheNamespace = in.ResourceID
		}
		if ig.CacheKeyParameters == nil {
			ig.CacheKeyParameters = []string{}
		}
		if ig.ConnectionType == "" && ig.Type != "MOCK" {
			ig.ConnectionType = "INTERNET"
		}
		if err := checkIntegration(ig); err != nil {
			return err
		}
		if m.MethodIntegration != nil {
			// AWS keeps the integration responses when an integration is replaced.
			ig.IntegrationResponses = m.MethodIntegration.IntegrationResponses
		}
		m.MethodIntegration = ig
		out = ig
		return nil
	})
	return out, err
}

// GetIntegration returns a method's integration.
func (s *Service) GetIntegration(ctx context.Context, in *MethodInput) (*Integration, error) {
	info := request.From(ctx)
	var out *Integration
	err := s.viewAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		_, m, err := findMethod(d, in.ResourceID, in.HTTPMethod)
		if err != nil {
			return err
		}
		if out = m.MethodIntegration; out == nil {
			return noIntegration()
		}
		return nil
	})
	return out, err
}

// DeleteIntegration removes a method's integration.
func (s *Service) DeleteIntegration(ctx context.Context, in *MethodInput) (*Empty, error) {
	info := request.From(ctx)
	return nil, s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		_, m, err := findMethod(d, in.ResourceID, in.HTTPMethod)
		if err != nil {
			return err
		}
		if m.MethodIntegration == nil {
			return noIntegration()
		}
		m.MethodIntegration = nil
		return nil
	})
}

var integrationPatch = patchSpec{"type": kString, "httpMethod": kString, "uri": kString, "connectionType": kString,
	"connectionId": kString, "credentials": kString, "requestParameters": kMapStr, "requestTemplates": kMapStr,
	"passthroughBehavior": kString, "contentHandling": kString, "timeoutInMillis": kInt, "cacheNamespace": kString,
	"cacheKeyParameters": kList, "tlsConfig": kObject}

// UpdateIntegration applies patch operations to an integration.
func (s *Service) UpdateIntegration(ctx context.Context, in *UpdateMethodInput) (*Integration, error) {
	info := request.From(ctx)
	var out *Integration
	err := s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		_, m, err := findMethod(d, in.ResourceID, in.HTTPMethod)
		if err != nil {
			return err
		}
		if m.MethodIntegration == nil {
			return noIntegration()
		}
		ni := *m.MethodIntegration
		if err := applyPatch(&ni, in.PatchOperations, integrationPatch); err != nil {
			return err
		}
		ni.IntegrationResponses = m.MethodIntegration.IntegrationResponses
		if err := checkIntegration(&ni); err != nil {
			return err
		}
		m.MethodIntegration = &ni
		out = &ni
		return nil
	})
	return out, err
}

func checkIntegrationResponse(m *Method, ir *IntegrationResponse) error {
	if ir.SelectionPattern != nil {
		if _, err := regexp.Compile(*ir.SelectionPattern); err != nil {
			return badRequest("Invalid selection pattern specified: " + *ir.SelectionPattern)
		}
	}
	mr := m.MethodResponses[ir.StatusCode]
	for k, v := range ir.ResponseParameters {
		if !responseParamRE.MatchString(k) || !integrationRespValueRE.MatchString(v) {
			return badRequest("Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: " + v + "]")
		}
		if mr != nil {
			if _, ok := mr.ResponseParameters[k]; !ok {
				return badRequest("Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression parameter specified: " + k + "]")
			}
		}
	}
	for ct := range ir.ResponseTemplates {
		if strings.TrimSpace(ct) == "" {
			return badRequest("Invalid content type specified: " + ct)
		}
	}
	return nil
}

// PutIntegrationResponse maps a backend answer to a method response.
func (s *Service) PutIntegrationResponse(ctx context.Context, in *PutIntegrationResponseInput) (*IntegrationResponse, error) {
	info := request.From(ctx)
	if !statusCodeRE.MatchString(in.StatusCode) {
		return nil, badRequest("Invalid status code specified: " + in.StatusCode)
	}
	var out *IntegrationResponse
	err := s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		_, m, err := findMethod(d, in.ResourceID, in.HTTPMethod)
		if err != nil {
			return err
		}
		if m.MethodIntegration == nil {
			return noIntegration()
		}
		ir := &IntegrationResponse{StatusCode: in.StatusCode, SelectionPattern: in.SelectionPattern,
			ResponseParameters: in.ResponseParameters, ResponseTemplates: in.ResponseTemplates, ContentHandling: in.ContentHandling}
		if ir.SelectionPattern != nil && *ir.SelectionPattern == "" {
			ir.SelectionPattern = nil
		}
		if err := checkIntegrationResponse(m, ir); err != nil {
			return err
		}
		if m.MethodIntegration.IntegrationResponses == nil {
			m.MethodIntegration.IntegrationResponses = map[string]*IntegrationResponse{}
		}
		m.MethodIntegration.IntegrationResponses[in.StatusCode] = ir
		out = ir
		return nil
	})
	return out, err
}

// GetIntegrationResponse returns an integration response.
func (s *Service) GetIntegrationResponse(ctx context.Context, in *IntegrationResponseInput) (*IntegrationResponse, error) {
	info := request.From(ctx)
	var out *IntegrationResponse
	err := s.viewAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		_, m, err := findMethod(d, in.ResourceID, in.HTTPMethod)
		if err != nil {
			return err
		}
		if m.MethodIntegration == nil {
			return noIntegration()
		}
		if out = m.MethodIntegration.IntegrationResponses[in.StatusCode]; out == nil {
			return responseNotFound()
		}
		return nil
	})
	return out, err
}

// DeleteIntegrationResponse removes an integration response.
func (s *Service) DeleteIntegrationResponse(ctx context.Context, in *IntegrationResponseInput) (*Empty, error) {
	info := request.From(ctx)
	return nil, s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		_, m, err := findMethod(d, in.ResourceID, in.HTTPMethod)
		if err != nil {
			return err
		}
		if m.MethodIntegration == nil {
			return noIntegration()
		}
		if m.MethodIntegration.IntegrationResponses[in.StatusCode] == nil {
			return responseNotFound()
		}
		delete(m.MethodIntegration.IntegrationResponses, in.StatusCode)
		return nil
	})
}

// UpdateIntegrationResponse applies patch operations to an integration response.
func (s *Service) UpdateIntegrationResponse(ctx context.Context, in *UpdateIntegrationResponseInput) (*IntegrationResponse, error) {
	info := request.From(ctx)
	var out *IntegrationResponse
	err := s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		_, m, err := findMethod(d, in.ResourceID, in.HTTPMethod)
		if err != nil {
			return err
		}
		if m.MethodIntegration == nil {
			return noIntegration()
		}
		ir := m.MethodIntegration.IntegrationResponses[in.StatusCode]
		if ir == nil {
			return responseNotFound()
		}
		nr := *ir
		if err := applyPatch(&nr, in.PatchOperations, patchSpec{"selectionPattern": kString, "responseParameters": kMapStr,
			"responseTemplates": kMapStr, "contentHandling": kString}); err != nil {
			return err
		}
		nr.StatusCode = ir.StatusCode
		if err := checkIntegrationResponse(m, &nr); err != nil {
			return err
		}
		m.MethodIntegration.IntegrationResponses[in.StatusCode] = &nr
		out = &nr
		return nil
	})
	return out, err
}
