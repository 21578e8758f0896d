# PollyNotes-DeleteFunction
#
# This Lambda function is integrated with the following API method:
# /notes/{id} DELETE
#
# This function does the following:
# 1. Takes the user and the NoteId from the event API Gateway maps
#    ({"UserId": "student", "NoteId": "<id from the path>"})
# 2. Deletes the note from DynamoDB
# 3. Returns the NoteId of the note deleted

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
    ddbTable = os.environ['TABLE_NAME']

    # Delete the note
    return deleteNote(dynamoDBResource, ddbTable, UserId, NoteId)


def deleteNote(dynamoDBResource, ddbTable, UserId, NoteId):
    print("deleteNote Function")

    table = dynamoDBResource.Table(ddbTable)
    table.delete_item(
        Key={
            'UserId': UserId,
            'NoteId': int(NoteId)
        }
    )

    return NoteId
