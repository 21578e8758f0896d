package iam

import "time"

// awsPolicy is an AWS managed policy: the same in every account, read-only.
type awsPolicy struct {
	Name, Path, ID, Version, Description string
	Created, Updated                     time.Time
	Document                             string
}

func (p *awsPolicy) arn() string { return "arn:aws:iam::aws:policy" + p.Path + p.Name }

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// awsPolicies are the AWS managed policies the course and common
// serverless deploy scripts attach, with their documents as AWS publishes
// them (the current default version).
var awsPolicies = []*awsPolicy{
	{Name: "AWSLambdaBasicExecutionRole", Path: "/service-role/", ID: "ANPAJNCQGXC42545SKXIK", Version: "v1",
		Description: "Provides write permissions to CloudWatch Logs.",
		Created:     day("2015-04-09T15:03:43Z"), Updated: day("2015-04-09T15:03:43Z"),
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`},
	{Name: "AWSLambdaDynamoDBExecutionRole", Path: "/service-role/", ID: "ANPAIP7WNAGMIPYNW4WQG", Version: "v1",
		Description: "Provides list and read access to DynamoDB streams and write permissions to CloudWatch logs.",
		Created:     day("2015-04-09T15:09:29Z"), Updated: day("2015-04-09T15:09:29Z"),
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:DescribeStream","dynamodb:GetRecords","dynamodb:GetShardIterator","dynamodb:ListStreams","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`},
	{Name: "AWSLambdaRole", Path: "/service-role/", ID: "ANPAJX4DPCRGTC4NFDUXI", Version: "v1",
		Description: "Default policy for AWS Lambda service role.",
		Created:     day("2015-02-06T18:41:28Z"), Updated: day("2015-02-06T18:41:28Z"),
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:InvokeFunction"],"Resource":["*"]}]}`},
	{Name: "AmazonDynamoDBFullAccess", Path: "/", ID: "ANPAINUGF2JSOSUY76KYA", Version: "v1",
		Description: "Provides full access to Amazon DynamoDB via the AWS Management Console.",
		Created:     day("2015-02-06T18:40:11Z"), Updated: day("2015-02-06T18:40:11Z"),
		Document: `{"Version":"2012-10-17","Statement":[{"Action":["dynamodb:*","dax:*","application-autoscaling:DeleteScalingPolicy","application-autoscaling:DeregisterScalableTarget","application-autoscaling:DescribeScalableTargets","application-autoscaling:DescribeScalingActivities","application-autoscaling:DescribeScalingPolicies","application-autoscaling:PutScalingPolicy","application-autoscaling:RegisterScalableTarget","cloudwatch:DeleteAlarms","cloudwatch:DescribeAlarmHistory","cloudwatch:DescribeAlarms","cloudwatch:DescribeAlarmsForMetric","cloudwatch:GetMetricStatistics","cloudwatch:ListMetrics","cloudwatch:PutMetricAlarm","cloudwatch:GetMetricData","datapipeline:ActivatePipeline","datapipeline:CreatePipeline","datapipeline:DeletePipeline","datapipeline:DescribeObjects","datapipeline:DescribePipelines","datapipeline:GetPipelineDefinition","datapipeline:ListPipelines","datapipeline:PutPipelineDefinition","datapipeline:QueryObjects","ec2:DescribeVpcs","ec2:DescribeSubnets","ec2:DescribeSecurityGroups","iam:GetRole","iam:ListRoles","kms:DescribeKey","kms:ListAliases","sns:CreateTopic","sns:DeleteTopic","sns:ListSubscriptions","sns:ListSubscriptionsByTopic","sns:ListTopics","sns:Subscribe","sns:Unsubscribe","sns:SetTopicAttributes","lambda:CreateFunction","lambda:ListFunctions","lambda:ListEventSourceMappings","lambda:CreateEventSourceMapping","lambda:DeleteEventSourceMapping","lambda:GetFunctionConfiguration","lambda:DeleteFunction","resource-groups:ListGroups","resource-groups:ListGroupResources","resource-groups:GetGroup","resource-groups:GetGroupQuery","resource-groups:DeleteGroup","resource-groups:CreateGroup","tag:GetResources","kinesis:ListStreams","kinesis:DescribeStream","kinesis:DescribeStreamSummary"],"Effect":"Allow","Resource":"*"},{"Action":"cloudwatch:GetInsightRuleReport","Effect":"Allow","Resource":"arn:aws:cloudwatch:*:*:insight-rule/DynamoDBContributorInsights*"},{"Action":["iam:PassRole"],"Effect":"Allow","Resource":"*","Condition":{"StringLike":{"iam:PassedToService":["application-autoscaling.amazonaws.com","application-autoscaling.amazonaws.com.cn","dax.amazonaws.com"]}}},{"Effect":"Allow","Action":["iam:CreateServiceLinkedRole"],"Resource":"*","Condition":{"StringEquals":{"iam:AWSServiceName":["replication.dynamodb.amazonaws.com","dax.amazonaws.com","dynamodb.application-autoscaling.amazonaws.com","contributorinsights.dynamodb.amazonaws.com","kinesisreplication.dynamodb.amazonaws.com"]}}}]}`},
	{Name: "AmazonS3FullAccess", Path: "/", ID: "ANPAIFIR6V6BVTRAHWINE", Version: "v2",
		Description: "Provides full access to all buckets via the AWS Management Console.",
		Created:     day("2015-02-06T18:40:58Z"), Updated: day("2021-09-27T20:16:37Z"),
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","s3-object-lambda:*"],"Resource":"*"}]}`},
	{Name: "AmazonS3ReadOnlyAccess", Path: "/", ID: "ANPAIZTJ4DXE7G6AGAE6M", Version: "v3",
		Description: "Provides read only access to all buckets via the AWS Management Console.",
		Created:     day("2015-02-06T18:40:59Z"), Updated: day("2023-08-10T21:31:39Z"),
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}`},
	{Name: "AmazonPollyFullAccess", Path: "/", ID: "ANPAJUZOYQU6XQYPR7EWS", Version: "v1",
		Description: "Grants full access to Amazon Polly service and resources.",
		Created:     day("2016-11-30T18:59:06Z"), Updated: day("2016-11-30T18:59:06Z"),
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["polly:*"],"Resource":["*"]}]}`},
	{Name: "CloudWatchLogsFullAccess", Path: "/", ID: "ANPAJ3ZGNWK2R5HW5BQFO", Version: "v1",
		Description: "Provides full access to CloudWatch Logs",
		Created:     day("2015-02-06T18:40:11Z"), Updated: day("2015-02-06T18:40:11Z"),
		Document: `{"Version":"2012-10-17","Statement":[{"Action":["logs:*"],"Effect":"Allow","Resource":"*"}]}`},
	{Name: "AmazonAPIGatewayInvokeFullAccess", Path: "/", ID: "ANPAIIWAX2NOOQJ4AIEQ6", Version: "v1",
		Description: "Provides full access to invoke APIs in Amazon API Gateway.",
		Created:     day("2015-07-09T17:36:12Z"), Updated: day("2015-07-09T17:36:12Z"),
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["execute-api:Invoke"],"Resource":"arn:aws:execute-api:*:*:*"}]}`},
	{Name: "AdministratorAccess", Path: "/", ID: "ANPAIWMBCKSKIEE64ZLYK", Version: "v1",
		Description: "Provides full access to AWS services and resources.",
		Created:     day("2015-02-06T18:39:46Z"), Updated: day("2015-02-06T18:39:46Z"),
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
}

// awsPolicyByARN finds an AWS managed policy.
func awsPolicyByARN(arn string) *awsPolicy {
	for _, p := range awsPolicies {
		if p.arn() == arn {
			return p
		}
	}
	return nil
}
