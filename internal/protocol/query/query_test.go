package query

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/request"
)

func ptr[T any](v T) *T { return &v }

type tag struct {
	Key   string
	Value string
}

type createUserInput struct {
	Path                *string
	UserName            string
	PermissionsBoundary *string
	Tags                []tag
}

type messageAttribute struct {
	DataType    string
	StringValue *string
	BinaryValue []byte
}

type mixedInput struct {
	Names      []string                    `query:"AttributeName,flattened"`
	Attributes map[string]string           `query:"Attributes"`
	Flat       map[string]string           `query:"Attribute,flattened,key=Name,value=Value"`
	Msg        map[string]messageAttribute `query:"MessageAttributes,key=Name,value=Value"`
	Entries    []tag                       `query:"Entries,member=Entry"`
	Nested     *struct{ Inner *struct{ N int } }
	When       *time.Time
	Blob       []byte
	Flag       bool
	Count      *int64
	Ratio      float64
	Ignored    string `query:"-"`
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name   string
		params string
		in     any
		want   any
	}{
		{"iam create user", "Action=CreateUser&UserName=alice&Path=%2Fteam%2F&Tags.member.1.Key=a&Tags.member.1.Value=1&Tags.member.2.Key=b&Tags.member.2.Value=",
			&createUserInput{}, &createUserInput{UserName: "alice", Path: ptr("/team/"), Tags: []tag{{"a", "1"}, {"b", ""}}}},
		{"index order is numeric", "Tags.member.10.Key=ten&Tags.member.2.Key=two&Tags.member.1.Key=one",
			&createUserInput{}, &createUserInput{Tags: []tag{{Key: "one"}, {Key: "two"}, {Key: "ten"}}}},
		{"empty list", "Tags=", &createUserInput{}, &createUserInput{Tags: []tag{}}},
		{"absent list", "UserName=x", &createUserInput{}, &createUserInput{UserName: "x"}},
		{"mixed", "AttributeName.1=All&AttributeName.2=Policy" +
			"&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=My+Topic&Attributes.entry.2.key=Policy&Attributes.entry.2.value=%7B%7D" +
			"&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=30" +
			"&MessageAttributes.entry.1.Name=color&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=red" +
			"&Entries.Entry.1.Key=e1" +
			"&Nested.Inner.N=7&When=2024-01-02T03:04:05.678Z&Blob=aGk%3D&Flag=true&Count=-3&Ratio=0.25&Ignored=x",
			&mixedInput{}, &mixedInput{
				Names:      []string{"All", "Policy"},
				Attributes: map[string]string{"DisplayName": "My Topic", "Policy": "{}"},
				Flat:       map[string]string{"VisibilityTimeout": "30"},
				Msg:        map[string]messageAttribute{"color": {DataType: "String", StringValue: ptr("red")}},
				Entries:    []tag{{Key: "e1"}},
				Nested:     &struct{ Inner *struct{ N int } }{Inner: &struct{ N int }{N: 7}},
				When:       ptr(time.Date(2024, 1, 2, 3, 4, 5, 678e6, time.UTC)),
				Blob:       []byte("hi"), Flag: true, Count: ptr[int64](-3), Ratio: 0.25,
			}},
		{"junk indices ignored", "Tags.member.x.Key=a&Tags.member.0.Key=b&Tags.member.-1.Key=c&Tags.member.+1.Key=d&Tags.member.1.Key=ok",
			&createUserInput{}, &createUserInput{Tags: []tag{{Key: "ok"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vals, err := url.ParseQuery(tc.params)
			if err != nil {
				t.Fatal(err)
			}
			if err := Decode(vals, tc.in, nil); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tc.in, tc.want) {
				t.Errorf("got  %+v\nwant %+v", tc.in, tc.want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, p := range []string{"Count=abc", "Flag=yes", "When=yesterday", "Blob=%21%21", "Nested.Inner.N=1.5", "Ratio=x"} {
		vals, _ := url.ParseQuery(p)
		err := Decode(vals, &mixedInput{}, nil)
		var ae *awserr.Error
		if !errors.As(err, &ae) || ae.Code != "InvalidParameterValue" || ae.HTTPStatus() != 400 {
			t.Errorf("%s: got %v", p, err)
		}
	}
	vals, _ := url.ParseQuery("Count=abc")
	err := Decode(vals, &mixedInput{}, func(msg string) *awserr.Error { return awserr.New("ValidationError", msg) })
	if ae, _ := awserr.As(err); ae.Code != "ValidationError" || !strings.Contains(ae.Message, "Count") {
		t.Errorf("custom: %v", err)
	}
}

func TestReadRequest(t *testing.T) {
	form := "application/x-www-form-urlencoded; charset=utf-8"
	tests := []struct {
		name, method, target, ctype, body string
		edgeBody                          []byte
		action, version                   string
		code                              string
		param                             [2]string
	}{
		{"post form", "POST", "/", form, "Action=GetUser&Version=2010-05-08&UserName=bob", nil, "GetUser", "2010-05-08", "", [2]string{"UserName", "bob"}},
		{"get query", "GET", "/?Action=GetCallerIdentity&Version=2011-06-15", "", "", nil, "GetCallerIdentity", "2011-06-15", "", [2]string{}},
		{"both", "POST", "/?Version=2011-06-15", form, "Action=AssumeRole&RoleArn=x", nil, "AssumeRole", "2011-06-15", "", [2]string{"RoleArn", "x"}},
		{"edge body", "POST", "/", form, "", []byte("Action=ListUsers&MaxItems=3"), "ListUsers", "", "", [2]string{"MaxItems", "3"}},
		{"no content type", "POST", "/", "", "Action=ListRoles", nil, "ListRoles", "", "", [2]string{}},
		{"missing action", "POST", "/", form, "Version=2010-05-08", nil, "", "", "MissingAction", [2]string{}},
		{"json body ignored", "POST", "/", "application/json", `Action=X`, nil, "", "", "MissingAction", [2]string{}},
		{"malformed", "POST", "/", form, "Action=%zz", nil, "", "", "MalformedQueryString", [2]string{}},
		{"too large", "POST", "/", form, "Action=X&P=" + strings.Repeat("a", 100), nil, "", "", "RequestEntityTooLarge", [2]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
			if tc.ctype != "" {
				r.Header.Set("Content-Type", tc.ctype)
			}
			if tc.edgeBody != nil {
				r = r.WithContext(request.With(r.Context(), &request.Info{Body: tc.edgeBody}))
			}
			req, err := ReadRequest(r, 64)
			if tc.code != "" {
				if ae, _ := awserr.As(err); err == nil || ae.Code != tc.code {
					t.Fatalf("got %v, want %s", err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if req.Action != tc.action || req.Version != tc.version || (tc.param[0] != "" && req.Params.Get(tc.param[0]) != tc.param[1]) {
				t.Errorf("got %+v", req)
			}
		})
	}
}

type user struct {
	Path       string
	UserName   string
	UserId     string
	Arn        string
	CreateDate time.Time
	Tags       []tag `xml:"Tags>member"`
}

type createUserResult struct {
	User user
}

type listUsersResult struct {
	Users       []user `xml:"Users>member"`
	IsTruncated bool
	Marker      *string
}

func TestWriteResponse(t *testing.T) {
	created := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	c := Codec{Namespace: IAMNamespace}
	tests := []struct {
		name, action string
		result       any
		want         string
	}{
		{"create user", "CreateUser", &createUserResult{User: user{Path: "/", UserName: "alice", UserId: "AIDA", Arn: "arn:aws:iam::000000000000:user/alice",
			CreateDate: created, Tags: []tag{{"k", "v"}}}},
			`<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateUserResult><User><Path>/</Path><UserName>alice</UserName>` +
				`<UserId>AIDA</UserId><Arn>arn:aws:iam::000000000000:user/alice</Arn><CreateDate>2024-01-02T03:04:05.000Z</CreateDate>` +
				`<Tags><member><Key>k</Key><Value>v</Value></member></Tags></User></CreateUserResult>` +
				`<ResponseMetadata><RequestId>RID</RequestId></ResponseMetadata></CreateUserResponse>`},
		{"empty list", "ListUsers", &listUsersResult{Users: []user{}},
			`<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult><Users></Users><IsTruncated>false</IsTruncated></ListUsersResult>` +
				`<ResponseMetadata><RequestId>RID</RequestId></ResponseMetadata></ListUsersResponse>`},
		{"no result", "DeleteUser", (*struct{})(nil),
			`<DeleteUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>RID</RequestId></ResponseMetadata></DeleteUserResponse>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			w.Header().Set("X-Amzn-Requestid", "RID")
			if err := c.WriteResponse(w, "", tc.action, tc.result); err != nil {
				t.Fatal(err)
			}
			if w.Code != 200 || w.Header().Get("Content-Type") != "text/xml" || w.Body.String() != tc.want {
				t.Errorf("got %d %q\n%s\nwant\n%s", w.Code, w.Header().Get("Content-Type"), w.Body.String(), tc.want)
			}
		})
	}
}

func TestWriteError(t *testing.T) {
	c := Codec{Namespace: STSNamespace}
	tests := []struct {
		err    *awserr.Error
		status int
		want   string
	}{
		{(&awserr.Error{Code: "NoSuchEntity", Message: "The user with name bob cannot be found.", Status: 404}), 404,
			`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>` +
				`<Message>The user with name bob cannot be found.</Message></Error><RequestId>RID</RequestId></ErrorResponse>`},
		{awserr.Internal(), 500,
			`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Receiver</Type><Code>InternalFailure</Code>` +
				`<Message>` + awserr.Internal().Message + `</Message></Error><RequestId>RID</RequestId></ErrorResponse>`},
		{awserr.New("Throttling", "Rate exceeded").With("Detail", "x<y"), 400,
			`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>Throttling</Code>` +
				`<Message>Rate exceeded</Message><Detail>x&lt;y</Detail></Error><RequestId>RID</RequestId></ErrorResponse>`},
	}
	for _, tc := range tests {
		w := httptest.NewRecorder()
		c.WriteError(w, httptest.NewRequest("POST", "/", nil), "RID", tc.err)
		if w.Code != tc.status || w.Body.String() != tc.want || w.Header().Get("X-Amzn-Requestid") != "RID" {
			t.Errorf("%s: got %d\n%s\nwant\n%s", tc.err.Code, w.Code, w.Body.String(), tc.want)
		}
	}
}

func TestHandler(t *testing.T) {
	h := &Handler{Codec: Codec{Namespace: IAMNamespace}, Version: "2010-05-08", Log: slog.New(slog.DiscardHandler), Ops: map[string]Op{
		"CreateUser": Operation(func(ctx context.Context, in *createUserInput) (*createUserResult, error) {
			switch in.UserName {
			case "taken":
				return nil, awserr.New("EntityAlreadyExists", "User with name taken already exists.").WithStatus(409)
			case "boom":
				return nil, errors.New("disk on fire")
			}
			return &createUserResult{User: user{UserName: in.UserName, Tags: in.Tags}}, nil
		}),
	}}
	serve := func(body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r = r.WithContext(request.With(r.Context(), &request.Info{ID: "RID"}))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	w := serve("Action=CreateUser&UserName=al&Tags.member.1.Key=k&Tags.member.1.Value=v")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "<UserName>al</UserName>") || !strings.Contains(w.Body.String(), "<Tags><member><Key>k</Key>") {
		t.Errorf("ok: %d %s", w.Code, w.Body.String())
	}
	for body, want := range map[string]string{
		"Action=CreateUser&UserName=taken": "<Code>EntityAlreadyExists</Code>",
		"Action=CreateUser&UserName=boom":  "<Code>InternalFailure</Code>",
		"Action=Nope":                      "<Message>Could not find operation Nope for version 2010-05-08</Message>",
		"UserName=x":                       "<Code>MissingAction</Code>",
	} {
		w := serve(body)
		if w.Code < 400 || !strings.Contains(w.Body.String(), want) || strings.Contains(w.Body.String(), "fire") ||
			!strings.Contains(w.Body.String(), "<RequestId>RID</RequestId>") {
			t.Errorf("%s: %d %s", body, w.Code, w.Body.String())
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"Action=CreateUser&UserName=a&Tags.member.1.Key=k&Tags.member.1.Value=v",
		"AttributeName.1=All&Attributes.entry.1.key=k&Attributes.entry.1.value=v&Attribute.1.Name=n&Attribute.1.Value=v",
		"MessageAttributes.entry.1.Name=c&MessageAttributes.entry.1.Value.DataType=String&Nested.Inner.N=1",
		"Tags=&Count=1&When=2024-01-01T00:00:00Z&Blob=aGk=",
		"Tags.member.99999999999999999999.Key=x&Tags.member.2147483647.Key=y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req, err := ReadRequest(r, 1<<16)
		if err != nil {
			var ae *awserr.Error
			if !errors.As(err, &ae) {
				t.Fatalf("non-awserr %v", err)
			}
			return
		}
		for _, in := range []any{&createUserInput{}, &mixedInput{}} {
			if err := req.Decode(in); err != nil {
				var ae *awserr.Error
				if !errors.As(err, &ae) || ae.Code != "InvalidParameterValue" {
					t.Fatalf("unexpected error %v", err)
				}
			}
		}
		// Lists never hold more elements than there are parameters.
		var cu createUserInput
		if req.Decode(&cu) == nil && len(cu.Tags) > len(req.Params) {
			t.Fatalf("%d tags from %d params", len(cu.Tags), len(req.Params))
		}
	})
}
