package dynamodb

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
)

func TestAppendJSONMatchesMarshal(t *testing.T) {
	item := attr.Item{
		"b": {Kind: attr.S, Str: "x\"y\u2028"}, "a": {Kind: attr.N, Str: "1.5"},
		"m": {Kind: attr.M, Map: map[string]attr.Value{"z": {Kind: attr.BOOL, Bool: true}, "n": {Kind: attr.NULL, Bool: true}}},
		"l": {Kind: attr.L, List: []attr.Value{{Kind: attr.B, Bytes: []byte{0, 255}}, {Kind: attr.SS, Strs: []string{"p", "q"}}}},
	}
	cc := &ConsumedCapacity{TableName: "T", CapacityUnits: 0.5, ReadCapacityUnits: ptr(0.5)}
	cases := []interface{ AppendJSON([]byte) []byte }{
		&GetItemOutput{}, &GetItemOutput{Item: item}, &GetItemOutput{Item: attr.Item{}, ConsumedCapacity: cc},
		&ItemOutput{}, &ItemOutput{Attributes: item, ConsumedCapacity: cc, ItemCollectionMetrics: &ItemCollectionMetrics{ItemCollectionKey: item, SizeEstimateRangeGB: []float64{0, 1}}},
		&QueryOutput{}, &QueryOutput{Items: []attr.Item{}}, &QueryOutput{Items: []attr.Item{item, item}, Count: 2, ScannedCount: 3, LastEvaluatedKey: item, ConsumedCapacity: cc},
	}
	for i, c := range cases {
		want, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		got := c.AppendJSON(nil)
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("case %d: invalid JSON %s: %v", i, got, err)
		}
		json.Unmarshal(want, &w)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("case %d:\n got %s\nwant %s", i, got, want)
		}
	}
}
