package dynamodb_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// raw sends an unsigned DynamoDB request and returns status, __type and message.
func raw(t *testing.T, url, op string, body []byte, hdr ...string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if crc := resp.Header.Get("X-Amz-Crc32"); crc != "" {
		if want := strconv.FormatUint(uint64(crc32.ChecksumIEEE(b)), 10); crc != want {
			t.Fatalf("x-amz-crc32 %s, body's is %s", crc, want)
		}
	} else if resp.StatusCode < 500 {
		t.Fatalf("no x-amz-crc32 header")
	}
	if resp.Header.Get("X-Amzn-Requestid") == "" {
		t.Fatalf("no request id")
	}
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	json.Unmarshal(b, &e)
	if i := strings.LastIndex(e.Type, "#"); i >= 0 {
		e.Type = e.Type[i+1:]
	}
	return resp.StatusCode, e.Type, e.Message
}

func TestMalformedRequests(t *testing.T) {
	c, url := newClient(t)
	notesTable(t, c)
	deep := strings.Repeat("(", 149) + "a = :v" + strings.Repeat(")", 149)
	deepBody, _ := json.Marshal(map[string]any{"TableName": "Notes", "Key": map[string]any{"UserId": map[string]string{"S": "u"}, "NoteId": map[string]string{"N": "1"}},
		"UpdateExpression": "SET b = :v", "ConditionExpression": deep, "ExpressionAttributeValues": map[string]any{":v": map[string]string{"S": "x"}}})
	huge := []byte(`{"TableName":"Notes","Item":{"UserId":{"S":"u"},"NoteId":{"N":"1"},"x":{"S":"` + strings.Repeat("a", 16<<20) + `"}}}`)
	cases := []struct {
		name, op string
		body     []byte
		status   int
		typ      string
	}{
		{"null body", "PutItem", []byte("null"), 400, "ValidationException"},
		{"not json", "PutItem", []byte("{nope"), 400, "SerializationException"},
		{"wrong type", "PutItem", []byte(`{"TableName":5,"Item":{}}`), 400, "SerializationException"},
		{"wrong attribute type", "PutItem", []byte(`{"TableName":"Notes","Item":{"UserId":{"S":5},"NoteId":{"N":"1"}}}`), 400, "SerializationException"},
		{"empty attribute value", "PutItem", []byte(`{"TableName":"Notes","Item":{"UserId":{},"NoteId":{"N":"1"}}}`), 400, "ValidationException"},
		{"unknown operation", "Frobnicate", []byte(`{}`), 400, "UnknownOperationException"},
		{"149-level expression", "UpdateItem", deepBody, 400, "ValidationException"},
		{"16 MB body", "PutItem", huge, 400, "ValidationException"},
		// An AttributeValue with only an unknown member is empty (DynamoDB ignores
		// unknown members and then finds no type); unknown top-level
		// members are ignored, as AWS's JSON front end does.
		{"unknown attribute type", "PutItem", []byte(`{"TableName":"Notes","Item":{"UserId":{"X":"u"},"NoteId":{"N":"1"}}}`), 400, "ValidationException"},
		{"unknown top-level member", "PutItem", []byte(`{"TableName":"Notes","Item":{"UserId":{"S":"u"},"NoteId":{"N":"2"}},"Frob":1}`), 200, ""},
		{"bad number", "PutItem", []byte(`{"TableName":"Notes","Item":{"UserId":{"S":"u"},"NoteId":{"N":"1e126"}}}`), 400, "ValidationException"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, typ, msg := raw(t, url, tc.op, tc.body)
			if status != tc.status || typ != tc.typ {
				t.Fatalf("got %d %s %q, want %d %s", status, typ, msg, tc.status, tc.typ)
			}
		})
	}
	// Still serving, and nothing was written by the failures.
	status, _, _ := raw(t, url, "GetItem", []byte(`{"TableName":"Notes","Key":{"UserId":{"S":"u"},"NoteId":{"N":"1"}}}`))
	if status != 200 {
		t.Fatalf("server stopped serving: %d", status)
	}
}

func TestGzipRequestBody(t *testing.T) {
	c, url := newClient(t)
	notesTable(t, c)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(`{"TableName":"Notes","Item":{"UserId":{"S":"gz"},"NoteId":{"N":"1"}}}`))
	zw.Close()
	if status, typ, msg := raw(t, url, "PutItem", buf.Bytes(), "Content-Encoding", "gzip"); status != 200 {
		t.Fatalf("gzip put: %d %s %s", status, typ, msg)
	}
	req, _ := http.NewRequest("POST", url, strings.NewReader(`{"TableName":"Notes","Key":{"UserId":{"S":"gz"},"NoteId":{"N":"1"}}}`))
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810.GetItem")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"gz"`) {
		t.Fatalf("item not stored: %s", b)
	}
}
