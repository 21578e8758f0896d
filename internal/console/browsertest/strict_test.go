package browsertest

import (
	"bytes"
	"context"
	"io"
	"os/exec"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/polly"
	pollytypes "github.com/aws/aws-sdk-go-v2/service/polly/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/chromedp/chromedp"

	"github.com/nimbus-cloud/nimbus"
	"github.com/nimbus-cloud/nimbus/nimbustest"
)

// With --auth strict every console call is a verified SigV4 request: the
// default test/test pair is refused with the service's own error, and the
// configured key works for every protocol (awsJson, restJson, restXml and
// S3 pre-signed URLs, with keys that need escaping).
func TestConsoleStrictAuth(t *testing.T) {
	chromium(t)
	const ak, sk = "AKIACONSOLETEST00001", "s3cr3t/with+chars=ok"
	srv := nimbustest.Start(t, nimbus.Config{Auth: nimbus.AuthStrict,
		Credentials: []nimbus.Credential{{AccessKey: ak, Secret: sk}}})
	ctx := context.Background()
	cfg := aws.Config{Region: "eu-west-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(ak, sk, "")}
	speech, err := polly.NewFromConfig(cfg).SynthesizeSpeech(ctx, &polly.SynthesizeSpeechInput{
		Text: aws.String("Strictly speaking."), VoiceId: pollytypes.VoiceIdBrian, OutputFormat: pollytypes.OutputFormatMp3})
	if err != nil {
		t.Fatal(err)
	}
	mp3, _ := io.ReadAll(speech.AudioStream)
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("strict-audio"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuWest1}}); err != nil {
		t.Fatal(err)
	}
	const key = "a dir/é+&=?#%.mp3"
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("strict-audio"), Key: aws.String(key),
		Body: bytes.NewReader(mp3), ContentType: aws.String("audio/mpeg")}); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, srv.URL)
	b.run("load the console", chromedp.Navigate(srv.URL+"/_nimbus/"), poll(`document.getElementById("main").dataset.ready === "#/"`))

	// The default pair is unknown to this nimbus.
	b.run("open dynamodb", js(`location.hash = "#/dynamodb"`), poll(`document.getElementById("main").dataset.ready === "#/dynamodb"`))
	b.waitText("#page-error", "UnrecognizedClientException")
	b.shot("70-strict-refused")

	b.open("#/settings")
	b.run("save credentials", set("set-ak", ak), set("set-sk", sk), set("set-region", "eu-west-1"), click("#set-save"))
	b.status("#set-save + p")
	b.waitText("#who", ak+" · eu-west-1")

	b.open("#/dynamodb")
	b.run("create table", set("ct-name", "Strict"), set("ct-pk", "id"), click("#ct-create"))
	b.status("#ct-status")
	b.waitText("#ddb-table-list", "Strict")
	b.open("#/dynamodb/Strict")
	b.run("put", set("put-item", `{"id":{"S":"x/ y+é"}}`), click("#put-run"))
	b.status("#put-status")
	b.open("#/lambda")
	if _, err := exec.LookPath("python3"); err == nil {
		// Lambda's bodies stream past the edge: the signature covers the
		// declared x-amz-content-sha256.
		if _, err := lambda.NewFromConfig(cfg).CreateFunction(ctx, &lambda.CreateFunctionInput{
			FunctionName: aws.String("echo"), Runtime: lambdatypes.RuntimePython312, Handler: aws.String("app.lambda_handler"),
			Role: aws.String("arn:aws:iam::000000000000:role/echo"), Code: &lambdatypes.FunctionCode{ZipFile: zipFile(t, "app.py", echoPy)},
		}); err != nil {
			t.Fatal(err)
		}
		b.open("#/lambda/echo")
		b.run("invoke", set("invoke-event", `{"strict": true}`), click("#invoke-run"))
		b.status("#invoke-status")
		b.waitText("#invoke-result", `"strict": true`)
	}
	b.open("#/logs")
	b.open("#/apigateway")
	b.open("#/polly")
	b.run("speak", click("#polly-speak"))
	b.status("#polly-status")
	b.waitAudio("#polly-audio")

	b.open("#/s3")
	b.waitText("#bucket-list", "strict-audio")
	b.open("#/s3/strict-audio/a%20dir")
	b.waitText("#object-list", "é+&=?#%.mp3")
	b.run("play", click("button.play"))
	b.status("#s3-status")
	if d := b.waitAudio("#s3-audio"); d < 0.5 {
		t.Fatalf("the MP3 plays %.2f s", d)
	}
	// A tampered pre-signed URL is refused, as S3 refuses it.
	status := pollValue[float64](b, "tampered URL", `fetch(document.getElementById("s3-audio").src.replace("X-Amz-Expires=900", "X-Amz-Expires=901")).then(r => r.status)`)
	if status != 403 {
		t.Fatalf("tampered pre-signed URL: HTTP %v, want 403", status)
	}
	b.shot("71-strict-s3")
}
