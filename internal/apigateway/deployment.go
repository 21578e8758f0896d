package apigateway

import (
	"context"
	"regexp"
	"slices"

	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// CreateDeploymentInput is CreateDeployment's request.
type CreateDeploymentInput struct {
	RestApiID           string            `location:"uri" name:"restapi_id"`
	StageName           string            `json:"stageName"`
	StageDescription    string            `json:"stageDescription"`
	Description         string            `json:"description"`
	CacheClusterEnabled *bool             `json:"cacheClusterEnabled"`
	CacheClusterSize    string            `json:"cacheClusterSize"`
	Variables           map[string]string `json:"variables"`
	TracingEnabled      *bool             `json:"tracingEnabled"`
}

// DeploymentInput names a deployment.
type DeploymentInput struct {
	RestApiID    string   `location:"uri" name:"restapi_id"`
	DeploymentID string   `location:"uri" name:"deployment_id"`
	Embed        []string `location:"querystring" name:"embed"`
}

// UpdateDeploymentInput is UpdateDeployment's request.
type UpdateDeploymentInput struct {
	RestApiID       string           `location:"uri" name:"restapi_id"`
	DeploymentID    string           `location:"uri" name:"deployment_id"`
	PatchOperations []PatchOperation `json:"patchOperations"`
}

var stageNameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)
var stageVarNameRE = regexp.MustCompile(`^[a-zA-Z0-9_]+$`)
var stageVarValueRE = regexp.MustCompile(`^[a-zA-Z0-9\-._~:/?#&=,]+$`)

func checkVariables(vars map[string]string) error {
	for k, v := range vars {
		if !stageVarNameRE.MatchString(k) {
			return badRequest("Stage variable name must be non-empty and alphanumeric: " + k)
		}
		if len(v) > 2048 || !stageVarValueRE.MatchString(v) {
			return badRequest("Stage variable value " + v + " for key " + k + " is invalid. Stage variable values may only contain alphanumeric characters and the following special characters: -._~:/?#&=,")
		}
	}
	return nil
}

func deploymentNotFound() error { return notFound("Invalid Deployment identifier specified") }

// summary lists the deployed methods by path, for embed=apisummary.
func summary(d *apiDoc) map[string]map[string]*MethodSnapshot {
	out := map[string]map[string]*MethodSnapshot{}
	for _, r := range d.Resources {
		for verb, m := range r.ResourceMethods {
			if out[r.Path] == nil {
				out[r.Path] = map[string]*MethodSnapshot{}
			}
			out[r.Path][verb] = &MethodSnapshot{AuthorizationType: m.AuthorizationType, APIKeyRequired: m.APIKeyRequired}
		}
	}
	return out
}

// CreateDeployment freezes the API as it is now; with stageName it also
// points that stage (created if needed) at the new deployment.
func (s *Service) CreateDeployment(ctx context.Context, in *CreateDeploymentInput) (*Deployment, error) {
	info := request.From(ctx)
	if in.StageName != "" && !stageNameRE.MatchString(in.StageName) {
		return nil, badRequest("Stage name only allows a-zA-Z0-9_")
	}
	if err := checkVariables(in.Variables); err != nil {
		return nil, err
	}
	var out *Deployment
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		d, err := loadAPI(tx, info.Account, info.Region, in.RestApiID)
		if err != nil {
			return err
		}
		methods := 0
		for _, r := range d.Resources {
			for _, m := range r.ResourceMethods {
				methods++
				if m.MethodIntegration == nil {
					return badRequest("No integration defined for method")
				}
			}
		}
		if methods == 0 {
			return badRequest("The REST API doesn't contain any methods")
		}
		now := s.now().UTC().Truncate(1e9)
		dep := deploymentDoc{Deployment: Deployment{ID: newID(6), Description: in.Description, CreatedDate: &now}, Snapshot: *d}
		if err := setJSON(tx, deploymentKey(info.Account, info.Region, in.RestApiID, dep.Deployment.ID), &dep); err != nil {
			return err
		}
		out = &dep.Deployment
		if in.StageName == "" {
			return nil
		}
		st := new(Stage)
		key := stageKey(info.Account, info.Region, in.RestApiID, in.StageName)
		ok, err := getJSON(tx, key, st)
		if err != nil {
			return err
		}
		if !ok {
			st = &Stage{StageName: in.StageName, Description: in.StageDescription, CreatedDate: &now, CacheClusterStatus: "NOT_AVAILABLE"}
			if in.CacheClusterEnabled != nil {
				st.CacheClusterEnabled = *in.CacheClusterEnabled
			}
			if in.TracingEnabled != nil {
				st.TracingEnabled = *in.TracingEnabled
			}
			st.CacheClusterSize = in.CacheClusterSize
		}
		if in.Variables != nil {
			st.Variables = in.Variables
		}
		st.DeploymentID = dep.Deployment.ID
		st.LastUpdatedDate = &now
		return setJSON(tx, key, st)
	})
	return out, err
}

func loadDeployment(r storage.Reader, account, region, api, id string) (*deploymentDoc, error) {
	dep := new(deploymentDoc)
	ok, err := getJSON(r, deploymentKey(account, region, api, id), dep)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, deploymentNotFound()
	}
	return dep, nil
}

// GetDeployment returns a deployment (with its apiSummary on embed=apisummary).
func (s *Service) GetDeployment(ctx context.Context, in *DeploymentInput) (*Deployment, error) {
	info := request.From(ctx)
	var out *Deployment
	err := s.kv.View(ctx, func(r storage.Reader) error {
		if _, err := loadAPI(r, info.Account, info.Region, in.RestApiID); err != nil {
			return err
		}
		dep, err := loadDeployment(r, info.Account, info.Region, in.RestApiID, in.DeploymentID)
		if err != nil {
			return err
		}
		out = &dep.Deployment
		if slices.Contains(in.Embed, "apisummary") {
			out.APISummary = summary(&dep.Snapshot)
		}
		return nil
	})
	return out, err
}

// GetDeployments lists an API's deployments, oldest first.
func (s *Service) GetDeployments(ctx context.Context, in *ListInput) (*List[*Deployment], error) {
	info := request.From(ctx)
	var all []*Deployment
	err := s.kv.View(ctx, func(r storage.Reader) error {
		if _, err := loadAPI(r, info.Account, info.Region, in.RestApiID); err != nil {
			return err
		}
		deps, err := scan[deploymentDoc](r, deploymentPrefix(info.Account, info.Region, in.RestApiID))
		for _, d := range deps {
			all = append(all, &d.Deployment)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b *Deployment) int { return a.CreatedDate.Compare(*b.CreatedDate) })
	items, pos, err := page(all, in.Position, in.Limit)
	if err != nil {
		return nil, err
	}
	return &List[*Deployment]{Items: items, Position: pos}, nil
}

// DeleteDeployment removes a deployment no stage points to.
func (s *Service) DeleteDeployment(ctx context.Context, in *DeploymentInput) (*Empty, error) {
	info := request.From(ctx)
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		if _, err := loadAPI(tx, info.Account, info.Region, in.RestApiID); err != nil {
			return err
		}
		if _, err := loadDeployment(tx, info.Account, info.Region, in.RestApiID, in.DeploymentID); err != nil {
			return err
		}
		stages, err := scan[Stage](tx, stagePrefix(info.Account, info.Region, in.RestApiID))
		if err != nil {
			return err
		}
		for _, st := range stages {
			if st.DeploymentID == in.DeploymentID {
				return badRequest("Active stages pointing to this deployment must be moved or deleted")
			}
		}
		return tx.Delete(deploymentKey(info.Account, info.Region, in.RestApiID, in.DeploymentID))
	})
	return nil, err
}

// UpdateDeployment changes a deployment's description.
func (s *Service) UpdateDeployment(ctx context.Context, in *UpdateDeploymentInput) (*Deployment, error) {
	info := request.From(ctx)
	var out *Deployment
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		if _, err := loadAPI(tx, info.Account, info.Region, in.RestApiID); err != nil {
			return err
		}
		dep, err := loadDeployment(tx, info.Account, info.Region, in.RestApiID, in.DeploymentID)
		if err != nil {
			return err
		}
		nd := dep.Deployment
		if err := applyPatch(&nd, in.PatchOperations, patchSpec{"description": kString}); err != nil {
			return err
		}
		dep.Deployment.Description = nd.Description
		out = &dep.Deployment
		return setJSON(tx, deploymentKey(info.Account, info.Region, in.RestApiID, in.DeploymentID), dep)
	})
	return out, err
}
