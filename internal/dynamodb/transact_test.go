package dynamodb_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func accountsTable(t *testing.T, c *dynamodb.Client, count, balance int) {
	t.Helper()
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("Accounts"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < count; i++ {
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Accounts"),
			Item: map[string]types.AttributeValue{"id": s(fmt.Sprintf("acct%d", i)), "balance": n(strconv.Itoa(balance))}}); err != nil {
			t.Fatal(err)
		}
	}
}

func balance(t *testing.T, c *dynamodb.Client, id string) int {
	t.Helper()
	out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Accounts"), Key: map[string]types.AttributeValue{"id": s(id)}, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := strconv.Atoi(out.Item["balance"].(*types.AttributeValueMemberN).Value)
	return v
}

func transfer(from, to string, amount int) *dynamodb.TransactWriteItemsInput {
	amt := n(strconv.Itoa(amount))
	return &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Update: &types.Update{TableName: aws.String("Accounts"), Key: map[string]types.AttributeValue{"id": s(from)},
			UpdateExpression: aws.String("SET balance = balance - :a"), ConditionExpression: aws.String("balance >= :a"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":a": amt}}},
		{Update: &types.Update{TableName: aws.String("Accounts"), Key: map[string]types.AttributeValue{"id": s(to)},
			UpdateExpression: aws.String("SET balance = balance + :a"), ExpressionAttributeValues: map[string]types.AttributeValue{":a": amt}}},
	}}
}

func TestTransactionAllOrNothing(t *testing.T) {
	c, _ := newClient(t)
	accountsTable(t, c, 3, 100)
	_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("Accounts"), Item: map[string]types.AttributeValue{"id": s("new"), "balance": n("1")}}},
		{Update: &types.Update{TableName: aws.String("Accounts"), Key: map[string]types.AttributeValue{"id": s("acct0")}, UpdateExpression: aws.String("SET balance = :z"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":z": n("0")}}},
		{ConditionCheck: &types.ConditionCheck{TableName: aws.String("Accounts"), Key: map[string]types.AttributeValue{"id": s("acct1")},
			ConditionExpression: aws.String("balance > :big"), ExpressionAttributeValues: map[string]types.AttributeValue{":big": n("1000")},
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}},
	}})
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		t.Fatalf("want TransactionCanceledException, got %v", err)
	}
	if len(tce.CancellationReasons) != 3 || *tce.CancellationReasons[0].Code != "None" || *tce.CancellationReasons[2].Code != "ConditionalCheckFailed" ||
		tce.CancellationReasons[2].Item["balance"] == nil {
		t.Fatalf("reasons: %+v", tce.CancellationReasons)
	}
	if *tce.Message != "Transaction cancelled, please refer cancellation reasons for specific reasons [None, None, ConditionalCheckFailed]" {
		t.Fatalf("message %q", *tce.Message)
	}
	if balance(t, c, "acct0") != 100 {
		t.Fatal("a canceled transaction changed acct0")
	}
	out, _ := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Accounts"), Key: map[string]types.AttributeValue{"id": s("new")}})
	if out.Item != nil {
		t.Fatal("a canceled transaction created an item")
	}
	// Two actions on one item.
	_, err = c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Delete: &types.Delete{TableName: aws.String("Accounts"), Key: map[string]types.AttributeValue{"id": s("acct0")}}},
		{ConditionCheck: &types.ConditionCheck{TableName: aws.String("Accounts"), Key: map[string]types.AttributeValue{"id": s("acct0")}, ConditionExpression: aws.String("attribute_exists(id)")}},
	}})
	apiErr(t, err, "ValidationException", "Transaction request cannot include multiple operations on one item")
	// TransactGetItems sees a consistent snapshot.
	g, err := c.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{TransactItems: []types.TransactGetItem{
		{Get: &types.Get{TableName: aws.String("Accounts"), Key: map[string]types.AttributeValue{"id": s("acct0")}}},
		{Get: &types.Get{TableName: aws.String("Accounts"), Key: map[string]types.AttributeValue{"id": s("missing")}}},
		{Get: &types.Get{TableName: aws.String("Accounts"), Key: map[string]types.AttributeValue{"id": s("acct2")}, ProjectionExpression: aws.String("id")}},
	}})
	if err != nil || len(g.Responses) != 3 || g.Responses[0].Item == nil || g.Responses[1].Item != nil || len(g.Responses[2].Item) != 1 {
		t.Fatalf("TransactGetItems: %v %+v", err, g)
	}
}

func TestTransactionIdempotency(t *testing.T) {
	c, _ := newClient(t)
	accountsTable(t, c, 2, 100)
	in := transfer("acct0", "acct1", 10)
	in.ClientRequestToken = aws.String("token-1")
	for i := 0; i < 3; i++ {
		if _, err := c.TransactWriteItems(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	if balance(t, c, "acct0") != 90 || balance(t, c, "acct1") != 110 {
		t.Fatal("a retried token applied the transaction again")
	}
	other := transfer("acct0", "acct1", 20)
	other.ClientRequestToken = aws.String("token-1")
	_, err := c.TransactWriteItems(ctx, other)
	apiErr(t, err, "IdempotentParameterMismatchException", "")
}

// Eight workers moving money between accounts keep the total constant.
func TestConcurrentTransfers(t *testing.T) {
	c, _ := newClient(t)
	const accounts, start = 5, 1000
	accountsTable(t, c, accounts, start)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for i := 0; i < 30; i++ {
				from, to := r.IntN(accounts), r.IntN(accounts)
				if from == to {
					continue
				}
				_, err := c.TransactWriteItems(ctx, transfer(fmt.Sprintf("acct%d", from), fmt.Sprintf("acct%d", to), 1+r.IntN(50)))
				var tce *types.TransactionCanceledException
				if err != nil && !errors.As(err, &tce) {
					t.Error(err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	total := 0
	for i := 0; i < accounts; i++ {
		b := balance(t, c, fmt.Sprintf("acct%d", i))
		if b < 0 {
			t.Fatalf("acct%d went negative: %d", i, b)
		}
		total += b
	}
	if total != accounts*start {
		t.Fatalf("total %d, want %d", total, accounts*start)
	}
}
