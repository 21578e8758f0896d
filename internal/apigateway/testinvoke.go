package apigateway

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/request"
)

// TestInvokeMethodInput is TestInvokeMethod's request.
type TestInvokeMethodInput struct {
	RestApiID           string              `location:"uri" name:"restapi_id"`
	ResourceID          string              `location:"uri" name:"resource_id"`
	HTTPMethod          string              `location:"uri" name:"http_method"`
	PathWithQueryString string              `json:"pathWithQueryString"`
	Body                string              `json:"body"`
	Headers             map[string]string   `json:"headers"`
	MultiValueHeaders   map[string][]string `json:"multiValueHeaders"`
	StageVariables      map[string]string   `json:"stageVariables"`
}

// TestInvokeMethodOutput is TestInvokeMethod's answer.
type TestInvokeMethodOutput struct {
	Status            int                 `json:"status"`
	Body              string              `json:"body"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Log               string              `json:"log"`
	Latency           int64               `json:"latency"`
}

// TestInvokeMethod runs a method of the API as it is now (not as
// deployed), as the console's Test button does.
func (s *Service) TestInvokeMethod(ctx context.Context, in *TestInvokeMethodInput) (*TestInvokeMethodOutput, error) {
	info := request.From(ctx)
	var doc *apiDoc
	var res *Resource
	err := s.viewAPI(ctx, info.Account, info.Region, in.RestApiID, func(d *apiDoc) error {
		r, _, err := findMethod(d, in.ResourceID, in.HTTPMethod)
		doc, res = d, r
		return err
	})
	if err != nil {
		return nil, err
	}
	p := in.PathWithQueryString
	if p == "" {
		p = res.Path
	}
	start := time.Now()
	req := httptest.NewRequestWithContext(ctx, in.HTTPMethod, "http://"+in.RestApiID+".execute-api.localhost"+p, strings.NewReader(in.Body))
	for k, vs := range in.MultiValueHeaders {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	for k, v := range in.Headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	path, _, _ := strings.Cut(p, "?")
	tinfo := &request.Info{ID: info.ID, Account: info.Account, Region: info.Region, Body: []byte(in.Body)}
	c := &call{s: s, w: rec, r: req.WithContext(request.With(ctx, tinfo)), info: tinfo, apiID: in.RestApiID,
		stage: "test-invoke-stage", path: path, body: []byte(in.Body), start: start,
		t: &target{c: compile(info.Account, info.Region, "", doc), stage: &Stage{StageName: "test-invoke-stage", Variables: in.StageVariables}}}
	c.serve()
	out := &TestInvokeMethodOutput{Status: rec.Code, Body: rec.Body.String(), Headers: map[string]string{},
		MultiValueHeaders: map[string][]string{}, Latency: time.Since(start).Milliseconds()}
	for k, vs := range rec.Header() {
		out.Headers[k] = vs[len(vs)-1]
		out.MultiValueHeaders[k] = vs
	}
	var log bytes.Buffer
	log.WriteString("Execution log for request " + info.ID + "\n")
	log.WriteString(start.UTC().Format("Mon Jan 02 15:04:05 UTC 2006") + " : Starting execution for request: " + info.ID + "\n")
	log.WriteString(start.UTC().Format("Mon Jan 02 15:04:05 UTC 2006") + " : HTTP Method: " + in.HTTPMethod + ", Resource Path: " + path + "\n")
	if c.errorMsg != "" {
		log.WriteString(start.UTC().Format("Mon Jan 02 15:04:05 UTC 2006") + " : " + c.errorMsg + "\n")
	}
	log.WriteString(start.UTC().Format("Mon Jan 02 15:04:05 UTC 2006") + " : Method completed with status: " + strconv.Itoa(rec.Code) + "\n")
	out.Log = log.String()
	return out, nil
}
