package dynamodb_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestPartiQL(t *testing.T) {
	c, _ := newClient(t)
	notesTable(t, c)
	seedNotes(t, c, []string{"student", "newbie"}, 8)
	exec := func(stmt string, params ...types.AttributeValue) (*dynamodb.ExecuteStatementOutput, error) {
		return c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(stmt), Parameters: params})
	}
	// A SELECT on the partition key returns what the equivalent Query does.
	out, err := exec(`SELECT * FROM "Notes" WHERE "UserId" = ? AND "NoteId" > ?`, s("student"), n("5"))
	if err != nil {
		t.Fatal(err)
	}
	q, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Notes"), KeyConditionExpression: aws.String("UserId = :u AND NoteId > :n"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":u": s("student"), ":n": n("5")}})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(noteIDs(out.Items)) != fmt.Sprint(noteIDs(q.Items)) || len(out.Items) != 3 {
		t.Fatalf("PartiQL %v vs Query %v", noteIDs(out.Items), noteIDs(q.Items))
	}
	// Scan with a filter, ORDER BY, projection.
	out, err = exec(`SELECT NoteId FROM "Notes" WHERE "UserId" = 'newbie' ORDER BY NoteId DESC`)
	if err != nil || fmt.Sprint(noteIDs(out.Items)) != "[8 7 6 5 4 3 2 1]" || len(out.Items[0]) != 1 {
		t.Fatalf("ORDER BY: %v %v", err, out)
	}
	out, err = exec(`SELECT * FROM "Notes" WHERE contains("Note", 'of newbie') AND "Even" = true`)
	if err != nil || len(out.Items) != 4 {
		t.Fatalf("scan filter: %v %d", err, len(out.Items))
	}
	// INSERT, UPDATE, DELETE.
	if _, err := exec(`INSERT INTO "Notes" VALUE {'UserId': 'student', 'NoteId': 100, 'Note': 'from PartiQL'}`); err != nil {
		t.Fatal(err)
	}
	_, err = exec(`INSERT INTO "Notes" VALUE {'UserId': 'student', 'NoteId': 100, 'Note': 'again'}`)
	apiErr(t, err, "DuplicateItemException", "Duplicate primary key exists in table")
	if _, err := exec(`UPDATE "Notes" SET "Note" = 'edited' WHERE "UserId" = 'student' AND "NoteId" = 100`); err != nil {
		t.Fatal(err)
	}
	_, err = exec(`UPDATE "Notes" SET "Note" = 'x' WHERE "UserId" = 'student' AND "NoteId" = 999`)
	apiErr(t, err, "ConditionalCheckFailedException", "")
	out, err = exec(`SELECT * FROM "Notes" WHERE "UserId" = 'student' AND "NoteId" = 100`)
	if err != nil || len(out.Items) != 1 || out.Items[0]["Note"].(*types.AttributeValueMemberS).Value != "edited" {
		t.Fatalf("after update: %v %v", err, out)
	}
	if _, err := exec(`DELETE FROM "Notes" WHERE "UserId" = 'student' AND "NoteId" = 100`); err != nil {
		t.Fatal(err)
	}
	// Pagination with NextToken.
	var all []map[string]types.AttributeValue
	var next *string
	for {
		page, err := c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`SELECT * FROM "Notes" WHERE "UserId" = 'student'`),
			Limit: aws.Int32(3), NextToken: next})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Items...)
		if page.NextToken == nil {
			break
		}
		next = page.NextToken
	}
	if len(all) != 8 {
		t.Fatalf("paged: %d items", len(all))
	}
	// Batch and transaction.
	b, err := c.BatchExecuteStatement(ctx, &dynamodb.BatchExecuteStatementInput{Statements: []types.BatchStatementRequest{
		{Statement: aws.String(`SELECT * FROM "Notes" WHERE "UserId" = 'student' AND "NoteId" = 1`)},
		{Statement: aws.String(`SELECT * FROM "Notes" WHERE "UserId" = 'nobody' AND "NoteId" = 1`)},
	}})
	if err != nil || len(b.Responses) != 2 || b.Responses[0].Item == nil || b.Responses[1].Item != nil {
		t.Fatalf("batch: %v %+v", err, b)
	}
	_, err = c.ExecuteTransaction(ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: []types.ParameterizedStatement{
		{Statement: aws.String(`INSERT INTO "Notes" VALUE {'UserId': 'tx', 'NoteId': 1}`)},
		{Statement: aws.String(`UPDATE "Notes" SET "Note" = 'never' WHERE "UserId" = 'student' AND "NoteId" = 1 AND "Note" = 'nope'`)},
	}})
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		t.Fatalf("transaction: %v", err)
	}
	out, _ = exec(`SELECT * FROM "Notes" WHERE "UserId" = 'tx' AND "NoteId" = 1`)
	if len(out.Items) != 0 {
		t.Fatal("a canceled PartiQL transaction inserted an item")
	}
	_, err = exec(`SELECT * FROM "Nope" WHERE "UserId" = 'x'`)
	apiErr(t, err, "ResourceNotFoundException", "")
}
