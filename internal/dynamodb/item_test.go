package dynamodb_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

type note struct {
	UserId string
	NoteId int
	Note   string
	Tags   []string `dynamodbav:",stringset,omitempty"`
}

func TestPutGetItemRoundTrip(t *testing.T) {
	c, _ := newClient(t)
	notesTable(t, c)
	item := map[string]types.AttributeValue{
		"UserId":  s("student"),
		"NoteId":  n("1.50"),
		"Note":    s("hello"),
		"Bin":     &types.AttributeValueMemberB{Value: []byte{0, 1, 2}},
		"Ok":      &types.AttributeValueMemberBOOL{Value: true},
		"Nothing": &types.AttributeValueMemberNULL{Value: true},
		"SS":      &types.AttributeValueMemberSS{Value: []string{"a", "b"}},
		"NS":      &types.AttributeValueMemberNS{Value: []string{"1", "2.0"}},
		"BS":      &types.AttributeValueMemberBS{Value: [][]byte{{1}, {2}}},
		"L":       &types.AttributeValueMemberL{Value: []types.AttributeValue{s("x"), n("3")}},
		"M":       &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"deep": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"er": n("-0.000")}}}},
	}
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Notes"), Item: item}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Notes"),
		Key: map[string]types.AttributeValue{"UserId": s("student"), "NoteId": n("1.5")}, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Item["NoteId"].(*types.AttributeValueMemberN).Value; got != "1.5" {
		t.Fatalf("NoteId canonical form: %q", got)
	}
	if got := out.Item["M"].(*types.AttributeValueMemberM).Value["deep"].(*types.AttributeValueMemberM).Value["er"].(*types.AttributeValueMemberN).Value; got != "0" {
		t.Fatalf("-0.000 came back as %q", got)
	}
	if len(out.Item) != len(item) {
		t.Fatalf("got %d attributes, want %d", len(out.Item), len(item))
	}
	// Projection with nested paths and names.
	out, err = c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Notes"),
		Key:                      map[string]types.AttributeValue{"UserId": s("student"), "NoteId": n("1.5")},
		ProjectionExpression:     aws.String("#n, L[1], M.deep"),
		ExpressionAttributeNames: map[string]string{"#n": "Note"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Item) != 3 || len(out.Item["L"].(*types.AttributeValueMemberL).Value) != 1 {
		t.Fatalf("projection: %#v", out.Item)
	}
	// Missing item: no Item member.
	out, err = c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Notes"),
		Key: map[string]types.AttributeValue{"UserId": s("nobody"), "NoteId": n("1")}})
	if err != nil || out.Item != nil {
		t.Fatalf("missing item: %v %v", err, out.Item)
	}
}

func TestItemKeyValidation(t *testing.T) {
	c, _ := newClient(t)
	notesTable(t, c)
	cases := []struct {
		item map[string]types.AttributeValue
		msg  string
	}{
		{map[string]types.AttributeValue{"UserId": s("u")}, "One or more parameter values were invalid: Missing the key NoteId in the item"},
		{map[string]types.AttributeValue{"UserId": n("1"), "NoteId": n("1")}, "One or more parameter values were invalid: Type mismatch for key UserId expected: S actual: N"},
		{map[string]types.AttributeValue{"UserId": s(""), "NoteId": n("1")}, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: UserId"},
		{map[string]types.AttributeValue{"UserId": s(strings.Repeat("x", 2049)), "NoteId": n("1")}, "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"},
		{map[string]types.AttributeValue{"UserId": s("u"), "NoteId": n("1"), "Big": s(strings.Repeat("x", 400*1024))}, "Item size has exceeded the maximum allowed size"},
	}
	for _, tc := range cases {
		_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Notes"), Item: tc.item})
		apiErr(t, err, "ValidationException", tc.msg)
	}
	_, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Notes"), Key: map[string]types.AttributeValue{"UserId": s("u")}})
	apiErr(t, err, "ValidationException", "The provided key element does not match the schema")
	_, err = c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Nope"), Key: map[string]types.AttributeValue{"UserId": s("u")}})
	apiErr(t, err, "ResourceNotFoundException", "Requested resource not found")
	// An item just under the limit is stored.
	big := map[string]types.AttributeValue{"UserId": s("u"), "NoteId": n("1"), "Big": s(strings.Repeat("x", 400*1024-20))}
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Notes"), Item: big}); err != nil {
		t.Fatal(err)
	}
}

func TestConditionalWrites(t *testing.T) {
	c, _ := newClient(t)
	notesTable(t, c)
	key := map[string]types.AttributeValue{"UserId": s("u"), "NoteId": n("1")}
	put := func(note string, cond string, vals map[string]types.AttributeValue) error {
		item := map[string]types.AttributeValue{"UserId": s("u"), "NoteId": n("1"), "Note": s(note)}
		in := &dynamodb.PutItemInput{TableName: aws.String("Notes"), Item: item, ExpressionAttributeValues: vals,
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}
		if cond != "" {
			in.ConditionExpression = aws.String(cond)
		}
		_, err := c.PutItem(ctx, in)
		return err
	}
	if err := put("first", "attribute_not_exists(UserId)", nil); err != nil {
		t.Fatal(err)
	}
	err := put("second", "attribute_not_exists(UserId)", nil)
	apiErr(t, err, "ConditionalCheckFailedException", "The conditional request failed")
	var ccf *types.ConditionalCheckFailedException
	if !errorsAs(err, &ccf) || ccf.Item["Note"].(*types.AttributeValueMemberS).Value != "first" {
		t.Fatalf("ReturnValuesOnConditionCheckFailure=ALL_OLD did not return the item: %v", err)
	}
	if err := put("third", "Note = :v", map[string]types.AttributeValue{":v": s("first")}); err != nil {
		t.Fatal(err)
	}
	// Delete with a failing condition leaves the item.
	_, err = c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("Notes"), Key: key,
		ConditionExpression: aws.String("Note = :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": s("nope")}})
	apiErr(t, err, "ConditionalCheckFailedException", "")
	del, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("Notes"), Key: key, ReturnValues: types.ReturnValueAllOld})
	if err != nil || del.Attributes["Note"].(*types.AttributeValueMemberS).Value != "third" {
		t.Fatalf("delete ALL_OLD: %v %v", err, del)
	}
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Notes"), Item: key, ReturnValues: types.ReturnValueAllNew})
	apiErr(t, err, "ValidationException", "ReturnValues can only be ALL_OLD or NONE")
}

func TestUpdateItemReturnValues(t *testing.T) {
	c, _ := newClient(t)
	notesTable(t, c)
	key := map[string]types.AttributeValue{"UserId": s("u"), "NoteId": n("7")}
	upd := func(expr string, rv types.ReturnValue, vals map[string]types.AttributeValue) map[string]types.AttributeValue {
		t.Helper()
		out, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Notes"), Key: key,
			UpdateExpression: aws.String(expr), ReturnValues: rv, ExpressionAttributeValues: vals})
		if err != nil {
			t.Fatal(err)
		}
		return out.Attributes
	}
	// Creates the item.
	got := upd("SET n = :one, l = :l", types.ReturnValueAllNew, map[string]types.AttributeValue{":one": n("1"), ":l": &types.AttributeValueMemberL{Value: []types.AttributeValue{s("a")}}})
	if len(got) != 4 {
		t.Fatalf("ALL_NEW: %v", got)
	}
	got = upd("SET n = n + :one", types.ReturnValueUpdatedOld, map[string]types.AttributeValue{":one": n("1")})
	if len(got) != 1 || got["n"].(*types.AttributeValueMemberN).Value != "1" {
		t.Fatalf("UPDATED_OLD: %v", got)
	}
	got = upd("SET l = list_append(l, :more) ADD s :s", types.ReturnValueUpdatedNew, map[string]types.AttributeValue{
		":more": &types.AttributeValueMemberL{Value: []types.AttributeValue{s("b")}}, ":s": &types.AttributeValueMemberSS{Value: []string{"x"}}})
	if len(got["l"].(*types.AttributeValueMemberL).Value) != 2 || len(got) != 2 {
		t.Fatalf("UPDATED_NEW: %v", got)
	}
	got = upd("REMOVE l[0] DELETE s :s", types.ReturnValueAllNew, map[string]types.AttributeValue{":s": &types.AttributeValueMemberSS{Value: []string{"x"}}})
	if _, ok := got["s"]; ok || len(got["l"].(*types.AttributeValueMemberL).Value) != 1 {
		t.Fatalf("REMOVE/DELETE: %v", got)
	}
	_, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Notes"), Key: key,
		UpdateExpression: aws.String("SET NoteId = :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": n("2")}})
	apiErr(t, err, "ValidationException", "One or more parameter values were invalid: Cannot update attribute NoteId. This attribute is part of the key")
	_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Notes"), Key: key,
		UpdateExpression: aws.String("SET a = :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": n("2"), ":unused": n("1")}})
	apiErr(t, err, "ValidationException", "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}")
}

// Eight clients hammering one counter lose no increment.
func TestConcurrentIncrements(t *testing.T) {
	c, _ := newClient(t)
	notesTable(t, c)
	key := map[string]types.AttributeValue{"UserId": s("counter"), "NoteId": n("0")}
	const workers, each = 8, 40
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				_, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Notes"), Key: key,
					UpdateExpression:          aws.String("SET n = if_not_exists(n, :zero) + :one"),
					ExpressionAttributeValues: map[string]types.AttributeValue{":zero": n("0"), ":one": n("1")}})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Notes"), Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Item["n"].(*types.AttributeValueMemberN).Value; got != "320" {
		t.Fatalf("counter = %s, want 320", got)
	}
}

func TestAttributeValueMarshalling(t *testing.T) {
	c, _ := newClient(t)
	notesTable(t, c)
	in := note{UserId: "newbie", NoteId: 3, Note: "with sets", Tags: []string{"a", "b"}}
	av, err := attributevalue.MarshalMap(in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Notes"), Item: av}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Notes"), Key: map[string]types.AttributeValue{"UserId": s("newbie"), "NoteId": n("3")}})
	if err != nil {
		t.Fatal(err)
	}
	var got note
	if err := attributevalue.UnmarshalMap(out.Item, &got); err != nil {
		t.Fatal(err)
	}
	if got.Note != in.Note || len(got.Tags) != 2 {
		t.Fatalf("got %+v", got)
	}
}
