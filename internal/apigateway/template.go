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

// templates caches parsed templates by source: templates come from
// deployments, which never change, and parsing is most of a small
// template's cost.
var templates sync.Map // string → *vtl.Template

const maxCachedTemplates = 4096

var cachedTemplates struct {
	sync.Mutex
	n int
}

func parseTemplate(src string) (*vtl.Template, error) {
	if t, ok := templates.Load(src); ok {
		return t.(*vtl.Template), nil
	}
	t, err := vtl.Parse(src)
	if err != nil {
		return nil, err
	}
	cachedTemplates.Lock()
	if cachedTemplates.n < maxCachedTemplates {
		cachedTemplates.n++
		templates.Store(src, t)
	}
	cachedTemplates.Unlock()
	return t, nil
}

// renderTemplate renders a mapping template. Templates with no Velocity
// syntax (the console's {"statusCode": 200}) are their own output.
func renderTemplate(tmpl string, in *renderInput) (string, *overrides, error) {
	if !strings.ContainsAny(tmpl, "$#") {
		return tmpl, nil, nil
	}
	t, err := parseTemplate(tmpl)
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
