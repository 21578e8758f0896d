package apigateway

import (
	"strings"
	"sync"

	"github.com/nimbus-cloud/nimbus/internal/apigateway/vtl"
)

// renderInput is what a mapping template sees: $input, $context and
// $stageVariables.
type renderInput struct {
	body                []byte
	path, query, header map[string]string
	context             map[string]any
	stageVars           map[string]string
}

// overrides are the $context.requestOverride / responseOverride values a
// template set.
type overrides struct {
	status    int               // response status, 0 if not set
	header    map[string]string // response headers
	reqHeader map[string]string // integration request headers
}

// templateCache keeps parsed templates by source: templates come from
// deployments, which never change, and parsing is most of a small
// template's cost. It stops growing at maxCachedTemplates.
type templateCache struct {
	m  sync.Map // string → *vtl.Template
	mu sync.Mutex
	n  int
}

const maxCachedTemplates = 4096

func (tc *templateCache) parse(src string) (*vtl.Template, error) {
	if t, ok := tc.m.Load(src); ok {
		return t.(*vtl.Template), nil
	}
	t, err := vtl.Parse(src)
	if err != nil {
		return nil, err
	}
	tc.mu.Lock()
	if tc.n < maxCachedTemplates {
		tc.n++
		tc.m.Store(src, t)
	}
	tc.mu.Unlock()
	return t, nil
}

// renderTemplate renders a mapping template. Templates with no Velocity
// syntax (the console's {"statusCode": 200}) are their own output.
func (s *Service) renderTemplate(tmpl string, in *renderInput) (string, *overrides, error) {
	if !strings.ContainsAny(tmpl, "$#") {
		return tmpl, nil, nil
	}
	t, err := s.templates.parse(tmpl)
	if err != nil {
		return "", nil, err
	}
	vin := &vtl.Input{Body: in.body}
	vin.Params.Path, vin.Params.QueryString, vin.Params.Header = in.path, in.query, in.header
	out, ov, err := t.Execute(vin, vtl.Context(in.context), in.stageVars)
	if err != nil {
		return "", nil, err
	}
	return out, &overrides{status: ov.Response.Status, header: ov.Response.Header, reqHeader: ov.Request.Header}, nil
}
