package dynamodb_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

func TestStreamSeesEveryChangeInOrder(t *testing.T) {
	c, url := newClient(t)
	out, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("Events"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
		StreamSpecification:  &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages},
	})
	if err != nil {
		t.Fatal(err)
	}
	arn := out.TableDescription.LatestStreamArn
	if arn == nil {
		t.Fatal("no LatestStreamArn")
	}
	key := map[string]types.AttributeValue{"id": s("a")}
	c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Events"), Item: map[string]types.AttributeValue{"id": s("a"), "v": n("1")}})
	c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Events"), Key: key, UpdateExpression: aws.String("SET v = :v"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": n("2")}})
	c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Events"), Key: key, UpdateExpression: aws.String("SET v = :v"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": n("2")}}) // no change: no record
	c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("Events"), Key: key})

	sc := dynamodbstreams.New(dynamodbstreams.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), Credentials: c.Options().Credentials})
	ls, err := sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String("Events")})
	if err != nil || len(ls.Streams) != 1 || *ls.Streams[0].StreamArn != *arn {
		t.Fatalf("ListStreams: %v %+v", err, ls)
	}
	ds, err := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: arn})
	if err != nil || ds.StreamDescription.StreamStatus != stypes.StreamStatusEnabled || len(ds.StreamDescription.Shards) != 1 {
		t.Fatalf("DescribeStream: %v", err)
	}
	it, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: arn,
		ShardId: ds.StreamDescription.Shards[0].ShardId, ShardIteratorType: stypes.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs.Records) != 3 {
		t.Fatalf("%d records, want 3", len(recs.Records))
	}
	want := []stypes.OperationType{stypes.OperationTypeInsert, stypes.OperationTypeModify, stypes.OperationTypeRemove}
	for i, r := range recs.Records {
		if r.EventName != want[i] {
			t.Fatalf("record %d is %s, want %s", i, r.EventName, want[i])
		}
	}
	mod := recs.Records[1].Dynamodb
	if mod.OldImage["v"].(*stypes.AttributeValueMemberN).Value != "1" || mod.NewImage["v"].(*stypes.AttributeValueMemberN).Value != "2" {
		t.Fatalf("MODIFY images: %+v", mod)
	}
	if recs.Records[2].Dynamodb.NewImage != nil || recs.Records[2].Dynamodb.OldImage == nil {
		t.Fatal("REMOVE images wrong")
	}
	// The next iterator is empty until something happens; AFTER_SEQUENCE_NUMBER resumes.
	more, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: recs.NextShardIterator})
	if err != nil || len(more.Records) != 0 || more.NextShardIterator == nil {
		t.Fatalf("drained: %v %d", err, len(more.Records))
	}
	after, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: arn, ShardId: ds.StreamDescription.Shards[0].ShardId,
		ShardIteratorType: stypes.ShardIteratorTypeAfterSequenceNumber, SequenceNumber: recs.Records[0].Dynamodb.SequenceNumber})
	if err != nil {
		t.Fatal(err)
	}
	rest, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: after.ShardIterator})
	if err != nil || len(rest.Records) != 2 {
		t.Fatalf("after first: %v %d", err, len(rest.Records))
	}
}
