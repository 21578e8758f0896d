package apigateway

import (
	"context"
	"slices"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/request"
)

// GatewayResponseInput names a gateway response.
type GatewayResponseInput struct {
	RestApiID    string `location:"uri" name:"restapi_id"`
	ResponseType string `location:"uri" name:"response_type"`
}

// PutGatewayResponseInput is PutGatewayResponse's request.
type PutGatewayResponseInput struct {
	RestApiID          string            `location:"uri" name:"restapi_id"`
	ResponseType       string            `location:"uri" name:"response_type"`
	StatusCode         string            `json:"statusCode"`
	ResponseParameters map[string]string `json:"responseParameters"`
	ResponseTemplates  map[string]string `json:"responseTemplates"`
}

// UpdateGatewayResponseInput is UpdateGatewayResponse's request.
type UpdateGatewayResponseInput struct {
	RestApiID       string           `location:"uri" name:"restapi_id"`
	ResponseType    string           `location:"uri" name:"response_type"`
	PatchOperations []PatchOperation `json:"patchOperations"`
}

// gatewayResponseStatus is each response type's status; DEFAULT_4XX and
// DEFAULT_5XX have none of their own.
var gatewayResponseStatus = map[string]string{
	"ACCESS_DENIED": "403", "API_CONFIGURATION_ERROR": "500", "AUTHORIZER_CONFIGURATION_ERROR": "500",
	"AUTHORIZER_FAILURE": "500", "BAD_REQUEST_PARAMETERS": "400", "BAD_REQUEST_BODY": "400",
	"DEFAULT_4XX": "", "DEFAULT_5XX": "", "EXPIRED_TOKEN": "403", "INTEGRATION_FAILURE": "504",
	"INTEGRATION_TIMEOUT": "504", "INVALID_API_KEY": "403", "INVALID_SIGNATURE": "403",
	"MISSING_AUTHENTICATION_TOKEN": "403", "QUOTA_EXCEEDED": "429", "REQUEST_TOO_LARGE": "413",
	"RESOURCE_NOT_FOUND": "404", "THROTTLED": "429", "UNAUTHORIZED": "401", "UNSUPPORTED_MEDIA_TYPE": "415",
	"WAF_FILTERED": "403",
}

const defaultGatewayTemplate = `{"message":$context.error.messageString}`

func defaultGatewayResponse(typ string) *GatewayResponse {
	return &GatewayResponse{ResponseType: typ, StatusCode: gatewayResponseStatus[typ], DefaultResponse: true,
		ResponseParameters: map[string]string{},
		ResponseTemplates:  map[string]string{"application/json": defaultGatewayTemplate}}
}

// effectiveGatewayResponse is what the API answers for typ: its own
// response, else the DEFAULT_4XX/5XX it set (with typ's status), else AWS's default.
func effectiveGatewayResponse(d *apiDoc, typ string) *GatewayResponse {
	if gr := d.GatewayResponses[typ]; gr != nil {
		out := *gr
		if out.StatusCode == "" {
			out.StatusCode = gatewayResponseStatus[typ]
		}
		return &out
	}
	status := gatewayResponseStatus[typ]
	def := "DEFAULT_4XX"
	if strings.HasPrefix(status, "5") {
		def = "DEFAULT_5XX"
	}
	if gr := d.GatewayResponses[def]; gr != nil {
		out := *gr
		out.ResponseType, out.StatusCode = typ, status
		if len(out.ResponseTemplates) == 0 {
			out.ResponseTemplates = map[string]string{"application/json": defaultGatewayTemplate}
		}
		return &out
	}
	return defaultGatewayResponse(typ)
}

func checkResponseType(typ string) error {
	if _, ok := gatewayResponseStatus[typ]; !ok {
		return badRequest("Invalid response type specified: " + typ)
	}
	return nil
}

// PutGatewayResponse customises a gateway response.
func (s *Service) PutGatewayResponse(ctx context.Context, in *PutGatewayResponseInput) (*GatewayResponse, error) {
	info := request.From(ctx)
	if err := checkResponseType(in.ResponseType); err != nil {
		return nil, err
	}
	if in.StatusCode != "" && !statusCodeRE.MatchString(in.StatusCode) {
		return nil, badRequest("Invalid status code specified: " + in.StatusCode)
	}
	var out *GatewayResponse
	err := s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		gr := &GatewayResponse{ResponseType: in.ResponseType, StatusCode: in.StatusCode,
			ResponseParameters: in.ResponseParameters, ResponseTemplates: in.ResponseTemplates}
		if err := checkGatewayParams(gr); err != nil {
			return err
		}
		if d.GatewayResponses == nil {
			d.GatewayResponses = map[string]*GatewayResponse{}
		}
		d.GatewayResponses[in.ResponseType] = gr
		out = gr
		return nil
	})
	return out, err
}

func checkGatewayParams(gr *GatewayResponse) error {
	for k := range gr.ResponseParameters {
		if !strings.HasPrefix(k, "gatewayresponse.header.") {
			return badRequest("Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression parameter specified: " + k + "]")
		}
	}
	return nil
}

// GetGatewayResponse returns a response type's effective settings.
func (s *Service) GetGatewayResponse(ctx context.Context, in *GatewayResponseInput) (*GatewayResponse, error) {
	info := request.From(ctx)
	if err := checkResponseType(in.ResponseType); err != nil {
		return nil, err
	}
	var out *GatewayResponse
	err := s.viewAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		out = effectiveGatewayResponse(d, in.ResponseType)
		return nil
	})
	return out, err
}

// GetGatewayResponses lists every response type.
func (s *Service) GetGatewayResponses(ctx context.Context, in *ListInput) (*List[*GatewayResponse], error) {
	info := request.From(ctx)
	var all []*GatewayResponse
	err := s.viewAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		for typ := range gatewayResponseStatus {
			all = append(all, effectiveGatewayResponse(d, typ))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b *GatewayResponse) int { return strings.Compare(a.ResponseType, b.ResponseType) })
	items, pos, err := page(all, in.Position, in.Limit)
	if err != nil {
		return nil, err
	}
	return &List[*GatewayResponse]{Items: items, Position: pos}, nil
}

// DeleteGatewayResponse restores a response type's default.
func (s *Service) DeleteGatewayResponse(ctx context.Context, in *GatewayResponseInput) (*Empty, error) {
	info := request.From(ctx)
	if err := checkResponseType(in.ResponseType); err != nil {
		return nil, err
	}
	return nil, s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		if d.GatewayResponses[in.ResponseType] == nil {
			return notFound("Invalid Gateway Response type specified")
		}
		delete(d.GatewayResponses, in.ResponseType)
		return nil
	})
}

// UpdateGatewayResponse applies patch operations to a gateway response.
func (s *Service) UpdateGatewayResponse(ctx context.Context, in *UpdateGatewayResponseInput) (*GatewayResponse, error) {
	info := request.From(ctx)
	if err := checkResponseType(in.ResponseType); err != nil {
		return nil, err
	}
	var out *GatewayResponse
	err := s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		gr := *effectiveGatewayResponse(d, in.ResponseType)
		if d.GatewayResponses[in.ResponseType] == nil {
			gr.StatusCode = ""
		}
		if err := applyPatch(&gr, in.PatchOperations, patchSpec{"statusCode": kString, "responseParameters": kMapStr, "responseTemplates": kMapStr}); err != nil {
			return err
		}
		gr.ResponseType, gr.DefaultResponse = in.ResponseType, false
		if err := checkGatewayParams(&gr); err != nil {
			return err
		}
		if d.GatewayResponses == nil {
			d.GatewayResponses = map[string]*GatewayResponse{}
		}
		d.GatewayResponses[in.ResponseType] = &gr
		out = &gr
		return nil
	})
	return out, err
}
