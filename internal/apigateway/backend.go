package apigateway

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// hopHeaders are not forwarded to or from HTTP integrations.
var hopHeaders = map[string]bool{"Connection": true, "Keep-Alive": true, "Proxy-Authenticate": true,
	"Proxy-Authorization": true, "Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true,
	"Host": true, "Content-Length": true}

// backendAnswer is what a non-proxy integration returned.
type backendAnswer struct {
	status int
	header http.Header
	body   []byte
	// errorMessage is a Lambda function error's errorMessage; selection
	// patterns match it (and the status code for MOCK and HTTP).
	errorMessage string
	lambdaError  bool
	isLambda     bool
}

// requestTemplate applies the integration's request template or
// passthrough behaviour. ok false means the answer has been written.
func (c *call) requestTemplate(ig *Integration) (body []byte, ov *overrides, ok bool) {
	ct := mediaType(c.r.Header.Get("Content-Type"))
	tmpl, found := ig.RequestTemplates[ct]
	in := c.body
	// A binary payload reaches a template (or a CONVERT_TO_TEXT
	// passthrough) base64-encoded, as AWS hands it on.
	if c.isBinary(ct) && (found || ig.ContentHandling == "CONVERT_TO_TEXT") {
		in = []byte(base64.StdEncoding.EncodeToString(c.body))
	}
	if !c.isBinary(ct) && ig.ContentHandling == "CONVERT_TO_BINARY" {
		if b, err := base64.StdEncoding.DecodeString(string(c.body)); err == nil {
			in = b
		}
	}
	if !found {
		switch ig.PassthroughBehavior {
		case "NEVER":
			c.gateway("UNSUPPORTED_MEDIA_TYPE", "Unsupported Media Type")
			return nil, nil, false
		case "WHEN_NO_TEMPLATES":
			if len(ig.RequestTemplates) > 0 {
				c.gateway("UNSUPPORTED_MEDIA_TYPE", "Unsupported Media Type")
				return nil, nil, false
			}
		}
		return in, nil, true
	}
	out, ov, err := c.s.renderTemplate(tmpl, &renderInput{body: in, path: c.params, query: c.query, header: c.header,
		context: c.ctx, stageVars: c.t.stage.Variables})
	if err != nil {
		c.errorMsg = "Execution failed due to configuration error: mapping template: " + err.Error()
		c.s.log.Info("request mapping failed", "request_id", c.info.ID, "err", err)
		c.internalError()
		return nil, nil, false
	}
	return []byte(out), ov, true
}

// nonProxy runs MOCK, AWS and HTTP integrations: request template,
// backend, integration response selection, response template.
func (c *call) nonProxy(ctx context.Context, ig *Integration) {
	body, ov, ok := c.requestTemplate(ig)
	if !ok {
		return
	}
	var ans *backendAnswer
	switch ig.Type {
	case "MOCK":
		ans = &backendAnswer{status: 200, header: http.Header{}}
		if s := bytes.TrimSpace(body); len(s) > 0 {
			var m struct {
				StatusCode json.Number `json:"statusCode"`
			}
			if err := json.Unmarshal(s, &m); err != nil {
				c.s.log.Info("MOCK integration: request template output is not JSON with a statusCode", "request_id", c.info.ID)
				c.internalError()
				return
			}
			if m.StatusCode != "" {
				n, err := strconv.Atoi(string(m.StatusCode))
				if err != nil {
					c.internalError()
					return
				}
				ans.status = n
			}
		}
	case "AWS":
		if !lambdaURIRE.MatchString(c.stageVarsIn(ig.URI)) {
			var ok bool
			if ans, ok = c.awsService(ctx, ig, body, ov); !ok {
				return
			}
			break
		}
		payload := body
		if len(bytes.TrimSpace(payload)) == 0 {
			payload = []byte("{}")
		}
		res, ok := c.invokeLambda(ctx, ig, payload)
		if !ok {
			return
		}
		ans = &backendAnswer{status: 200, header: http.Header{}, body: res.Payload, isLambda: true}
		if res.FunctionError != "" {
			ans.lambdaError = true
			var e struct {
				ErrorMessage string `json:"errorMessage"`
			}
			json.Unmarshal(res.Payload, &e)
			ans.errorMessage = e.ErrorMessage
		}
	case "HTTP":
		var ok bool
		ans, ok = c.httpCall(ctx, ig, body, ov)
		if !ok {
			return
		}
	default:
		c.internalError()
		return
	}
	c.integrationResponse(ig, ans)
}

// selectResponse picks the integration response: a pattern that matches
// the whole Lambda errorMessage (or the backend status code), else the
// default (no pattern).
func selectResponse(ig *Integration, ans *backendAnswer) *IntegrationResponse {
	subject := strconv.Itoa(ans.status)
	if ans.isLambda {
		subject = ans.errorMessage
	}
	codes := make([]string, 0, len(ig.IntegrationResponses))
	for k := range ig.IntegrationResponses {
		codes = append(codes, k)
	}
	sort.Strings(codes)
	var def *IntegrationResponse
	for _, code := range codes {
		ir := ig.IntegrationResponses[code]
		if ir.SelectionPattern == nil || *ir.SelectionPattern == "" {
			if def == nil {
				def = ir
			}
			continue
		}
		if ans.isLambda && !ans.lambdaError {
			continue
		}
		re, err := regexp.Compile(`^(?s:` + *ir.SelectionPattern + `)$`)
		if err == nil && re.MatchString(subject) {
			return ir
		}
	}
	return def
}

func (c *call) integrationResponse(ig *Integration, ans *backendAnswer) {
	ir := selectResponse(ig, ans)
	if ir == nil {
		c.s.log.Info("Execution failed due to configuration error: No match for output mapping and no default output mapping configured",
			"request_id", c.info.ID, "status", ans.status)
		c.internalError()
		return
	}
	status, _ := strconv.Atoi(ir.StatusCode)
	h := c.w.Header()
	var bodyJSON any
	bodyParsed := false
	for k, v := range ir.ResponseParameters {
		name, ok := strings.CutPrefix(k, "method.response.header.")
		if !ok {
			continue
		}
		val, ok := "", false
		switch {
		case strings.HasPrefix(v, "integration.response.header."):
			hv := ans.header.Get(strings.TrimPrefix(v, "integration.response.header."))
			val, ok = hv, hv != ""
		case strings.HasPrefix(v, "integration.response.multivalueheader."):
			hvs := ans.header.Values(strings.TrimPrefix(v, "integration.response.multivalueheader."))
			val, ok = strings.Join(hvs, ","), len(hvs) > 0
		case v == "integration.response.body":
			val, ok = string(ans.body), true
		case strings.HasPrefix(v, "integration.response.body."):
			if !bodyParsed {
				json.Unmarshal(ans.body, &bodyJSON)
				bodyParsed = true
			}
			val, ok = jsonField(bodyJSON, strings.TrimPrefix(v, "integration.response.body."))
		default:
			val, ok = c.paramValue(v)
		}
		if ok {
			h.Set(name, val)
		}
	}
	body := ans.body
	switch ir.ContentHandling {
	case "CONVERT_TO_BINARY":
		text := bytes.TrimSpace(body)
		var s string
		if json.Unmarshal(text, &s) == nil {
			text = []byte(s) // a Lambda function's answer is a JSON string
		}
		if b, err := base64.StdEncoding.DecodeString(string(text)); err == nil {
			body = b
		}
	case "CONVERT_TO_TEXT":
		body = []byte(base64.StdEncoding.EncodeToString(body))
	}
	ct, tmpl := pickTemplate(ir.ResponseTemplates, c.r.Header.Get("Accept"))
	if ir.ContentHandling == "CONVERT_TO_BINARY" {
		tmpl = "" // the converted payload goes out as is
		if a := mediaType(strings.Split(c.r.Header.Get("Accept"), ",")[0]); c.isBinary(a) {
			ct = a
		}
	}
	if tmpl != "" {
		out, ov, err := c.s.renderTemplate(tmpl, &renderInput{body: ans.body, path: c.params, query: c.query, header: c.header,
			context: c.ctx, stageVars: c.t.stage.Variables})
		if err != nil {
			c.s.log.Info("response mapping failed", "request_id", c.info.ID, "err", err)
			c.internalError()
			return
		}
		body = []byte(out)
		if ov != nil {
			if ov.status != 0 {
				status = ov.status
			}
			for k, v := range ov.header {
				h.Set(k, v)
			}
		}
	}
	if ct == "" {
		ct = ans.header.Get("Content-Type")
		if ct == "" {
			ct = "application/json"
		}
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", ct)
	}
	c.w.WriteHeader(status)
	if c.r.Method != http.MethodHead {
		c.w.Write(body)
	}
}

// jsonField reads a dotted path (a.b.c) from a decoded JSON document.
func jsonField(doc any, path string) (string, bool) {
	cur := doc
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return "", false
		}
		if cur, ok = m[p]; !ok {
			return "", false
		}
	}
	if s, ok := cur.(string); ok {
		return s, true
	}
	b, _ := json.Marshal(cur)
	return string(b), true
}

// integrationURL builds an HTTP integration's URL: path parameters from
// integration.request.path mappings (or the method's own for proxies),
// query parameters from integration.request.querystring mappings.
func (c *call) integrationURL(ig *Integration, proxy bool) (*url.URL, error) {
	raw := c.stageVarsIn(ig.URI)
	pathVals := map[string]string{}
	if proxy {
		for k, v := range c.params {
			pathVals[k] = v
		}
	}
	query := url.Values{}
	if proxy {
		query = c.r.URL.Query()
	}
	for k, v := range ig.RequestParameters {
		val, ok := c.paramValue(v)
		if !ok {
			continue
		}
		switch {
		case strings.HasPrefix(k, "integration.request.path."):
			pathVals[strings.TrimPrefix(k, "integration.request.path.")] = val
		case strings.HasPrefix(k, "integration.request.querystring."):
			query.Set(strings.TrimPrefix(k, "integration.request.querystring."), val)
		}
	}
	for k, v := range pathVals {
		greedy := "{" + k + "+}"
		if strings.Contains(raw, greedy) {
			raw = strings.ReplaceAll(raw, greedy, v)
		}
		// Each segment is escaped; slashes of a greedy value stay path separators.
		segs := strings.Split(v, "/")
		for i := range segs {
			segs[i] = url.PathEscape(segs[i])
		}
		raw = strings.ReplaceAll(raw, "{"+k+"}", strings.Join(segs, "/"))
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if len(query) > 0 {
		q := u.Query()
		for k, vs := range query {
			for _, v := range vs {
				q.Add(k, v)
			}
		}
		u.RawQuery = q.Encode()
	}
	return u, nil
}

// httpCall sends an HTTP integration request.
func (c *call) httpCall(ctx context.Context, ig *Integration, body []byte, ov *overrides) (*backendAnswer, bool) {
	u, err := c.integrationURL(ig, false)
	if err != nil {
		c.internalError()
		return nil, false
	}
	method := ig.HTTPMethod
	if method == "ANY" {
		method = c.r.Method
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		c.internalError()
		return nil, false
	}
	req.Header.Set("Content-Type", c.r.Header.Get("Content-Type"))
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
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

// send performs an integration request, answering timeouts (504) and
// connection failures itself.
func (c *call) send(req *http.Request) (*http.Response, bool) {
	resp, err := c.s.client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			c.gateway("INTEGRATION_TIMEOUT", "Endpoint request timed out")
		} else {
			c.s.log.Info("Execution failed due to an integration error", "request_id", c.info.ID, "err", err)
			c.gateway("INTEGRATION_FAILURE", "Internal server error")
		}
		return nil, false
	}
	return resp, true
}

// httpProxy forwards the request and relays the answer unchanged.
func (c *call) httpProxy(ctx context.Context, ig *Integration) {
	u, err := c.integrationURL(ig, true)
	if err != nil {
		c.internalError()
		return
	}
	method := ig.HTTPMethod
	if method == "ANY" {
		method = c.r.Method
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(c.body))
	if err != nil {
		c.internalError()
		return
	}
	for k, vs := range c.r.Header {
		if !hopHeaders[k] {
			req.Header[k] = vs
		}
	}
	for k, v := range ig.RequestParameters {
		if name, ok := strings.CutPrefix(k, "integration.request.header."); ok {
			if val, ok := c.paramValue(v); ok {
				req.Header.Set(name, val)
			}
		}
	}
	resp, ok := c.send(req)
	if !ok {
		return
	}
	defer resp.Body.Close()
	h := c.w.Header()
	for k, vs := range resp.Header {
		if !hopHeaders[k] {
			h[k] = vs
		}
	}
	c.w.WriteHeader(resp.StatusCode)
	io.Copy(c.w, io.LimitReader(resp.Body, 10<<20))
}
