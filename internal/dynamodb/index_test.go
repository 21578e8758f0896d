package dynamodb_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// gameTable: UserId (S) HASH, GameId (N) RANGE; LSI byScore (UserId, Score N, KEYS_ONLY);
// GSI byTitle (Title S, Score N, INCLUDE Wins).
func gameTable(t *testing.T, c *dynamodb.Client) {
	t.Helper()
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("Games"),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("UserId"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("GameId"), AttributeType: types.ScalarAttributeTypeN},
			{AttributeName: aws.String("Score"), AttributeType: types.ScalarAttributeTypeN},
			{AttributeName: aws.String("Title"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("UserId"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("GameId"), KeyType: types.KeyTypeRange},
		},
		LocalSecondaryIndexes: []types.LocalSecondaryIndex{{
			IndexName: aws.String("byScore"),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String("UserId"), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String("Score"), KeyType: types.KeyTypeRange},
			},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
		}},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName: aws.String("byTitle"),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String("Title"), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String("Score"), KeyType: types.KeyTypeRange},
			},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: []string{"Wins"}},
		}},
		BillingMode: types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
}

func putGame(t *testing.T, c *dynamodb.Client, user string, game, score int, title string) {
	t.Helper()
	item := map[string]types.AttributeValue{"UserId": s(user), "GameId": n(strconv.Itoa(game)), "Wins": n("1"), "Secret": s("x")}
	if score >= 0 {
		item["Score"] = n(strconv.Itoa(score))
	}
	if title != "" {
		item["Title"] = s(title)
	}
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Games"), Item: item}); err != nil {
		t.Fatal(err)
	}
}

func TestSecondaryIndexes(t *testing.T) {
	c, _ := newClient(t)
	gameTable(t, c)
	putGame(t, c, "ann", 1, 50, "Chess")
	putGame(t, c, "ann", 2, 10, "Go")
	putGame(t, c, "ann", 3, 30, "Chess")
	putGame(t, c, "bob", 1, 70, "Chess")
	putGame(t, c, "bob", 2, -1, "") // sparse: in neither index
	// LSI: ann's games by score.
	out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Games"), IndexName: aws.String("byScore"),
		KeyConditionExpression:    aws.String("UserId = :u AND Score > :s"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":u": s("ann"), ":s": n("15")}})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(noteIDsOf(out.Items, "GameId")) != "[3 1]" || len(out.Items[0]) != 3 {
		t.Fatalf("LSI query: %v", out.Items)
	}
	// LSI with ALL_ATTRIBUTES fetches from the table.
	out, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Games"), IndexName: aws.String("byScore"), Select: types.SelectAllAttributes,
		KeyConditionExpression: aws.String("UserId = :u"), ExpressionAttributeValues: map[string]types.AttributeValue{":u": s("ann")}})
	if err != nil || len(out.Items) != 3 || out.Items[0]["Secret"] == nil {
		t.Fatalf("LSI ALL_ATTRIBUTES: %v %v", err, out.Items)
	}
	// GSI: Chess games by score, descending; INCLUDE projects Wins but not Secret.
	out, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Games"), IndexName: aws.String("byTitle"),
		KeyConditionExpression: aws.String("Title = :t"), ScanIndexForward: aws.Bool(false),
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": s("Chess")}})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(noteIDsOf(out.Items, "Score")) != "[70 50 30]" || out.Items[0]["Wins"] == nil || out.Items[0]["Secret"] != nil {
		t.Fatalf("GSI query: %v", out.Items)
	}
	// Pagination through an index carries table and index keys.
	p := dynamodb.NewQueryPaginator(c, &dynamodb.QueryInput{TableName: aws.String("Games"), IndexName: aws.String("byTitle"), Limit: aws.Int32(1),
		KeyConditionExpression: aws.String("Title = :t"), ExpressionAttributeValues: map[string]types.AttributeValue{":t": s("Chess")}})
	var scores []int
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if page.LastEvaluatedKey != nil && len(page.LastEvaluatedKey) != 4 {
			t.Fatalf("index LastEvaluatedKey %v", page.LastEvaluatedKey)
		}
		scores = append(scores, noteIDsOf(page.Items, "Score")...)
	}
	if fmt.Sprint(scores) != "[30 50 70]" {
		t.Fatalf("paged GSI: %v", scores)
	}
	// Updates move entries; deletes remove them; the scan of the GSI is sparse.
	if _, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Games"), Key: map[string]types.AttributeValue{"UserId": s("ann"), "GameId": n("2")},
		UpdateExpression: aws.String("SET Title = :t"), ExpressionAttributeValues: map[string]types.AttributeValue{":t": s("Chess")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("Games"), Key: map[string]types.AttributeValue{"UserId": s("bob"), "GameId": n("1")}}); err != nil {
		t.Fatal(err)
	}
	sc, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("Games"), IndexName: aws.String("byTitle")})
	if err != nil || sc.Count != 3 {
		t.Fatalf("GSI scan: %v %d", err, sc.Count)
	}
	// Errors.
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Games"), IndexName: aws.String("byTitle"), ConsistentRead: aws.Bool(true),
		KeyConditionExpression: aws.String("Title = :t"), ExpressionAttributeValues: map[string]types.AttributeValue{":t": s("Chess")}})
	apiErr(t, err, "ValidationException", "Consistent reads are not supported on global secondary indexes")
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Games"), Item: map[string]types.AttributeValue{"UserId": s("x"), "GameId": n("1"), "Title": n("5")}})
	apiErr(t, err, "ValidationException", "One or more parameter values were invalid: Type mismatch for Index Key Title Expected: S Actual: N IndexName: byTitle")
	d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Games")})
	if err != nil || len(d.Table.GlobalSecondaryIndexes) != 1 || d.Table.GlobalSecondaryIndexes[0].IndexStatus != types.IndexStatusActive ||
		*d.Table.GlobalSecondaryIndexes[0].ItemCount != 3 || len(d.Table.LocalSecondaryIndexes) != 1 {
		t.Fatalf("describe: %v %+v", err, d.Table)
	}
}

func noteIDsOf(items []map[string]types.AttributeValue, attr string) []int {
	var ids []int
	for _, it := range items {
		v, _ := strconv.Atoi(it[attr].(*types.AttributeValueMemberN).Value)
		ids = append(ids, v)
	}
	return ids
}

// A GSI added to a table of 10,000 items backfills and answers Query correctly.
func TestGSIBackfill(t *testing.T) {
	c, _ := newClient(t)
	notesTable(t, c)
	const total = 10000
	var reqs []types.WriteRequest
	for i := 0; i < total; i++ {
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{
			"UserId": s(fmt.Sprintf("u%d", i%100)), "NoteId": n(strconv.Itoa(i)), "Color": s([]string{"red", "green", "blue", "gray"}[i%4]),
		}}})
		if len(reqs) == 25 {
			if _, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"Notes": reqs}}); err != nil {
				t.Fatal(err)
			}
			reqs = nil
		}
	}
	up, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("Notes"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("Color"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("NoteId"), AttributeType: types.ScalarAttributeTypeN}},
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
			IndexName: aws.String("byColor"),
			KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("Color"), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String("NoteId"), KeyType: types.KeyTypeRange}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}}}})
	if err != nil {
		t.Fatal(err)
	}
	if g := up.TableDescription.GlobalSecondaryIndexes; len(g) != 1 || g[0].IndexStatus != types.IndexStatusCreating || !*g[0].Backfilling {
		t.Fatalf("UpdateTable response: %+v", up.TableDescription.GlobalSecondaryIndexes)
	}
	d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Notes")})
	if err != nil || d.Table.GlobalSecondaryIndexes[0].IndexStatus != types.IndexStatusActive {
		t.Fatalf("describe: %v", err)
	}
	count := int32(0)
	p := dynamodb.NewQueryPaginator(c, &dynamodb.QueryInput{TableName: aws.String("Notes"), IndexName: aws.String("byColor"),
		KeyConditionExpression:    aws.String("Color = :c AND NoteId BETWEEN :a AND :b"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":c": s("blue"), ":a": n("100"), ":b": n("199")}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		count += page.Count
	}
	if count != 25 {
		t.Fatalf("blue notes 100..199: %d, want 25", count)
	}
	if _, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("Notes"),
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Delete: &types.DeleteGlobalSecondaryIndexAction{IndexName: aws.String("byColor")}}}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Notes"), IndexName: aws.String("byColor"),
		KeyConditionExpression: aws.String("Color = :c"), ExpressionAttributeValues: map[string]types.AttributeValue{":c": s("blue")}})
	apiErr(t, err, "ValidationException", "The table does not have the specified index: byColor")
}

func TestIndexCapacity(t *testing.T) {
	c, _ := newClient(t)
	gameTable(t, c)
	out, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Games"), ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes,
		Item: map[string]types.AttributeValue{"UserId": s("a"), "GameId": n("1"), "Score": n("3"), "Title": s("Go")}})
	if err != nil {
		t.Fatal(err)
	}
	cc := out.ConsumedCapacity
	if *cc.CapacityUnits != 3 || *cc.Table.CapacityUnits != 1 || *cc.GlobalSecondaryIndexes["byTitle"].CapacityUnits != 1 || *cc.LocalSecondaryIndexes["byScore"].CapacityUnits != 1 {
		t.Fatalf("capacity: %+v", cc)
	}
}

func TestItemCollectionMetrics(t *testing.T) {
	c, _ := newClient(t)
	gameTable(t, c)
	out, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Games"), ReturnItemCollectionMetrics: types.ReturnItemCollectionMetricsSize,
		Item: map[string]types.AttributeValue{"UserId": s("a"), "GameId": n("1"), "Score": n("3")}})
	if err != nil {
		t.Fatal(err)
	}
	m := out.ItemCollectionMetrics
	if m == nil || m.ItemCollectionKey["UserId"].(*types.AttributeValueMemberS).Value != "a" || len(m.SizeEstimateRangeGB) != 2 {
		t.Fatalf("metrics: %+v", m)
	}
}
