package dynamodb_test

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func seedNotes(t *testing.T, c *dynamodb.Client, users []string, perUser int) {
	t.Helper()
	var reqs []types.WriteRequest
	flush := func() {
		if len(reqs) == 0 {
			return
		}
		out, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"Notes": reqs}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.UnprocessedItems) != 0 {
			t.Fatalf("unprocessed: %v", out.UnprocessedItems)
		}
		reqs = nil
	}
	for _, u := range users {
		for i := 1; i <= perUser; i++ {
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{
				"UserId": s(u), "NoteId": n(strconv.Itoa(i)), "Note": s(fmt.Sprintf("note %d of %s", i, u)), "Even": &types.AttributeValueMemberBOOL{Value: i%2 == 0},
			}}})
			if len(reqs) == 25 {
				flush()
			}
		}
	}
	flush()
}

func noteIDs(items []map[string]types.AttributeValue) []int {
	var ids []int
	for _, it := range items {
		v, _ := strconv.Atoi(it["NoteId"].(*types.AttributeValueMemberN).Value)
		ids = append(ids, v)
	}
	return ids
}

func TestQueryKeyConditions(t *testing.T) {
	c, _ := newClient(t)
	notesTable(t, c)
	seedNotes(t, c, []string{"testuser", "newbie", "student"}, 12)
	q := func(cond string, vals map[string]types.AttributeValue, forward bool) []int {
		t.Helper()
		vals[":u"] = s("student")
		out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Notes"), KeyConditionExpression: aws.String(cond),
			ExpressionAttributeValues: vals, ScanIndexForward: aws.Bool(forward)})
		if err != nil {
			t.Fatalf("%s: %v", cond, err)
		}
		if int(out.Count) != len(out.Items) {
			t.Fatalf("Count %d != %d items", out.Count, len(out.Items))
		}
		return noteIDs(out.Items)
	}
	eq := func(got []int, want ...int) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("got %v want %v", got, want)
		}
	}
	eq(q("UserId = :u", map[string]types.AttributeValue{}, true), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12) // numeric order, not lexical
	eq(q("UserId = :u AND NoteId = :n", map[string]types.AttributeValue{":n": n("5")}, true), 5)
	eq(q("UserId = :u AND NoteId < :n", map[string]types.AttributeValue{":n": n("3")}, true), 1, 2)
	eq(q("UserId = :u AND NoteId <= :n", map[string]types.AttributeValue{":n": n("3")}, true), 1, 2, 3)
	eq(q("UserId = :u AND NoteId > :n", map[string]types.AttributeValue{":n": n("10")}, true), 11, 12)
	eq(q("UserId = :u AND NoteId >= :n", map[string]types.AttributeValue{":n": n("10")}, false), 12, 11, 10)
	eq(q("NoteId BETWEEN :a AND :b AND UserId = :u", map[string]types.AttributeValue{":a": n("4"), ":b": n("6")}, true), 4, 5, 6)

	// FilterExpression applies after Limit: Count counts matches, ScannedCount what was read.
	out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Notes"), KeyConditionExpression: aws.String("UserId = :u"),
		FilterExpression: aws.String("Even = :t"), Limit: aws.Int32(5),
		ExpressionAttributeValues: map[string]types.AttributeValue{":u": s("student"), ":t": &types.AttributeValueMemberBOOL{Value: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if out.ScannedCount != 5 || out.Count != 2 || out.LastEvaluatedKey == nil {
		t.Fatalf("filter after limit: count %d scanned %d lek %v", out.Count, out.ScannedCount, out.LastEvaluatedKey)
	}
	// Select COUNT.
	out, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Notes"), KeyConditionExpression: aws.String("UserId = :u"),
		Select: types.SelectCount, ExpressionAttributeValues: map[string]types.AttributeValue{":u": s("newbie")}})
	if err != nil || out.Count != 12 || out.Items != nil {
		t.Fatalf("COUNT: %v %d %v", err, out.Count, out.Items)
	}
	// Pagination with the SDK paginator.
	p := dynamodb.NewQueryPaginator(c, &dynamodb.QueryInput{TableName: aws.String("Notes"), KeyConditionExpression: aws.String("UserId = :u"),
		Limit: aws.Int32(5), ExpressionAttributeValues: map[string]types.AttributeValue{":u": s("testuser")}, ScanIndexForward: aws.Bool(false)})
	var all []int
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, noteIDs(page.Items)...)
	}
	eq(all, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)

	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Notes"), KeyConditionExpression: aws.String("NoteId = :n"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":n": n("1")}})
	apiErr(t, err, "ValidationException", "Query condition missed key schema element: UserId")
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Notes"), IndexName: aws.String("byNote"), KeyConditionExpression: aws.String("UserId = :u"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":u": s("student")}})
	apiErr(t, err, "ValidationException", "The table does not have the specified index: byNote")
}

func TestQueryBeginsWithOnStrings(t *testing.T) {
	c, _ := newClient(t)
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("Files"),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("path"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("path"), KeyType: types.KeyTypeRange},
		},
		BillingMode: types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"a/b", "a/c", "a", "ab", "b/a", "a/\x00", "a/\xff"} {
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Files"), Item: map[string]types.AttributeValue{"pk": s("x"), "path": s(strings.ToValidUTF8(p, "?"))}}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Files"), KeyConditionExpression: aws.String("pk = :p AND begins_with(#path, :pre)"),
		ExpressionAttributeNames:  map[string]string{"#path": "path"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("x"), ":pre": s("a/")}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range out.Items {
		got = append(got, it["path"].(*types.AttributeValueMemberS).Value)
	}
	if len(got) != 4 || got[0] != "a/\x00" || got[1] != "a/?" && got[1] != "a/b" {
		t.Fatalf("begins_with: %q", got)
	}
}

func TestScanPaginationParallelAndStability(t *testing.T) {
	c, _ := newClient(t)
	notesTable(t, c)
	users := []string{}
	for i := 0; i < 20; i++ {
		users = append(users, fmt.Sprintf("user%02d", i))
	}
	seedNotes(t, c, users, 5)
	scanAll := func(limit int32, between func()) []string {
		var keys []string
		p := dynamodb.NewScanPaginator(c, &dynamodb.ScanInput{TableName: aws.String("Notes"), Limit: aws.Int32(limit)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range page.Items {
				keys = append(keys, it["UserId"].(*types.AttributeValueMemberS).Value+"/"+it["NoteId"].(*types.AttributeValueMemberN).Value)
			}
			if between != nil {
				between()
			}
		}
		return keys
	}
	first := scanAll(7, nil)
	if len(first) != 100 {
		t.Fatalf("scan found %d items", len(first))
	}
	sorted := append([]string(nil), first...)
	sort.Strings(sorted)
	if fmt.Sprint(sorted) == fmt.Sprint(first) {
		t.Fatalf("scan order is sorted by key; DynamoDB's follows the partition hash")
	}
	if again := scanAll(100, nil); fmt.Sprint(again) != fmt.Sprint(first) {
		t.Fatalf("scan order is not stable")
	}
	// Writes between pages do not make the scan skip or repeat old items.
	extra := 0
	withWrites := scanAll(9, func() {
		extra++
		c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Notes"), Item: map[string]types.AttributeValue{"UserId": s(fmt.Sprintf("new%02d", extra)), "NoteId": n("1")}})
	})
	seen := map[string]int{}
	for _, k := range withWrites {
		seen[k]++
	}
	for _, k := range first {
		if seen[k] != 1 {
			t.Fatalf("%s seen %d times with writes between pages", k, seen[k])
		}
	}
	// Parallel scan: segments partition the table.
	total := 0
	union := map[string]bool{}
	for seg := int32(0); seg < 4; seg++ {
		out, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("Notes"), Segment: aws.Int32(seg), TotalSegments: aws.Int32(4)})
		if err != nil {
			t.Fatal(err)
		}
		total += len(out.Items)
		for _, it := range out.Items {
			k := it["UserId"].(*types.AttributeValueMemberS).Value + "/" + it["NoteId"].(*types.AttributeValueMemberN).Value
			if union[k] {
				t.Fatalf("%s in two segments", k)
			}
			union[k] = true
		}
	}
	if total != 100+extra {
		t.Fatalf("segments hold %d items, want %d", total, 100+extra)
	}
	_, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("Notes"), Segment: aws.Int32(4), TotalSegments: aws.Int32(4)})
	apiErr(t, err, "ValidationException", "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 4 is not less than TotalSegments: 4")
	// Filter on scan with contains, as the course's search function does.
	out, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("Notes"), FilterExpression: aws.String("contains(Note, :t)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": s("of user07")}})
	if err != nil || out.Count != 5 || out.ScannedCount != int32(100+extra) {
		t.Fatalf("contains filter: %v count %d scanned %d", err, out.Count, out.ScannedCount)
	}
}

func TestScanOneMegabytePage(t *testing.T) {
	c, _ := newClient(t)
	notesTable(t, c)
	big := strings.Repeat("x", 100*1024)
	for i := 0; i < 25; i++ {
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Notes"), Item: map[string]types.AttributeValue{
			"UserId": s("big"), "NoteId": n(strconv.Itoa(i)), "Note": s(big)}}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Notes"), KeyConditionExpression: aws.String("UserId = :u"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":u": s("big")}})
	if err != nil {
		t.Fatal(err)
	}
	if out.Count < 9 || out.Count > 11 || out.LastEvaluatedKey == nil {
		t.Fatalf("1 MB page: %d items, LEK %v", out.Count, out.LastEvaluatedKey)
	}
}

func TestBatchGetAndWrite(t *testing.T) {
	c, _ := newClient(t)
	notesTable(t, c)
	seedNotes(t, c, []string{"a", "b"}, 10)
	var keys []map[string]types.AttributeValue
	for i := 1; i <= 10; i++ {
		keys = append(keys, map[string]types.AttributeValue{"UserId": s("a"), "NoteId": n(strconv.Itoa(i))})
	}
	keys = append(keys, map[string]types.AttributeValue{"UserId": s("zzz"), "NoteId": n("1")})
	out, err := c.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		"Notes": {Keys: keys, ProjectionExpression: aws.String("NoteId")}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Responses["Notes"]) != 10 || len(out.Responses["Notes"][0]) != 1 || len(out.UnprocessedKeys) != 0 {
		t.Fatalf("batch get: %d items", len(out.Responses["Notes"]))
	}
	dup := append(keys[:1:1], keys[0])
	_, err = c.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{"Notes": {Keys: dup}}})
	apiErr(t, err, "ValidationException", "Provided list of item keys contains duplicates")
	var many []map[string]types.AttributeValue
	for i := 0; i < 101; i++ {
		many = append(many, map[string]types.AttributeValue{"UserId": s("a"), "NoteId": n(strconv.Itoa(i))})
	}
	_, err = c.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{"Notes": {Keys: many}}})
	apiErr(t, err, "ValidationException", "Too many items requested for the BatchGetItem call")
	var writes []types.WriteRequest
	for i := 0; i < 26; i++ {
		writes = append(writes, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: map[string]types.AttributeValue{"UserId": s("a"), "NoteId": n(strconv.Itoa(i))}}})
	}
	_, err = c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"Notes": writes}})
	apiErr(t, err, "ValidationException", "")
	if _, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"Notes": writes[:25]}}); err != nil {
		t.Fatal(err)
	}
	q, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Notes"), KeyConditionExpression: aws.String("UserId = :u"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":u": s("a")}})
	if err != nil || q.Count != 0 {
		t.Fatalf("after batch delete: %v %d", err, q.Count)
	}
}
