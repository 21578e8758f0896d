package restjson

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/request"
)

type environment struct {
	Variables map[string]string `json:"Variables"`
}

type code struct {
	ZipFile  []byte  `json:"ZipFile"`
	S3Bucket *string `json:"S3Bucket"`
}

type createFunctionInput struct {
	FunctionName  string
	Runtime       string
	Role          string
	Handler       string
	Timeout       *int32
	MemorySize    *int32
	Publish       bool
	Code          *code
	Environment   *environment
	Architectures []string
	Tags          map[string]string
}

type invokeInput struct {
	FunctionName   string  `location:"uri" name:"FunctionName"`
	Qualifier      *string `location:"querystring" name:"Qualifier"`
	InvocationType string  `location:"header" name:"X-Amz-Invocation-Type"`
	LogType        *string `location:"header" name:"X-Amz-Log-Type"`
	Payload        []byte  `location:"payload"`
}

type listInput struct {
	Marker   *string           `location:"querystring" name:"Marker"`
	MaxItems *int              `location:"querystring" name:"MaxItems"`
	All      *bool             `location:"querystring" name:"All"`
	Repeated []string          `location:"querystring" name:"id"`
	Rest     map[string]string `location:"querystring"`
	Since    *time.Time        `location:"header" name:"If-Modified-Since"`
	Meta     map[string]string `location:"headers" name:"X-Amz-Meta-"`
	List     []string          `location:"header" name:"X-Amz-List"`
}

func newReq(method, target, body string, hdr ...string) *http.Request {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Add(hdr[i], hdr[i+1])
	}
	return r
}

func TestDecode(t *testing.T) {
	var inv invokeInput
	r := newReq("POST", "/2015-03-31/functions/f/invocations?Qualifier=%24LATEST", `{"a":1}`,
		"X-Amz-Invocation-Type", "Event", "X-Amz-Log-Type", "Tail")
	if err := Decode(r, map[string]string{"FunctionName": "f"}, &inv); err != nil {
		t.Fatal(err)
	}
	if inv.FunctionName != "f" || *inv.Qualifier != "$LATEST" || inv.InvocationType != "Event" || *inv.LogType != "Tail" || string(inv.Payload) != `{"a":1}` {
		t.Errorf("got %+v", inv)
	}

	var cf createFunctionInput
	body := `{"FunctionName":"f","Runtime":"python3.12","Timeout":30,"Publish":true,
		"Code":{"ZipFile":"UEsDBA=="},"Environment":{"Variables":{"A":"1"}},"Architectures":["x86_64"],"Tags":{"k":"v"},"Unknown":{"x":[1]}}`
	if err := Decode(newReq("POST", "/2015-03-31/functions", body), nil, &cf); err != nil {
		t.Fatal(err)
	}
	if cf.FunctionName != "f" || *cf.Timeout != 30 || cf.MemorySize != nil || !cf.Publish || string(cf.Code.ZipFile) != "PK\x03\x04" ||
		cf.Environment.Variables["A"] != "1" || cf.Architectures[0] != "x86_64" || cf.Tags["k"] != "v" {
		t.Errorf("got %+v", cf)
	}

	var li listInput
	r = newReq("GET", "/x?Marker=m&MaxItems=5&All=true&id=1&id=2&other=o", "",
		"If-Modified-Since", "Wed, 21 Oct 2015 07:28:00 GMT", "X-Amz-Meta-Color", "blue", "X-Amz-List", `a, "b,c", d`)
	if err := Decode(r, nil, &li); err != nil {
		t.Fatal(err)
	}
	want := listInput{Marker: ptr("m"), MaxItems: ptr(5), All: ptr(true), Repeated: []string{"1", "2"},
		Rest: map[string]string{"other": "o"}, Since: ptr(time.Date(2015, 10, 21, 7, 28, 0, 0, time.UTC)),
		Meta: map[string]string{"color": "blue"}, List: []string{"a", "b,c", "d"}}
	if !reflect.DeepEqual(li, want) {
		t.Errorf("got  %+v\nwant %+v", li, want)
	}
}

func ptr[T any](v T) *T { return &v }

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, body string
		hdr        []string
		query      string
		in         any
		want       string
	}{
		{"malformed", `{"FunctionName":`, nil, "", &createFunctionInput{}, "Could not parse request body into json"},
		{"trailing", `{} {}`, nil, "", &createFunctionInput{}, "unexpected data after"},
		{"not an object", `[1]`, nil, "", &createFunctionInput{}, "Expected an object but found an array"},
		{"string for int", `{"Timeout":"30"}`, nil, "", &createFunctionInput{}, "Expected an integer but found a string at 'Timeout'"},
		{"fraction", `{"Timeout":1.5}`, nil, "", &createFunctionInput{}, "not an integer"},
		{"overflow", `{"Timeout":99999999999}`, nil, "", &createFunctionInput{}, "not an integer in range"},
		{"nested", `{"Environment":{"Variables":{"A":1}}}`, nil, "", &createFunctionInput{}, "at 'Environment.Variables.A'"},
		{"base64", `{"Code":{"ZipFile":"!!"}}`, nil, "", &createFunctionInput{}, "base64"},
		{"bad int query", "", nil, "?MaxItems=x", &listInput{}, `Invalid value for query parameter "MaxItems"`},
		{"bad bool query", "", nil, "?All=yes", &listInput{}, `not a boolean`},
		{"bad date header", "", []string{"If-Modified-Since", "yesterday"}, "", &listInput{}, `Invalid value for header "If-Modified-Since"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Decode(newReq("POST", "/x"+tc.query, tc.body, tc.hdr...), nil, tc.in)
			var ae *awserr.Error
			if !errors.As(err, &ae) {
				t.Fatalf("got %v, want an *awserr.Error", err)
			}
			if ae.Code != "SerializationException" || ae.HTTPStatus() != 400 || !strings.Contains(ae.Message, tc.want) {
				t.Errorf("got %s %d %q, want SerializationException containing %q", ae.Code, ae.HTTPStatus(), ae.Message, tc.want)
			}
		})
	}

	c := Codec{BadRequest: func(msg string) *awserr.Error {
		return &awserr.Error{Code: "InvalidRequestContentException", Message: msg, Status: 400}
	}, MaxBodyBytes: 10}
	err := c.Decode(newReq("POST", "/", "{"), nil, &createFunctionInput{})
	if ae, _ := awserr.As(err); ae.Code != "InvalidRequestContentException" {
		t.Errorf("custom BadRequest: got %v", err)
	}
	err = c.Decode(newReq("POST", "/", `{"FunctionName":"long enough"}`), nil, &createFunctionInput{})
	if ae, _ := awserr.As(err); ae.Code != "RequestEntityTooLargeException" || ae.HTTPStatus() != 413 {
		t.Errorf("too large: got %v", err)
	}
}

func TestDecodeEdgeBody(t *testing.T) {
	// The edge reads the body into request.Info; the codec must use it.
	r := newReq("POST", "/", "")
	r = r.WithContext(request.With(r.Context(), &request.Info{Body: []byte(`{"FunctionName":"from-edge"}`)}))
	var in createFunctionInput
	if err := Decode(r, nil, &in); err != nil || in.FunctionName != "from-edge" {
		t.Fatalf("got %+v, %v", in, err)
	}
}

type streamInput struct {
	Key  string        `location:"uri" name:"Key"`
	Body io.ReadCloser `location:"payload"`
}

func TestDecodeStream(t *testing.T) {
	var in streamInput
	if err := Decode(newReq("PUT", "/k", "streamed"), map[string]string{"Key": "k"}, &in); err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(in.Body)
	if string(b) != "streamed" {
		t.Errorf("got %q", b)
	}
}

type functionConfig struct {
	FunctionName string
	Timeout      int32
	CodeSize     int64
	LastModified string
	Layers       []string
	Env          *environment `json:"Environment"`
	Created      time.Time    `json:"CreatedDate"`
	Expires      time.Time    `json:"Expires" timestampFormat:"iso8601"`
	Skipped      string       `json:"-"`
	Empty        string       `json:",omitempty"`
}

type invokeOutput struct {
	StatusCode      int     `location:"statusCode"`
	FunctionError   *string `location:"header" name:"X-Amz-Function-Error"`
	ExecutedVersion string  `location:"header" name:"X-Amz-Executed-Version"`
	Payload         []byte  `location:"payload"`
}

func TestWriteResponse(t *testing.T) {
	created := time.Date(2024, 1, 2, 3, 4, 5, 678e6, time.UTC)
	tests := []struct {
		name   string
		status int
		out    any
		code   int
		hdr    map[string]string
		body   string
	}{
		{"json body", 200, &functionConfig{FunctionName: "f", Timeout: 3, Created: created, Expires: created, Skipped: "x"}, 200,
			map[string]string{"Content-Type": "application/json"},
			`{"FunctionName":"f","Timeout":3,"CodeSize":0,"LastModified":"","CreatedDate":1704164645.678,"Expires":"2024-01-02T03:04:05.678Z"}`},
		{"payload and headers", 200, &invokeOutput{StatusCode: 202, FunctionError: ptr("Unhandled"), ExecutedVersion: "$LATEST", Payload: []byte(`{"x":1}`)}, 202,
			map[string]string{"X-Amz-Function-Error": "Unhandled", "X-Amz-Executed-Version": "$LATEST", "Content-Type": "application/octet-stream", "Content-Length": "7"},
			`{"x":1}`},
		{"nil output", 200, nil, 200, map[string]string{"Content-Type": "application/json"}, `{}`},
		{"no content", 204, nil, 204, map[string]string{"Content-Type": ""}, ``},
		{"map", 201, map[string]any{"b": 1, "a": []int{1}}, 201, nil, `{"a":[1],"b":1}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			if err := WriteResponse(w, tc.status, tc.out); err != nil {
				t.Fatal(err)
			}
			if w.Code != tc.code {
				t.Errorf("status %d, want %d", w.Code, tc.code)
			}
			for k, v := range tc.hdr {
				if got := w.Header().Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if got := w.Body.String(); got != tc.body {
				t.Errorf("body %s\nwant %s", got, tc.body)
			}
		})
	}
}

func TestWriteResponseError(t *testing.T) {
	w := httptest.NewRecorder()
	w.Header().Set("X-Amzn-Requestid", "keep")
	err := WriteResponse(w, 200, &struct{ C chan int }{})
	if err == nil {
		t.Fatal("no error for an unencodable output")
	}
	if w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("X-Amzn-Requestid") != "keep" || w.Header().Get("Content-Type") != "" {
		t.Errorf("wrote something: %d %q %v", w.Code, w.Body.String(), w.Header())
	}
}

func TestWriteError(t *testing.T) {
	tests := []struct {
		name   string
		codec  Codec
		method string
		err    *awserr.Error
		status int
		hdr    map[string]string
		body   map[string]any
	}{
		{"api gateway", Codec{}, "GET", &awserr.Error{Code: "NotFoundException", Message: "Invalid API identifier specified", Status: 404}, 404,
			map[string]string{"X-Amzn-Errortype": "NotFoundException", "X-Amzn-Requestid": "rid", "Content-Type": "application/json"},
			map[string]any{"message": "Invalid API identifier specified"}},
		{"lambda", Codec{MessageKey: "Message"}, "GET",
			(&awserr.Error{Code: "ResourceNotFoundException", Message: "Function not found: arn:aws:lambda:us-east-1:000000000000:function:f", Status: 404}).With("Type", "User"), 404,
			map[string]string{"X-Amzn-Errortype": "ResourceNotFoundException"},
			map[string]any{"Type": "User", "Message": "Function not found: arn:aws:lambda:us-east-1:000000000000:function:f"}},
		{"suffix and header", Codec{ErrorTypeSuffix: "http://internal.amazon.com/coral/com.amazonaws.backplane.controlplane/"}, "POST",
			&awserr.Error{Code: "TooManyRequestsException", Message: "Too Many Requests", Status: 429, Header: http.Header{"Retry-After": {"5"}}}, 429,
			map[string]string{"X-Amzn-Errortype": "TooManyRequestsException:http://internal.amazon.com/coral/com.amazonaws.backplane.controlplane/", "Retry-After": "5"},
			map[string]any{"message": "Too Many Requests"}},
		{"fault", Codec{}, "GET", awserr.Internal(), 500, nil, map[string]any{"message": awserr.Internal().Message}},
		{"head", Codec{}, "HEAD", &awserr.Error{Code: "NotFoundException", Status: 404}, 404, map[string]string{"X-Amzn-Errortype": "NotFoundException"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			tc.codec.WriteError(w, httptest.NewRequest(tc.method, "/", nil), "rid", tc.err)
			if w.Code != tc.status {
				t.Errorf("status %d, want %d", w.Code, tc.status)
			}
			for k, v := range tc.hdr {
				if got := w.Header().Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if tc.body == nil {
				if w.Body.Len() != 0 {
					t.Errorf("HEAD got a body %q", w.Body.String())
				}
				return
			}
			var got map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.body) {
				t.Errorf("body %v, want %v", got, tc.body)
			}
		})
	}
}

func TestHandler(t *testing.T) {
	h := &Handler{Log: slog.New(slog.DiscardHandler)}
	h.Handle("Invoke", "POST /2015-03-31/functions/{FunctionName}/invocations", 200,
		Operation(func(ctx context.Context, in *invokeInput) (*invokeOutput, error) {
			if in.FunctionName == "missing" {
				return nil, awserr.New("ResourceNotFoundException", "Function not found").WithStatus(404)
			}
			if in.FunctionName == "boom" {
				return nil, errors.New("secret internal detail")
			}
			return &invokeOutput{Payload: append([]byte("echo:"), in.Payload...)}, nil
		}))
	h.Handle("DeleteFunction", "DELETE /2015-03-31/functions/{FunctionName}", 204,
		Operation(func(ctx context.Context, in *struct {
			FunctionName string `location:"uri"`
		}) (*struct{}, error) {
			return nil, nil
		}))
	tests := []struct {
		method, url, body string
		status            int
		wantBody          string
		errType           string
	}{
		{"POST", "/2015-03-31/functions/f/invocations", "hi", 200, "echo:hi", ""},
		{"POST", "/2015-03-31/functions/missing/invocations", "", 404, `{"message":"Function not found"}`, "ResourceNotFoundException"},
		{"POST", "/2015-03-31/functions/boom/invocations", "", 500, "", "InternalFailure"},
		{"DELETE", "/2015-03-31/functions/f", "", 204, "", ""},
		{"GET", "/nope", "", 404, "", "UnknownOperationException"},
	}
	for _, tc := range tests {
		t.Run(tc.method+tc.url, func(t *testing.T) {
			info := &request.Info{ID: "req-1"}
			r := httptest.NewRequest(tc.method, tc.url, strings.NewReader(tc.body))
			r = r.WithContext(request.With(r.Context(), info))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tc.status {
				t.Errorf("status %d, want %d (%s)", w.Code, tc.status, w.Body.String())
			}
			if got := w.Header().Get("X-Amzn-Errortype"); got != tc.errType {
				t.Errorf("error type %q, want %q", got, tc.errType)
			}
			if tc.wantBody != "" && w.Body.String() != tc.wantBody {
				t.Errorf("body %q, want %q", w.Body.String(), tc.wantBody)
			}
			if strings.Contains(w.Body.String(), "secret") {
				t.Error("internal error echoed")
			}
			if tc.errType != "" && w.Header().Get("X-Amzn-Requestid") != "req-1" {
				t.Error("request id missing from error")
			}
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	type inner struct {
		When time.Time
		N    *float64
		Any  any
		Raw  json.RawMessage
	}
	in := struct {
		Items []inner
		M     map[string]*inner
	}{
		Items: []inner{{When: time.Unix(1700000000, 0).UTC(), N: ptr(1.5), Any: map[string]any{"k": []any{1.0, "x"}}, Raw: json.RawMessage(`{"z":true}`)}},
		M:     map[string]*inner{"a": {When: time.UnixMilli(1700000000123).UTC()}},
	}
	b, err := EncodeJSON(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Items":[{"When":1700000000,"N":1.5,"Any":{"k":[1,"x"]},"Raw":{"z":true}}],"M":{"a":{"When":1700000000.123}}}`
	if string(b) != want {
		t.Fatalf("encoded %s\nwant    %s", b, want)
	}
	out := in
	out.Items, out.M = nil, nil
	if err := DecodeJSON(b, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip\n got %+v\nwant %+v", out, in)
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"FunctionName":"f","Timeout":3,"Code":{"ZipFile":"UEsDBA=="}}`, `{`, `[]`, `{"Tags":{"a":"b"}}`, `null`, `{"Environment":null}`} {
		f.Add(s, "Qualifier=1&MaxItems=2", "f")
	}
	f.Fuzz(func(t *testing.T, body, query, label string) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		r.URL.RawQuery = query
		r.Header.Set("X-Amz-Invocation-Type", label)
		r.Header.Set("If-Modified-Since", label)
		params := map[string]string{"FunctionName": label}
		var cf createFunctionInput
		if err := Decode(r, params, &cf); err != nil {
			var ae *awserr.Error
			if !errors.As(err, &ae) || ae.Code == "" {
				t.Fatalf("non-awserr error %v", err)
			}
		}
		var li listInput
		_ = Decode(r, params, &li)
		var inv invokeInput
		r = httptest.NewRequest("POST", "/", strings.NewReader(body))
		r.URL.RawQuery = query
		if err := Decode(r, params, &inv); err != nil {
			t.Fatalf("raw payload decode failed: %v", err)
		}
		if string(inv.Payload) != body {
			t.Fatalf("payload changed")
		}
	})
}
