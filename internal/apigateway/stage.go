package apigateway

import (
	"context"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// CreateStageInput is CreateStage's request.
type CreateStageInput struct {
	RestApiID            string            `location:"uri" name:"restapi_id"`
	StageName            string            `json:"stageName"`
	DeploymentID         string            `json:"deploymentId"`
	Description          string            `json:"description"`
	CacheClusterEnabled  bool              `json:"cacheClusterEnabled"`
	CacheClusterSize     string            `json:"cacheClusterSize"`
	Variables            map[string]string `json:"variables"`
	DocumentationVersion string            `json:"documentationVersion"`
	TracingEnabled       bool              `json:"tracingEnabled"`
	Tags                 map[string]string `json:"tags"`
}

// StageInput names a stage.
type StageInput struct {
	RestApiID string `location:"uri" name:"restapi_id"`
	StageName string `location:"uri" name:"stage_name"`
}

// GetStagesInput is GetStages' request.
type GetStagesInput struct {
	RestApiID    string `location:"uri" name:"restapi_id"`
	DeploymentID string `location:"querystring" name:"deploymentId"`
}

// UpdateStageInput is UpdateStage's request.
type UpdateStageInput struct {
	RestApiID       string           `location:"uri" name:"restapi_id"`
	StageName       string           `location:"uri" name:"stage_name"`
	PatchOperations []PatchOperation `json:"patchOperations"`
}

// Stages is GetStages' answer (not paged).
type Stages struct {
	Items []*Stage `json:"item"`
}

func stageNotFound() error { return notFound("Invalid stage identifier specified") }

var cacheSizes = []string{"0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"}

func checkCacheSize(size string) error {
	if size == "" {
		return nil
	}
	for _, s := range cacheSizes {
		if s == size {
			return nil
		}
	}
	return badRequest("Invalid cache cluster size specified: " + size)
}

// CreateStage points a new stage at a deployment.
func (s *Service) CreateStage(ctx context.Context, in *CreateStageInput) (*Stage, error) {
	info := request.From(ctx)
	if !stageNameRE.MatchString(in.StageName) {
		return nil, badRequest("Stage name only allows a-zA-Z0-9_")
	}
	if err := checkVariables(in.Variables); err != nil {
		return nil, err
	}
	if err := checkCacheSize(in.CacheClusterSize); err != nil {
		return nil, err
	}
	var out *Stage
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		if _, err := loadAPI(tx, info.Account, info.Region, in.RestApiID); err != nil {
			return err
		}
		if _, err := loadDeployment(tx, info.Account, info.Region, in.RestApiID, in.DeploymentID); err != nil {
			return err
		}
		key := stageKey(info.Account, info.Region, in.RestApiID, in.StageName)
		if ok, err := getJSON(tx, key, new(Stage)); err != nil || ok {
			if ok {
				return conflict("Stage already exists")
			}
			return err
		}
		now := s.now().UTC().Truncate(1e9)
		st := &Stage{StageName: in.StageName, DeploymentID: in.DeploymentID, Description: in.Description,
			CacheClusterEnabled: in.CacheClusterEnabled, CacheClusterSize: in.CacheClusterSize, CacheClusterStatus: "NOT_AVAILABLE",
			Variables: in.Variables, DocumentationVersion: in.DocumentationVersion, TracingEnabled: in.TracingEnabled,
			Tags: in.Tags, CreatedDate: &now, LastUpdatedDate: &now}
		if st.CacheClusterEnabled {
			st.CacheClusterStatus = "AVAILABLE"
			if st.CacheClusterSize == "" {
				st.CacheClusterSize = "0.5"
			}
		}
		out = st
		return setJSON(tx, key, st)
	})
	return out, err
}

// GetStage returns a stage.
func (s *Service) GetStage(ctx context.Context, in *StageInput) (*Stage, error) {
	info := request.From(ctx)
	var out *Stage
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
		out = st
		return nil
	})
	return out, err
}

// GetStages lists an API's stages, optionally those of one deployment.
func (s *Service) GetStages(ctx context.Context, in *GetStagesInput) (*Stages, error) {
	info := request.From(ctx)
	out := &Stages{Items: []*Stage{}}
	err := s.kv.View(ctx, func(r storage.Reader) error {
		if _, err := loadAPI(r, info.Account, info.Region, in.RestApiID); err != nil {
			return err
		}
		all, err := scan[Stage](r, stagePrefix(info.Account, info.Region, in.RestApiID))
		for _, st := range all {
			if in.DeploymentID == "" || st.DeploymentID == in.DeploymentID {
				out.Items = append(out.Items, st)
			}
		}
		return err
	})
	return out, err
}

// DeleteStage removes a stage.
func (s *Service) DeleteStage(ctx context.Context, in *StageInput) (*Empty, error) {
	info := request.From(ctx)
	return nil, s.kv.Update(ctx, func(tx storage.Tx) error {
		if _, err := loadAPI(tx, info.Account, info.Region, in.RestApiID); err != nil {
			return err
		}
		key := stageKey(info.Account, info.Region, in.RestApiID, in.StageName)
		if ok, err := getJSON(tx, key, new(Stage)); err != nil || !ok {
			if err == nil {
				err = stageNotFound()
			}
			return err
		}
		return tx.Delete(key)
	})
}

var stagePatch = patchSpec{"deploymentId": kString, "description": kString, "cacheClusterEnabled": kBool,
	"cacheClusterSize": kString, "variables": kMapStr, "tracingEnabled": kBool, "clientCertificateId": kString,
	"documentationVersion": kString, "webAclArn": kString, "accessLogSettings": kObject, "methodSettings": kObject}

// methodSettingNames maps UpdateStage's method-setting paths
// (/{resource path}/{method}/{group}/{setting}) to MethodSetting members.
var methodSettingNames = map[string]string{
	"metrics/enabled": "metricsEnabled", "logging/loglevel": "loggingLevel", "logging/dataTrace": "dataTraceEnabled",
	"throttling/burstLimit": "throttlingBurstLimit", "throttling/rateLimit": "throttlingRateLimit",
	"caching/enabled": "cachingEnabled", "caching/ttlInSeconds": "cacheTtlInSeconds", "caching/dataEncrypted": "cacheDataEncrypted",
	"caching/requireAuthorizationForCacheControl":    "requireAuthorizationForCacheControl",
	"caching/unauthorizedCacheControlHeaderStrategy": "unauthorizedCacheControlHeaderStrategy",
}

// applyMethodSetting applies one method-setting operation.
func applyMethodSetting(st *Stage, op PatchOperation, tokens []string) error {
	key := unescapePath(tokens[0]) + "/" + tokens[1]
	name, ok := methodSettingNames[tokens[2]+"/"+tokens[3]]
	if !ok {
		return invalidPath(op, stagePatch)
	}
	if st.MethodSettings == nil {
		st.MethodSettings = map[string]*MethodSetting{}
	}
	ms := st.MethodSettings[key]
	if ms == nil {
		ms = &MethodSetting{ThrottlingBurstLimit: 5000, ThrottlingRateLimit: 10000, CacheTTLInSeconds: 300,
			RequireAuthorizationForCacheControl: true, UnauthorizedCacheControlHeaderStrategy: "SUCCEED_WITH_RESPONSE_HEADER"}
		st.MethodSettings[key] = ms
	}
	if op.Op == "remove" {
		delete(st.MethodSettings, key)
		return nil
	}
	kinds := map[string]string{"loggingLevel": kString, "unauthorizedCacheControlHeaderStrategy": kString,
		"throttlingBurstLimit": kInt, "cacheTtlInSeconds": kInt, "throttlingRateLimit": kFloat}
	kind := kinds[name]
	if kind == "" {
		kind = kBool
	}
	value := ""
	if op.Value != nil {
		value = *op.Value
	}
	if name == "loggingLevel" && value != "OFF" && value != "ERROR" && value != "INFO" {
		return badRequest("Logging level must be one of OFF, ERROR, INFO")
	}
	wrapped := map[string]any{}
	v, err := coerce(kind, value, op.Path)
	if err != nil {
		return err
	}
	wrapped[name] = v
	return mergeJSON(ms, wrapped)
}

// UpdateStage applies patch operations: deploymentId, variables,
// method settings (/*/*/logging/loglevel), access log settings...
func (s *Service) UpdateStage(ctx context.Context, in *UpdateStageInput) (*Stage, error) {
	info := request.From(ctx)
	var out *Stage
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		if _, err := loadAPI(tx, info.Account, info.Region, in.RestApiID); err != nil {
			return err
		}
		key := stageKey(info.Account, info.Region, in.RestApiID, in.StageName)
		st := new(Stage)
		ok, err := getJSON(tx, key, st)
		if err != nil {
			return err
		}
		if !ok {
			return stageNotFound()
		}
		var plain []PatchOperation
		for _, op := range in.PatchOperations {
			tokens := strings.Split(strings.TrimPrefix(op.Path, "/"), "/")
			if len(tokens) == 4 && stagePatch[tokens[0]] == "" {
				if err := applyMethodSetting(st, op, tokens); err != nil {
					return err
				}
				continue
			}
			plain = append(plain, op)
		}
		ns := *st
		if err := applyPatch(&ns, plain, stagePatch); err != nil {
			return err
		}
		ns.StageName, ns.CreatedDate, ns.Tags, ns.MethodSettings = st.StageName, st.CreatedDate, st.Tags, st.MethodSettings
		if err := checkVariables(ns.Variables); err != nil {
			return err
		}
		if err := checkCacheSize(ns.CacheClusterSize); err != nil {
			return err
		}
		if ns.DeploymentID != st.DeploymentID {
			if _, err := loadDeployment(tx, info.Account, info.Region, in.RestApiID, ns.DeploymentID); err != nil {
				return err
			}
		}
		if ns.AccessLogSettings != nil && *ns.AccessLogSettings == (AccessLogSettings{}) {
			ns.AccessLogSettings = nil
		}
		now := s.now().UTC().Truncate(1e9)
		ns.LastUpdatedDate = &now
		out = &ns
		return setJSON(tx, key, &ns)
	})
	return out, err
}
