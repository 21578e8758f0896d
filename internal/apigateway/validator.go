package apigateway

import (
	"context"
	"slices"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/request"
)

// ValidatorInput names a request validator.
type ValidatorInput struct {
	RestApiID   string `location:"uri" name:"restapi_id"`
	ValidatorID string `location:"uri" name:"requestvalidator_id"`
}

// CreateRequestValidatorInput is CreateRequestValidator's request.
type CreateRequestValidatorInput struct {
	RestApiID                 string `location:"uri" name:"restapi_id"`
	Name                      string `json:"name"`
	ValidateRequestBody       bool   `json:"validateRequestBody"`
	ValidateRequestParameters bool   `json:"validateRequestParameters"`
}

// UpdateValidatorInput is UpdateRequestValidator's request.
type UpdateValidatorInput struct {
	RestApiID       string           `location:"uri" name:"restapi_id"`
	ValidatorID     string           `location:"uri" name:"requestvalidator_id"`
	PatchOperations []PatchOperation `json:"patchOperations"`
}

func validatorNotFound() error { return notFound("Invalid Request Validator identifier specified") }

// CreateRequestValidator adds a validator ("Validate body", "Validate
// query string parameters and headers", or both).
func (s *Service) CreateRequestValidator(ctx context.Context, in *CreateRequestValidatorInput) (*RequestValidator, error) {
	info := request.From(ctx)
	var out *RequestValidator
	err := s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		for _, v := range d.Validators {
			if in.Name != "" && v.Name == in.Name {
				return conflict("Validator already exists for this REST API")
			}
		}
		v := &RequestValidator{ID: newID(6), Name: in.Name, ValidateRequestBody: in.ValidateRequestBody,
			ValidateRequestParameters: in.ValidateRequestParameters}
		if d.Validators == nil {
			d.Validators = map[string]*RequestValidator{}
		}
		d.Validators[v.ID] = v
		out = v
		return nil
	})
	return out, err
}

// GetRequestValidator returns a validator.
func (s *Service) GetRequestValidator(ctx context.Context, in *ValidatorInput) (*RequestValidator, error) {
	info := request.From(ctx)
	var out *RequestValidator
	err := s.viewAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		if out = d.Validators[in.ValidatorID]; out == nil {
			return validatorNotFound()
		}
		return nil
	})
	return out, err
}

// GetRequestValidators lists an API's validators.
func (s *Service) GetRequestValidators(ctx context.Context, in *ListInput) (*List[*RequestValidator], error) {
	info := request.From(ctx)
	var all []*RequestValidator
	err := s.viewAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		for _, v := range d.Validators {
			all = append(all, v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b *RequestValidator) int { return strings.Compare(a.ID, b.ID) })
	items, pos, err := page(all, in.Position, in.Limit)
	if err != nil {
		return nil, err
	}
	return &List[*RequestValidator]{Items: items, Position: pos}, nil
}

// DeleteRequestValidator removes a validator no method uses.
func (s *Service) DeleteRequestValidator(ctx context.Context, in *ValidatorInput) (*Empty, error) {
	info := request.From(ctx)
	return nil, s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		if d.Validators[in.ValidatorID] == nil {
			return validatorNotFound()
		}
		for _, r := range d.Resources {
			for _, m := range r.ResourceMethods {
				if m.RequestValidatorID == in.ValidatorID {
					return conflict("Cannot delete request validator '" + in.ValidatorID + "' as it is referenced in method request")
				}
			}
		}
		delete(d.Validators, in.ValidatorID)
		return nil
	})
}

// UpdateRequestValidator applies patch operations to a validator.
func (s *Service) UpdateRequestValidator(ctx context.Context, in *UpdateValidatorInput) (*RequestValidator, error) {
	info := request.From(ctx)
	var out *RequestValidator
	err := s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		v := d.Validators[in.ValidatorID]
		if v == nil {
			return validatorNotFound()
		}
		nv := *v
		if err := applyPatch(&nv, in.PatchOperations, patchSpec{"name": kString, "validateRequestBody": kBool, "validateRequestParameters": kBool}); err != nil {
			return err
		}
		nv.ID = v.ID
		d.Validators[in.ValidatorID] = &nv
		out = &nv
		return nil
	})
	return out, err
}
