package apigateway

import (
	"context"
	"regexp"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/request"
)

// MethodInput names a method.
type MethodInput struct {
	RestApiID  string `location:"uri" name:"restapi_id"`
	ResourceID string `location:"uri" name:"resource_id"`
	HTTPMethod string `location:"uri" name:"http_method"`
}

// PutMethodInput is PutMethod's request.
type PutMethodInput struct {
	RestApiID           string            `location:"uri" name:"restapi_id"`
	ResourceID          string            `location:"uri" name:"resource_id"`
	HTTPMethod          string            `location:"uri" name:"http_method"`
	AuthorizationType   string            `json:"authorizationType"`
	AuthorizerID        string            `json:"authorizerId"`
	APIKeyRequired      bool              `json:"apiKeyRequired"`
	OperationName       string            `json:"operationName"`
	RequestParameters   map[string]bool   `json:"requestParameters"`
	RequestModels       map[string]string `json:"requestModels"`
	RequestValidatorID  string            `json:"requestValidatorId"`
	AuthorizationScopes []string          `json:"authorizationScopes"`
}

// UpdateMethodInput is UpdateMethod's request.
type UpdateMethodInput struct {
	RestApiID       string           `location:"uri" name:"restapi_id"`
	ResourceID      string           `location:"uri" name:"resource_id"`
	HTTPMethod      string           `location:"uri" name:"http_method"`
	PatchOperations []PatchOperation `json:"patchOperations"`
}

// MethodResponseInput names a method response.
type MethodResponseInput struct {
	RestApiID  string `location:"uri" name:"restapi_id"`
	ResourceID string `location:"uri" name:"resource_id"`
	HTTPMethod string `location:"uri" name:"http_method"`
	StatusCode string `location:"uri" name:"status_code"`
}

// PutMethodResponseInput is PutMethodResponse's request.
type PutMethodResponseInput struct {
	RestApiID          string            `location:"uri" name:"restapi_id"`
	ResourceID         string            `location:"uri" name:"resource_id"`
	HTTPMethod         string            `location:"uri" name:"http_method"`
	StatusCode         string            `location:"uri" name:"status_code"`
	ResponseParameters map[string]bool   `json:"responseParameters"`
	ResponseModels     map[string]string `json:"responseModels"`
}

// UpdateMethodResponseInput is UpdateMethodResponse's request.
type UpdateMethodResponseInput struct {
	RestApiID       string           `location:"uri" name:"restapi_id"`
	ResourceID      string           `location:"uri" name:"resource_id"`
	HTTPMethod      string           `location:"uri" name:"http_method"`
	StatusCode      string           `location:"uri" name:"status_code"`
	PatchOperations []PatchOperation `json:"patchOperations"`
}

var httpMethods = []string{"ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}

func checkHTTPMethod(m string) error {
	for _, v := range httpMethods {
		if v == m {
			return nil
		}
	}
	return badRequest("Invalid HttpMethod specified. Valid options are ANY,DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT")
}

func methodNotFound() error { return notFound("Invalid Method identifier specified") }

var statusCodeRE = regexp.MustCompile(`^[1-5]\d\d$`)

var requestParamRE = regexp.MustCompile(`^method\.request\.(path|querystring|multivaluequerystring|header|multivalueheader)\.[^.\s][^\s]*$`)
var responseParamRE = regexp.MustCompile(`^method\.response\.header\.[^\s]+$`)

// findMethod returns the resource and method, or the NotFoundException AWS gives.
func findMethod(d *apiDoc, resourceID, httpMethod string) (*Resource, *Method, error) {
	r := d.Resources[resourceID]
	if r == nil {
		return nil, nil, resourceNotFound()
	}
	m := r.ResourceMethods[httpMethod]
	if m == nil {
		return r, nil, methodNotFound()
	}
	return r, m, nil
}

// checkMethod validates the references a method makes.
func checkMethod(d *apiDoc, m *Method) error {
	switch m.AuthorizationType {
	case "NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS":
	default:
		return badRequest("Invalid authorization type specified. Valid options are NONE,AWS_IAM,CUSTOM,COGNITO_USER_POOLS")
	}
	if (m.AuthorizationType == "CUSTOM" || m.AuthorizationType == "COGNITO_USER_POOLS") && m.AuthorizerID == "" {
		return badRequest("Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.")
	}
	if m.AuthorizerID != "" && d.Authorizers[m.AuthorizerID] == nil {
		return badRequest("Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.")
	}
	if m.RequestValidatorID != "" && d.Validators[m.RequestValidatorID] == nil {
		return badRequest("Invalid Request Validator identifier specified")
	}
	for ct, name := range m.RequestModels {
		if strings.TrimSpace(ct) == "" {
			return badRequest("Invalid content type specified: " + ct)
		}
		if d.Models[name] == nil {
			return badRequest("Invalid model identifier specified: " + name)
		}
	}
	for p := range m.RequestParameters {
		if !requestParamRE.MatchString(p) {
			return badRequest("Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid method request parameter specified: " + p + "]")
		}
	}
	return nil
}

// PutMethod adds a method to a resource.
func (s *Service) PutMethod(ctx context.Context, in *PutMethodInput) (*Method, error) {
	info := request.From(ctx)
	if err := checkHTTPMethod(in.HTTPMethod); err != nil {
		return nil, err
	}
	var out *Method
	err := s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		r := d.Resources[in.ResourceID]
		if r == nil {
			return resourceNotFound()
		}
		if r.ResourceMethods[in.HTTPMethod] != nil {
			return conflict("Method already exists for this resource")
		}
		m := &Method{HTTPMethod: in.HTTPMethod, AuthorizationType: in.AuthorizationType, AuthorizerID: in.AuthorizerID,
			APIKeyRequired: in.APIKeyRequired, OperationName: in.OperationName, RequestParameters: in.RequestParameters,
			RequestModels: in.RequestModels, RequestValidatorID: in.RequestValidatorID, AuthorizationScopes: in.AuthorizationScopes}
		if err := checkMethod(d, m); err != nil {
			return err
		}
		if r.ResourceMethods == nil {
			r.ResourceMethods = map[string]*Method{}
		}
		r.ResourceMethods[in.HTTPMethod] = m
		out = m
		return nil
	})
	return out, err
}

// GetMethod returns a method with its responses and integration.
func (s *Service) GetMethod(ctx context.Context, in *MethodInput) (*Method, error) {
	info := request.From(ctx)
	var out *Method
	err := s.viewAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		_, m, err := findMethod(d, in.ResourceID, in.HTTPMethod)
		out = m
		return err
	})
	return out, err
}

// DeleteMethod removes a method.
func (s *Service) DeleteMethod(ctx context.Context, in *MethodInput) (*Empty, error) {
	info := request.From(ctx)
	return nil, s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		r, _, err := findMethod(d, in.ResourceID, in.HTTPMethod)
		if err != nil {
			return err
		}
		delete(r.ResourceMethods, in.HTTPMethod)
		return nil
	})
}

var methodPatch = patchSpec{"authorizationType": kString, "authorizerId": kString, "apiKeyRequired": kBool,
	"requestValidatorId": kString, "operationName": kString, "requestParameters": kMapBool,
	"requestModels": kMapStr, "authorizationScopes": kList}

// UpdateMethod applies patch operations to a method.
func (s *Service) UpdateMethod(ctx context.Context, in *UpdateMethodInput) (*Method, error) {
	info := request.From(ctx)
	var out *Method
	err := s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		r, m, err := findMethod(d, in.ResourceID, in.HTTPMethod)
		if err != nil {
			return err
		}
		nm := *m
		if err := applyPatch(&nm, in.PatchOperations, methodPatch); err != nil {
			return err
		}
		nm.HTTPMethod, nm.MethodResponses, nm.MethodIntegration = m.HTTPMethod, m.MethodResponses, m.MethodIntegration
		if err := checkMethod(d, &nm); err != nil {
			return err
		}
		r.ResourceMethods[in.HTTPMethod] = &nm
		out = &nm
		return nil
	})
	return out, err
}

func checkMethodResponse(mr *MethodResponse) error {
	for p := range mr.ResponseParameters {
		if !responseParamRE.MatchString(p) {
			return badRequest("Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid response parameter name specified: " + p + "]")
		}
	}
	return nil
}

// PutMethodResponse declares a status code for a method.
func (s *Service) PutMethodResponse(ctx context.Context, in *PutMethodResponseInput) (*MethodResponse, error) {
	info := request.From(ctx)
	if !statusCodeRE.MatchString(in.StatusCode) {
		return nil, badRequest("Invalid status code specified: " + in.StatusCode)
	}
	var out *MethodResponse
	err := s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		_, m, err := findMethod(d, in.ResourceID, in.HTTPMethod)
		if err != nil {
			return err
		}
		if m.MethodResponses[in.StatusCode] != nil {
			return conflict("Response already exists for this resource")
		}
		mr := &MethodResponse{StatusCode: in.StatusCode, ResponseParameters: in.ResponseParameters, ResponseModels: in.ResponseModels}
		if err := checkMethodResponse(mr); err != nil {
			return err
		}
		for _, name := range mr.ResponseModels {
			if d.Models[name] == nil {
				return badRequest("Invalid model identifier specified: " + name)
			}
		}
		if m.MethodResponses == nil {
			m.MethodResponses = map[string]*MethodResponse{}
		}
		m.MethodResponses[in.StatusCode] = mr
		out = mr
		return nil
	})
	return out, err
}

func responseNotFound() error { return notFound("Invalid Response status code specified") }

// GetMethodResponse returns a method response.
func (s *Service) GetMethodResponse(ctx context.Context, in *MethodResponseInput) (*MethodResponse, error) {
	info := request.From(ctx)
	var out *MethodResponse
	err := s.viewAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		_, m, err := findMethod(d, in.ResourceID, in.HTTPMethod)
		if err != nil {
			return err
		}
		if out = m.MethodResponses[in.StatusCode]; out == nil {
			return responseNotFound()
		}
		return nil
	})
	return out, err
}

// DeleteMethodResponse removes a method response.
func (s *Service) DeleteMethodResponse(ctx context.Context, in *MethodResponseInput) (*Empty, error) {
	info := request.From(ctx)
	return nil, s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		_, m, err := findMethod(d, in.ResourceID, in.HTTPMethod)
		if err != nil {
			return err
		}
		if m.MethodResponses[in.StatusCode] == nil {
			return responseNotFound()
		}
		delete(m.MethodResponses, in.StatusCode)
		return nil
	})
}

// UpdateMethodResponse applies patch operations to a method response.
func (s *Service) UpdateMethodResponse(ctx context.Context, in *UpdateMethodResponseInput) (*MethodResponse, error) {
	info := request.From(ctx)
	var out *MethodResponse
	err := s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		_, m, err := findMethod(d, in.ResourceID, in.HTTPMethod)
		if err != nil {
			return err
		}
		mr := m.MethodResponses[in.StatusCode]
		if mr == nil {
			return responseNotFound()
		}
		nr := *mr
		if err := applyPatch(&nr, in.PatchOperations, patchSpec{"responseParameters": kMapBool, "responseModels": kMapStr}); err != nil {
			return err
		}
		nr.StatusCode = mr.StatusCode
		if err := checkMethodResponse(&nr); err != nil {
			return err
		}
		m.MethodResponses[in.StatusCode] = &nr
		out = &nr
		return nil
	})
	return out, err
}
