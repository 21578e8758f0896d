package dynamodb_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The pre-expression parameters old code and CLI examples still use.
func TestLegacyParameters(t *testing.T) {
	c, _ := newClient(t)
	notesTable(t, c)
	seedNotes(t, c, []string{"student"}, 6)
	key := map[string]types.AttributeValue{"UserId": s("student"), "NoteId": n("1")}
	// Expected: conditional put.
	_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Notes"), Item: key,
		Expected: map[string]types.ExpectedAttributeValue{"UserId": {Exists: aws.Bool(false)}}})
	apiErr(t, err, "ConditionalCheckFailedException", "The conditional request failed")
	// AttributeUpdates with an Expected value.
	out, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Notes"), Key: key,
		AttributeUpdates: map[string]types.AttributeValueUpdate{
			"Note":  {Action: types.AttributeActionPut, Value: s("rewritten")},
			"Count": {Action: types.AttributeActionAdd, Value: n("5")},
			"Even":  {Action: types.AttributeActionDelete},
		},
		Expected:     map[string]types.ExpectedAttributeValue{"Note": {ComparisonOperator: types.ComparisonOperatorBeginsWith, AttributeValueList: []types.AttributeValue{s("note 1")}}},
		ReturnValues: types.ReturnValueAllNew})
	if err != nil {
		t.Fatal(err)
	}
	if out.Attributes["Note"].(*types.AttributeValueMemberS).Value != "rewritten" || out.Attributes["Count"].(*types.AttributeValueMemberN).Value != "5" || out.Attributes["Even"] != nil {
		t.Fatalf("AttributeUpdates: %v", out.Attributes)
	}
	// KeyConditions + QueryFilter + AttributesToGet.
	q, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Notes"),
		KeyConditions: map[string]types.Condition{
			"UserId": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{s("student")}},
			"NoteId": {ComparisonOperator: types.ComparisonOperatorBetween, AttributeValueList: []types.AttributeValue{n("2"), n("5")}},
		},
		QueryFilter:     map[string]types.Condition{"Even": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{&types.AttributeValueMemberBOOL{Value: true}}}},
		AttributesToGet: []string{"NoteId"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if q.Count != 2 || q.ScannedCount != 4 || len(q.Items[0]) != 1 {
		t.Fatalf("legacy query: count %d scanned %d items %v", q.Count, q.ScannedCount, q.Items)
	}
	// ScanFilter with ConditionalOperator OR.
	sc, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("Notes"), ConditionalOperator: types.ConditionalOperatorOr,
		ScanFilter: map[string]types.Condition{
			"NoteId": {ComparisonOperator: types.ComparisonOperatorIn, AttributeValueList: []types.AttributeValue{n("2"), n("3")}},
			"Count":  {ComparisonOperator: types.ComparisonOperatorNotNull},
		}})
	if err != nil || sc.Count != 3 {
		t.Fatalf("legacy scan: %v %d", err, sc.Count)
	}
	// Mixing the two styles is refused as DynamoDB refuses it.
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Notes"), Item: key, ConditionExpression: aws.String("attribute_exists(UserId)"),
		Expected: map[string]types.ExpectedAttributeValue{"UserId": {Exists: aws.Bool(true), Value: s("student")}}})
	apiErr(t, err, "ValidationException", "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}")
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Notes"),
		KeyConditions: map[string]types.Condition{"UserId": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{s("student")}}},
		QueryFilter:   map[string]types.Condition{"NoteId": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{n("1")}}}})
	apiErr(t, err, "ValidationException", "QueryFilter can only contain non-primary key attributes: Primary key attribute: NoteId")
}
