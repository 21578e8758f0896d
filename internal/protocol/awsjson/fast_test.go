package awsjson

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
)

type embeddedParams struct {
	Names  map[string]string     `json:"ExpressionAttributeNames"`
	Values map[string]attr.Value `json:"ExpressionAttributeValues"`
}

type sampleInput struct {
	TableName *string   `json:"TableName"`
	Item      attr.Item `json:"Item"`
	Limit     *int64    `json:"Limit"`
	Consist   *bool     `json:"ConsistentRead"`
	Attrs     []string  `json:"AttributesToGet"`
	Ignored   string    `json:"-"`
	embeddedParams
}

var fastSeeds = []string{
	`{"TableName":"Notes","Item":{"UserId":{"S":"u"},"NoteId":{"N":"1.50"},"L":{"L":[{"M":{"a":{"NS":["1","2"]}}}]}}}`,
	`{"TableName":"Notes","Limit":5,"ConsistentRead":true,"AttributesToGet":["a","b"],"ExpressionAttributeNames":{"#n":"x"},"ExpressionAttributeValues":{":v":{"S":"é\u00e9"}}}`,
	`{}`, ` { "TableName" : "t\u0041" } `, `{"tablename":"lower"}`, `{"TableName":null,"Item":null}`, `{"TableName":5}`,
	`{"TableName":"a","TableName":"b"}`, `{"Frob":{"x":[1,2,{"y":null}]},"TableName":"t"}`, `null`, `[]`, `{"TableName":"t",}`,
	`{"Item":{"a":{}}}`, `{"Limit":1e3}`, `{"Limit":-0}`, `{"TableName":"\ud800"}`,
}

func checkFast(t *testing.T, body []byte) {
	var fast, slow sampleInput
	ok := decodeFast(body, &fast)
	err := json.Unmarshal(body, &slow)
	if ok && err != nil {
		t.Fatalf("fast path accepted %q, encoding/json refused it: %v", body, err)
	}
	if ok && !reflect.DeepEqual(fast, slow) {
		t.Fatalf("%q: fast %+v, encoding/json %+v", body, fast, slow)
	}
}

func TestDecodeFastMatchesEncodingJSON(t *testing.T) {
	accepted := 0
	for _, s := range fastSeeds {
		checkFast(t, []byte(s))
		var v sampleInput
		if decodeFast([]byte(s), &v) {
			accepted++
		}
	}
	if accepted < 5 {
		t.Fatalf("the fast path took only %d of the seeds", accepted)
	}
}

func FuzzDecodeFast(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkFast(t, b) })
}
