package apigateway

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/request"
)

// Match claims invocation requests: Host {api}.execute-api.localhost[:port]
// or {api}.execute-api.{region}.amazonaws.com, and paths
// /restapis/{api}/{stage}/_user_request_/... (the control plane's
// /restapis/... requests are SigV4-signed and reach the control-plane
// route by their credential scope first).
func Match(r *http.Request) bool {
	if _, _, ok := hostAPI(r.Host); ok {
		return true
	}
	_, _, _, ok := pathAPI(r.URL.Path)
	return ok
}

// hostAPI reads the API id (and region, if the host names one) from an
// execute-api host name.
func hostAPI(host string) (api, region string, ok bool) {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	api, rest, found := strings.Cut(host, ".execute-api.")
	if !found || api == "" || strings.Contains(api, ".") {
		return "", "", false
	}
	if rest == "localhost" {
		return api, "", true
	}
	if reg, ok := strings.CutSuffix(rest, ".amazonaws.com"); ok && reg != "" && !strings.Contains(reg, ".") {
		return api, reg, true
	}
	return "", "", false
}

// pathAPI reads /restapis/{api}/{stage}/_user_request_/{path}.
func pathAPI(p string) (api, stage, rest string, ok bool) {
	tail, found := strings.CutPrefix(p, "/restapis/")
	if !found {
		return "", "", "", false
	}
	parts := strings.SplitN(tail, "/", 4)
	if len(parts) < 3 || parts[0] == "" || parts[1] == "" || parts[2] != "_user_request_" {
		return "", "", "", false
	}
	rest = "/"
	if len(parts) == 4 {
		rest = "/" + parts[3]
	}
	return parts[0], parts[1], rest, true
}

// maxPayload is API Gateway's 10 MB payload limit.
const maxPayload = 10 << 20

// InvokeHandler serves API invocations (unsigned user traffic).
func (s *Service) InvokeHandler() http.Handler { return http.HandlerFunc(s.serveInvoke) }

// call is one invocation in progress.
type call struct {
	s        *Service
	w        http.ResponseWriter
	r        *http.Request
	t        *target
	info     *request.Info
	apiID    string
	stage    string
	path     string // the request path below the stage
	res      *Resource
	method   *Method
	params   map[string]string // path parameters
	query    map[string]string
	mquery   map[string][]string
	header   map[string]string // by canonical name
	body     []byte
	ctx      map[string]any
	start    time.Time
	errorMsg string
}

func (s *Service) serveInvoke(w http.ResponseWriter, r *http.Request) {
	info := request.From(r.Context())
	info.Operation = "Invoke"
	c := &call{s: s, w: w, r: r, info: info, start: time.Now(), body: info.Body}
	var ok bool
	if c.apiID, _, ok = hostAPI(r.Host); ok {
		p := strings.TrimPrefix(r.URL.Path, "/")
		c.stage, c.path, _ = strings.Cut(p, "/")
		c.path = "/" + c.path
	} else if c.apiID, c.stage, c.path, ok = pathAPI(r.URL.Path); !ok {
		writeMessage(w, http.StatusNotFound, "NotFoundException", "Not Found")
		return
	}
	if c.stage == "" {
		writeMessage(w, http.StatusForbidden, "ForbiddenException", "Forbidden")
		return
	}
	t, ok, err := s.resolve(r.Context(), c.apiID, c.stage)
	if err != nil {
		s.log.Error("resolving API", "request_id", info.ID, "err", err)
		writeMessage(w, http.StatusInternalServerError, "InternalServerErrorException", "Internal server error")
		return
	}
	if !ok {
		writeMessage(w, http.StatusForbidden, "ForbiddenException", "Forbidden")
		return
	}
	c.t = t
	rec := &recorder{ResponseWriter: w}
	c.w = rec
	c.serve()
	c.writeLogs(rec)
}

// writeMessage answers {"message": msg} before any API is known.
func writeMessage(w http.ResponseWriter, status int, errType, msg string) {
	b, _ := json.Marshal(map[string]string{"message": msg})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", errType)
	w.WriteHeader(status)
	w.Write(b)
}

// gatewayErrorTypes are the x-amzn-ErrorType values of gateway responses.
var gatewayErrorTypes = map[string]string{
	"MISSING_AUTHENTICATION_TOKEN":   "MissingAuthenticationTokenException",
	"ACCESS_DENIED":                  "AccessDeniedException",
	"BAD_REQUEST_BODY":               "BadRequestException",
	"BAD_REQUEST_PARAMETERS":         "BadRequestException",
	"UNSUPPORTED_MEDIA_TYPE":         "UnsupportedMediaTypeException",
	"INTEGRATION_TIMEOUT":            "InternalServerErrorException",
	"INTEGRATION_FAILURE":            "InternalServerErrorException",
	"API_CONFIGURATION_ERROR":        "InternalServerErrorException",
	"DEFAULT_5XX":                    "InternalServerErrorException",
	"INVALID_API_KEY":                "ForbiddenException",
	"REQUEST_TOO_LARGE":              "RequestEntityTooLargeException",
	"UNAUTHORIZED":                   "UnauthorizedException",
	"AUTHORIZER_CONFIGURATION_ERROR": "InternalServerErrorException",
}

func (c *call) serve() {
	r := c.r
	doc := c.t.c.doc
	if doc.API.DisableExecuteApiEndpoint {
		c.gateway("ACCESS_DENIED", "Forbidden")
		return
	}
	c.query, c.mquery = map[string]string{}, map[string][]string{}
	for k, vs := range r.URL.Query() {
		c.mquery[k] = vs
		c.query[k] = vs[len(vs)-1]
	}
	c.header = map[string]string{}
	for k, vs := range r.Header {
		c.header[k] = vs[len(vs)-1]
	}
	c.params = map[string]string{}
	var segs []string
	for _, p := range strings.Split(c.path, "/") {
		if p != "" {
			segs = append(segs, p)
		}
	}
	n := c.t.c.root.match(segs, c.params)
	if n != nil {
		c.res = n.res
		c.method = n.res.ResourceMethods[r.Method]
		if c.method == nil {
			c.method = n.res.ResourceMethods["ANY"]
		}
	}
	c.buildContext()
	if c.method == nil {
		c.gateway("MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token")
		return
	}
	switch c.method.AuthorizationType {
	case "AWS_IAM":
		if r.Header.Get("Authorization") == "" && r.URL.Query().Get("X-Amz-Signature") == "" {
			c.gateway("MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token")
			return
		}
	case "CUSTOM", "COGNITO_USER_POOLS":
		if !c.authorize(r.Context()) {
			return
		}
	}
	if c.method.APIKeyRequired && !c.checkAPIKey() {
		return
	}
	if !c.validate() {
		return
	}
	if len(c.body) > maxPayload {
		c.gateway("REQUEST_TOO_LARGE", "Request Too Long")
		return
	}
	ig := c.method.MethodIntegration
	if ig == nil {
		c.gateway("API_CONFIGURATION_ERROR", "Internal server error")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), time.Duration(ig.TimeoutInMillis)*time.Millisecond)
	defer cancel()
	switch ig.Type {
	case "AWS_PROXY":
		c.lambdaProxy(ctx, ig)
	case "HTTP_PROXY":
		c.httpProxy(ctx, ig)
	default:
		c.nonProxy(ctx, ig)
	}
}

// buildContext fills $context.
func (c *call) buildContext() {
	now := time.Now().UTC()
	resPath, resID := "", ""
	if c.res != nil {
		resPath, resID = c.res.Path, c.res.ID
	}
	host := c.r.Host
	c.ctx = map[string]any{
		"accountId":         c.t.c.account,
		"apiId":             c.apiID,
		"deploymentId":      c.t.c.deploymentID,
		"domainName":        host,
		"domainPrefix":      strings.SplitN(host, ".", 2)[0],
		"extendedRequestId": c.info.ID,
		"httpMethod":        c.r.Method,
		"path":              "/" + c.stage + c.path,
		"protocol":          c.r.Proto,
		"requestId":         c.info.ID,
		"requestTime":       now.Format("02/Jan/2006:15:04:05 -0700"),
		"requestTimeEpoch":  now.UnixMilli(),
		"resourceId":        resID,
		"resourcePath":      resPath,
		"stage":             c.stage,
		"identity": map[string]any{
			"sourceIp":  sourceIP(c.r),
			"userAgent": c.r.UserAgent(),
			"accountId": nil, "apiKey": nil, "apiKeyId": nil, "caller": nil, "cognitoAuthenticationProvider": nil,
			"cognitoAuthenticationType": nil, "cognitoIdentityId": nil, "cognitoIdentityPoolId": nil,
			"principalOrgId": nil, "user": nil, "userArn": nil, "accessKey": nil,
		},
		"authorizer": map[string]any{},
	}
}

func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// mediaType is a Content-Type without parameters, application/json when absent.
func mediaType(ct string) string {
	if ct == "" {
		return "application/json"
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	}
	return mt
}

// validate applies the method's request validator; it answers the
// client itself and returns false when the request is rejected.
func (c *call) validate() bool {
	m := c.method
	if m.RequestValidatorID == "" {
		return true
	}
	v := c.t.c.doc.Validators[m.RequestValidatorID]
	if v == nil {
		return true
	}
	if v.ValidateRequestParameters {
		var missing []string
		for p, required := range m.RequestParameters {
			if !required {
				continue
			}
			kind, name, _ := strings.Cut(strings.TrimPrefix(p, "method.request."), ".")
			present := false
			switch kind {
			case "querystring", "multivaluequerystring":
				_, present = c.mquery[name]
			case "header", "multivalueheader":
				present = c.r.Header.Get(name) != ""
			case "path":
				present = c.params[name] != ""
			}
			if !present {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			msg := "Missing required request parameters: [" + strings.Join(missing, ", ") + "]"
			c.errorMsg = msg
			c.gateway("BAD_REQUEST_PARAMETERS", msg)
			return false
		}
	}
	if v.ValidateRequestBody && len(m.RequestModels) > 0 {
		ct := mediaType(c.r.Header.Get("Content-Type"))
		name, ok := m.RequestModels[ct]
		if !ok {
			name, ok = m.RequestModels["$default"]
		}
		if ok {
			sch := c.t.c.schemas[name]
			if sch == nil {
				c.gateway("BAD_REQUEST_BODY", "Invalid request body")
				return false
			}
			if err := validateBody(sch, c.body); err != nil {
				c.errorMsg = "Request body does not match model schema for content type " + ct + ": " + err.Error()
				c.s.log.Info("request validation failed", "request_id", c.info.ID, "api", c.apiID, "detail", c.errorMsg)
				c.gateway("BAD_REQUEST_BODY", "Invalid request body")
				return false
			}
		}
	}
	return true
}

// gateway writes API Gateway's own answer of type typ, with the API's
// gateway response settings (status, headers, template).
func (c *call) gateway(typ, message string) { c.gatewayStatus(typ, message, 0) }

// gatewayStatus is gateway with a status of its own (the 502 of a failed
// Lambda proxy integration goes through DEFAULT_5XX).
func (c *call) gatewayStatus(typ, message string, status int) {
	gr := effectiveGatewayResponse(c.t.c.doc, typ)
	if status == 0 {
		status, _ = strconv.Atoi(gr.StatusCode)
	}
	if status == 0 {
		status = 500
	}
	h := c.w.Header()
	for k, v := range gr.ResponseParameters {
		name, ok := strings.CutPrefix(k, "gatewayresponse.header.")
		if !ok {
			continue
		}
		if val, ok := c.paramValue(v); ok {
			h.Set(name, val)
		}
	}
	if et := gatewayErrorTypes[typ]; et != "" {
		h.Set("X-Amzn-Errortype", et)
	}
	ct, tmpl := pickTemplate(gr.ResponseTemplates, c.r.Header.Get("Accept"))
	if ct == "" {
		ct = "application/json"
	}
	msgJSON, _ := json.Marshal(message)
	var body string
	if tmpl == "" || tmpl == defaultGatewayTemplate {
		body = defaultGatewayBody(message, msgJSON)
	} else {
		ctx := cloneContext(c.ctx)
		ctx["error"] = map[string]any{"message": message, "messageString": string(msgJSON), "responseType": typ,
			"validationErrorString": c.errorMsg}
		out, _, err := c.s.renderTemplate(tmpl, &renderInput{body: c.body, path: c.params, query: c.query, header: c.header,
			context: ctx, stageVars: c.t.stage.Variables})
		if err != nil {
			body = defaultGatewayBody(message, msgJSON)
		} else {
			body = out
		}
	}
	h.Set("Content-Type", ct)
	c.w.WriteHeader(status)
	io.WriteString(c.w, body)
}

// spacedMessages are the errors AWS words {"message": "..."} (with a
// space) where the front door's own answers ({"message":"Forbidden"},
// {"message":"Missing Authentication Token"}) have none; clients and
// course material compare these bodies verbatim.
var spacedMessages = map[string]bool{"Internal server error": true, "Invalid request body": true,
	"Endpoint request timed out": true, "Unsupported Media Type": true}

func defaultGatewayBody(message string, msgJSON []byte) string {
	if message == "" {
		// Authorizer failures: AWS answers {"message": null}.
		return `{"message":null}`
	}
	if strings.HasPrefix(message, "User is not authorized") {
		return `{"Message":` + string(msgJSON) + `}`
	}
	if spacedMessages[message] {
		return `{"message": ` + string(msgJSON) + `}`
	}
	return `{"message":` + string(msgJSON) + `}`
}

func cloneContext(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// pickTemplate chooses a response template: the one for the Accept
// header's first type, else application/json, else the first by name.
func pickTemplate(tmpls map[string]string, accept string) (string, string) {
	if len(tmpls) == 0 {
		return "", ""
	}
	for _, a := range strings.Split(accept, ",") {
		mt := mediaType(strings.TrimSpace(a))
		if t, ok := tmpls[mt]; ok && a != "" {
			return mt, t
		}
	}
	if t, ok := tmpls["application/json"]; ok {
		return "application/json", t
	}
	keys := make([]string, 0, len(tmpls))
	for k := range tmpls {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys[0], tmpls[keys[0]]
}

// paramValue evaluates a request-side mapping expression: a 'literal',
// method.request.{path,querystring,header}.X, context.X or stageVariables.X.
func (c *call) paramValue(expr string) (string, bool) {
	if len(expr) >= 2 && expr[0] == '\'' && expr[len(expr)-1] == '\'' {
		return expr[1 : len(expr)-1], true
	}
	if rest, ok := strings.CutPrefix(expr, "method.request."); ok {
		kind, name, _ := strings.Cut(rest, ".")
		switch kind {
		case "path":
			v, ok := c.params[name]
			return v, ok
		case "querystring":
			v, ok := c.query[name]
			return v, ok
		case "multivaluequerystring":
			vs, ok := c.mquery[name]
			return strings.Join(vs, ","), ok
		case "header":
			v := c.r.Header.Get(name)
			return v, v != ""
		case "multivalueheader":
			vs := c.r.Header.Values(name)
			return strings.Join(vs, ","), len(vs) > 0
		}
		if rest == "body" {
			return string(c.body), true
		}
		return "", false
	}
	if name, ok := strings.CutPrefix(expr, "stageVariables."); ok {
		v, ok := c.t.stage.Variables[name]
		return v, ok
	}
	if name, ok := strings.CutPrefix(expr, "context."); ok {
		var cur any = c.ctx
		for _, p := range strings.Split(name, ".") {
			m, ok := cur.(map[string]any)
			if !ok {
				return "", false
			}
			cur = m[p]
		}
		switch v := cur.(type) {
		case string:
			return v, true
		case int64:
			return strconv.FormatInt(v, 10), true
		}
		return "", false
	}
	return "", false
}

// sourceARN is the execute-api ARN Lambda checks its resource policy against.
func (c *call) sourceARN() string {
	p := ""
	if c.res != nil {
		p = strings.TrimPrefix(c.res.Path, "/")
	}
	return "arn:aws:execute-api:" + c.t.c.region + ":" + c.t.c.account + ":" + c.apiID + "/" + c.stage + "/" + c.r.Method + "/" + p
}

// invokeLambda calls the function of a Lambda integration URI. ok false
// means the answer has been written (an error).
func (c *call) invokeLambda(ctx context.Context, ig *Integration, payload []byte) (*FunctionResult, bool) {
	m := lambdaURIRE.FindStringSubmatch(c.stageVarsIn(ig.URI))
	if m == nil || c.s.lambda == nil {
		c.errorMsg = "Execution failed due to configuration error: unsupported AWS integration " + ig.URI
		c.s.log.Warn("integration not supported", "request_id", c.info.ID, "uri", ig.URI)
		c.internalError()
		return nil, false
	}
	res, err := c.s.lambda(ctx, FunctionCall{Account: c.t.c.account, Region: c.t.c.region, FunctionName: m[2],
		Payload: payload, SourceARN: c.sourceARN()})
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			c.gateway("INTEGRATION_TIMEOUT", "Endpoint request timed out")
			return nil, false
		}
		var ae *awserr.Error
		if errors.As(err, &ae) && ae.Code == "TooManyRequestsException" {
			writeMessage(c.w, http.StatusTooManyRequests, "TooManyRequestsException", "Too Many Requests")
			return nil, false
		}
		// AccessDeniedException ("Invalid permissions on Lambda function"),
		// a missing function: AWS logs the cause and answers 500.
		c.s.log.Info("Execution failed due to configuration error", "request_id", c.info.ID, "err", err)
		c.internalError()
		return nil, false
	}
	return res, true
}

func (c *call) internalError() {
	c.gateway("API_CONFIGURATION_ERROR", "Internal server error")
}

var stageVarRE = regexp.MustCompile(`\$\{stageVariables\.([A-Za-z0-9_]+)\}`)

// stageVarsIn substitutes ${stageVariables.x} in integration URIs.
func (c *call) stageVarsIn(s string) string {
	if !strings.Contains(s, "${stageVariables.") {
		return s
	}
	return stageVarRE.ReplaceAllStringFunc(s, func(m string) string {
		return c.t.stage.Variables[stageVarRE.FindStringSubmatch(m)[1]]
	})
}

// isBinary reports whether a content type is one of the API's binary media types.
func (c *call) isBinary(ct string) bool {
	mt := mediaType(ct)
	for _, b := range c.t.c.binary {
		if b == "*/*" || strings.EqualFold(b, mt) {
			return true
		}
		if strings.HasSuffix(b, "/*") && strings.HasPrefix(mt, strings.TrimSuffix(b, "*")) {
			return true
		}
	}
	return false
}

// lambdaProxy runs an AWS_PROXY integration: the version 1.0 event in,
// {statusCode, headers, multiValueHeaders, body, isBase64Encoded} out.
func (c *call) lambdaProxy(ctx context.Context, ig *Integration) {
	ev := c.proxyEvent()
	payload, _ := json.Marshal(ev)
	res, ok := c.invokeLambda(ctx, ig, payload)
	if !ok {
		return
	}
	if res.FunctionError != "" {
		c.errorMsg = "Lambda execution failed with status 200 due to customer function error: " + string(res.Payload)
		c.s.log.Info(c.errorMsg, "request_id", c.info.ID)
		c.gatewayStatus("DEFAULT_5XX", "Internal server error", http.StatusBadGateway)
		return
	}
	status, header, body, err := parseProxyResponse(res.Payload)
	if err != nil {
		c.errorMsg = "Execution failed due to configuration error: Malformed Lambda proxy response"
		c.s.log.Info(c.errorMsg, "request_id", c.info.ID, "err", err)
		c.gatewayStatus("DEFAULT_5XX", "Internal server error", http.StatusBadGateway)
		return
	}
	h := c.w.Header()
	for k, vs := range header {
		h[http.CanonicalHeaderKey(k)] = vs
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	c.w.WriteHeader(status)
	c.w.Write(body)
}

// proxyEvent builds the Lambda proxy event (payload format 1.0).
func (c *call) proxyEvent() map[string]any {
	var headers, mvHeaders, qs, mvqs, pathParams, stageVars any
	if len(c.r.Header) > 0 {
		h, mh := map[string]string{}, map[string][]string{}
		for k, vs := range c.r.Header {
			h[k] = vs[len(vs)-1]
			mh[k] = vs
		}
		if c.r.Host != "" {
			h["Host"] = c.r.Host
			mh["Host"] = []string{c.r.Host}
		}
		headers, mvHeaders = h, mh
	}
	if len(c.mquery) > 0 {
		qs, mvqs = c.query, c.mquery
	}
	if len(c.params) > 0 {
		pathParams = c.params
	}
	if len(c.t.stage.Variables) > 0 {
		stageVars = c.t.stage.Variables
	}
	var body any
	isB64 := false
	if len(c.body) > 0 {
		if c.isBinary(c.r.Header.Get("Content-Type")) {
			body, isB64 = base64.StdEncoding.EncodeToString(c.body), true
		} else {
			body = string(c.body)
		}
	}
	rc := cloneContext(c.ctx)
	if a, _ := rc["authorizer"].(map[string]any); len(a) == 0 {
		delete(rc, "authorizer")
	}
	return map[string]any{
		"resource": c.res.Path, "path": c.path, "httpMethod": c.r.Method,
		"headers": headers, "multiValueHeaders": mvHeaders,
		"queryStringParameters": qs, "multiValueQueryStringParameters": mvqs,
		"pathParameters": pathParams, "stageVariables": stageVars,
		"requestContext": rc, "body": body, "isBase64Encoded": isB64,
	}
}

// parseProxyResponse reads a Lambda proxy answer; an error means it is
// malformed, which API Gateway answers with 502.
func parseProxyResponse(payload []byte) (int, http.Header, []byte, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(payload, &raw); err != nil || raw == nil {
		return 0, nil, nil, errors.New("the response is not a JSON object")
	}
	status := 200
	header := http.Header{}
	var body []byte
	isB64 := false
	var bodyStr string
	for k, v := range raw {
		switch k {
		case "statusCode":
			var n json.Number
			dec := json.NewDecoder(bytes.NewReader(v))
			dec.UseNumber()
			var x any
			if err := dec.Decode(&x); err != nil {
				return 0, nil, nil, errors.New("statusCode is not a number")
			}
			switch t := x.(type) {
			case json.Number:
				n = t
			case string:
				n = json.Number(t)
			default:
				return 0, nil, nil, errors.New("statusCode is not a number")
			}
			i, err := strconv.Atoi(string(n))
			if err != nil || i < 100 || i > 599 {
				return 0, nil, nil, errors.New("statusCode is not a valid status")
			}
			status = i
		case "headers":
			var m map[string]any
			if err := json.Unmarshal(v, &m); err != nil {
				return 0, nil, nil, errors.New("headers is not an object")
			}
			for hk, hv := range m {
				header.Set(hk, scalarString(hv))
			}
		case "multiValueHeaders":
			var m map[string][]any
			if err := json.Unmarshal(v, &m); err != nil {
				return 0, nil, nil, errors.New("multiValueHeaders is not an object of lists")
			}
			for hk, hvs := range m {
				header.Del(hk)
				for _, hv := range hvs {
					header.Add(hk, scalarString(hv))
				}
			}
		case "body":
			if string(v) == "null" {
				continue
			}
			if err := json.Unmarshal(v, &bodyStr); err != nil {
				return 0, nil, nil, errors.New("body is not a string")
			}
		case "isBase64Encoded":
			if err := json.Unmarshal(v, &isB64); err != nil {
				return 0, nil, nil, errors.New("isBase64Encoded is not a boolean")
			}
		case "cookies":
		default:
			return 0, nil, nil, errors.New("unexpected member " + k)
		}
	}
	if _, ok := raw["statusCode"]; !ok {
		return 0, nil, nil, errors.New("statusCode is missing")
	}
	body = []byte(bodyStr)
	if isB64 {
		b, err := base64.StdEncoding.DecodeString(bodyStr)
		if err != nil {
			return 0, nil, nil, errors.New("body is not valid base64")
		}
		body = b
	}
	return status, header, body, nil
}

func scalarString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}
