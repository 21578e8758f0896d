package dynamodb_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage/pebble"
)

// FuzzRequest feeds arbitrary bodies to every data-plane operation through
// the awsJson decoder: the service must answer with a 200 or a 4xx, never
// panic or fail internally.
func FuzzRequest(f *testing.F) {
	kv, err := pebble.OpenMem(pebble.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { kv.Close() })
	svc := dynamodb.New(dynamodb.Options{KV: kv})
	h := svc.Handler()
	call := func(op string, body []byte) int {
		req := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
		info := &request.Info{ID: "fuzz", Account: "000000000000", Region: "us-east-1", Body: body}
		req = req.WithContext(request.With(context.Background(), info))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code
	}
	call("CreateTable", []byte(`{"TableName":"Notes","AttributeDefinitions":[{"AttributeName":"UserId","AttributeType":"S"},{"AttributeName":"NoteId","AttributeType":"N"}],"KeySchema":[{"AttributeName":"UserId","KeyType":"HASH"},{"AttributeName":"NoteId","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST"}`))
	seeds := []string{
		`{"TableName":"Notes","Item":{"UserId":{"S":"u"},"NoteId":{"N":"1"},"L":{"L":[{"M":{"a":{"NS":["1","2"]}}}]}}}`,
		`{"TableName":"Notes","Key":{"UserId":{"S":"u"},"NoteId":{"N":"1"}},"UpdateExpression":"SET a.b[1] = :v, c = c + :n REMOVE d ADD e :n","ExpressionAttributeValues":{":v":{"S":"x"},":n":{"N":"1"}}}`,
		`{"TableName":"Notes","KeyConditionExpression":"UserId = :u AND begins_with(NoteId, :p)","ExpressionAttributeValues":{":u":{"S":"u"},":p":{"S":"1"}}}`,
		`{"TableName":"Notes","FilterExpression":"size(a) > :n OR NOT attribute_exists(#x)","ExpressionAttributeNames":{"#x":"x"},"ExpressionAttributeValues":{":n":{"N":"1"}},"Limit":1}`,
		`{"RequestItems":{"Notes":[{"PutRequest":{"Item":{"UserId":{"S":"u"},"NoteId":{"N":"2"}}}}]}}`,
		`null`, `{}`, `[]`, `{"TableName":null}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	ops := []string{"PutItem", "UpdateItem", "Query", "Scan", "BatchWriteItem", "GetItem", "DeleteItem", "BatchGetItem", "DescribeTable"}
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		code := call(ops[int(op)%len(ops)], body)
		if code != http.StatusOK && (code < 400 || code >= 500) {
			t.Fatalf("%s answered %d for %q", ops[int(op)%len(ops)], code, body)
		}
	})
}
