package apigateway

import (
	"errors"
	"strings"
)

// renderInput is what a mapping template sees: $input, $context and
// $stageVariables.
type renderInput struct {
	body                []byte
	path, query, header map[string]string
	context             map[string]any
	stageVars           map[string]string
}

// overrides are $context.requestOverride / responseOverride values a
// template set.
type overrides struct {
	status int
	header map[string]string
}

var errNeedsVTL = errors.New("mapping template uses Velocity, which this build cannot render yet")

// renderTemplate renders a mapping template. Templates with no Velocity
// syntax (the console's {"statusCode": 200}, {"UserId":"student"}) are
// their own output.
func renderTemplate(tmpl string, in *renderInput) (string, *overrides, error) {
	if !strings.ContainsAny(tmpl, "$#") {
		return tmpl, nil, nil
	}
	return "", nil, errNeedsVTL
}
