package apigateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/nimbus-cloud/nimbus/internal/request"
)

// ModelInput names a model.
type ModelInput struct {
	RestApiID string `location:"uri" name:"restapi_id"`
	ModelName string `location:"uri" name:"model_name"`
	Flatten   bool   `location:"querystring" name:"flatten"`
}

// CreateModelInput is CreateModel's request.
type CreateModelInput struct {
	RestApiID   string `location:"uri" name:"restapi_id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Schema      string `json:"schema"`
	ContentType string `json:"contentType"`
}

// UpdateModelInput is UpdateModel's request.
type UpdateModelInput struct {
	RestApiID       string           `location:"uri" name:"restapi_id"`
	ModelName       string           `location:"uri" name:"model_name"`
	PatchOperations []PatchOperation `json:"patchOperations"`
}

// Template is GetModelTemplate's answer.
type Template struct {
	Value string `json:"value"`
}

var modelNameRE = regexp.MustCompile(`^[a-zA-Z0-9]+$`)

// defaultModels are the models every new API starts with.
func defaultModels() map[string]*Model {
	return map[string]*Model{
		"Empty": {ID: newID(6), Name: "Empty", Description: "This is a default empty schema model", ContentType: "application/json",
			Schema: "{\n  \"$schema\": \"http://json-schema.org/draft-04/schema#\",\n  \"title\" : \"Empty Schema\",\n  \"type\" : \"object\"\n}"},
		"Error": {ID: newID(6), Name: "Error", Description: "This is a default error schema model", ContentType: "application/json",
			Schema: "{\n  \"$schema\" : \"http://json-schema.org/draft-04/schema#\",\n  \"title\" : \"Error Schema\",\n  \"type\" : \"object\",\n  \"properties\" : {\n    \"message\" : { \"type\" : \"string\" }\n  }\n}"},
	}
}

// modelURL is how one model's schema refers to another.
func modelURL(api, name string) string {
	return "https://apigateway.amazonaws.com/restapis/" + api + "/models/" + name
}

// modelLoader resolves $refs to the API's own models only: a schema must
// not make nimbus read files or fetch URLs.
type modelLoader struct{ d *apiDoc }

func (l modelLoader) Load(url string) (any, error) {
	prefix := "https://apigateway.amazonaws.com/restapis/" + l.d.API.ID + "/models/"
	if name, ok := strings.CutPrefix(url, prefix); ok {
		if m := l.d.Models[name]; m != nil {
			return jsonschema.UnmarshalJSON(strings.NewReader(m.Schema))
		}
	}
	return nil, fmt.Errorf("reference to %s is not a model of this API", url)
}

// compileModel compiles a model's schema as JSON Schema draft 4.
func compileModel(d *apiDoc, name, schema string) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(schema))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.UseLoader(modelLoader{d})
	url := modelURL(d.API.ID, name)
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url)
}

// validateBody checks body against a compiled model; the error is the
// detail AWS writes in the execution log.
func validateBody(sch *jsonschema.Schema, body []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return errors.New("Invalid JSON in request body")
	}
	return sch.Validate(inst)
}

func invalidSchema() error {
	return badRequest("Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified]")
}

// CreateModel adds a model.
func (s *Service) CreateModel(ctx context.Context, in *CreateModelInput) (*Model, error) {
	info := request.From(ctx)
	if !modelNameRE.MatchString(in.Name) {
		return nil, badRequest("Model name must be non-empty and alphanumeric")
	}
	if in.ContentType == "" {
		return nil, badRequest("Content type must be non-empty")
	}
	var out *Model
	err := s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		if d.Models[in.Name] != nil {
			return conflict("Model name already exists for this REST API")
		}
		if in.Schema != "" {
			if _, err := compileModel(d, in.Name, in.Schema); err != nil {
				return invalidSchema()
			}
		}
		m := &Model{ID: newID(6), Name: in.Name, Description: in.Description, Schema: in.Schema, ContentType: in.ContentType}
		if d.Models == nil {
			d.Models = map[string]*Model{}
		}
		d.Models[in.Name] = m
		out = m
		return nil
	})
	return out, err
}

func modelNotFound(name string) error { return notFound("Invalid model name specified: " + name) }

// GetModel returns a model.
func (s *Service) GetModel(ctx context.Context, in *ModelInput) (*Model, error) {
	info := request.From(ctx)
	var out *Model
	err := s.viewAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		if out = d.Models[in.ModelName]; out == nil {
			return modelNotFound(in.ModelName)
		}
		return nil
	})
	return out, err
}

// GetModelTemplate returns a mapping template skeleton for a model.
func (s *Service) GetModelTemplate(ctx context.Context, in *ModelInput) (*Template, error) {
	if _, err := s.GetModel(ctx, in); err != nil {
		return nil, err
	}
	return &Template{Value: "#set($inputRoot = $input.path('$'))\n{ }"}, nil
}

// GetModels lists an API's models by name.
func (s *Service) GetModels(ctx context.Context, in *ListInput) (*List[*Model], error) {
	info := request.From(ctx)
	var all []*Model
	err := s.viewAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		for _, m := range d.Models {
			all = append(all, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b *Model) int { return strings.Compare(a.Name, b.Name) })
	items, pos, err := page(all, in.Position, in.Limit)
	if err != nil {
		return nil, err
	}
	return &List[*Model]{Items: items, Position: pos}, nil
}

// DeleteModel removes a model no method refers to.
func (s *Service) DeleteModel(ctx context.Context, in *ModelInput) (*Empty, error) {
	info := request.From(ctx)
	return nil, s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		if d.Models[in.ModelName] == nil {
			return modelNotFound(in.ModelName)
		}
		for _, r := range d.Resources {
			for verb, m := range r.ResourceMethods {
				for _, name := range m.RequestModels {
					if name == in.ModelName {
						return conflict(fmt.Sprintf("Cannot delete model '%s', is referenced in method request: %s/%s", name, r.Path, verb))
					}
				}
				for code, mr := range m.MethodResponses {
					for _, name := range mr.ResponseModels {
						if name == in.ModelName {
							return conflict(fmt.Sprintf("Cannot delete model '%s', is referenced in method response: %s/%s/%s", name, r.Path, verb, code))
						}
					}
				}
			}
		}
		delete(d.Models, in.ModelName)
		return nil
	})
}

// UpdateModel applies patch operations (schema, description) to a model.
func (s *Service) UpdateModel(ctx context.Context, in *UpdateModelInput) (*Model, error) {
	info := request.From(ctx)
	var out *Model
	err := s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		m := d.Models[in.ModelName]
		if m == nil {
			return modelNotFound(in.ModelName)
		}
		nm := *m
		if err := applyPatch(&nm, in.PatchOperations, patchSpec{"schema": kString, "description": kString}); err != nil {
			return err
		}
		nm.ID, nm.Name, nm.ContentType = m.ID, m.Name, m.ContentType
		if nm.Schema != "" {
			if _, err := compileModel(d, nm.Name, nm.Schema); err != nil {
				return invalidSchema()
			}
		}
		d.Models[in.ModelName] = &nm
		out = &nm
		return nil
	})
	return out, err
}
