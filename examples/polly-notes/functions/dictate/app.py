# PollyNotes-DictateFunction
#
# This Lambda function is integrated with the following API method:
# /notes/{id} POST
#
# This function does the following:
# 1. Takes a JSON payload from API Gateway and converts it to a Python dictionary
# 2. Queries DynamoDB for the note from the authenticated user
# 3. Uses Amazon Polly to convert the note to speech in the requested voice
# 4. Saves the MP3 file to /tmp, uploads it to S3 at UserId/NoteId.mp3
# 5. Returns a pre-signed URL to that MP3 file

from __future__ import print_function
import boto3
import os
from contextlib import closing

dynamoDBResource = boto3.resource('dynamodb')
pollyClient = boto3.client('polly')
s3Client = boto3.client('s3')


def lambda_handler(event, context):
    # Log debug information
    print(event)

    # Extract the user parameters from the event and environment
    UserId = event["UserId"]
    NoteId = event["NoteId"]
    VoiceId = event['VoiceId']
    mp3Bucket = os.environ['MP3_BUCKET_NAME']
    ddbTable = os.environ['TABLE_NAME']

    # Get the note text from the database
    text = getNote(dynamoDBResource, ddbTable, UserId, NoteId)

    # Save a MP3 file locally with the output from polly
    filePath = createMP3File(pollyClient, text, VoiceId, NoteId)

    # Host the file on S3 that is accessed by a pre-signed url
    signedURL = hostFileOnS3(s3Client, filePath, mp3Bucket, UserId, NoteId)

    return signedURL


def getNote(dynamoDBResource, ddbTable, UserId, NoteId):
    print("getNote Function")

    table = dynamoDBResource.Table(ddbTable)
    records = table.get_item(
        Key={
            'UserId': UserId,
            'NoteId': int(NoteId)
        }
    )

    return records['Item']['Note']


def createMP3File(pollyClient, text, VoiceId, NoteId):
    print("createMP3File Function")

    pollyResponse = pollyClient.synthesize_speech(
        OutputFormat='mp3',
        Text=text,
        VoiceId=VoiceId
    )

    if "AudioStream" in pollyResponse:
        postId = str(NoteId)
        with closing(pollyResponse["AudioStream"]) as stream:
            filePath = os.path.join("/tmp/", postId)
            with open(filePath, "wb") as file:
                file.write(stream.read())

    return filePath


def hostFileOnS3(s3Client, filePath, mp3Bucket, UserId, NoteId):
    print("hostFileOnS3 Function")

    s3Client.upload_file(filePath, mp3Bucket, UserId + '/' + NoteId + '.mp3')

    # Remove the file from /tmp, it is no longer needed
    os.remove(filePath)

    url = s3Client.generate_presigned_url(
        ClientMethod='get_object',
        Params={
            'Bucket': mp3Bucket,
            'Key': UserId + '/' + NoteId + '.mp3'
        }
    )

    return url
