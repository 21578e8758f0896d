package apigateway

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// OpenAPI import and export: OpenAPI 3.0 and Swagger 2.0 documents with
// API Gateway's x-amazon-apigateway-* extensions, in JSON or YAML.

// GetExportInput is GetExport's request.
type GetExportInput struct {
	RestApiID  string            `location:"uri" name:"restapi_id"`
	StageName  string            `location:"uri" name:"stage_name"`
	ExportType string            `location:"uri" name:"export_type"`
	Accepts    string            `location:"header" name:"Accept"`
	Parameters map[string]string `location:"querystring"`
}

// ExportOutput is GetExport's answer.
type ExportOutput struct {
	ContentType        string `location:"header" name:"Content-Type"`
	ContentDisposition string `location:"header" name:"Content-Disposition"`
	Body               []byte `location:"payload"`
}

// ImportRestApiInput is ImportRestApi's request.
type ImportRestApiInput struct {
	FailOnWarnings bool              `location:"querystring" name:"failonwarnings"`
	Parameters     map[string]string `location:"querystring"`
	Body           []byte            `location:"payload"`
}

// PutRestApiInput is PutRestApi's request.
type PutRestApiInput struct {
	RestApiID      string            `location:"uri" name:"restapi_id"`
	Mode           string            `location:"querystring" name:"mode"`
	FailOnWarnings bool              `location:"querystring" name:"failonwarnings"`
	Parameters     map[string]string `location:"querystring"`
	Body           []byte            `location:"payload"`
}

const modelRefPrefix = "https://apigateway.amazonaws.com/restapis/"

// GetExport exports a stage's deployment as OpenAPI 3 (oas30) or Swagger 2.
func (s *Service) GetExport(ctx context.Context, in *GetExportInput) (*ExportOutput, error) {
	info := request.From(ctx)
	if in.ExportType != "oas30" && in.ExportType != "swagger" {
		return nil, badRequest("Invalid export type specified. Valid options are oas30, swagger")
	}
	var dep *deploymentDoc
	err := s.kv.View(ctx, func(r storage.Reader) error {
		if _, err := loadAPI(r, info.Account, info.Region, in.RestApiID); err != nil {
			return err
		}
		st := new(Stage)
		ok, err := getJSON(r, stageKey(info.Account, info.Region, in.RestApiID, in.StageName), st)
		if err != nil {
			return err
		}
		if !ok {
			return stageNotFound()
		}
		dep, err = loadDeployment(r, info.Account, info.Region, in.RestApiID, st.DeploymentID)
		return err
	})
	if err != nil {
		return nil, err
	}
	ext := map[string]bool{}
	for _, e := range strings.Split(in.Parameters["extensions"], ",") {
		ext[strings.TrimSpace(e)] = true
	}
	withIntegrations := ext["integrations"] || ext["apigateway"]
	doc := exportDoc(&dep.Snapshot, in.StageName, in.ExportType == "oas30", withIntegrations)
	out := &ExportOutput{ContentDisposition: `attachment; filename="` + in.ExportType + `_` + dep.Deployment.CreatedDate.Format("2006-01-02T15:04:05Z") + `.json"`}
	if strings.Contains(in.Accepts, "yaml") {
		b, err := yaml.Marshal(doc)
		if err != nil {
			return nil, err
		}
		out.Body, out.ContentType = b, "application/yaml"
		out.ContentDisposition = strings.Replace(out.ContentDisposition, ".json", ".yaml", 1)
		return out, nil
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	out.Body, out.ContentType = b, "application/json"
	return out, nil
}

// exportDoc builds the OpenAPI (oas3) or Swagger document of an API.
func exportDoc(d *apiDoc, stage string, oas3 bool, integrations bool) map[string]any {
	refBase := "#/definitions/"
	if oas3 {
		refBase = "#/components/schemas/"
	}
	ref := func(model string) map[string]any { return map[string]any{"$ref": refBase + model} }
	info := map[string]any{"title": d.API.Name, "version": d.API.CreatedDate.Format("2006-01-02T15:04:05Z")}
	if d.API.Version != "" {
		info["version"] = d.API.Version
	}
	if d.API.Description != "" {
		info["description"] = d.API.Description
	}
	host := d.API.ID + ".execute-api." + d.Region + ".amazonaws.com"
	paths := map[string]any{}
	for _, r := range d.Resources {
		if len(r.ResourceMethods) == 0 {
			continue
		}
		item := map[string]any{}
		for verb, m := range r.ResourceMethods {
			op := map[string]any{}
			var params []any
			for p, required := range m.RequestParameters {
				kind, name, _ := strings.Cut(strings.TrimPrefix(p, "method.request."), ".")
				where := map[string]string{"path": "path", "querystring": "query", "header": "header"}[kind]
				if where == "" {
					continue
				}
				param := map[string]any{"name": name, "in": where, "required": required || where == "path"}
				if oas3 {
					param["schema"] = map[string]any{"type": "string"}
				} else {
					param["type"] = "string"
				}
				params = append(params, param)
			}
			for ct, model := range m.RequestModels {
				if oas3 {
					op["requestBody"] = map[string]any{"content": map[string]any{ct: map[string]any{"schema": ref(model)}}, "required": true}
				} else {
					params = append(params, map[string]any{"in": "body", "name": model, "required": true, "schema": ref(model)})
					op["consumes"] = []string{ct}
				}
			}
			sort.Slice(params, func(i, j int) bool {
				return params[i].(map[string]any)["name"].(string) < params[j].(map[string]any)["name"].(string)
			})
			if len(params) > 0 {
				op["parameters"] = params
			}
			responses := map[string]any{}
			for code, mr := range m.MethodResponses {
				resp := map[string]any{"description": code + " response"}
				headers := map[string]any{}
				for h := range mr.ResponseParameters {
					name := strings.TrimPrefix(h, "method.response.header.")
					if oas3 {
						headers[name] = map[string]any{"schema": map[string]any{"type": "string"}}
					} else {
						headers[name] = map[string]any{"type": "string"}
					}
				}
				if len(headers) > 0 {
					resp["headers"] = headers
				}
				for ct, model := range mr.ResponseModels {
					if oas3 {
						resp["content"] = map[string]any{ct: map[string]any{"schema": ref(model)}}
					} else {
						resp["schema"] = ref(model)
						op["produces"] = []string{ct}
					}
				}
				responses[code] = resp
			}
			op["responses"] = responses
			if m.RequestValidatorID != "" {
				if v := d.Validators[m.RequestValidatorID]; v != nil {
					op["x-amazon-apigateway-request-validator"] = v.Name
				}
			}
			switch m.AuthorizationType {
			case "AWS_IAM":
				op["security"] = []any{map[string]any{"sigv4": []any{}}}
			case "CUSTOM", "COGNITO_USER_POOLS":
				if a := d.Authorizers[m.AuthorizerID]; a != nil {
					op["security"] = []any{map[string]any{a.Name: []any{}}}
				}
			}
			if m.APIKeyRequired {
				op["security"] = append(asList(op["security"]), map[string]any{"api_key": []any{}})
			}
			if ig := m.MethodIntegration; ig != nil && integrations {
				x := map[string]any{"type": strings.ToLower(ig.Type), "passthroughBehavior": strings.ToLower(ig.PassthroughBehavior),
					"timeoutInMillis": ig.TimeoutInMillis}
				if ig.HTTPMethod != "" {
					x["httpMethod"] = ig.HTTPMethod
				}
				if ig.URI != "" {
					x["uri"] = ig.URI
				}
				if len(ig.RequestTemplates) > 0 {
					x["requestTemplates"] = ig.RequestTemplates
				}
				if len(ig.RequestParameters) > 0 {
					x["requestParameters"] = ig.RequestParameters
				}
				if ig.ContentHandling != "" {
					x["contentHandling"] = ig.ContentHandling
				}
				irs := map[string]any{}
				for code, ir := range ig.IntegrationResponses {
					key := "default"
					if ir.SelectionPattern != nil && *ir.SelectionPattern != "" {
						key = *ir.SelectionPattern
					}
					v := map[string]any{"statusCode": code}
					if len(ir.ResponseParameters) > 0 {
						v["responseParameters"] = ir.ResponseParameters
					}
					if len(ir.ResponseTemplates) > 0 {
						v["responseTemplates"] = ir.ResponseTemplates
					}
					irs[key] = v
				}
				if len(irs) > 0 {
					x["responses"] = irs
				}
				op["x-amazon-apigateway-integration"] = x
			}
			name := strings.ToLower(verb)
			if verb == "ANY" {
				name = "x-amazon-apigateway-any-method"
			}
			item[name] = op
		}
		paths[r.Path] = item
	}
	schemas := map[string]any{}
	for name, m := range d.Models {
		var sch any
		if err := json.Unmarshal([]byte(strings.ReplaceAll(m.Schema, modelRefPrefix+d.API.ID+"/models/", refBase)), &sch); err == nil {
			if obj, ok := sch.(map[string]any); ok {
				delete(obj, "$schema")
			}
			schemas[name] = sch
		}
	}
	out := map[string]any{"info": info, "paths": paths}
	secSchemes := map[string]any{}
	for _, a := range d.Authorizers {
		x := map[string]any{"type": strings.ToLower(a.Type), "authorizerUri": a.AuthorizerURI}
		if a.AuthorizerResultTTLInSeconds != nil {
			x["authorizerResultTtlInSeconds"] = *a.AuthorizerResultTTLInSeconds
		}
		if a.IdentityValidationExpression != "" {
			x["identityValidationExpression"] = a.IdentityValidationExpression
		}
		if a.Type == "REQUEST" {
			x["identitySource"] = a.IdentitySource
		}
		header := "Authorization"
		if h, ok := strings.CutPrefix(a.IdentitySource, "method.request.header."); ok && a.Type == "TOKEN" {
			header = h
		}
		secSchemes[a.Name] = map[string]any{"type": "apiKey", "name": header, "in": "header", "x-amazon-apigateway-authtype": a.AuthType,
			"x-amazon-apigateway-authorizer": x}
	}
	if oas3 {
		out["openapi"] = "3.0.1"
		out["servers"] = []any{map[string]any{"url": "https://" + host + "/{basePath}", "variables": map[string]any{"basePath": map[string]any{"default": stage}}}}
		comps := map[string]any{}
		if len(schemas) > 0 {
			comps["schemas"] = schemas
		}
		if len(secSchemes) > 0 {
			comps["securitySchemes"] = secSchemes
		}
		if len(comps) > 0 {
			out["components"] = comps
		}
	} else {
		out["swagger"] = "2.0"
		out["host"] = host
		out["basePath"] = "/" + stage
		out["schemes"] = []string{"https"}
		if len(schemas) > 0 {
			out["definitions"] = schemas
		}
		if len(secSchemes) > 0 {
			out["securityDefinitions"] = secSchemes
		}
	}
	if len(d.Validators) > 0 {
		vs := map[string]any{}
		for _, v := range d.Validators {
			vs[v.Name] = map[string]any{"validateRequestBody": v.ValidateRequestBody, "validateRequestParameters": v.ValidateRequestParameters}
		}
		out["x-amazon-apigateway-request-validators"] = vs
	}
	if len(d.API.BinaryMediaTypes) > 0 {
		out["x-amazon-apigateway-binary-media-types"] = d.API.BinaryMediaTypes
	}
	if len(d.GatewayResponses) > 0 && integrations {
		grs := map[string]any{}
		for typ, gr := range d.GatewayResponses {
			v := map[string]any{}
			if gr.StatusCode != "" {
				v["statusCode"] = gr.StatusCode
			}
			if len(gr.ResponseParameters) > 0 {
				v["responseParameters"] = gr.ResponseParameters
			}
			if len(gr.ResponseTemplates) > 0 {
				v["responseTemplates"] = gr.ResponseTemplates
			}
			grs[typ] = v
		}
		out["x-amazon-apigateway-gateway-responses"] = grs
	}
	return out
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// ImportRestApi creates an API from an OpenAPI 3 or Swagger 2 document.
func (s *Service) ImportRestApi(ctx context.Context, in *ImportRestApiInput) (*RestApi, error) {
	info := request.From(ctx)
	spec, err := parseSpec(in.Body)
	if err != nil {
		return nil, err
	}
	api, err := s.CreateRestApi(ctx, &CreateRestApiInput{Name: specName(spec), EndpointConfiguration: endpointFromParams(in.Parameters)})
	if err != nil {
		return nil, err
	}
	var out *RestApi
	err = s.updateAPI(ctx, info.Account, info.Region, api.ID, func(d *apiDoc) error {
		if err := applySpec(d, spec, "overwrite"); err != nil {
			return err
		}
		out = &d.API
		return nil
	})
	if err != nil {
		s.kv.Update(ctx, func(tx storage.Tx) error {
			tx.Delete(apiKey(info.Account, info.Region, api.ID))
			return tx.Delete(idKey(api.ID))
		})
		return nil, err
	}
	return out, nil
}

// PutRestApi replaces (mode=overwrite) or extends (mode=merge, the
// default) an API from an OpenAPI document.
func (s *Service) PutRestApi(ctx context.Context, in *PutRestApiInput) (*RestApi, error) {
	info := request.From(ctx)
	mode := in.Mode
	if mode == "" {
		mode = "merge"
	}
	if mode != "merge" && mode != "overwrite" {
		return nil, badRequest("Invalid mode specified. Valid options are merge, overwrite")
	}
	spec, err := parseSpec(in.Body)
	if err != nil {
		return nil, err
	}
	var out *RestApi
	err = s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		if err := applySpec(d, spec, mode); err != nil {
			return err
		}
		out = &d.API
		return nil
	})
	return out, err
}

func endpointFromParams(p map[string]string) *EndpointConfiguration {
	if t := p["endpointConfigurationTypes"]; t != "" {
		return &EndpointConfiguration{Types: []string{strings.ToUpper(t)}}
	}
	return nil
}

func invalidSpec(detail string) error {
	return badRequest("Errors found during import:\n\t" + detail)
}

// parseSpec reads a JSON or YAML document into plain maps.
func parseSpec(body []byte) (map[string]any, error) {
	var spec map[string]any
	if err := yaml.Unmarshal(body, &spec); err != nil || spec == nil {
		return nil, badRequest("Invalid OpenAPI input.")
	}
	if spec["openapi"] == nil && spec["swagger"] == nil {
		return nil, badRequest("Invalid OpenAPI input.")
	}
	return normalize(spec).(map[string]any), nil
}

// normalize turns YAML's map[any]any (non-string keys) into map[string]any.
func normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = normalize(x)
		}
		return t
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[scalarString(k)] = normalize(x)
		}
		return m
	case []any:
		for i := range t {
			t[i] = normalize(t[i])
		}
	}
	return v
}

func specName(spec map[string]any) string {
	if info, ok := spec["info"].(map[string]any); ok {
		if t, ok := info["title"].(string); ok && t != "" {
			return t
		}
	}
	return "imported"
}

func str(m map[string]any, k string) string {
	switch v := m[k].(type) {
	case string:
		return v
	case int, float64, bool:
		return scalarString(v)
	}
	return ""
}

func strMap(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		out[k] = scalarString(x)
	}
	return out
}

// refModel reads a model name from {"$ref": "#/components/schemas/X"}.
func refModel(v any) string {
	m, _ := v.(map[string]any)
	r, _ := m["$ref"].(string)
	if i := strings.LastIndex(r, "/"); i >= 0 {
		return r[i+1:]
	}
	return ""
}

// applySpec builds the API's resources, methods, models, validators,
// authorizers and gateway responses from spec.
func applySpec(d *apiDoc, spec map[string]any, mode string) error {
	oas3 := spec["openapi"] != nil
	if info, ok := spec["info"].(map[string]any); ok {
		if t := str(info, "title"); t != "" {
			d.API.Name = t
		}
		if v := str(info, "description"); v != "" {
			d.API.Description = v
		}
		if v := str(info, "version"); v != "" {
			d.API.Version = v
		}
	}
	root := d.Resources[d.API.RootResourceID]
	if mode == "overwrite" {
		root.ResourceMethods = nil
		d.Resources = map[string]*Resource{root.ID: root}
		d.Models = defaultModels()
		d.Validators = nil
		d.Authorizers = nil
		d.GatewayResponses = nil
	}
	if bmt, ok := spec["x-amazon-apigateway-binary-media-types"].([]any); ok {
		d.API.BinaryMediaTypes = nil
		for _, t := range bmt {
			d.API.BinaryMediaTypes = append(d.API.BinaryMediaTypes, scalarString(t))
		}
	}
	if src := str(spec, "x-amazon-apigateway-api-key-source"); src != "" {
		d.API.ApiKeySource = src
	}
	// Models.
	var schemas map[string]any
	if oas3 {
		comps, _ := spec["components"].(map[string]any)
		schemas, _ = comps["schemas"].(map[string]any)
	} else {
		schemas, _ = spec["definitions"].(map[string]any)
	}
	if d.Models == nil {
		d.Models = map[string]*Model{}
	}
	refBase := "#/definitions/"
	if oas3 {
		refBase = "#/components/schemas/"
	}
	for name, sch := range schemas {
		if !modelNameRE.MatchString(name) {
			return invalidSpec("Model name must be alphanumeric: " + name)
		}
		b, _ := json.Marshal(sch)
		schema := strings.ReplaceAll(string(b), `"`+refBase, `"`+modelRefPrefix+d.API.ID+"/models/")
		id := newID(6)
		if old := d.Models[name]; old != nil {
			id = old.ID
		}
		d.Models[name] = &Model{ID: id, Name: name, Schema: schema, ContentType: "application/json"}
	}
	for name, m := range d.Models {
		if _, err := compileModel(d, name, m.Schema); err != nil {
			return invalidSpec("Invalid model schema specified for " + name)
		}
	}
	// Validators.
	validatorIDs := map[string]string{}
	for _, v := range d.Validators {
		validatorIDs[v.Name] = v.ID
	}
	if vs, ok := spec["x-amazon-apigateway-request-validators"].(map[string]any); ok {
		if d.Validators == nil {
			d.Validators = map[string]*RequestValidator{}
		}
		for name, x := range vs {
			xm, _ := x.(map[string]any)
			body, _ := xm["validateRequestBody"].(bool)
			params, _ := xm["validateRequestParameters"].(bool)
			id := validatorIDs[name]
			if id == "" {
				id = newID(6)
			}
			d.Validators[id] = &RequestValidator{ID: id, Name: name, ValidateRequestBody: body, ValidateRequestParameters: params}
			validatorIDs[name] = id
		}
	}
	defaultValidator := str(spec, "x-amazon-apigateway-request-validator")
	// Authorizers.
	var secSchemes map[string]any
	if oas3 {
		comps, _ := spec["components"].(map[string]any)
		secSchemes, _ = comps["securitySchemes"].(map[string]any)
	} else {
		secSchemes, _ = spec["securityDefinitions"].(map[string]any)
	}
	authorizerIDs := map[string]string{}
	for _, a := range d.Authorizers {
		authorizerIDs[a.Name] = a.ID
	}
	for name, x := range secSchemes {
		xm, _ := x.(map[string]any)
		az, ok := xm["x-amazon-apigateway-authorizer"].(map[string]any)
		if !ok {
			continue
		}
		a := &Authorizer{ID: authorizerIDs[name], Name: name, Type: strings.ToUpper(str(az, "type")), AuthorizerURI: str(az, "authorizerUri"),
			IdentitySource: str(az, "identitySource"), IdentityValidationExpression: str(az, "identityValidationExpression"),
			AuthType: str(xm, "x-amazon-apigateway-authtype"), AuthorizerCredentials: str(az, "authorizerCredentials")}
		if a.ID == "" {
			a.ID = newID(6)
		}
		if a.Type == "TOKEN" && a.IdentitySource == "" {
			a.IdentitySource = "method.request.header." + str(xm, "name")
		}
		ttl := 300
		if t, err := strconv.Atoi(str(az, "authorizerResultTtlInSeconds")); err == nil {
			ttl = t
		}
		a.AuthorizerResultTTLInSeconds = &ttl
		if err := checkAuthorizer(a); err != nil {
			return err
		}
		if d.Authorizers == nil {
			d.Authorizers = map[string]*Authorizer{}
		}
		d.Authorizers[a.ID] = a
		authorizerIDs[name] = a.ID
	}
	// Gateway responses.
	if grs, ok := spec["x-amazon-apigateway-gateway-responses"].(map[string]any); ok {
		if d.GatewayResponses == nil {
			d.GatewayResponses = map[string]*GatewayResponse{}
		}
		for typ, x := range grs {
			if err := checkResponseType(typ); err != nil {
				return err
			}
			xm, _ := x.(map[string]any)
			d.GatewayResponses[typ] = &GatewayResponse{ResponseType: typ, StatusCode: str(xm, "statusCode"),
				ResponseParameters: strMap(xm["responseParameters"]), ResponseTemplates: strMap(xm["responseTemplates"])}
		}
	}
	// Paths.
	paths, _ := spec["paths"].(map[string]any)
	names := make([]string, 0, len(paths))
	for p := range paths {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		res, err := ensureResource(d, p)
		if err != nil {
			return err
		}
		item, _ := paths[p].(map[string]any)
		common, _ := item["parameters"].([]any)
		for key, raw := range item {
			verb := strings.ToUpper(key)
			if key == "x-amazon-apigateway-any-method" {
				verb = "ANY"
			}
			if checkHTTPMethod(verb) != nil {
				continue
			}
			op, _ := raw.(map[string]any)
			m, err := specMethod(d, verb, op, common, oas3, validatorIDs, authorizerIDs, defaultValidator)
			if err != nil {
				return err
			}
			if res.ResourceMethods == nil {
				res.ResourceMethods = map[string]*Method{}
			}
			res.ResourceMethods[verb] = m
		}
	}
	return nil
}

// ensureResource returns the resource at path, creating it and its parents.
func ensureResource(d *apiDoc, path string) (*Resource, error) {
	cur := d.Resources[d.API.RootResourceID]
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		if part == "" {
			continue
		}
		var next *Resource
		for _, r := range d.Resources {
			if r.ParentID == cur.ID && r.PathPart == part {
				next = r
				break
			}
		}
		if next == nil {
			if err := checkPathPart(d, cur, part, ""); err != nil {
				return nil, invalidSpec(err.Error())
			}
			next = &Resource{ID: newID(6), ParentID: cur.ID, PathPart: part, Path: joinPath(cur.Path, part)}
			d.Resources[next.ID] = next
		}
		cur = next
	}
	return cur, nil
}

func specMethod(d *apiDoc, verb string, op map[string]any, common []any, oas3 bool, validators, authorizers map[string]string, defaultValidator string) (*Method, error) {
	m := &Method{HTTPMethod: verb, AuthorizationType: "NONE", OperationName: str(op, "operationId")}
	params := append(append([]any{}, common...), asList(op["parameters"])...)
	for _, raw := range params {
		pm, _ := raw.(map[string]any)
		in, name := str(pm, "in"), str(pm, "name")
		required, _ := pm["required"].(bool)
		switch in {
		case "path", "header":
			if m.RequestParameters == nil {
				m.RequestParameters = map[string]bool{}
			}
			m.RequestParameters["method.request."+in+"."+name] = required || in == "path"
		case "query":
			if m.RequestParameters == nil {
				m.RequestParameters = map[string]bool{}
			}
			m.RequestParameters["method.request.querystring."+name] = required
		case "body":
			if model := refModel(pm["schema"]); model != "" {
				ct := "application/json"
				if cs := asList(op["consumes"]); len(cs) > 0 {
					ct = scalarString(cs[0])
				}
				m.RequestModels = map[string]string{ct: model}
			}
		}
	}
	if rb, ok := op["requestBody"].(map[string]any); ok {
		content, _ := rb["content"].(map[string]any)
		for ct, x := range content {
			xm, _ := x.(map[string]any)
			if model := refModel(xm["schema"]); model != "" {
				if m.RequestModels == nil {
					m.RequestModels = map[string]string{}
				}
				m.RequestModels[ct] = model
			}
		}
	}
	for _, raw := range asList(op["security"]) {
		sm, _ := raw.(map[string]any)
		for name := range sm {
			switch {
			case name == "api_key":
				m.APIKeyRequired = true
			case authorizers[name] != "":
				m.AuthorizationType, m.AuthorizerID = "CUSTOM", authorizers[name]
			case name == "sigv4":
				m.AuthorizationType = "AWS_IAM"
			}
		}
	}
	if v := str(op, "x-amazon-apigateway-request-validator"); v != "" || defaultValidator != "" {
		if v == "" {
			v = defaultValidator
		}
		if validators[v] == "" {
			return nil, invalidSpec("Invalid request validator name: " + v)
		}
		m.RequestValidatorID = validators[v]
	}
	if responses, ok := op["responses"].(map[string]any); ok {
		for code, raw := range responses {
			if !statusCodeRE.MatchString(code) {
				continue
			}
			rm, _ := raw.(map[string]any)
			mr := &MethodResponse{StatusCode: code}
			if hs, ok := rm["headers"].(map[string]any); ok {
				mr.ResponseParameters = map[string]bool{}
				for h := range hs {
					mr.ResponseParameters["method.response.header."+h] = false
				}
			}
			if oas3 {
				content, _ := rm["content"].(map[string]any)
				for ct, x := range content {
					xm, _ := x.(map[string]any)
					if model := refModel(xm["schema"]); model != "" {
						if mr.ResponseModels == nil {
							mr.ResponseModels = map[string]string{}
						}
						mr.ResponseModels[ct] = model
					}
				}
			} else if model := refModel(rm["schema"]); model != "" {
				mr.ResponseModels = map[string]string{"application/json": model}
			}
			if m.MethodResponses == nil {
				m.MethodResponses = map[string]*MethodResponse{}
			}
			m.MethodResponses[code] = mr
		}
	}
	for ct, model := range m.RequestModels {
		if d.Models[model] == nil {
			return nil, invalidSpec("Invalid model identifier specified: " + model + " (" + ct + ")")
		}
	}
	x, ok := op["x-amazon-apigateway-integration"].(map[string]any)
	if !ok {
		return m, nil
	}
	ig := &Integration{Type: strings.ToUpper(str(x, "type")), HTTPMethod: str(x, "httpMethod"), URI: str(x, "uri"),
		PassthroughBehavior: strings.ToUpper(str(x, "passthroughBehavior")), ContentHandling: str(x, "contentHandling"),
		RequestTemplates: strMap(x["requestTemplates"]), RequestParameters: strMap(x["requestParameters"]),
		Credentials: str(x, "credentials"), ConnectionType: str(x, "connectionType"), TimeoutInMillis: 29000, CacheKeyParameters: []string{}}
	if ig.PassthroughBehavior == "" {
		ig.PassthroughBehavior = "WHEN_NO_MATCH"
	}
	if t, err := strconv.Atoi(str(x, "timeoutInMillis")); err == nil {
		ig.TimeoutInMillis = t
	}
	if ig.Type == "MOCK" {
		ig.HTTPMethod = ""
	} else if ig.ConnectionType == "" {
		ig.ConnectionType = "INTERNET"
	}
	if err := checkIntegration(ig); err != nil {
		return nil, invalidSpec(err.Error())
	}
	if rs, ok := x["responses"].(map[string]any); ok {
		ig.IntegrationResponses = map[string]*IntegrationResponse{}
		for pattern, raw := range rs {
			rm, _ := raw.(map[string]any)
			ir := &IntegrationResponse{StatusCode: str(rm, "statusCode"), ResponseParameters: strMap(rm["responseParameters"]),
				ResponseTemplates: strMap(rm["responseTemplates"]), ContentHandling: str(rm, "contentHandling")}
			if pattern != "default" {
				ir.SelectionPattern = ptr(pattern)
			}
			if !statusCodeRE.MatchString(ir.StatusCode) {
				return nil, invalidSpec("Invalid status code in integration response: " + ir.StatusCode)
			}
			ig.IntegrationResponses[ir.StatusCode] = ir
		}
	}
	m.MethodIntegration = ig
	return m, nil
}
