package dynamodb

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
	"github.com/nimbus-cloud/nimbus/internal/storage/pebble"
)

func TestTTLExpiresItemsAndRecordsServiceDeletion(t *testing.T) {
	kv, err := pebble.OpenMem(pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	now := time.Unix(1_800_000_000, 0)
	s := New(Options{KV: kv, Now: func() time.Time { return now }})
	defer s.Close()
	ctx := context.Background()
	var create CreateTableInput
	json.Unmarshal([]byte(`{"TableName":"Sessions","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],
		"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST",
		"StreamSpecification":{"StreamEnabled":true,"StreamViewType":"OLD_IMAGE"}}`), &create)
	if _, err := s.CreateTable(ctx, &create); err != nil {
		t.Fatal(err)
	}
	s.reloadMeta() // what the handler's exclusive wrapper does after a control-plane call
	put := func(id string, exp string) {
		it := attr.Item{"id": {Kind: attr.S, Str: id}}
		if exp != "" {
			it["exp"] = attr.Value{Kind: attr.N, Str: exp}
		}
		if _, err := s.PutItem(ctx, &PutItemInput{TableName: ptr("Sessions"), Item: it}); err != nil {
			t.Fatal(err)
		}
	}
	put("past", "1799999990")
	put("future", "1800000100")
	put("none", "")
	if _, err := s.UpdateTimeToLive(ctx, &UpdateTimeToLiveInput{TableName: ptr("Sessions"),
		TimeToLiveSpecification: &TimeToLiveSpecification{Enabled: ptr(true), AttributeName: ptr("exp")}}); err != nil {
		t.Fatal(err)
	}
	s.reloadMeta()
	put("ancient", "1000") // more than five years ago: DynamoDB never deletes it
	_, err = s.UpdateTimeToLive(ctx, &UpdateTimeToLiveInput{TableName: ptr("Sessions"),
		TimeToLiveSpecification: &TimeToLiveSpecification{Enabled: ptr(true), AttributeName: ptr("exp")}})
	if err == nil || err.Error() != "ValidationException: TimeToLive is already enabled" {
		t.Fatalf("enable twice: %v", err)
	}
	n, err := s.ExpireNow(ctx)
	if err != nil || n != 1 {
		t.Fatalf("expired %d (%v), want 1", n, err)
	}
	get := func(id string) bool {
		out, err := s.GetItem(ctx, &GetItemInput{TableName: ptr("Sessions"), Key: attr.Item{"id": {Kind: attr.S, Str: id}}})
		if err != nil {
			t.Fatal(err)
		}
		return out.Item != nil
	}
	if get("past") || !get("future") || !get("none") || !get("ancient") {
		t.Fatal("wrong items expired")
	}
	now = now.Add(200 * time.Second)
	if n, _ := s.ExpireNow(ctx); n != 1 || get("future") {
		t.Fatalf("future item not expired later (%d)", n)
	}
	// The stream shows the deletions as made by the service.
	var ds StreamArnInput
	d, _ := s.DescribeTable(ctx, &TableNameInput{TableName: ptr("Sessions")})
	ds.StreamArn = &d.Table.LatestStreamArn
	desc, err := s.DescribeStream(ctx, &ds)
	if err != nil {
		t.Fatal(err)
	}
	it, err := s.GetShardIterator(ctx, &GetShardIteratorInput{StreamArn: ds.StreamArn, ShardId: &desc.StreamDescription.Shards[0].ShardId, ShardIteratorType: ptr("TRIM_HORIZON")})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := s.GetRecords(ctx, &GetRecordsInput{ShardIterator: &it.ShardIterator})
	if err != nil {
		t.Fatal(err)
	}
	var services int
	for _, raw := range recs.Records {
		var r streamRecord
		json.Unmarshal(raw, &r)
		if r.EventName == "REMOVE" && r.UserIdentity != nil && r.UserIdentity.PrincipalID == "dynamodb.amazonaws.com" && r.UserIdentity.Type == "Service" {
			services++
		}
	}
	if services != 2 {
		t.Fatalf("%d service deletions in the stream, want 2", services)
	}
	dt, err := s.DescribeTimeToLive(ctx, &TableNameInput{TableName: ptr("Sessions")})
	if err != nil || dt.TimeToLiveDescription.TimeToLiveStatus != "ENABLED" || dt.TimeToLiveDescription.AttributeName != "exp" {
		t.Fatalf("DescribeTimeToLive: %v %+v", err, dt)
	}
}
