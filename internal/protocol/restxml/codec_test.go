package restxml

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/request"
)

func ptr[T any](v T) *T { return &v }

type owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName,omitempty"`
}

type object struct {
	Key          string
	LastModified time.Time
	ETag         string
	Size         int64
	StorageClass string
	Owner        *owner
}

type commonPrefix struct{ Prefix string }

type listBucketResult struct {
	XMLName               struct{} `xml:"ListBucketResult"`
	RequestCharged        *string  `location:"header" name:"x-amz-request-charged"`
	Name                  string
	Prefix                string
	KeyCount              int
	MaxKeys               int
	Delimiter             *string
	IsTruncated           bool
	ContinuationToken     *string
	NextContinuationToken *string
	Contents              []object       `xml:"Contents"`
	CommonPrefixes        []commonPrefix `xml:"CommonPrefixes"`
}

type bucket struct {
	Name         string
	CreationDate time.Time
}

type listAllMyBuckets struct {
	XMLName xml.Name `xml:"ListAllMyBucketsResult"`
	Owner   *owner
	Buckets []bucket `xml:"Buckets>Bucket"`
}

type locationConstraint struct {
	XMLName xml.Name `xml:"LocationConstraint"`
	Region  string   `xml:",chardata"`
}

type grantee struct {
	XMLName xml.Name `xml:"Grantee"`
	XSI     string   `xml:"xmlns:xsi,attr"`
	Type    string   `xml:"xsi:type,attr"`
	ID      string   `xml:"ID"`
}

func TestMarshal(t *testing.T) {
	lm := time.Date(2009, 10, 12, 17, 50, 30, 0, time.UTC)
	tests := []struct {
		name string
		v    any
		ns   string
		want string
	}{
		{"list objects", &listBucketResult{Name: "b", KeyCount: 1, MaxKeys: 1000, IsTruncated: false, RequestCharged: ptr("requester"),
			Contents:       []object{{Key: "a&b<c>.txt", LastModified: lm, ETag: `"fba9dede5f27731c9771645a39863328"`, Size: 434234, StorageClass: "STANDARD"}},
			CommonPrefixes: []commonPrefix{{Prefix: "photos/"}}}, Namespace,
			`<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>` +
				`<Contents><Key>a&amp;b&lt;c&gt;.txt</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified><ETag>&#34;fba9dede5f27731c9771645a39863328&#34;</ETag><Size>434234</Size><StorageClass>STANDARD</StorageClass></Contents>` +
				`<CommonPrefixes><Prefix>photos/</Prefix></CommonPrefixes></ListBucketResult>`},
		{"wrapped list", &listAllMyBuckets{Owner: &owner{ID: "abc"}, Buckets: []bucket{{"a", lm}, {"b", lm.Add(1500 * time.Millisecond)}}}, Namespace,
			`<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>abc</ID></Owner><Buckets>` +
				`<Bucket><Name>a</Name><CreationDate>2009-10-12T17:50:30.000Z</CreationDate></Bucket>` +
				`<Bucket><Name>b</Name><CreationDate>2009-10-12T17:50:31.500Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>`},
		{"empty wrapped list", &listAllMyBuckets{Buckets: []bucket{}}, "",
			`<ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>`},
		{"nil list", &listAllMyBuckets{}, "", `<ListAllMyBucketsResult></ListAllMyBucketsResult>`},
		{"chardata", &locationConstraint{Region: "eu-west-1"}, Namespace,
			`<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-west-1</LocationConstraint>`},
		{"attributes", grantee{XSI: "http://www.w3.org/2001/XMLSchema-instance", Type: "CanonicalUser", ID: "id"}, "",
			`<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>id</ID></Grantee>`},
		{"map and formats", &struct {
			XMLName struct{} `xml:"Attrs"`
			M       map[string]string
			Epoch   time.Time `timestampFormat:"epoch-seconds"`
			Blob    []byte
			F       float64
		}{M: map[string]string{"b": "2", "a": "1"}, Epoch: lm, Blob: []byte("hi"), F: 0.5}, "",
			`<Attrs><M><entry><key>a</key><value>1</value></entry><entry><key>b</key><value>2</value></entry></M><Epoch>1255369830</Epoch><Blob>aGk=</Blob><F>0.5</F></Attrs>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Marshal(tc.v, tc.ns)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimPrefix(string(b), Header); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// Request documents, as S3's model names them.
type createBucketConfiguration struct {
	XMLName            xml.Name `xml:"CreateBucketConfiguration"`
	LocationConstraint string
}

type objectIdentifier struct {
	Key       string
	VersionId *string
}

type deleteRequest struct {
	XMLName xml.Name           `xml:"Delete"`
	Objects []objectIdentifier `xml:"Object"`
	Quiet   bool
}

type completedPart struct {
	ETag       string
	PartNumber int32
}

type completeMultipartUpload struct {
	XMLName xml.Name        `xml:"CompleteMultipartUpload"`
	Parts   []completedPart `xml:"Part"`
}

type tag struct{ Key, Value string }

type tagging struct {
	XMLName xml.Name `xml:"Tagging"`
	TagSet  []tag    `xml:"TagSet>Tag"`
}

func TestDecodeXML(t *testing.T) {
	var del deleteRequest
	err := DecodeXML([]byte(`<?xml version="1.0" encoding="UTF-8"?>
<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a</Key></Object><Object><Key>b&amp;c</Key><VersionId>v1</VersionId></Object><Quiet>true</Quiet></Delete>
`), &del, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(del.Objects, []objectIdentifier{{Key: "a"}, {Key: "b&c", VersionId: ptr("v1")}}) || !del.Quiet {
		t.Errorf("got %+v", del)
	}

	var tg tagging
	if err := DecodeXML([]byte(`<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>`), &tg, 0); err != nil || tg.TagSet[0] != (tag{"k", "v"}) {
		t.Errorf("tagging: %+v %v", tg, err)
	}

	bad := []struct{ name, doc string }{
		{"empty", ``},
		{"not xml", `hello`},
		{"unclosed", `<Delete><Object>`},
		{"wrong root", `<Tagging></Tagging>`},
		{"trailing element", `<Delete></Delete><Delete></Delete>`},
		{"trailing text", `<Delete></Delete>junk`},
		{"bad value", `<Delete><Quiet>maybe</Quiet></Delete>`},
		{"entity", `<!DOCTYPE d [<!ENTITY x "y">]><Delete><Object><Key>&x;</Key></Object></Delete>`},
	}
	for _, tc := range bad {
		var d deleteRequest
		err := DecodeXML([]byte(tc.doc), &d, 0)
		var ae *awserr.Error
		if !errors.As(err, &ae) || ae.Code != "MalformedXML" || ae.HTTPStatus() != 400 ||
			ae.Message != "The XML you provided was not well-formed or did not validate against our published schema" {
			t.Errorf("%s: got %v, want MalformedXML", tc.name, err)
		}
	}
	err = DecodeXML([]byte(`<Delete></Delete>`), &del, 5)
	if ae, _ := awserr.As(err); ae.Code != "MaxMessageLengthExceeded" {
		t.Errorf("limit: got %v", err)
	}
}

type putObjectInput struct {
	Bucket        string            `location:"uri"`
	Key           string            `location:"uri"`
	ContentType   *string           `location:"header" name:"Content-Type"`
	ContentLength *int64            `location:"header" name:"Content-Length"`
	Metadata      map[string]string `location:"headers" name:"x-amz-meta-"`
	Body          io.Reader         `location:"payload"`
}

type createBucketInput struct {
	Bucket string                     `location:"uri"`
	ACL    *string                    `location:"header" name:"x-amz-acl"`
	Config *createBucketConfiguration `location:"payload"`
}

type headObjectOutput struct {
	ContentLength int64             `location:"header" name:"Content-Length"`
	ETag          string            `location:"header" name:"ETag"`
	LastModified  time.Time         `location:"header" name:"Last-Modified"`
	Metadata      map[string]string `location:"headers" name:"x-amz-meta-"`
	VersionID     *string           `location:"header" name:"x-amz-version-id"`
}

type getObjectOutput struct {
	headObjectOutput
	ContentType string        `location:"header" name:"Content-Type"`
	Body        io.ReadCloser `location:"payload"`
}

func TestDecode(t *testing.T) {
	r := httptest.NewRequest("PUT", "/b/k", strings.NewReader("object data"))
	r.Header.Set("Content-Type", "text/plain")
	r.Header.Set("X-Amz-Meta-Color", "blue")
	var po putObjectInput
	if err := Decode(r, map[string]string{"Bucket": "b", "Key": "k"}, &po); err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(po.Body)
	if po.Bucket != "b" || po.Key != "k" || *po.ContentType != "text/plain" || po.Metadata["color"] != "blue" || string(data) != "object data" {
		t.Errorf("got %+v %q", po, data)
	}

	var cb createBucketInput
	r = httptest.NewRequest("PUT", "/b", strings.NewReader(`<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>`))
	if err := Decode(r, map[string]string{"Bucket": "b"}, &cb); err != nil || cb.Config.LocationConstraint != "eu-west-1" {
		t.Fatalf("got %+v %v", cb, err)
	}
	cb = createBucketInput{}
	if err := Decode(httptest.NewRequest("PUT", "/b", nil), map[string]string{"Bucket": "b"}, &cb); err != nil || cb.Config != nil {
		t.Fatalf("empty body: %+v %v", cb, err)
	}
	err := Decode(httptest.NewRequest("PUT", "/b", strings.NewReader(`<CreateBucketConfiguration>`)), nil, &cb)
	if ae, _ := awserr.As(err); ae.Code != "MalformedXML" {
		t.Errorf("malformed: %v", err)
	}
	r = httptest.NewRequest("PUT", "/b/k", nil)
	r.Header.Set("Content-Length", "lots")
	err = Decode(r, nil, &putObjectInput{})
	if ae, _ := awserr.As(err); ae.Code != "InvalidArgument" {
		t.Errorf("bad header: %v", err)
	}
}

func TestWriteResponse(t *testing.T) {
	lm := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	w := httptest.NewRecorder()
	w.Header().Set("X-Amzn-Requestid", "RID")
	err := WriteResponse(w, 200, &getObjectOutput{
		headObjectOutput: headObjectOutput{ContentLength: 5, ETag: `"abc"`, LastModified: lm, Metadata: map[string]string{"color": "blue"}},
		ContentType:      "text/plain", Body: io.NopCloser(strings.NewReader("hello"))})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"Content-Length": "5", "Etag": `"abc"`, "Last-Modified": "Mon, 06 May 2024 07:08:09 GMT",
		"Content-Type": "text/plain", "X-Amz-Request-Id": "RID", "X-Amz-Id-2": HostID("RID"), "X-Amzn-Requestid": ""}
	for k, v := range want {
		if got := w.Header().Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if got := w.Header()["x-amz-meta-color"]; len(got) != 1 || got[0] != "blue" {
		t.Errorf("metadata header %v", w.Header())
	}
	if w.Body.String() != "hello" || w.Code != 200 {
		t.Errorf("got %d %q", w.Code, w.Body.String())
	}

	w = httptest.NewRecorder()
	if err := WriteResponse(w, 200, &listAllMyBuckets{Buckets: []bucket{}}); err != nil {
		t.Fatal(err)
	}
	if w.Header().Get("Content-Type") != "application/xml" || !strings.HasPrefix(w.Body.String(), Header+`<ListAllMyBucketsResult xmlns="`+Namespace+`">`) {
		t.Errorf("got %v %q", w.Header(), w.Body.String())
	}

	w = httptest.NewRecorder()
	if err := WriteResponse(w, 200, &struct {
		VersionID string `location:"header" name:"x-amz-version-id"`
	}{"v1"}); err != nil {
		t.Fatal(err)
	}
	if w.Body.Len() != 0 || w.Header().Get("X-Amz-Version-Id") != "v1" {
		t.Errorf("headers-only output: %v %q", w.Header(), w.Body.String())
	}
}

func TestWriteError(t *testing.T) {
	w := httptest.NewRecorder()
	e := (&awserr.Error{Code: "NoSuchKey", Message: "The specified key does not exist.", Status: 404}).With("Key", "a&b")
	WriteError(w, httptest.NewRequest("GET", "/b/a&b", nil), "RID", e)
	want := Header + `<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a&amp;b</Key>` +
		`<RequestId>RID</RequestId><HostId>` + HostID("RID") + `</HostId></Error>`
	if w.Code != 404 || w.Body.String() != want {
		t.Errorf("got %d\n%s\nwant\n%s", w.Code, w.Body.String(), want)
	}
	if w.Header().Get("X-Amz-Request-Id") != "RID" || w.Header().Get("X-Amz-Id-2") != HostID("RID") || w.Header().Get("Content-Type") != "application/xml" {
		t.Errorf("headers %v", w.Header())
	}

	w = httptest.NewRecorder()
	WriteError(w, httptest.NewRequest("HEAD", "/b/k", nil), "RID", e)
	if w.Code != 404 || w.Body.Len() != 0 {
		t.Errorf("HEAD: %d %q", w.Code, w.Body.String())
	}

	// The id comes from the edge's context when not given.
	r := httptest.NewRequest("GET", "/", nil)
	r = r.WithContext(request.With(r.Context(), &request.Info{ID: "CTX"}))
	w = httptest.NewRecorder()
	WriteError(w, r, "", awserr.Internal())
	if w.Code != 500 || w.Header().Get("X-Amz-Request-Id") != "CTX" || !strings.Contains(w.Body.String(), "<RequestId>CTX</RequestId>") {
		t.Errorf("context id: %d %v", w.Code, w.Header())
	}
}

func TestHandler(t *testing.T) {
	h := &Handler{Log: slog.New(slog.DiscardHandler)}
	h.Handle("HeadObject", "HEAD /{Bucket}/{Key+}", 200, Operation(func(ctx context.Context, in *struct {
		Bucket string `location:"uri"`
		Key    string `location:"uri"`
	}) (*headObjectOutput, error) {
		if in.Key != "dir/k" {
			return nil, awserr.New("NoSuchKey", "The specified key does not exist.").WithStatus(404)
		}
		return &headObjectOutput{ContentLength: 42, ETag: `"e"`}, nil
	}))
	h.Handle("ListBuckets", "GET /", 200, Operation(func(ctx context.Context, in *struct{}) (*listAllMyBuckets, error) {
		return &listAllMyBuckets{Buckets: []bucket{}}, nil
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("HEAD", "/b/dir/k", nil))
	if w.Code != 200 || w.Header().Get("Content-Length") != "42" || w.Body.Len() != 0 {
		t.Errorf("head: %d %v %q", w.Code, w.Header(), w.Body.String())
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("HEAD", "/b/other", nil))
	if w.Code != 404 || w.Body.Len() != 0 {
		t.Errorf("head missing: %d %q", w.Code, w.Body.String())
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 200 || !strings.Contains(w.Body.String(), "<Buckets></Buckets>") {
		t.Errorf("list: %d %q", w.Code, w.Body.String())
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("DELETE", "/", nil))
	if w.Code != 404 || !strings.Contains(w.Body.String(), "<Code>UnknownOperationException</Code>") {
		t.Errorf("unrouted: %d %q", w.Code, w.Body.String())
	}
}

func FuzzDecodeXML(f *testing.F) {
	for _, s := range []string{
		`<Delete><Object><Key>a</Key></Object><Quiet>true</Quiet></Delete>`,
		`<CompleteMultipartUpload><Part><ETag>"x"</ETag><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>`,
		`<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>`,
		`<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>`,
		`<a`, `<!DOCTYPE x><Delete/>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, v := range []any{&deleteRequest{}, &completeMultipartUpload{}, &createBucketConfiguration{}, &tagging{}} {
			err := DecodeXML(doc, v, 1<<16)
			if err == nil {
				// Whatever decoded must encode again.
				if _, err := Marshal(v, Namespace); err != nil {
					t.Fatalf("re-encode %T: %v", v, err)
				}
				continue
			}
			var ae *awserr.Error
			if !errors.As(err, &ae) || (ae.Code != "MalformedXML" && ae.Code != "MaxMessageLengthExceeded") {
				t.Fatalf("unexpected error %v", err)
			}
		}
		r := httptest.NewRequest("PUT", "/b", strings.NewReader(string(doc)))
		var cb createBucketInput
		_ = Decode(r, map[string]string{"Bucket": "b"}, &cb)
	})
}
