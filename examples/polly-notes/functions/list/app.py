# PollyNotes-ListFunction
#
# This Lambda function is integrated with the following API method:
# /notes GET
#
# This function does the following:
# 1. Takes the user from the event API Gateway maps ({"UserId": "student"})
# 2. Queries DynamoDB for all the notes of that user
# 3. Returns them (API Gateway's response template turns them into the JSON
#    the web page reads)

from __future__ import print_function
import boto3
import os
from boto3.dynamodb.conditions import Key

dynamoDBResource = boto3.resource('dynamodb')


def lambda_handler(event, context):
    # Log debug information
    print(event)

    # Extract the user parameters from the event and environment
    UserId = event["UserId"]
    ddbTable = os.environ['TABLE_NAME']

    # Query the notes of the user
    return listNotes(dynamoDBResource, ddbTable, UserId)


def listNotes(dynamoDBResource, ddbTable, UserId):
    print("listNotes Function")

    table = dynamoDBResource.Table(ddbTable)
    records = table.query(
        KeyConditionExpression=Key('UserId').eq(UserId)
    )

    return records['Items']
