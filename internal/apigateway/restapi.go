package apigateway

import (
	"context"
	"slices"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// CreateRestApiInput is CreateRestApi's request.
type CreateRestApiInput struct {
	Name                      string                 `json:"name"`
	Description               string                 `json:"description"`
	Version                   string                 `json:"version"`
	CloneFrom                 string                 `json:"cloneFrom"`
	BinaryMediaTypes          []string               `json:"binaryMediaTypes"`
	MinimumCompressionSize    *int                   `json:"minimumCompressionSize"`
	ApiKeySource              string                 `json:"apiKeySource"`
	EndpointConfiguration     *EndpointConfiguration `json:"endpointConfiguration"`
	Policy                    string                 `json:"policy"`
	Tags                      map[string]string      `json:"tags"`
	DisableExecuteApiEndpoint bool                   `json:"disableExecuteApiEndpoint"`
}

// RestApiIDInput names a REST API.
type RestApiIDInput struct {
	RestApiID string `location:"uri" name:"restapi_id"`
}

// ListInput is the paging of GetX list operations.
type ListInput struct {
	RestApiID string  `location:"uri" name:"restapi_id"`
	Position  *string `location:"querystring" name:"position"`
	Limit     *int    `location:"querystring" name:"limit"`
}

// List is a page of items.
type List[T any] struct {
	Items    []T     `json:"item"`
	Position *string `json:"position,omitempty"`
}

// UpdateRestApiInput is UpdateRestApi's request.
type UpdateRestApiInput struct {
	RestApiID       string           `location:"uri" name:"restapi_id"`
	PatchOperations []PatchOperation `json:"patchOperations"`
}

// Empty is an operation's empty answer.
type Empty struct{}

// CreateRestApi creates an API with its root resource "/".
func (s *Service) CreateRestApi(ctx context.Context, in *CreateRestApiInput) (*RestApi, error) {
	info := request.From(ctx)
	if in.Name == "" {
		return nil, badRequest("Invalid REST API name specified")
	}
	ec := in.EndpointConfiguration
	if ec == nil || len(ec.Types) == 0 {
		ec = &EndpointConfiguration{Types: []string{"EDGE"}}
	}
	if len(ec.Types) != 1 {
		return nil, badRequest("Endpoint configuration cannot have more than one type")
	}
	switch ec.Types[0] {
	case "EDGE", "REGIONAL", "PRIVATE":
	default:
		return nil, badRequest("Invalid endpoint configuration type specified: " + ec.Types[0])
	}
	if ec.IPAddressType == "" {
		ec.IPAddressType = "ipv4"
	}
	src := in.ApiKeySource
	if src == "" {
		src = "HEADER"
	} else if src != "HEADER" && src != "AUTHORIZER" {
		return nil, badRequest("Invalid API key source specified: " + src)
	}
	if in.MinimumCompressionSize != nil && (*in.MinimumCompressionSize < 0 || *in.MinimumCompressionSize > 10485760) {
		return nil, badRequest("Invalid minimum compression size, must be between 0 and 10485760")
	}
	now := s.now().UTC().Truncate(1e9)
	doc := &apiDoc{Account: info.Account, Region: info.Region, Resources: map[string]*Resource{}}
	if in.CloneFrom != "" {
		var found bool
		err := s.kv.View(ctx, func(r storage.Reader) error {
			src, err := loadAPI(r, info.Account, info.Region, in.CloneFrom)
			if err != nil {
				return err
			}
			*doc = *src
			found = true
			return nil
		})
		if err != nil {
			return nil, err
		}
		_ = found
	}
	if in.CloneFrom == "" {
		doc.Models = defaultModels()
	}
	doc.API = RestApi{
		ID: newID(10), Name: in.Name, Description: in.Description, CreatedDate: &now, Version: in.Version,
		BinaryMediaTypes: in.BinaryMediaTypes, MinimumCompressionSize: in.MinimumCompressionSize,
		ApiKeySource: src, EndpointConfiguration: ec, Policy: in.Policy, Tags: in.Tags,
		DisableExecuteApiEndpoint: in.DisableExecuteApiEndpoint,
	}
	if in.CloneFrom == "" {
		root := &Resource{ID: newID(10), Path: "/"}
		doc.Resources[root.ID] = root
		doc.API.RootResourceID = root.ID
	} else {
		for _, r := range doc.Resources {
			if r.Path == "/" {
				doc.API.RootResourceID = r.ID
			}
		}
	}
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		if err := setJSON(tx, apiKey(info.Account, info.Region, doc.API.ID), doc); err != nil {
			return err
		}
		return tx.Set(idKey(doc.API.ID), []byte(info.Account+"/"+info.Region))
	})
	if err != nil {
		return nil, err
	}
	return &doc.API, nil
}

// GetRestApi returns an API's settings.
func (s *Service) GetRestApi(ctx context.Context, in *RestApiIDInput) (*RestApi, error) {
	info := request.From(ctx)
	var out *RestApi
	err := s.viewAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		out = &d.API
		return nil
	})
	return out, err
}

// GetRestApis lists the APIs of the account and region.
func (s *Service) GetRestApis(ctx context.Context, in *ListInput) (*List[*RestApi], error) {
	info := request.From(ctx)
	var docs []*apiDoc
	err := s.kv.View(ctx, func(r storage.Reader) error {
		var err error
		docs, err = scan[apiDoc](r, apiPrefix(info.Account, info.Region))
		return err
	})
	if err != nil {
		return nil, err
	}
	apis := make([]*RestApi, len(docs))
	for i, d := range docs {
		apis[i] = &d.API
	}
	slices.SortFunc(apis, func(a, b *RestApi) int { return a.CreatedDate.Compare(*b.CreatedDate) })
	items, pos, err := page(apis, in.Position, in.Limit)
	if err != nil {
		return nil, err
	}
	return &List[*RestApi]{Items: items, Position: pos}, nil
}

// DeleteRestApi deletes an API with its deployments and stages.
func (s *Service) DeleteRestApi(ctx context.Context, in *RestApiIDInput) (*Empty, error) {
	info := request.From(ctx)
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		if _, err := loadAPI(tx, info.Account, info.Region, in.RestApiID); err != nil {
			return err
		}
		tx.Delete(apiKey(info.Account, info.Region, in.RestApiID))
		tx.Delete(idKey(in.RestApiID))
		dp := deploymentPrefix(info.Account, info.Region, in.RestApiID)
		tx.DeleteRange(dp, prefixEnd(dp))
		sp := stagePrefix(info.Account, info.Region, in.RestApiID)
		return tx.DeleteRange(sp, prefixEnd(sp))
	})
	if err != nil {
		return nil, err
	}
	s.forget(info.Account, info.Region, in.RestApiID)
	return nil, nil
}

var restAPIPatch = patchSpec{"name": kString, "description": kString, "version": kString, "policy": kString,
	"binaryMediaTypes": kList, "minimumCompressionSize": kInt, "apiKeySource": kString,
	"disableExecuteApiEndpoint": kBool, "endpointConfiguration": kObject}

// UpdateRestApi applies patch operations to an API's settings.
func (s *Service) UpdateRestApi(ctx context.Context, in *UpdateRestApiInput) (*RestApi, error) {
	info := request.From(ctx)
	var out *RestApi
	err := s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		api := d.API
		if err := applyPatch(&api, in.PatchOperations, restAPIPatch); err != nil {
			return err
		}
		api.ID, api.CreatedDate, api.RootResourceID, api.Tags = d.API.ID, d.API.CreatedDate, d.API.RootResourceID, d.API.Tags
		if strings.TrimSpace(api.Name) == "" {
			return badRequest("Invalid REST API name specified")
		}
		if api.ApiKeySource != "HEADER" && api.ApiKeySource != "AUTHORIZER" {
			return badRequest("Invalid API key source specified: " + api.ApiKeySource)
		}
		d.API = api
		out = &d.API
		return nil
	})
	return out, err
}
