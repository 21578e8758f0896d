package query

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"net/url"
	"reflect"
	"testing"
	"time"

	sdkquery "github.com/aws/aws-sdk-go-v2/aws/protocol/query"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/protocol/restjson/botocoretest"
)

type policyDescriptor struct {
	Arn string `query:"arn"`
}

type assumeRoleInput struct {
	RoleArn           string
	RoleSessionName   string
	PolicyArns        []policyDescriptor
	Policy            *string
	DurationSeconds   *int32
	Tags              []tag
	TransitiveTagKeys []string
	ExternalId        *string
}

type snsCreateTopic struct {
	Name       string
	Attributes map[string]string
	Tags       []tag
}

type snsPublish struct {
	TopicArn          string
	Message           string
	Subject           *string
	MessageAttributes map[string]messageAttribute `query:"MessageAttributes,key=Name,value=Value"`
}

func TestBotocoreRequests(t *testing.T) {
	reqs := botocoretest.Serialize(t,
		botocoretest.Request{Service: "iam", Operation: "CreateUser", Params: map[string]any{"UserName": "alice", "Path": "/team a/",
			"Tags": []any{map[string]any{"Key": "k1", "Value": "v=1&2"}, map[string]any{"Key": "k2", "Value": ""}}}},
		botocoretest.Request{Service: "sts", Operation: "AssumeRole", Params: map[string]any{"RoleArn": "arn:aws:iam::000000000000:role/r",
			"RoleSessionName": "sess", "DurationSeconds": 900, "Policy": `{"Version":"2012-10-17","Statement":[]}`,
			"PolicyArns": []any{map[string]any{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}},
			"Tags":       []any{map[string]any{"Key": "Project", "Value": "x"}}, "TransitiveTagKeys": []any{"Project"}}},
		botocoretest.Request{Service: "iam", Operation: "CreateUser", Params: map[string]any{"UserName": "bob", "Tags": []any{}}},
		botocoretest.Request{Service: "sns", Operation: "CreateTopic", Params: map[string]any{"Name": "t",
			"Attributes": map[string]any{"DisplayName": "My topic", "FifoTopic": "false"}, "Tags": []any{map[string]any{"Key": "a", "Value": "b"}}}},
		botocoretest.Request{Service: "sns", Operation: "Publish", Params: map[string]any{"TopicArn": "arn:aws:sns:us-east-1:000000000000:t",
			"Message": "héllo\nworld", "MessageAttributes": map[string]any{
				"color": map[string]any{"DataType": "String", "StringValue": "red"},
				"bin":   map[string]any{"DataType": "Binary", "BinaryValue": botocoretest.Bytes([]byte{0, 1, 2})}}}},
	)
	targets := []any{new(createUserInput), new(assumeRoleInput), new(createUserInput), new(snsCreateTopic), new(snsPublish)}
	actions := []string{"CreateUser", "AssumeRole", "CreateUser", "CreateTopic", "Publish"}
	for i, r := range reqs {
		req, err := ReadRequest(r, 0)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if req.Action != actions[i] || req.Version == "" {
			t.Errorf("request %d: action %q version %q", i, req.Action, req.Version)
		}
		if err := req.Decode(targets[i]); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	want := []any{
		&createUserInput{UserName: "alice", Path: ptr("/team a/"), Tags: []tag{{"k1", "v=1&2"}, {"k2", ""}}},
		&assumeRoleInput{RoleArn: "arn:aws:iam::000000000000:role/r", RoleSessionName: "sess", DurationSeconds: ptr[int32](900),
			Policy: ptr(`{"Version":"2012-10-17","Statement":[]}`), PolicyArns: []policyDescriptor{{"arn:aws:iam::aws:policy/ReadOnlyAccess"}},
			Tags: []tag{{"Project", "x"}}, TransitiveTagKeys: []string{"Project"}},
		&createUserInput{UserName: "bob", Tags: []tag{}},
		&snsCreateTopic{Name: "t", Attributes: map[string]string{"DisplayName": "My topic", "FifoTopic": "false"}, Tags: []tag{{"a", "b"}}},
		&snsPublish{TopicArn: "arn:aws:sns:us-east-1:000000000000:t", Message: "héllo\nworld", MessageAttributes: map[string]messageAttribute{
			"color": {DataType: "String", StringValue: ptr("red")}, "bin": {DataType: "Binary", BinaryValue: []byte{0, 1, 2}}}},
	}
	for i := range want {
		if !reflect.DeepEqual(targets[i], want[i]) {
			t.Errorf("request %d:\n got %+v\nwant %+v", i, targets[i], want[i])
		}
	}
}

type credentialsXML struct {
	AccessKeyId     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

type assumedRoleUser struct {
	AssumedRoleId string
	Arn           string
}

type assumeRoleResult struct {
	Credentials      credentialsXML
	AssumedRoleUser  assumedRoleUser
	PackedPolicySize *int32
	SourceIdentity   *string
}

type topicAttributesResult struct {
	Attributes map[string]string
}

func TestBotocoreResponses(t *testing.T) {
	exp := time.Date(2030, 1, 2, 3, 4, 5, 359e6, time.UTC)
	created := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	ok := func(ns, action string, result any) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		if err := (Codec{Namespace: ns}).WriteResponse(w, "RID", action, result); err != nil {
			t.Fatal(err)
		}
		return w
	}
	fail := func(ns string, e *awserr.Error) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		Codec{Namespace: ns}.WriteError(w, httptest.NewRequest("POST", "/", nil), "RID", e)
		return w
	}
	resps := []botocoretest.Response{
		{Service: "iam", Operation: "CreateUser", Recorder: ok(IAMNamespace, "CreateUser", &createUserResult{User: user{Path: "/", UserName: "alice",
			UserId: "AIDAEXAMPLE", Arn: "arn:aws:iam::000000000000:user/alice", CreateDate: created, Tags: []tag{{"k", "v"}}}})},
		{Service: "iam", Operation: "ListUsers", Recorder: ok(IAMNamespace, "ListUsers", &listUsersResult{Users: []user{{UserName: "a", CreateDate: created}, {UserName: "b", CreateDate: created}}, IsTruncated: true, Marker: ptr("m")})},
		{Service: "iam", Operation: "ListUsers", Recorder: ok(IAMNamespace, "ListUsers", &listUsersResult{Users: []user{}})},
		{Service: "sts", Operation: "AssumeRole", Recorder: ok(STSNamespace, "AssumeRole", &assumeRoleResult{
			Credentials:     credentialsXML{AccessKeyId: "ASIA", SecretAccessKey: "secret", SessionToken: "tok", Expiration: exp},
			AssumedRoleUser: assumedRoleUser{AssumedRoleId: "AROA:s", Arn: "arn:aws:sts::000000000000:assumed-role/r/s"}, PackedPolicySize: ptr[int32](6)})},
		{Service: "sns", Operation: "GetTopicAttributes", Recorder: ok(SNSNamespace, "GetTopicAttributes", &topicAttributesResult{Attributes: map[string]string{"DisplayName": "d", "Owner": "000000000000"}})},
		{Service: "iam", Operation: "DeleteUser", Recorder: ok(IAMNamespace, "DeleteUser", nil)},
		{Service: "iam", Operation: "GetUser", Recorder: fail(IAMNamespace, &awserr.Error{Code: "NoSuchEntity", Message: "The user with name bob cannot be found.", Status: 404})},
		{Service: "sts", Operation: "AssumeRole", Recorder: fail(STSNamespace, &awserr.Error{Code: "ExpiredTokenException", Message: "The security token included in the request is expired"})},
		{Service: "sts", Operation: "GetCallerIdentity", Recorder: fail(STSNamespace, awserr.Internal())},
	}
	parsed := botocoretest.Parse(t, resps...)
	ts := func(tm time.Time) any { return map[string]any{"__time__": tm.Format("2006-01-02T15:04:05.000Z")} }
	checks := []map[string]any{
		{"User": map[string]any{"Path": "/", "UserName": "alice", "UserId": "AIDAEXAMPLE", "Arn": "arn:aws:iam::000000000000:user/alice",
			"CreateDate": ts(created), "Tags": []any{map[string]any{"Key": "k", "Value": "v"}}}},
		{"Users": []any{map[string]any{"UserName": "a", "CreateDate": ts(created), "Path": "", "UserId": "", "Arn": ""},
			map[string]any{"UserName": "b", "CreateDate": ts(created), "Path": "", "UserId": "", "Arn": ""}}, "IsTruncated": true, "Marker": "m"},
		{"Users": []any{}, "IsTruncated": false},
		{"Credentials": map[string]any{"AccessKeyId": "ASIA", "SecretAccessKey": "secret", "SessionToken": "tok", "Expiration": ts(exp)},
			"AssumedRoleUser": map[string]any{"AssumedRoleId": "AROA:s", "Arn": "arn:aws:sts::000000000000:assumed-role/r/s"}, "PackedPolicySize": 6.0},
		{"Attributes": map[string]any{"DisplayName": "d", "Owner": "000000000000"}},
		{},
		{"Error": map[string]any{"Type": "Sender", "Code": "NoSuchEntity", "Message": "The user with name bob cannot be found."}, "ModeledError": "NoSuchEntityException"},
		{"Error": map[string]any{"Type": "Sender", "Code": "ExpiredTokenException", "Message": "The security token included in the request is expired"}, "ModeledError": "ExpiredTokenException"},
		{"Error": map[string]any{"Type": "Receiver", "Code": "InternalFailure", "Message": awserr.Internal().Message}},
	}
	for i, want := range checks {
		for k, v := range want {
			if !reflect.DeepEqual(parsed[i][k], v) {
				t.Errorf("response %d (%s): %s = %#v, want %#v", i, resps[i].Operation, k, parsed[i][k], v)
			}
		}
		md, _ := parsed[i]["ResponseMetadata"].(map[string]any)
		if md["RequestId"] != "RID" {
			t.Errorf("response %d: metadata %v", i, md)
		}
	}
}

// TestSDKRequest decodes a body written by aws-sdk-go-v2's awsQuery
// encoder, which its query-protocol clients serialize with.
func TestSDKRequest(t *testing.T) {
	var body bytes.Buffer
	enc := sdkquery.NewEncoder(&body)
	enc.Object().Key("Action").String("AssumeRole")
	enc.Object().Key("Version").String("2011-06-15")
	enc.Object().Key("RoleArn").String("arn:aws:iam::000000000000:role/r")
	enc.Object().Key("RoleSessionName").String("x y")
	enc.Object().Key("DurationSeconds").Integer(1200)
	pa := enc.Object().Key("PolicyArns").Array("member")
	pa.Value().Object().Key("arn").String("arn:p")
	tags := enc.Object().Key("Tags").Array("member")
	for _, kv := range [][2]string{{"k", "v"}, {"k2", "a&b=c"}} {
		o := tags.Value().Object()
		o.Key("Key").String(kv[0])
		o.Key("Value").String(kv[1])
	}
	enc.Object().Key("TransitiveTagKeys").Array("member") // empty list: "TransitiveTagKeys="
	if err := enc.Encode(); err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("POST", "/", &body)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req, err := ReadRequest(r, 0)
	if err != nil {
		t.Fatal(err)
	}
	var in assumeRoleInput
	if err := req.Decode(&in); err != nil {
		t.Fatal(err)
	}
	want := assumeRoleInput{RoleArn: "arn:aws:iam::000000000000:role/r", RoleSessionName: "x y", DurationSeconds: ptr[int32](1200),
		PolicyArns: []policyDescriptor{{"arn:p"}}, Tags: []tag{{"k", "v"}, {"k2", "a&b=c"}}, TransitiveTagKeys: []string{}}
	if req.Action != "AssumeRole" || req.Version != "2011-06-15" || !reflect.DeepEqual(in, want) {
		t.Errorf("got %s %s %+v\nwant %+v", req.Action, req.Version, in, want)
	}

	var m bytes.Buffer
	enc = sdkquery.NewEncoder(&m)
	attrs := enc.Object().Key("Attributes").Map("key", "value")
	attrs.Key("DisplayName").String("d")
	attrs.Key("Policy").String("{}")
	flat := enc.Object().FlatKey("Attribute").Map("Name", "Value")
	flat.Key("VisibilityTimeout").String("30")
	names := enc.Object().FlatKey("AttributeName").Array("member")
	names.Value().String("All")
	if err := enc.Encode(); err != nil {
		t.Fatal(err)
	}
	vals, err := url.ParseQuery(m.String())
	if err != nil {
		t.Fatal(err)
	}
	var mi mixedInput
	if err := Decode(vals, &mi, nil); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(mi.Attributes, map[string]string{"DisplayName": "d", "Policy": "{}"}) ||
		!reflect.DeepEqual(mi.Flat, map[string]string{"VisibilityTimeout": "30"}) || !reflect.DeepEqual(mi.Names, []string{"All"}) {
		t.Errorf("maps from %s: %+v", m.String(), mi)
	}
}

// TestSDKErrors reads errors with aws-sdk-go-v2's awsQuery protocol
// (smithy-go), which every generated query client uses.
func TestSDKErrors(t *testing.T) {
	svc := smithy.NewServiceSchema(smithy.NewSchema(smithy.ShapeID{Namespace: "com.amazonaws.sts", Name: "AWSSecurityTokenServiceV20110615"}, smithy.ShapeTypeService, 0), "2011-06-15")
	p := awsquery.New(svc)
	op := smithy.NewOperationSchema(smithy.NewSchema(smithy.ShapeID{Namespace: "com.amazonaws.sts", Name: "AssumeRole"}, smithy.ShapeTypeOperation, 0), nil, nil)
	for _, e := range []*awserr.Error{
		{Code: "ExpiredTokenException", Message: "The security token included in the request is expired"},
		{Code: "NoSuchEntity", Message: "The role with name r cannot be found.", Status: 404},
		(&awserr.Error{Code: "LimitExceeded", Message: "Cannot exceed quota for UsersPerAccount: 5000", Status: 409}).With("Extra", 1),
		awserr.Internal(),
	} {
		w := httptest.NewRecorder()
		Codec{Namespace: STSNamespace}.WriteError(w, httptest.NewRequest("POST", "/", nil), "RID", e)
		err := p.DeserializeResponse(context.Background(), op, &smithy.TypeRegistry{}, &smithyhttp.Response{Response: w.Result()}, nil)
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != e.Code || ae.ErrorMessage() != e.Message {
			t.Errorf("SDK read %v, want %s: %s", err, e.Code, e.Message)
		}
	}
}
