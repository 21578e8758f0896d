package restjson

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/aws/smithy-go/transport/http/protocol/restjson1"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/protocol/restjson/botocoretest"
)

// Inputs shaped like the real services', to be filled from what botocore sends.

type lambdaInvoke struct {
	FunctionName   string  `location:"uri"`
	Qualifier      *string `location:"querystring"`
	InvocationType string  `location:"header" name:"X-Amz-Invocation-Type"`
	LogType        string  `location:"header" name:"X-Amz-Log-Type"`
	ClientContext  string  `location:"header" name:"X-Amz-Client-Context"`
	Payload        []byte  `location:"payload"`
}

type lambdaList struct {
	MasterRegion    *string `location:"querystring"`
	FunctionVersion *string `location:"querystring"`
	Marker          *string `location:"querystring"`
	MaxItems        *int    `location:"querystring"`
}

type pollySynth struct {
	Engine          string
	LanguageCode    string
	LexiconNames    []string
	OutputFormat    string
	SampleRate      string
	SpeechMarkTypes []string
	Text            string
	TextType        string
	VoiceId         string
}

type apigwTag struct {
	ResourceArn string            `location:"uri" name:"resource_arn"`
	Tags        map[string]string `json:"tags"`
}

type apigwList struct {
	Position *string `location:"querystring" name:"position"`
	Limit    *int32  `location:"querystring" name:"limit"`
}

func TestBotocoreRequests(t *testing.T) {
	zip := []byte("PK\x03\x04 not really a zip \x00\xff")
	reqs := botocoretest.Serialize(t,
		botocoretest.Request{Service: "lambda", Operation: "Invoke", Params: map[string]any{
			"FunctionName": "arn:aws:lambda:us-east-1:000000000000:function:my-fn", "Qualifier": "$LATEST",
			"InvocationType": "Event", "LogType": "Tail", "ClientContext": "eyJhIjoxfQ==",
			"Payload": botocoretest.Bytes([]byte(`{"hello":"world"}`))}},
		botocoretest.Request{Service: "lambda", Operation: "CreateFunction", Params: map[string]any{
			"FunctionName": "f", "Runtime": "python3.12", "Role": "arn:aws:iam::000000000000:role/r", "Handler": "app.handler",
			"Code": map[string]any{"ZipFile": botocoretest.Bytes(zip)}, "Timeout": 30, "MemorySize": 256, "Publish": true,
			"Environment":   map[string]any{"Variables": map[string]any{"A": "1", "B": "two words"}},
			"Architectures": []any{"arm64"}, "Tags": map[string]any{"team": "x"}}},
		botocoretest.Request{Service: "lambda", Operation: "ListFunctions", Params: map[string]any{
			"FunctionVersion": "ALL", "Marker": "a b/c+d", "MaxItems": 10}},
		botocoretest.Request{Service: "polly", Operation: "SynthesizeSpeech", Params: map[string]any{
			"Text": "Hello <there> & \"you\"", "OutputFormat": "json", "VoiceId": "Joanna", "Engine": "standard",
			"SpeechMarkTypes": []any{"word", "sentence"}}},
		botocoretest.Request{Service: "apigateway", Operation: "TagResource", Params: map[string]any{
			"resourceArn": "arn:aws:apigateway:us-east-1::/restapis/abc123/stages/prod", "tags": map[string]any{"k": "v"}}},
		botocoretest.Request{Service: "apigateway", Operation: "GetRestApis", Params: map[string]any{"position": "p1", "limit": 5}},
	)

	h := &Handler{}
	var got []any
	record := func(name, pattern string, status int, in func() any) {
		h.Handle(name, pattern, status, func(ctx context.Context, c *Call) (any, error) {
			v := in()
			if err := c.Decode(v); err != nil {
				return nil, err
			}
			got = append(got, v)
			return nil, nil
		})
	}
	record("Invoke", "POST /2015-03-31/functions/{FunctionName}/invocations", 200, func() any { return new(lambdaInvoke) })
	record("CreateFunction", "POST /2015-03-31/functions", 201, func() any { return new(createFunctionInput) })
	record("ListFunctions", "GET /2015-03-31/functions/", 200, func() any { return new(lambdaList) })
	record("SynthesizeSpeech", "POST /v1/speech", 200, func() any { return new(pollySynth) })
	record("TagResource", "PUT /tags/{resource_arn}", 204, func() any { return new(apigwTag) })
	record("GetRestApis", "GET /restapis", 200, func() any { return new(apigwList) })
	for _, r := range reqs {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 300 {
			t.Fatalf("%s %s: %d %s", r.Method, r.URL, w.Code, w.Body.String())
		}
	}
	want := []any{
		&lambdaInvoke{FunctionName: "arn:aws:lambda:us-east-1:000000000000:function:my-fn", Qualifier: ptr("$LATEST"),
			InvocationType: "Event", LogType: "Tail", ClientContext: "eyJhIjoxfQ==", Payload: []byte(`{"hello":"world"}`)},
		&createFunctionInput{FunctionName: "f", Runtime: "python3.12", Role: "arn:aws:iam::000000000000:role/r", Handler: "app.handler",
			Timeout: ptr[int32](30), MemorySize: ptr[int32](256), Publish: true, Code: &code{ZipFile: zip},
			Environment: &environment{Variables: map[string]string{"A": "1", "B": "two words"}}, Architectures: []string{"arm64"},
			Tags: map[string]string{"team": "x"}},
		&lambdaList{FunctionVersion: ptr("ALL"), Marker: ptr("a b/c+d"), MaxItems: ptr(10)},
		&pollySynth{Text: "Hello <there> & \"you\"", OutputFormat: "json", VoiceId: "Joanna", Engine: "standard", SpeechMarkTypes: []string{"word", "sentence"}},
		&apigwTag{ResourceArn: "arn:aws:apigateway:us-east-1::/restapis/abc123/stages/prod", Tags: map[string]string{"k": "v"}},
		&apigwList{Position: ptr("p1"), Limit: ptr[int32](5)},
	}
	if len(got) != len(want) {
		t.Fatalf("decoded %d requests, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("request %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

type restAPI struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	CreatedDate time.Time         `json:"createdDate"`
	Tags        map[string]string `json:"tags"`
	Binary      []string          `json:"binaryMediaTypes"`
}

type synthOutput struct {
	AudioStream       io.Reader `location:"payload"`
	ContentType       string    `location:"header" name:"Content-Type"`
	RequestCharacters int       `location:"header" name:"x-amzn-RequestCharacters"`
}

type tooMany struct {
	RetryAfterSeconds string `location:"header" name:"Retry-After"`
	Type              string
	Reason            string
}

func TestBotocoreResponses(t *testing.T) {
	rec := func(f func(w http.ResponseWriter)) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		w.Header().Set("X-Amzn-Requestid", "rid-1")
		f(w)
		return w
	}
	ok := func(status int, out any) *httptest.ResponseRecorder {
		return rec(func(w http.ResponseWriter) {
			if err := WriteResponse(w, status, out); err != nil {
				t.Fatal(err)
			}
		})
	}
	fail := func(c Codec, e *awserr.Error) *httptest.ResponseRecorder {
		return rec(func(w http.ResponseWriter) { c.WriteError(w, httptest.NewRequest("GET", "/", nil), "rid-1", e) })
	}
	created := time.Date(2024, 1, 2, 3, 4, 5, 678e6, time.UTC)
	lambdaCodec := Codec{MessageKey: "Message"}
	resps := []*httptest.ResponseRecorder{
		ok(200, &invokeOutput{FunctionError: ptr("Unhandled"), ExecutedVersion: "$LATEST", Payload: []byte(`{"errorMessage":"x"}`)}),
		ok(200, &functionConfig{FunctionName: "f", Timeout: 3, CodeSize: 1234, LastModified: "2024-01-02T03:04:05.678+0000",
			Env: &environment{Variables: map[string]string{"A": "1"}}, Layers: []string{}}),
		ok(200, &synthOutput{AudioStream: bytes.NewReader([]byte{0xff, 0xf3, 0x00}), ContentType: "audio/mpeg", RequestCharacters: 5}),
		ok(200, &restAPI{ID: "abc123", Name: "pets", CreatedDate: created, Tags: map[string]string{"k": "v"}, Binary: []string{"image/png"}}),
		fail(lambdaCodec, (&awserr.Error{Code: "ResourceNotFoundException", Message: "Function not found: arn:aws:lambda:us-east-1:000000000000:function:f", Status: 404}).With("Type", "User")),
		fail(lambdaCodec, (&awserr.Error{Code: "TooManyRequestsException", Message: "Rate exceeded", Status: 429, Header: http.Header{"Retry-After": {"5"}}}).
			With("Type", "User").With("Reason", "ReservedFunctionConcurrentInvocationLimitExceeded")),
		fail(Codec{ErrorTypeSuffix: "http://internal.amazon.com/coral/com.amazonaws.backplane.controlplane/"},
			&awserr.Error{Code: "NotFoundException", Message: "Invalid API identifier specified 000000000000:abc", Status: 404}),
		fail(Codec{}, &awserr.Error{Code: "TextLengthExceededException", Message: "Maximum text length has been exceeded", Status: 400}),
		fail(Codec{}, &awserr.Error{Code: "SomethingUnmodeled", Message: "odd", Status: 400}),
	}
	ops := [][2]string{{"lambda", "Invoke"}, {"lambda", "GetFunctionConfiguration"}, {"polly", "SynthesizeSpeech"},
		{"apigateway", "GetRestApi"}, {"lambda", "GetFunction"}, {"lambda", "Invoke"}, {"apigateway", "GetRestApi"},
		{"polly", "SynthesizeSpeech"}, {"polly", "SynthesizeSpeech"}}
	jobs := make([]botocoretest.Response, len(resps))
	for i, r := range resps {
		jobs[i] = botocoretest.Response{Service: ops[i][0], Operation: ops[i][1], Recorder: r}
	}
	parsed := botocoretest.Parse(t, jobs...)
	b64 := func(b []byte) any { return map[string]any{"__bytes__": base64.StdEncoding.EncodeToString(b)} }
	checks := []map[string]any{
		{"StatusCode": 200.0, "FunctionError": "Unhandled", "ExecutedVersion": "$LATEST", "Payload": b64([]byte(`{"errorMessage":"x"}`))},
		{"FunctionName": "f", "Timeout": 3.0, "CodeSize": 1234.0, "LastModified": "2024-01-02T03:04:05.678+0000",
			"Environment": map[string]any{"Variables": map[string]any{"A": "1"}}, "Layers": []any{}},
		{"AudioStream": b64([]byte{0xff, 0xf3, 0x00}), "ContentType": "audio/mpeg", "RequestCharacters": 5.0},
		{"id": "abc123", "name": "pets", "createdDate": map[string]any{"__time__": "2024-01-02T03:04:05.678Z"},
			"tags": map[string]any{"k": "v"}, "binaryMediaTypes": []any{"image/png"}},
		{"Error": map[string]any{"Code": "ResourceNotFoundException", "Message": "Function not found: arn:aws:lambda:us-east-1:000000000000:function:f"},
			"ModeledError": "ResourceNotFoundException", "Type": "User", "Message": "Function not found: arn:aws:lambda:us-east-1:000000000000:function:f"},
		{"Error": map[string]any{"Code": "TooManyRequestsException", "Message": "Rate exceeded"}, "ModeledError": "TooManyRequestsException",
			"retryAfterSeconds": "5", "Type": "User", "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded"},
		{"Error": map[string]any{"Code": "NotFoundException", "Message": "Invalid API identifier specified 000000000000:abc"},
			"ModeledError": "NotFoundException", "message": "Invalid API identifier specified 000000000000:abc"},
		{"Error": map[string]any{"Code": "TextLengthExceededException", "Message": "Maximum text length has been exceeded"}},
		{"Error": map[string]any{"Code": "SomethingUnmodeled", "Message": "odd"}},
	}
	for i, want := range checks {
		for k, v := range want {
			if !reflect.DeepEqual(parsed[i][k], v) {
				t.Errorf("response %d (%s): %s = %#v, want %#v", i, ops[i][1], k, parsed[i][k], v)
			}
		}
		md, _ := parsed[i]["ResponseMetadata"].(map[string]any)
		if md["RequestId"] != "rid-1" {
			t.Errorf("response %d: RequestId %v", i, md["RequestId"])
		}
	}
}

// TestSDKErrors parses the errors with aws-sdk-go-v2's restJson1 protocol
// (smithy-go), the code path every generated Go client takes.
func TestSDKErrors(t *testing.T) {
	tests := []struct {
		codec Codec
		err   *awserr.Error
	}{
		{Codec{MessageKey: "Message"}, (&awserr.Error{Code: "ResourceNotFoundException", Message: "Function not found", Status: 404}).With("Type", "User")},
		{Codec{}, &awserr.Error{Code: "BadRequestException", Message: "Invalid JSON", Status: 400}},
		{Codec{ErrorTypeSuffix: "http://internal.amazon.com/coral/com.amazonaws.backplane.controlplane/"}, &awserr.Error{Code: "NotFoundException", Message: "nope", Status: 404}},
		{Codec{}, (&awserr.Error{Code: "ServiceException", Message: "boom", Status: 500, Fault: true}).With("Code", "ignored-in-favour-of-header")},
	}
	p := restjson1.New(nil)
	op := smithy.NewOperationSchema(smithy.NewSchema(smithy.ShapeID{Namespace: "test", Name: "Op"}, smithy.ShapeTypeOperation, 0), nil, nil)
	for _, tc := range tests {
		w := httptest.NewRecorder()
		tc.codec.WriteError(w, httptest.NewRequest("GET", "/", nil), "rid", tc.err)
		err := p.DeserializeResponse(context.Background(), op, &smithy.TypeRegistry{}, &smithyhttp.Response{Response: w.Result()}, nil)
		var ae smithy.APIError
		if !errors.As(err, &ae) {
			t.Fatalf("%s: got %v", tc.err.Code, err)
		}
		if ae.ErrorCode() != tc.err.Code || ae.ErrorMessage() != tc.err.Message {
			t.Errorf("SDK read %q %q, want %q %q", ae.ErrorCode(), ae.ErrorMessage(), tc.err.Code, tc.err.Message)
		}
	}
}
