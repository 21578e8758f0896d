package dynamodb_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestCreateDescribeDeleteTable(t *testing.T) {
	c, _ := newClient(t)
	out, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("Music"),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("Artist"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema:             []types.KeySchemaElement{{AttributeName: aws.String("Artist"), KeyType: types.KeyTypeHash}},
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(5)},
		Tags:                  []types.Tag{{Key: aws.String("env"), Value: aws.String("test")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	d := out.TableDescription
	if d.TableStatus != types.TableStatusCreating || *d.TableArn != "arn:aws:dynamodb:us-east-1:000000000000:table/Music" {
		t.Fatalf("create: status %s arn %s", d.TableStatus, *d.TableArn)
	}
	// The SDK waiter returns at its first poll because the table is ACTIVE.
	w := dynamodb.NewTableExistsWaiter(c)
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Music")}, 5e9); err != nil {
		t.Fatal(err)
	}
	desc, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Music")})
	if err != nil {
		t.Fatal(err)
	}
	if desc.Table.TableStatus != types.TableStatusActive || *desc.Table.ProvisionedThroughput.ReadCapacityUnits != 5 ||
		desc.Table.BillingModeSummary.BillingMode != types.BillingModeProvisioned {
		t.Fatalf("describe: %+v", desc.Table)
	}
	tags, err := c.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: d.TableArn})
	if err != nil || len(tags.Tags) != 1 || *tags.Tags[0].Key != "env" {
		t.Fatalf("tags: %v %+v", err, tags)
	}
	_, err = c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("Music"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("Artist"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("Artist"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	apiErr(t, err, "ResourceInUseException", "Table already exists: Music")

	up, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("Music"), BillingMode: types.BillingModePayPerRequest})
	if err != nil || up.TableDescription.BillingModeSummary.BillingMode != types.BillingModePayPerRequest {
		t.Fatalf("update: %v", err)
	}
	if _, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("Music")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Music")})
	apiErr(t, err, "ResourceNotFoundException", "Requested resource not found: Table: Music not found")
	_, err = c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("Music")})
	apiErr(t, err, "ResourceNotFoundException", "")
}

func TestCreateTableValidation(t *testing.T) {
	c, _ := newClient(t)
	def := func(name string, typ types.ScalarAttributeType) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(name), AttributeType: typ}
	}
	key := func(name string, kt types.KeyType) types.KeySchemaElement {
		return types.KeySchemaElement{AttributeName: aws.String(name), KeyType: kt}
	}
	cases := []struct {
		name string
		in   dynamodb.CreateTableInput
		msg  string
	}{
		{"short name", dynamodb.CreateTableInput{TableName: aws.String("ab"), AttributeDefinitions: []types.AttributeDefinition{def("a", "S")},
			KeySchema: []types.KeySchemaElement{key("a", "HASH")}, BillingMode: types.BillingModePayPerRequest},
			"1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3"},
		{"undefined key", dynamodb.CreateTableInput{TableName: aws.String("tbl"), AttributeDefinitions: []types.AttributeDefinition{def("a", "S")},
			KeySchema: []types.KeySchemaElement{key("b", "HASH")}, BillingMode: types.BillingModePayPerRequest},
			"One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [b], AttributeDefinitions: [a]"},
		{"extra definition", dynamodb.CreateTableInput{TableName: aws.String("tbl"), AttributeDefinitions: []types.AttributeDefinition{def("a", "S"), def("b", "S")},
			KeySchema: []types.KeySchemaElement{key("a", "HASH")}, BillingMode: types.BillingModePayPerRequest},
			"One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"},
		{"range first", dynamodb.CreateTableInput{TableName: aws.String("tbl"), AttributeDefinitions: []types.AttributeDefinition{def("a", "S")},
			KeySchema: []types.KeySchemaElement{key("a", "RANGE")}, BillingMode: types.BillingModePayPerRequest},
			"Invalid KeySchema: The first KeySchemaElement is not a HASH key type"},
		{"bad type", dynamodb.CreateTableInput{TableName: aws.String("tbl"), AttributeDefinitions: []types.AttributeDefinition{def("a", "BOOL")},
			KeySchema: []types.KeySchemaElement{key("a", "HASH")}, BillingMode: types.BillingModePayPerRequest},
			"1 validation error detected: Value 'BOOL' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]"},
		{"provisioned without throughput", dynamodb.CreateTableInput{TableName: aws.String("tbl"), AttributeDefinitions: []types.AttributeDefinition{def("a", "S")},
			KeySchema: []types.KeySchemaElement{key("a", "HASH")}},
			"One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"},
		{"on-demand with throughput", dynamodb.CreateTableInput{TableName: aws.String("tbl"), AttributeDefinitions: []types.AttributeDefinition{def("a", "S")},
			KeySchema: []types.KeySchemaElement{key("a", "HASH")}, BillingMode: types.BillingModePayPerRequest,
			ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(1)}},
			"One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.CreateTable(ctx, &tc.in)
			apiErr(t, err, "ValidationException", tc.msg)
		})
	}
}

func TestListTablesPagination(t *testing.T) {
	c, _ := newClient(t)
	for i := 0; i < 7; i++ {
		_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName:            aws.String(fmt.Sprintf("table-%02d", i)),
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
			KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
			BillingMode:          types.BillingModePayPerRequest,
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	p := dynamodb.NewListTablesPaginator(c, &dynamodb.ListTablesInput{Limit: aws.Int32(3)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		names = append(names, out.TableNames...)
	}
	if len(names) != 7 || names[0] != "table-00" || names[6] != "table-06" || pages != 3 {
		t.Fatalf("got %d pages: %v", pages, names)
	}
	// Tables are per region: another region sees none.
	other := dynamodb.New(c.Options(), func(o *dynamodb.Options) { o.Region = "eu-west-1" })
	out, err := other.ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil || len(out.TableNames) != 0 {
		t.Fatalf("eu-west-1: %v %v", err, out.TableNames)
	}
}

func TestAccountsAreSeparate(t *testing.T) {
	c, _ := newClient(t)
	notesTable(t, c)
	// A 12-digit access key acts in that account.
	other := dynamodb.New(c.Options(), func(o *dynamodb.Options) {
		o.Credentials = aws.NewCredentialsCache(staticCreds("111122223333"))
	})
	out, err := other.ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil || len(out.TableNames) != 0 {
		t.Fatalf("other account sees %v (%v)", out.TableNames, err)
	}
}

func TestDescribeLimitsAndEndpoints(t *testing.T) {
	c, _ := newClient(t)
	l, err := c.DescribeLimits(ctx, &dynamodb.DescribeLimitsInput{})
	if err != nil || *l.TableMaxReadCapacityUnits != 40000 {
		t.Fatalf("limits: %v", err)
	}
	e, err := c.DescribeEndpoints(ctx, &dynamodb.DescribeEndpointsInput{})
	if err != nil || *e.Endpoints[0].Address != "dynamodb.us-east-1.amazonaws.com" {
		t.Fatalf("endpoints: %v", err)
	}
}

func TestTagging(t *testing.T) {
	c, _ := newClient(t)
	notesTable(t, c)
	arn := aws.String("arn:aws:dynamodb:us-east-1:000000000000:table/Notes")
	if _, err := c.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{
		{Key: aws.String("b"), Value: aws.String("2")}, {Key: aws.String("a"), Value: aws.String("1")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &dynamodb.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"b"}}); err != nil {
		t.Fatal(err)
	}
	out, err := c.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: arn})
	if err != nil || len(out.Tags) != 1 || *out.Tags[0].Key != "a" {
		t.Fatalf("tags %v %+v", err, out)
	}
	_, err = c.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String("arn:aws:dynamodb:us-east-1:000000000000:table/Nope")})
	apiErr(t, err, "ResourceNotFoundException", "")
}
