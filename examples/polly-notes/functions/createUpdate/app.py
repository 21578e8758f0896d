# PollyNotes-CreateUpdateFunction
#
# This Lambda function is integrated with the following API method:
# /notes POST
#
# This function does the following:
# 1. Takes a JSON payload from API Gateway (validated against NoteModel)
# 2. Creates or replaces the note in DynamoDB
# 3. Returns the NoteId of the note saved

from __future__ import print_function
import boto3
import os

dynamoDBResource = boto3.resource('dynamodb')


def lambda_handler(event, context):
    # Log debug information
    print(event)

    # Extract the user parameters from the event and environment
    UserId = event["UserId"]
    NoteId = event["NoteId"]
    Note = event["Note"]
    ddbTable = os.environ['TABLE_NAME']

    # Create or replace the note
    return upsertNote(dynamoDBResource, ddbTable, UserId, NoteId, Note)


def upsertNote(dynamoDBResource, ddbTable, UserId, NoteId, Note):
    print("upsertNote Function")

    table = dynamoDBResource.Table(ddbTable)
    table.put_item(
        Item={
            'UserId': UserId,
            'NoteId': int(NoteId),
            'Note': Note
        }
    )

    return NoteId
