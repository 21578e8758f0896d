# PollyNotes-SearchFunction
#
# This Lambda function is integrated with the following API method:
# /notes/search GET
#
# This function does the following:
# 1. Takes the user and the text to look for from the event API Gateway maps
#    ({"UserId": "student", "text": "..."})
# 2. Queries DynamoDB for the notes of that user whose Note contains the text
# 3. Returns them

from __future__ import print_function
import boto3
import os
from boto3.dynamodb.conditions import Key, Attr

dynamoDBResource = boto3.resource('dynamodb')


def lambda_handler(event, context):
    # Log debug information
    print(event)

    # Extract the user parameters from the event and environment
    UserId = event["UserId"]
    text = event["text"]
    ddbTable = os.environ['TABLE_NAME']

    # Query the notes of the user that contain the text
    return searchNotes(dynamoDBResource, ddbTable, UserId, text)


def searchNotes(dynamoDBResource, ddbTable, UserId, text):
    print("searchNotes Function")

    table = dynamoDBResource.Table(ddbTable)
    records = table.query(
        KeyConditionExpression=Key('UserId').eq(UserId),
        FilterExpression=Attr('Note').contains(text)
    )

    return records['Items']
