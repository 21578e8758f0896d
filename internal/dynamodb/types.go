package dynamodb

import (
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/legacy"
)

// Wire shapes of DynamoDB API 2012-08-10, as in botocore's service-2.json.
// Field names are the JSON member names.

type AttributeDefinition struct {
	AttributeName *string `json:"AttributeName,omitempty"`
	AttributeType *string `json:"AttributeType,omitempty"`
}

type KeySchemaElement struct {
	AttributeName *string `json:"AttributeName,omitempty"`
	KeyType       *string `json:"KeyType,omitempty"`
}

type ProvisionedThroughput struct {
	ReadCapacityUnits  *int64 `json:"ReadCapacityUnits,omitempty"`
	WriteCapacityUnits *int64 `json:"WriteCapacityUnits,omitempty"`
}

type ProvisionedThroughputDescription struct {
	LastIncreaseDateTime   *float64 `json:"LastIncreaseDateTime,omitempty"`
	LastDecreaseDateTime   *float64 `json:"LastDecreaseDateTime,omitempty"`
	NumberOfDecreasesToday int64    `json:"NumberOfDecreasesToday"`
	ReadCapacityUnits      int64    `json:"ReadCapacityUnits"`
	WriteCapacityUnits     int64    `json:"WriteCapacityUnits"`
}

type BillingModeSummary struct {
	BillingMode                       string   `json:"BillingMode,omitempty"`
	LastUpdateToPayPerRequestDateTime *float64 `json:"LastUpdateToPayPerRequestDateTime,omitempty"`
}

type Tag struct {
	Key   *string `json:"Key,omitempty"`
	Value *string `json:"Value,omitempty"`
}

type StreamSpecification struct {
	StreamEnabled  *bool   `json:"StreamEnabled,omitempty"`
	StreamViewType *string `json:"StreamViewType,omitempty"`
}

type SSESpecification struct {
	Enabled        *bool   `json:"Enabled,omitempty"`
	SSEType        *string `json:"SSEType,omitempty"`
	KMSMasterKeyId *string `json:"KMSMasterKeyId,omitempty"`
}

type Projection struct {
	ProjectionType   *string  `json:"ProjectionType,omitempty"`
	NonKeyAttributes []string `json:"NonKeyAttributes,omitempty"`
}

type SecondaryIndex struct {
	IndexName             *string                `json:"IndexName,omitempty"`
	KeySchema             []KeySchemaElement     `json:"KeySchema,omitempty"`
	Projection            *Projection            `json:"Projection,omitempty"`
	ProvisionedThroughput *ProvisionedThroughput `json:"ProvisionedThroughput,omitempty"`
	OnDemandThroughput    *OnDemandThroughput    `json:"OnDemandThroughput,omitempty"`
}

type OnDemandThroughput struct {
	MaxReadRequestUnits  *int64 `json:"MaxReadRequestUnits,omitempty"`
	MaxWriteRequestUnits *int64 `json:"MaxWriteRequestUnits,omitempty"`
}

type TableDescription struct {
	AttributeDefinitions      []AttributeDefinition             `json:"AttributeDefinitions,omitempty"`
	BillingModeSummary        *BillingModeSummary               `json:"BillingModeSummary,omitempty"`
	CreationDateTime          float64                           `json:"CreationDateTime"`
	DeletionProtectionEnabled bool                              `json:"DeletionProtectionEnabled"`
	ItemCount                 int64                             `json:"ItemCount"`
	KeySchema                 []KeySchemaElement                `json:"KeySchema,omitempty"`
	ProvisionedThroughput     *ProvisionedThroughputDescription `json:"ProvisionedThroughput,omitempty"`
	StreamSpecification       *StreamSpecification              `json:"StreamSpecification,omitempty"`
	TableArn                  string                            `json:"TableArn"`
	TableId                   string                            `json:"TableId"`
	TableName                 string                            `json:"TableName"`
	TableSizeBytes            int64                             `json:"TableSizeBytes"`
	TableStatus               string                            `json:"TableStatus"`
	TableClassSummary         *TableClassSummary                `json:"TableClassSummary,omitempty"`
	SSEDescription            *SSEDescription                   `json:"SSEDescription,omitempty"`
	OnDemandThroughput        *OnDemandThroughput               `json:"OnDemandThroughput,omitempty"`
	WarmThroughput            *TableWarmThroughputDescription   `json:"WarmThroughput,omitempty"`
	LatestStreamArn           string                            `json:"LatestStreamArn,omitempty"`
	LatestStreamLabel         string                            `json:"LatestStreamLabel,omitempty"`
	LocalSecondaryIndexes     []IndexDescription                `json:"LocalSecondaryIndexes,omitempty"`
	GlobalSecondaryIndexes    []IndexDescription                `json:"GlobalSecondaryIndexes,omitempty"`
}

type IndexDescription struct {
	IndexName             string                            `json:"IndexName"`
	KeySchema             []KeySchemaElement                `json:"KeySchema"`
	Projection            *Projection                       `json:"Projection"`
	IndexStatus           string                            `json:"IndexStatus,omitempty"`
	Backfilling           *bool                             `json:"Backfilling,omitempty"`
	ProvisionedThroughput *ProvisionedThroughputDescription `json:"ProvisionedThroughput,omitempty"`
	OnDemandThroughput    *OnDemandThroughput               `json:"OnDemandThroughput,omitempty"`
	IndexSizeBytes        int64                             `json:"IndexSizeBytes"`
	ItemCount             int64                             `json:"ItemCount"`
	IndexArn              string                            `json:"IndexArn"`
}

type GlobalSecondaryIndexUpdate struct {
	Create *SecondaryIndex `json:"Create,omitempty"`
	Update *SecondaryIndex `json:"Update,omitempty"`
	Delete *struct {
		IndexName *string `json:"IndexName"`
	} `json:"Delete,omitempty"`
}

type TableClassSummary struct {
	TableClass string `json:"TableClass,omitempty"`
}

type SSEDescription struct {
	Status          string `json:"Status,omitempty"`
	SSEType         string `json:"SSEType,omitempty"`
	KMSMasterKeyArn string `json:"KMSMasterKeyArn,omitempty"`
}

type TableWarmThroughputDescription struct {
	ReadUnitsPerSecond  int64  `json:"ReadUnitsPerSecond"`
	WriteUnitsPerSecond int64  `json:"WriteUnitsPerSecond"`
	Status              string `json:"Status"`
}

// Control plane.

type CreateTableInput struct {
	AttributeDefinitions      []AttributeDefinition  `json:"AttributeDefinitions"`
	TableName                 *string                `json:"TableName"`
	KeySchema                 []KeySchemaElement     `json:"KeySchema"`
	LocalSecondaryIndexes     []SecondaryIndex       `json:"LocalSecondaryIndexes"`
	GlobalSecondaryIndexes    []SecondaryIndex       `json:"GlobalSecondaryIndexes"`
	BillingMode               *string                `json:"BillingMode"`
	ProvisionedThroughput     *ProvisionedThroughput `json:"ProvisionedThroughput"`
	StreamSpecification       *StreamSpecification   `json:"StreamSpecification"`
	SSESpecification          *SSESpecification      `json:"SSESpecification"`
	Tags                      []Tag                  `json:"Tags"`
	TableClass                *string                `json:"TableClass"`
	DeletionProtectionEnabled *bool                  `json:"DeletionProtectionEnabled"`
	OnDemandThroughput        *OnDemandThroughput    `json:"OnDemandThroughput"`
	ResourcePolicy            *string                `json:"ResourcePolicy"`
}

type TableOutput struct {
	TableDescription *TableDescription `json:"TableDescription,omitempty"`
}

type TableNameInput struct {
	TableName *string `json:"TableName"`
}

type DescribeTableOutput struct {
	Table *TableDescription `json:"Table,omitempty"`
}

type ListTablesInput struct {
	ExclusiveStartTableName *string `json:"ExclusiveStartTableName"`
	Limit                   *int64  `json:"Limit"`
}

type ListTablesOutput struct {
	LastEvaluatedTableName *string  `json:"LastEvaluatedTableName,omitempty"`
	TableNames             []string `json:"TableNames"`
}

type UpdateTableInput struct {
	AttributeDefinitions        []AttributeDefinition        `json:"AttributeDefinitions"`
	TableName                   *string                      `json:"TableName"`
	BillingMode                 *string                      `json:"BillingMode"`
	ProvisionedThroughput       *ProvisionedThroughput       `json:"ProvisionedThroughput"`
	GlobalSecondaryIndexUpdates []GlobalSecondaryIndexUpdate `json:"GlobalSecondaryIndexUpdates"`
	StreamSpecification         *StreamSpecification         `json:"StreamSpecification"`
	SSESpecification            *SSESpecification            `json:"SSESpecification"`
	ReplicaUpdates              []map[string]any             `json:"ReplicaUpdates"`
	TableClass                  *string                      `json:"TableClass"`
	DeletionProtectionEnabled   *bool                        `json:"DeletionProtectionEnabled"`
	OnDemandThroughput          *OnDemandThroughput          `json:"OnDemandThroughput"`
}

type DescribeLimitsOutput struct {
	AccountMaxReadCapacityUnits  int64 `json:"AccountMaxReadCapacityUnits"`
	AccountMaxWriteCapacityUnits int64 `json:"AccountMaxWriteCapacityUnits"`
	TableMaxReadCapacityUnits    int64 `json:"TableMaxReadCapacityUnits"`
	TableMaxWriteCapacityUnits   int64 `json:"TableMaxWriteCapacityUnits"`
}

type Endpoint struct {
	Address              string `json:"Address"`
	CachePeriodInMinutes int64  `json:"CachePeriodInMinutes"`
}

type DescribeEndpointsOutput struct {
	Endpoints []Endpoint `json:"Endpoints"`
}

type TagResourceInput struct {
	ResourceArn *string  `json:"ResourceArn"`
	Tags        []Tag    `json:"Tags"`
	TagKeys     []string `json:"TagKeys"`
}

type ListTagsOfResourceInput struct {
	ResourceArn *string `json:"ResourceArn"`
	NextToken   *string `json:"NextToken"`
}

type ListTagsOfResourceOutput struct {
	NextToken *string `json:"NextToken,omitempty"`
	Tags      []Tag   `json:"Tags"`
}

type Empty struct{}

// Items.

type ConsumedCapacity struct {
	TableName              string               `json:"TableName,omitempty"`
	CapacityUnits          float64              `json:"CapacityUnits"`
	ReadCapacityUnits      *float64             `json:"ReadCapacityUnits,omitempty"`
	WriteCapacityUnits     *float64             `json:"WriteCapacityUnits,omitempty"`
	Table                  *Capacity            `json:"Table,omitempty"`
	LocalSecondaryIndexes  map[string]*Capacity `json:"LocalSecondaryIndexes,omitempty"`
	GlobalSecondaryIndexes map[string]*Capacity `json:"GlobalSecondaryIndexes,omitempty"`
}

type Capacity struct {
	CapacityUnits      float64  `json:"CapacityUnits"`
	ReadCapacityUnits  *float64 `json:"ReadCapacityUnits,omitempty"`
	WriteCapacityUnits *float64 `json:"WriteCapacityUnits,omitempty"`
}

// Names and Values are a request's expression attribute names and values.
type exprParams struct {
	ExpressionAttributeNames  map[string]string     `json:"ExpressionAttributeNames"`
	ExpressionAttributeValues map[string]attr.Value `json:"ExpressionAttributeValues"`
}

type PutItemInput struct {
	TableName                           *string                                  `json:"TableName"`
	Item                                attr.Item                                `json:"Item"`
	ConditionExpression                 *string                                  `json:"ConditionExpression"`
	ReturnValues                        *string                                  `json:"ReturnValues"`
	ReturnConsumedCapacity              *string                                  `json:"ReturnConsumedCapacity"`
	ReturnItemCollectionMetrics         *string                                  `json:"ReturnItemCollectionMetrics"`
	ReturnValuesOnConditionCheckFailure *string                                  `json:"ReturnValuesOnConditionCheckFailure"`
	Expected                            map[string]legacy.ExpectedAttributeValue `json:"Expected"`
	ConditionalOperator                 *string                                  `json:"ConditionalOperator"`
	exprParams
}

type ItemOutput struct {
	Attributes            attr.Item              `json:"Attributes,omitempty"`
	ConsumedCapacity      *ConsumedCapacity      `json:"ConsumedCapacity,omitempty"`
	ItemCollectionMetrics *ItemCollectionMetrics `json:"ItemCollectionMetrics,omitempty"`
}

type GetItemInput struct {
	wire                     bool
	TableName                *string           `json:"TableName"`
	Key                      attr.Item         `json:"Key"`
	ProjectionExpression     *string           `json:"ProjectionExpression"`
	ConsistentRead           *bool             `json:"ConsistentRead"`
	ReturnConsumedCapacity   *string           `json:"ReturnConsumedCapacity"`
	AttributesToGet          []string          `json:"AttributesToGet"`
	ExpressionAttributeNames map[string]string `json:"ExpressionAttributeNames"`
}

type GetItemOutput struct {
	Item             attr.Item         `json:"Item,omitzero"`
	ConsumedCapacity *ConsumedCapacity `json:"ConsumedCapacity,omitempty"`

	// itemJSON is Item already rendered, when the request came off the wire
	// (see wire); Item is then nil.
	itemJSON []byte
}

type DeleteItemInput struct {
	TableName                           *string                                  `json:"TableName"`
	Key                                 attr.Item                                `json:"Key"`
	ConditionExpression                 *string                                  `json:"ConditionExpression"`
	ReturnValues                        *string                                  `json:"ReturnValues"`
	ReturnConsumedCapacity              *string                                  `json:"ReturnConsumedCapacity"`
	ReturnItemCollectionMetrics         *string                                  `json:"ReturnItemCollectionMetrics"`
	ReturnValuesOnConditionCheckFailure *string                                  `json:"ReturnValuesOnConditionCheckFailure"`
	Expected                            map[string]legacy.ExpectedAttributeValue `json:"Expected"`
	ConditionalOperator                 *string                                  `json:"ConditionalOperator"`
	exprParams
}

type UpdateItemInput struct {
	TableName                           *string                                  `json:"TableName"`
	Key                                 attr.Item                                `json:"Key"`
	UpdateExpression                    *string                                  `json:"UpdateExpression"`
	ConditionExpression                 *string                                  `json:"ConditionExpression"`
	ReturnValues                        *string                                  `json:"ReturnValues"`
	ReturnConsumedCapacity              *string                                  `json:"ReturnConsumedCapacity"`
	ReturnItemCollectionMetrics         *string                                  `json:"ReturnItemCollectionMetrics"`
	ReturnValuesOnConditionCheckFailure *string                                  `json:"ReturnValuesOnConditionCheckFailure"`
	AttributeUpdates                    map[string]legacy.AttributeValueUpdate   `json:"AttributeUpdates"`
	Expected                            map[string]legacy.ExpectedAttributeValue `json:"Expected"`
	ConditionalOperator                 *string                                  `json:"ConditionalOperator"`
	exprParams
}

type QueryInput struct {
	TableName              *string                     `json:"TableName"`
	IndexName              *string                     `json:"IndexName"`
	Select                 *string                     `json:"Select"`
	Limit                  *int64                      `json:"Limit"`
	ConsistentRead         *bool                       `json:"ConsistentRead"`
	ScanIndexForward       *bool                       `json:"ScanIndexForward"`
	ExclusiveStartKey      attr.Item                   `json:"ExclusiveStartKey"`
	ReturnConsumedCapacity *string                     `json:"ReturnConsumedCapacity"`
	ProjectionExpression   *string                     `json:"ProjectionExpression"`
	FilterExpression       *string                     `json:"FilterExpression"`
	KeyConditionExpression *string                     `json:"KeyConditionExpression"`
	AttributesToGet        []string                    `json:"AttributesToGet"`
	KeyConditions          map[string]legacy.Condition `json:"KeyConditions"`
	QueryFilter            map[string]legacy.Condition `json:"QueryFilter"`
	ScanFilter             map[string]legacy.Condition `json:"ScanFilter"`
	ConditionalOperator    *string                     `json:"ConditionalOperator"`
	Segment                *int64                      `json:"Segment"`
	TotalSegments          *int64                      `json:"TotalSegments"`
	exprParams

	// wire is set for requests decoded off the wire, whose output is only
	// encoded: items may then be rendered straight from storage.
	wire bool
}

type QueryOutput struct {
	Items            []attr.Item       `json:"Items,omitzero"`
	Count            int64             `json:"Count"`
	ScannedCount     int64             `json:"ScannedCount"`
	LastEvaluatedKey attr.Item         `json:"LastEvaluatedKey,omitempty"`
	ConsumedCapacity *ConsumedCapacity `json:"ConsumedCapacity,omitempty"`

	// itemsJSON holds the items already rendered and comma-separated, when
	// the request came off the wire and needed no filter or projection;
	// Items is then nil and rendered is true.
	itemsJSON []byte
	rendered  bool
}

type KeysAndAttributes struct {
	Keys                     []attr.Item       `json:"Keys"`
	AttributesToGet          []string          `json:"AttributesToGet,omitempty"`
	ConsistentRead           *bool             `json:"ConsistentRead,omitempty"`
	ProjectionExpression     *string           `json:"ProjectionExpression,omitempty"`
	ExpressionAttributeNames map[string]string `json:"ExpressionAttributeNames,omitempty"`
}

type BatchGetItemInput struct {
	RequestItems           map[string]*KeysAndAttributes `json:"RequestItems"`
	ReturnConsumedCapacity *string                       `json:"ReturnConsumedCapacity"`
}

type BatchGetItemOutput struct {
	Responses        map[string][]attr.Item        `json:"Responses"`
	UnprocessedKeys  map[string]*KeysAndAttributes `json:"UnprocessedKeys"`
	ConsumedCapacity []ConsumedCapacity            `json:"ConsumedCapacity,omitempty"`
}

type WriteRequest struct {
	PutRequest *struct {
		Item attr.Item `json:"Item"`
	} `json:"PutRequest,omitempty"`
	DeleteRequest *struct {
		Key attr.Item `json:"Key"`
	} `json:"DeleteRequest,omitempty"`
}

type BatchWriteItemInput struct {
	RequestItems                map[string][]WriteRequest `json:"RequestItems"`
	ReturnConsumedCapacity      *string                   `json:"ReturnConsumedCapacity"`
	ReturnItemCollectionMetrics *string                   `json:"ReturnItemCollectionMetrics"`
}

type BatchWriteItemOutput struct {
	UnprocessedItems      map[string][]WriteRequest           `json:"UnprocessedItems"`
	ItemCollectionMetrics map[string][]*ItemCollectionMetrics `json:"ItemCollectionMetrics,omitempty"`
	ConsumedCapacity      []ConsumedCapacity                  `json:"ConsumedCapacity,omitempty"`
}
