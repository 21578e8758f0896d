package nimbus_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/polly"
	ptypes "github.com/aws/aws-sdk-go-v2/service/polly/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/nimbus-cloud/nimbus/nimbustest"
)

// Services that reach each other through the app's wiring: Polly tasks
// write to S3, Lambda takes its code from S3.
func TestCrossServiceWiring(t *testing.T) {
	srv := nimbustest.Start(t)
	ctx := context.Background()
	creds := credentials.NewStaticCredentialsProvider("test", "test", "")
	s3c := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: creds, UsePathStyle: true})
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("wired")}); err != nil {
		t.Fatal(err)
	}

	// Polly → S3.
	pc := polly.New(polly.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: creds})
	task, err := pc.StartSpeechSynthesisTask(ctx, &polly.StartSpeechSynthesisTaskInput{
		OutputFormat: ptypes.OutputFormatMp3, VoiceId: ptypes.VoiceIdJoanna, Text: aws.String("Hello from a task."),
		OutputS3BucketName: aws.String("wired"), OutputS3KeyPrefix: aws.String("speech/")})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	var st *ptypes.SynthesisTask
	for {
		got, err := pc.GetSpeechSynthesisTask(ctx, &polly.GetSpeechSynthesisTaskInput{TaskId: task.SynthesisTask.TaskId})
		if err != nil {
			t.Fatal(err)
		}
		st = got.SynthesisTask
		if st.TaskStatus == ptypes.TaskStatusCompleted || st.TaskStatus == ptypes.TaskStatusFailed || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond) // waiting for the task, not timing it
	}
	if st.TaskStatus != ptypes.TaskStatusCompleted {
		t.Fatalf("task %s: %s", st.TaskStatus, aws.ToString(st.TaskStatusReason))
	}
	obj, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("wired"), Key: aws.String("speech/" + *st.TaskId + ".mp3")})
	if err != nil {
		t.Fatalf("task output not in S3: %v", err)
	}
	mp3, _ := io.ReadAll(obj.Body)
	if len(mp3) < 1000 || (mp3[0] != 0xFF && string(mp3[:3]) != "ID3") {
		t.Fatalf("task output is not an MP3 (%d bytes)", len(mp3))
	}

	// S3 → Lambda code.
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	f, _ := zw.Create("app.py")
	io.WriteString(f, "def lambda_handler(event, context):\n    return {'echo': event['msg']}\n")
	zw.Close()
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("wired"), Key: aws.String("code/app.zip"), Body: bytes.NewReader(zbuf.Bytes())}); err != nil {
		t.Fatal(err)
	}
	lc := lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: creds})
	if _, err := lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("from-s3"), Runtime: ltypes.RuntimePython312,
		Handler: aws.String("app.lambda_handler"), Role: aws.String("arn:aws:iam::000000000000:role/r"),
		Code: &ltypes.FunctionCode{S3Bucket: aws.String("wired"), S3Key: aws.String("code/app.zip")}}); err != nil {
		t.Fatal(err)
	}
	w := lambda.NewFunctionActiveV2Waiter(lc)
	if err := w.Wait(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("from-s3")}, time.Minute); err != nil {
		t.Fatal(err)
	}
	out, err := lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("from-s3"), Payload: []byte(`{"msg":"wired"}`)})
	if err != nil || out.FunctionError != nil || !strings.Contains(string(out.Payload), `"wired"`) {
		t.Fatalf("invoke: %v %s", err, out.Payload)
	}
}
