package dynamodb_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/nimbus-cloud/nimbus/nimbustest"
)

// newClient starts an in-memory nimbus and returns a real SDK client for it.
func newClient(t testing.TB) (*dynamodb.Client, string) {
	t.Helper()
	srv := nimbustest.Start(t)
	c := dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer:      aws.NopRetryer{},
	})
	return c, srv.URL
}

var ctx = context.Background()

// apiErr asserts err is an API error with the code and (if msg != "") message.
func apiErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s error, got %v", code, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("want code %s, got %s: %s", code, ae.ErrorCode(), ae.ErrorMessage())
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("want message\n  %q\ngot\n  %q", msg, ae.ErrorMessage())
	}
}

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

// notesTable creates the course's Notes table: UserId (S, HASH), NoteId (N, RANGE).
func notesTable(t testing.TB, c *dynamodb.Client) {
	t.Helper()
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("Notes"),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("UserId"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("NoteId"), AttributeType: types.ScalarAttributeTypeN},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("UserId"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("NoteId"), KeyType: types.KeyTypeRange},
		},
		BillingMode: types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
}

type staticCreds string

func (k staticCreds) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: string(k), SecretAccessKey: "secret", Source: "test"}, nil
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }
