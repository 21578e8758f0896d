package apigateway

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/request"
)

// ResourceInput names a resource.
type ResourceInput struct {
	RestApiID  string   `location:"uri" name:"restapi_id"`
	ResourceID string   `location:"uri" name:"resource_id"`
	Embed      []string `location:"querystring" name:"embed"`
}

// GetResourcesInput is GetResources' request.
type GetResourcesInput struct {
	RestApiID string   `location:"uri" name:"restapi_id"`
	Position  *string  `location:"querystring" name:"position"`
	Limit     *int     `location:"querystring" name:"limit"`
	Embed     []string `location:"querystring" name:"embed"`
}

// CreateResourceInput is CreateResource's request.
type CreateResourceInput struct {
	RestApiID string `location:"uri" name:"restapi_id"`
	ParentID  string `location:"uri" name:"parent_id"`
	PathPart  string `json:"pathPart"`
}

// UpdateResourceInput is UpdateResource's request.
type UpdateResourceInput struct {
	RestApiID       string           `location:"uri" name:"restapi_id"`
	ResourceID      string           `location:"uri" name:"resource_id"`
	PatchOperations []PatchOperation `json:"patchOperations"`
}

var pathPartRE = regexp.MustCompile(`^(?:[a-zA-Z0-9._:@~!$&'()*,;=-]+|\{[a-zA-Z0-9._-]+\+?\})$`)

func resourceNotFound() error { return notFound("Invalid Resource identifier specified") }

// view returns what GetResource(s) shows: methods in full with
// embed=methods, otherwise only their names (empty objects), as AWS does.
func resourceView(r *Resource, embed []string) *Resource {
	out := *r
	if slices.Contains(embed, "methods") || len(r.ResourceMethods) == 0 {
		return &out
	}
	out.ResourceMethods = map[string]*Method{}
	for m := range r.ResourceMethods {
		out.ResourceMethods[m] = &Method{stub: true}
	}
	return &out
}

func isGreedy(part string) bool { return strings.HasPrefix(part, "{") && strings.HasSuffix(part, "+}") }
func isVar(part string) bool    { return strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") }

// checkPathPart applies AWS's rules to a new path part under parent.
func checkPathPart(d *apiDoc, parent *Resource, part, self string) error {
	if !pathPartRE.MatchString(part) {
		return badRequest("Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.")
	}
	if isGreedy(parent.PathPart) {
		return badRequest("Cannot create a child of a resource with a greedy path variable: " + parent.PathPart)
	}
	for _, sib := range d.Resources {
		if sib.ParentID != parent.ID || sib.ID == self {
			continue
		}
		if sib.PathPart == part {
			return conflict("Another resource with the same parent already has this name: " + part)
		}
		if isVar(part) && isVar(sib.PathPart) {
			return badRequest("A sibling (" + sib.PathPart + ") of this resource already has a variable path part -- only one is allowed")
		}
	}
	return nil
}

func joinPath(parent, part string) string {
	if parent == "/" {
		return "/" + part
	}
	return parent + "/" + part
}

// CreateResource adds a child resource.
func (s *Service) CreateResource(ctx context.Context, in *CreateResourceInput) (*Resource, error) {
	info := request.From(ctx)
	var out *Resource
	err := s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		parent := d.Resources[in.ParentID]
		if parent == nil {
			return resourceNotFound()
		}
		if err := checkPathPart(d, parent, in.PathPart, ""); err != nil {
			return err
		}
		r := &Resource{ID: newID(6), ParentID: parent.ID, PathPart: in.PathPart, Path: joinPath(parent.Path, in.PathPart)}
		d.Resources[r.ID] = r
		out = r
		return nil
	})
	return out, err
}

// GetResource returns a resource.
func (s *Service) GetResource(ctx context.Context, in *ResourceInput) (*Resource, error) {
	info := request.From(ctx)
	var out *Resource
	err := s.viewAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		r := d.Resources[in.ResourceID]
		if r == nil {
			return resourceNotFound()
		}
		out = resourceView(r, in.Embed)
		return nil
	})
	return out, err
}

// GetResources lists an API's resources by path.
func (s *Service) GetResources(ctx context.Context, in *GetResourcesInput) (*List[*Resource], error) {
	info := request.From(ctx)
	var all []*Resource
	err := s.viewAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		for _, r := range d.Resources {
			all = append(all, resourceView(r, in.Embed))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b *Resource) int { return strings.Compare(a.Path, b.Path) })
	items, pos, err := page(all, in.Position, in.Limit)
	if err != nil {
		return nil, err
	}
	return &List[*Resource]{Items: items, Position: pos}, nil
}

// DeleteResource deletes a resource and everything under it.
func (s *Service) DeleteResource(ctx context.Context, in *ResourceInput) (*Empty, error) {
	info := request.From(ctx)
	return nil, s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		r := d.Resources[in.ResourceID]
		if r == nil {
			return resourceNotFound()
		}
		if r.ParentID == "" {
			return badRequest("Cannot delete root resource")
		}
		for id, c := range d.Resources {
			if c.Path == r.Path || strings.HasPrefix(c.Path, r.Path+"/") {
				delete(d.Resources, id)
			}
		}
		return nil
	})
}

// UpdateResource renames or moves a resource (pathPart, parentId).
func (s *Service) UpdateResource(ctx context.Context, in *UpdateResourceInput) (*Resource, error) {
	info := request.From(ctx)
	var out *Resource
	err := s.updateAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		r := d.Resources[in.ResourceID]
		if r == nil {
			return resourceNotFound()
		}
		if r.ParentID == "" {
			return badRequest("Cannot update the root resource")
		}
		nr := *r
		if err := applyPatch(&nr, in.PatchOperations, patchSpec{"pathPart": kString, "parentId": kString}); err != nil {
			return err
		}
		parent := d.Resources[nr.ParentID]
		if parent == nil {
			return resourceNotFound()
		}
		if parent.Path == r.Path || strings.HasPrefix(parent.Path, r.Path+"/") {
			return badRequest("Cannot move a resource under itself")
		}
		if err := checkPathPart(d, parent, nr.PathPart, r.ID); err != nil {
			return err
		}
		oldPath, newPath := r.Path, joinPath(parent.Path, nr.PathPart)
		for _, c := range d.Resources {
			if strings.HasPrefix(c.Path, oldPath+"/") {
				c.Path = newPath + c.Path[len(oldPath):]
			}
		}
		r.PathPart, r.ParentID, r.Path = nr.PathPart, nr.ParentID, newPath
		out = resourceView(r, nil)
		return nil
	})
	return out, err
}
