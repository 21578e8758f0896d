package restxml

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	awsxml "github.com/aws/aws-sdk-go-v2/aws/protocol/xml"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	smithyrestxml "github.com/aws/smithy-go/transport/http/protocol/restxml"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/protocol/restjson/botocoretest"
)

type deleteObjectsInput struct {
	Bucket string         `location:"uri"`
	Delete *deleteRequest `location:"payload"`
}

type completeInput struct {
	Bucket   string                   `location:"uri"`
	Key      string                   `location:"uri"`
	UploadID string                   `location:"querystring" name:"uploadId"`
	Upload   *completeMultipartUpload `location:"payload"`
}

type putBucketTaggingInput struct {
	Bucket  string   `location:"uri"`
	Tagging *tagging `location:"payload"`
}

type listV2Input struct {
	Bucket            string  `location:"uri"`
	Prefix            *string `location:"querystring" name:"prefix"`
	Delimiter         *string `location:"querystring" name:"delimiter"`
	MaxKeys           *int32  `location:"querystring" name:"max-keys"`
	ContinuationToken *string `location:"querystring" name:"continuation-token"`
	StartAfter        *string `location:"querystring" name:"start-after"`
}

type getObjectInput struct {
	Bucket          string     `location:"uri"`
	Key             string     `location:"uri"`
	Range           *string    `location:"header" name:"Range"`
	IfModifiedSince *time.Time `location:"header" name:"If-Modified-Since"`
	VersionID       *string    `location:"querystring" name:"versionId"`
	PartNumber      *int32     `location:"querystring" name:"partNumber"`
}

type putObjectBytes struct {
	Bucket      string            `location:"uri"`
	Key         string            `location:"uri"`
	ContentType *string           `location:"header" name:"Content-Type"`
	Metadata    map[string]string `location:"headers" name:"x-amz-meta-"`
	Tagging     *string           `location:"header" name:"x-amz-tagging"`
	Body        []byte            `location:"payload"`
}

func TestBotocoreRequests(t *testing.T) {
	s3 := func(op string, params map[string]any) botocoretest.Request {
		return botocoretest.Request{Service: "s3", Operation: op, Params: params}
	}
	reqs := botocoretest.Serialize(t,
		s3("CreateBucket", map[string]any{"Bucket": "b", "ACL": "private",
			"CreateBucketConfiguration": map[string]any{"LocationConstraint": "eu-west-1"}}),
		s3("DeleteObjects", map[string]any{"Bucket": "b", "Delete": map[string]any{"Quiet": true,
			"Objects": []any{map[string]any{"Key": "a"}, map[string]any{"Key": "dir/b c&d", "VersionId": "v"}}}}),
		s3("CompleteMultipartUpload", map[string]any{"Bucket": "b", "Key": "big/file.bin", "UploadId": "u/1+",
			"MultipartUpload": map[string]any{"Parts": []any{
				map[string]any{"ETag": `"e1"`, "PartNumber": 1}, map[string]any{"ETag": `"e2"`, "PartNumber": 2}}}}),
		s3("PutBucketTagging", map[string]any{"Bucket": "b", "Tagging": map[string]any{"TagSet": []any{map[string]any{"Key": "k", "Value": "v <1>"}}}}),
		s3("ListObjectsV2", map[string]any{"Bucket": "b", "Prefix": "photos/2024 ", "Delimiter": "/", "MaxKeys": 10, "ContinuationToken": "tok=="}),
		s3("GetObject", map[string]any{"Bucket": "b", "Key": "dir/ü file+x.txt", "Range": "bytes=0-9", "VersionId": "v1", "PartNumber": 2,
			"IfModifiedSince": botocoretest.Time("2024-05-06T07:08:09Z")}),
		s3("PutObject", map[string]any{"Bucket": "b", "Key": "k/", "Body": botocoretest.Bytes([]byte("data\x00\xff")), "ContentType": "text/plain",
			"Metadata": map[string]any{"Color": "blue"}, "Tagging": "a=b"}),
	)
	h := &Handler{}
	var got []any
	record := func(name, pattern string, in func() any) {
		h.Handle(name, pattern, 200, func(ctx context.Context, c *Call) (any, error) {
			v := in()
			if err := c.Decode(v); err != nil {
				return nil, err
			}
			got = append(got, v)
			return nil, nil
		})
	}
	record("CreateBucket", "PUT /{Bucket}", func() any { return new(createBucketInput) })
	record("DeleteObjects", "POST /{Bucket}?delete", func() any { return new(deleteObjectsInput) })
	record("CompleteMultipartUpload", "POST /{Bucket}/{Key+}?uploadId", func() any { return new(completeInput) })
	record("PutBucketTagging", "PUT /{Bucket}?tagging", func() any { return new(putBucketTaggingInput) })
	record("ListObjectsV2", "GET /{Bucket}?list-type=2", func() any { return new(listV2Input) })
	record("GetObject", "GET /{Bucket}/{Key+}", func() any { return new(getObjectInput) })
	record("PutObject", "PUT /{Bucket}/{Key+}", func() any { return new(putObjectBytes) })
	for _, r := range reqs {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 300 {
			t.Fatalf("%s %s: %d %s", r.Method, r.URL, w.Code, w.Body.String())
		}
	}
	ims := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	want := []any{
		&createBucketInput{Bucket: "b", ACL: ptr("private"), Config: &createBucketConfiguration{LocationConstraint: "eu-west-1"}},
		&deleteObjectsInput{Bucket: "b", Delete: &deleteRequest{Quiet: true, Objects: []objectIdentifier{{Key: "a"}, {Key: "dir/b c&d", VersionId: ptr("v")}}}},
		&completeInput{Bucket: "b", Key: "big/file.bin", UploadID: "u/1+", Upload: &completeMultipartUpload{Parts: []completedPart{{`"e1"`, 1}, {`"e2"`, 2}}}},
		&putBucketTaggingInput{Bucket: "b", Tagging: &tagging{TagSet: []tag{{"k", "v <1>"}}}},
		&listV2Input{Bucket: "b", Prefix: ptr("photos/2024 "), Delimiter: ptr("/"), MaxKeys: ptr[int32](10), ContinuationToken: ptr("tok==")},
		&getObjectInput{Bucket: "b", Key: "dir/ü file+x.txt", Range: ptr("bytes=0-9"), VersionID: ptr("v1"), PartNumber: ptr[int32](2), IfModifiedSince: &ims},
		&putObjectBytes{Bucket: "b", Key: "k/", ContentType: ptr("text/plain"), Metadata: map[string]string{"color": "blue"}, Tagging: ptr("a=b"), Body: []byte("data\x00\xff")},
	}
	if len(got) != len(want) {
		t.Fatalf("decoded %d requests, want %d", len(got), len(want))
	}
	for i := range want {
		// encoding/xml fills XMLName; compare without it.
		clearXMLNames(reflect.ValueOf(got[i]))
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("request %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func clearXMLNames(v reflect.Value) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if v.Type().Field(i).Name == "XMLName" {
			f.Set(reflect.Zero(f.Type()))
			continue
		}
		if f.CanSet() {
			clearXMLNames(f)
		}
	}
}

func TestBotocoreResponses(t *testing.T) {
	lm := time.Date(2009, 10, 12, 17, 50, 30, 123e6, time.UTC)
	rec := func(f func(w http.ResponseWriter)) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		w.Header().Set("X-Amzn-Requestid", "RID") // as the edge sets it
		f(w)
		return w
	}
	ok := func(out any) *httptest.ResponseRecorder {
		return rec(func(w http.ResponseWriter) {
			if err := WriteResponse(w, 200, out); err != nil {
				t.Fatal(err)
			}
		})
	}
	fail := func(method string, e *awserr.Error) *httptest.ResponseRecorder {
		return rec(func(w http.ResponseWriter) { WriteError(w, httptest.NewRequest(method, "/", nil), "", e) })
	}
	resps := []botocoretest.Response{
		{Service: "s3", Operation: "ListObjectsV2", Recorder: ok(&listBucketResult{Name: "b", Prefix: "p/", KeyCount: 1, MaxKeys: 1000, Delimiter: ptr("/"),
			NextContinuationToken: ptr("next"), IsTruncated: true,
			Contents:       []object{{Key: "p/a&b.txt", LastModified: lm, ETag: `"etag"`, Size: 12, StorageClass: "STANDARD", Owner: &owner{ID: "o"}}},
			CommonPrefixes: []commonPrefix{{"p/x/"}, {"p/y/"}}})},
		{Service: "s3", Operation: "ListBuckets", Recorder: ok(&listAllMyBuckets{Owner: &owner{ID: "o", DisplayName: "me"}, Buckets: []bucket{{"a", lm}, {"b", lm}}})},
		{Service: "s3", Operation: "HeadObject", Recorder: ok(&headObjectOutput{ContentLength: 5, ETag: `"e"`, LastModified: lm.Truncate(time.Second),
			Metadata: map[string]string{"color": "blue"}, VersionID: ptr("v1")})},
		{Service: "s3", Operation: "GetObject", Recorder: ok(&getObjectOutput{headObjectOutput: headObjectOutput{ContentLength: 3},
			ContentType: "image/png", Body: io.NopCloser(bytes.NewReader([]byte{1, 2, 3}))})},
		{Service: "s3", Operation: "GetObject", Recorder: fail("GET", (&awserr.Error{Code: "NoSuchKey", Message: "The specified key does not exist.", Status: 404}).With("Key", "p/a&b.txt"))},
		{Service: "s3", Operation: "ListObjectsV2", Recorder: fail("GET", (&awserr.Error{Code: "NoSuchBucket", Message: "The specified bucket does not exist", Status: 404}).With("BucketName", "nope"))},
		{Service: "s3", Operation: "HeadObject", Recorder: fail("HEAD", &awserr.Error{Code: "NoSuchKey", Message: "The specified key does not exist.", Status: 404})},
		{Service: "s3", Operation: "PutObject", Recorder: fail("PUT", awserr.Internal())},
	}
	parsed := botocoretest.Parse(t, resps...)
	ts := func(tm time.Time) any { return map[string]any{"__time__": tm.UTC().Format("2006-01-02T15:04:05.000Z")} }
	checks := []map[string]any{
		{"Name": "b", "Prefix": "p/", "KeyCount": 1.0, "MaxKeys": 1000.0, "Delimiter": "/", "IsTruncated": true, "NextContinuationToken": "next",
			"Contents":       []any{map[string]any{"Key": "p/a&b.txt", "LastModified": ts(lm), "ETag": `"etag"`, "Size": 12.0, "StorageClass": "STANDARD", "Owner": map[string]any{"ID": "o"}}},
			"CommonPrefixes": []any{map[string]any{"Prefix": "p/x/"}, map[string]any{"Prefix": "p/y/"}}},
		{"Owner": map[string]any{"ID": "o", "DisplayName": "me"},
			"Buckets": []any{map[string]any{"Name": "a", "CreationDate": ts(lm)}, map[string]any{"Name": "b", "CreationDate": ts(lm)}}},
		{"ContentLength": 5.0, "ETag": `"e"`, "LastModified": ts(lm.Truncate(time.Second)), "Metadata": map[string]any{"color": "blue"}, "VersionId": "v1"},
		{"ContentLength": 3.0, "ContentType": "image/png", "Body": map[string]any{"__bytes__": base64.StdEncoding.EncodeToString([]byte{1, 2, 3})}},
		{"Error": map[string]any{"Code": "NoSuchKey", "Message": "The specified key does not exist.", "Key": "p/a&b.txt"}, "ModeledError": "NoSuchKey"},
		{"Error": map[string]any{"Code": "NoSuchBucket", "Message": "The specified bucket does not exist", "BucketName": "nope"}, "ModeledError": "NoSuchBucket"},
		{"Error": map[string]any{"Code": "404", "Message": "Not Found"}},
		{"Error": map[string]any{"Code": "InternalFailure", "Message": awserr.Internal().Message}},
	}
	for i, want := range checks {
		for k, v := range want {
			if !reflect.DeepEqual(parsed[i][k], v) {
				t.Errorf("response %d (%s): %s = %#v, want %#v", i, resps[i].Operation, k, parsed[i][k], v)
			}
		}
		md, _ := parsed[i]["ResponseMetadata"].(map[string]any)
		if md["RequestId"] != "RID" || md["HostId"] != HostID("RID") {
			t.Errorf("response %d: metadata %v", i, md)
		}
	}
}

// TestSDKErrors reads the errors with aws-sdk-go-v2's restXml protocol
// (smithy-go) and its S3-style unwrapped error helper.
func TestSDKErrors(t *testing.T) {
	svc := smithy.NewServiceSchema(smithy.NewSchema(smithy.ShapeID{Namespace: "com.amazonaws.s3", Name: "AmazonS3"}, smithy.ShapeTypeService, 0), "2006-03-01")
	p := smithyrestxml.New(svc)
	op := smithy.NewOperationSchema(smithy.NewSchema(smithy.ShapeID{Namespace: "com.amazonaws.s3", Name: "GetObject"}, smithy.ShapeTypeOperation, 0), nil, nil)
	for _, e := range []*awserr.Error{
		(&awserr.Error{Code: "NoSuchKey", Message: "The specified key does not exist.", Status: 404}).With("Key", "k"),
		{Code: "AccessDenied", Message: "Access Denied", Status: 403},
		{Code: "SlowDown", Message: "Please reduce your request rate.", Status: 503, Fault: true},
	} {
		w := httptest.NewRecorder()
		WriteError(w, httptest.NewRequest("GET", "/", nil), "RID", e)
		body := w.Body.String()
		err := p.DeserializeResponse(context.Background(), op, &smithy.TypeRegistry{}, &smithyhttp.Response{Response: w.Result()}, nil)
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != e.Code || ae.ErrorMessage() != e.Message {
			t.Errorf("smithy restxml read %v, want %s: %s", err, e.Code, e.Message)
		}
		c, err := awsxml.GetErrorResponseComponents(strings.NewReader(body), true)
		if err != nil || c.Code != e.Code || c.Message != e.Message || c.RequestID != "RID" {
			t.Errorf("aws xml helper read %+v %v", c, err)
		}
	}
}
