package apigateway

import (
	"context"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// compiled is a deployment ready to serve: the resource tree for routing
// and the models compiled to validators.
type compiled struct {
	account, region string
	deploymentID    string
	doc             *apiDoc
	root            *node
	schemas         map[string]*jsonschema.Schema
	schemaErr       map[string]error
	binary          []string
}

// node is one resource in the routing tree.
type node struct {
	res     *Resource
	literal map[string]*node
	param   *node // {name}
	greedy  *node // {name+}
	name    string
}

func compile(account, region, depID string, d *apiDoc) *compiled {
	c := &compiled{account: account, region: region, deploymentID: depID, doc: d,
		schemas: map[string]*jsonschema.Schema{}, schemaErr: map[string]error{}, binary: d.API.BinaryMediaTypes}
	nodes := map[string]*node{}
	for id, r := range d.Resources {
		nodes[id] = &node{res: r, literal: map[string]*node{}}
	}
	for id, r := range d.Resources {
		n := nodes[id]
		if r.ParentID == "" {
			c.root = n
			continue
		}
		p := nodes[r.ParentID]
		if p == nil {
			continue
		}
		switch {
		case isGreedy(r.PathPart):
			n.name = strings.TrimSuffix(strings.TrimPrefix(r.PathPart, "{"), "+}")
			p.greedy = n
		case isVar(r.PathPart):
			n.name = strings.TrimSuffix(strings.TrimPrefix(r.PathPart, "{"), "}")
			p.param = n
		default:
			p.literal[r.PathPart] = n
		}
	}
	if c.root == nil {
		c.root = &node{res: &Resource{Path: "/"}, literal: map[string]*node{}}
	}
	for name, m := range d.Models {
		sch, err := compileModel(d, name, m.Schema)
		if err != nil {
			c.schemaErr[name] = err
			continue
		}
		c.schemas[name] = sch
	}
	return c
}

// match finds the resource for the path segments and fills params; a
// literal child wins over {param}, which wins over {proxy+}.
func (n *node) match(segs []string, params map[string]string) *node {
	if len(segs) == 0 {
		return n
	}
	if c := n.literal[segs[0]]; c != nil {
		if r := c.match(segs[1:], params); r != nil {
			return r
		}
	}
	if c := n.param; c != nil {
		if r := c.match(segs[1:], params); r != nil {
			params[c.name] = segs[0]
			return r
		}
	}
	if c := n.greedy; c != nil {
		params[c.name] = strings.Join(segs, "/")
		return c
	}
	return nil
}

// forget drops an API's compiled deployments (DeleteRestApi).
func (s *Service) forget(account, region, api string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	prefix := account + "/" + region + "/" + api + "/"
	for k := range s.deployments {
		if strings.HasPrefix(k, prefix) {
			delete(s.deployments, k)
		}
	}
}

// target is a deployed stage found from an invocation.
type target struct {
	c     *compiled
	stage *Stage
}

// resolve finds the API (by id, in any account and region), its stage and
// the compiled deployment the stage serves. ok is false when there is none.
func (s *Service) resolve(ctx context.Context, apiID, stageName string) (*target, bool, error) {
	var account, region string
	st := new(Stage)
	found := false
	err := s.kv.View(ctx, func(r storage.Reader) error {
		loc, err := r.Get(idKey(apiID))
		if err != nil {
			if err == storage.ErrNotFound {
				return nil
			}
			return err
		}
		account, region, _ = strings.Cut(string(loc), "/")
		found, err = getJSON(r, stageKey(account, region, apiID, stageName), st)
		return err
	})
	if err != nil || !found || st.DeploymentID == "" {
		return nil, false, err
	}
	key := account + "/" + region + "/" + apiID + "/" + st.DeploymentID
	s.mu.Lock()
	c := s.deployments[key]
	s.mu.Unlock()
	if c == nil {
		var dep *deploymentDoc
		err := s.kv.View(ctx, func(r storage.Reader) error {
			var err error
			dep, err = loadDeployment(r, account, region, apiID, st.DeploymentID)
			return err
		})
		if err != nil {
			return nil, false, nil
		}
		c = compile(account, region, st.DeploymentID, &dep.Snapshot)
		s.mu.Lock()
		s.deployments[key] = c
		s.mu.Unlock()
	}
	return &target{c: c, stage: st}, true, nil
}
