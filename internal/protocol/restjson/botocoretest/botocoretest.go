// Package botocoretest runs botocore's own request serializers and response
// parsers from Go tests, so the protocol codecs are checked against what
// the AWS CLI and boto3 actually send and read, not against our reading of
// the spec. Tests skip, saying why, when python3 or botocore is missing.
package botocoretest

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"sync"
	"testing"
)

//go:embed botocore.py
var script string

var available = sync.OnceValue(func() error {
	return exec.Command("python3", "-c", "import botocore, urllib3").Run()
})

// Require skips t unless python3 with botocore is installed.
func Require(t testing.TB) {
	t.Helper()
	if err := available(); err != nil {
		t.Skipf("botocore round trip skipped: python3 with botocore is not available (%v); pip install botocore to run it", err)
	}
}

// Bytes marks a blob parameter ([]byte) for botocore.
func Bytes(b []byte) map[string]string {
	return map[string]string{"__bytes__": base64.StdEncoding.EncodeToString(b)}
}

// Time marks a timestamp parameter for botocore (ISO 8601).
func Time(iso string) map[string]string { return map[string]string{"__time__": iso} }

// Request is one operation call for botocore to serialize.
type Request struct {
	Service, Operation string
	Params             map[string]any
}

// Serialize returns the HTTP requests botocore sends for reqs, against the
// endpoint http://nimbus.test.
func Serialize(t testing.TB, reqs ...Request) []*http.Request {
	t.Helper()
	Require(t)
	jobs := make([]map[string]any, len(reqs))
	for i, r := range reqs {
		jobs[i] = map[string]any{"do": "serialize", "service": r.Service, "operation": r.Operation, "params": r.Params}
	}
	var res []struct {
		Method, URL string
		Headers     map[string]string
		Body        []byte
	}
	run(t, jobs, &res)
	out := make([]*http.Request, len(res))
	for i, r := range res {
		req := httptest.NewRequest(r.Method, r.URL, bytes.NewReader(r.Body))
		for k, v := range r.Headers {
			req.Header.Set(k, v)
		}
		out[i] = req
	}
	return out
}

// Response is one HTTP response for botocore to parse as operation's.
type Response struct {
	Service, Operation string
	Recorder           *httptest.ResponseRecorder
}

// Parse returns what a botocore client returns for each response: the
// output dict, or for errors {"Error": {"Code", "Message", ...},
// "ResponseMetadata": ..., modeled members..., "ModeledError": name}.
// Blobs come back as {"__bytes__": base64}, timestamps as {"__time__": iso}.
func Parse(t testing.TB, resps ...Response) []map[string]any {
	t.Helper()
	Require(t)
	jobs := make([]map[string]any, len(resps))
	for i, r := range resps {
		res := r.Recorder.Result()
		body, _ := io.ReadAll(res.Body)
		jobs[i] = map[string]any{"do": "parse", "service": r.Service, "operation": r.Operation,
			"status": res.StatusCode, "headers": res.Header, "body": body}
	}
	var out []map[string]any
	run(t, jobs, &out)
	return out
}

func run(t testing.TB, jobs any, out any) {
	t.Helper()
	in, err := json.Marshal(jobs)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", "-c", script)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("botocore helper: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("botocore helper output: %v\n%s", err, stdout)
	}
}
