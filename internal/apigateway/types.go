package apigateway

import (
	"encoding/json"
	"time"
)

// The documents below are API Gateway's wire shapes (camelCase JSON): the
// control plane returns them as they are stored, and a deployment is a
// frozen copy of an apiDoc.

// RestApi is a REST API's own settings.
type RestApi struct {
	ID                        string                 `json:"id"`
	Name                      string                 `json:"name"`
	Description               string                 `json:"description,omitempty"`
	CreatedDate               *time.Time             `json:"createdDate,omitempty"`
	Version                   string                 `json:"version,omitempty"`
	Warnings                  []string               `json:"warnings,omitempty"`
	BinaryMediaTypes          []string               `json:"binaryMediaTypes,omitempty"`
	MinimumCompressionSize    *int                   `json:"minimumCompressionSize,omitempty"`
	ApiKeySource              string                 `json:"apiKeySource,omitempty"`
	EndpointConfiguration     *EndpointConfiguration `json:"endpointConfiguration,omitempty"`
	Policy                    string                 `json:"policy,omitempty"`
	Tags                      map[string]string      `json:"tags,omitempty"`
	DisableExecuteApiEndpoint bool                   `json:"disableExecuteApiEndpoint"`
	RootResourceID            string                 `json:"rootResourceId,omitempty"`
}

// EndpointConfiguration says where the API is reachable.
type EndpointConfiguration struct {
	Types          []string `json:"types,omitempty"`
	IPAddressType  string   `json:"ipAddressType,omitempty"`
	VpcEndpointIds []string `json:"vpcEndpointIds,omitempty"`
}

// Resource is one node of the API's path tree.
type Resource struct {
	ID              string             `json:"id"`
	ParentID        string             `json:"parentId,omitempty"`
	PathPart        string             `json:"pathPart,omitempty"`
	Path            string             `json:"path"`
	ResourceMethods map[string]*Method `json:"resourceMethods,omitempty"`
}

// Method is an HTTP method on a resource.
type Method struct {
	HTTPMethod          string                     `json:"httpMethod"`
	AuthorizationType   string                     `json:"authorizationType"`
	AuthorizerID        string                     `json:"authorizerId,omitempty"`
	APIKeyRequired      bool                       `json:"apiKeyRequired"`
	RequestValidatorID  string                     `json:"requestValidatorId,omitempty"`
	OperationName       string                     `json:"operationName,omitempty"`
	RequestParameters   map[string]bool            `json:"requestParameters,omitempty"`
	RequestModels       map[string]string          `json:"requestModels,omitempty"`
	MethodResponses     map[string]*MethodResponse `json:"methodResponses,omitempty"`
	MethodIntegration   *Integration               `json:"methodIntegration,omitempty"`
	AuthorizationScopes []string                   `json:"authorizationScopes,omitempty"`
	// stub marks the empty method objects GetResources lists without
	// embed=methods; it encodes as {}.
	stub bool
}

// MarshalJSON writes a stub as {}, like AWS's GetResources without embed.
func (m *Method) MarshalJSON() ([]byte, error) {
	if m.stub {
		return []byte("{}"), nil
	}
	type plain Method
	return json.Marshal((*plain)(m))
}

// MethodResponse declares a status code a method may answer with.
type MethodResponse struct {
	StatusCode         string            `json:"statusCode"`
	ResponseParameters map[string]bool   `json:"responseParameters,omitempty"`
	ResponseModels     map[string]string `json:"responseModels,omitempty"`
}

// Integration is a method's backend.
type Integration struct {
	Type                 string                          `json:"type"`
	HTTPMethod           string                          `json:"httpMethod,omitempty"`
	URI                  string                          `json:"uri,omitempty"`
	ConnectionType       string                          `json:"connectionType,omitempty"`
	ConnectionID         string                          `json:"connectionId,omitempty"`
	Credentials          string                          `json:"credentials,omitempty"`
	RequestParameters    map[string]string               `json:"requestParameters,omitempty"`
	RequestTemplates     map[string]string               `json:"requestTemplates,omitempty"`
	PassthroughBehavior  string                          `json:"passthroughBehavior,omitempty"`
	ContentHandling      string                          `json:"contentHandling,omitempty"`
	TimeoutInMillis      int                             `json:"timeoutInMillis"`
	CacheNamespace       string                          `json:"cacheNamespace,omitempty"`
	CacheKeyParameters   []string                        `json:"cacheKeyParameters"`
	IntegrationResponses map[string]*IntegrationResponse `json:"integrationResponses,omitempty"`
	TLSConfig            *TLSConfig                      `json:"tlsConfig,omitempty"`
}

// TLSConfig is an HTTP integration's TLS settings.
type TLSConfig struct {
	InsecureSkipVerification bool `json:"insecureSkipVerification"`
}

// IntegrationResponse maps a backend answer to a method response.
type IntegrationResponse struct {
	StatusCode         string            `json:"statusCode"`
	SelectionPattern   *string           `json:"selectionPattern,omitempty"`
	ResponseParameters map[string]string `json:"responseParameters,omitempty"`
	ResponseTemplates  map[string]string `json:"responseTemplates,omitempty"`
	ContentHandling    string            `json:"contentHandling,omitempty"`
}

// Model is a JSON Schema (draft 4) for request or response bodies.
type Model struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Schema      string `json:"schema,omitempty"`
	ContentType string `json:"contentType"`
}

// RequestValidator says what a method's request is checked for.
type RequestValidator struct {
	ID                        string `json:"id"`
	Name                      string `json:"name,omitempty"`
	ValidateRequestBody       bool   `json:"validateRequestBody"`
	ValidateRequestParameters bool   `json:"validateRequestParameters"`
}

// Authorizer is a Lambda (TOKEN or REQUEST) or Cognito authorizer.
type Authorizer struct {
	ID                           string   `json:"id"`
	Name                         string   `json:"name"`
	Type                         string   `json:"type"`
	ProviderARNs                 []string `json:"providerARNs,omitempty"`
	AuthType                     string   `json:"authType,omitempty"`
	AuthorizerURI                string   `json:"authorizerUri,omitempty"`
	AuthorizerCredentials        string   `json:"authorizerCredentials,omitempty"`
	IdentitySource               string   `json:"identitySource,omitempty"`
	IdentityValidationExpression string   `json:"identityValidationExpression,omitempty"`
	AuthorizerResultTTLInSeconds *int     `json:"authorizerResultTtlInSeconds,omitempty"`
}

// GatewayResponse customises an answer API Gateway gives itself.
type GatewayResponse struct {
	ResponseType       string            `json:"responseType"`
	StatusCode         string            `json:"statusCode,omitempty"`
	ResponseParameters map[string]string `json:"responseParameters,omitempty"`
	ResponseTemplates  map[string]string `json:"responseTemplates,omitempty"`
	DefaultResponse    bool              `json:"defaultResponse"`
}

// Deployment is a snapshot of the API that stages serve.
type Deployment struct {
	ID          string                                `json:"id"`
	Description string                                `json:"description,omitempty"`
	CreatedDate *time.Time                            `json:"createdDate,omitempty"`
	APISummary  map[string]map[string]*MethodSnapshot `json:"apiSummary,omitempty"`
}

// MethodSnapshot is a method in a deployment's apiSummary.
type MethodSnapshot struct {
	AuthorizationType string `json:"authorizationType,omitempty"`
	APIKeyRequired    bool   `json:"apiKeyRequired"`
}

// Stage names a deployment and holds its settings.
type Stage struct {
	DeploymentID         string                    `json:"deploymentId,omitempty"`
	ClientCertificateID  string                    `json:"clientCertificateId,omitempty"`
	StageName            string                    `json:"stageName"`
	Description          string                    `json:"description,omitempty"`
	CacheClusterEnabled  bool                      `json:"cacheClusterEnabled"`
	CacheClusterSize     string                    `json:"cacheClusterSize,omitempty"`
	CacheClusterStatus   string                    `json:"cacheClusterStatus,omitempty"`
	MethodSettings       map[string]*MethodSetting `json:"methodSettings,omitempty"`
	Variables            map[string]string         `json:"variables,omitempty"`
	DocumentationVersion string                    `json:"documentationVersion,omitempty"`
	AccessLogSettings    *AccessLogSettings        `json:"accessLogSettings,omitempty"`
	CanarySettings       map[string]any            `json:"canarySettings,omitempty"`
	TracingEnabled       bool                      `json:"tracingEnabled"`
	WebACLArn            string                    `json:"webAclArn,omitempty"`
	Tags                 map[string]string         `json:"tags,omitempty"`
	CreatedDate          *time.Time                `json:"createdDate,omitempty"`
	LastUpdatedDate      *time.Time                `json:"lastUpdatedDate,omitempty"`
}

// MethodSetting is a stage's per-method setting ("*/*" for all).
type MethodSetting struct {
	MetricsEnabled                         bool    `json:"metricsEnabled"`
	LoggingLevel                           string  `json:"loggingLevel,omitempty"`
	DataTraceEnabled                       bool    `json:"dataTraceEnabled"`
	ThrottlingBurstLimit                   int     `json:"throttlingBurstLimit"`
	ThrottlingRateLimit                    float64 `json:"throttlingRateLimit"`
	CachingEnabled                         bool    `json:"cachingEnabled"`
	CacheTTLInSeconds                      int     `json:"cacheTtlInSeconds"`
	CacheDataEncrypted                     bool    `json:"cacheDataEncrypted"`
	RequireAuthorizationForCacheControl    bool    `json:"requireAuthorizationForCacheControl"`
	UnauthorizedCacheControlHeaderStrategy string  `json:"unauthorizedCacheControlHeaderStrategy,omitempty"`
}

// AccessLogSettings sends access logs to a log group.
type AccessLogSettings struct {
	Format         string `json:"format,omitempty"`
	DestinationArn string `json:"destinationArn,omitempty"`
}

// apiDoc is everything stored for one REST API except its deployments and
// stages. It is stored as one value: APIs are small and every change is a
// read-modify-write of the whole document, which keeps related changes
// (a resource and its methods) atomic.
type apiDoc struct {
	Account          string                       `json:"account"`
	Region           string                       `json:"region"`
	API              RestApi                      `json:"api"`
	Resources        map[string]*Resource         `json:"resources"`
	Models           map[string]*Model            `json:"models,omitempty"`
	Validators       map[string]*RequestValidator `json:"validators,omitempty"`
	Authorizers      map[string]*Authorizer       `json:"authorizers,omitempty"`
	GatewayResponses map[string]*GatewayResponse  `json:"gatewayResponses,omitempty"`
}

// deploymentDoc is a stored deployment: its summary and the frozen API.
type deploymentDoc struct {
	Deployment Deployment `json:"deployment"`
	Snapshot   apiDoc     `json:"snapshot"`
}
