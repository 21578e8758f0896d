package browsertest

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/polly"
	pollytypes "github.com/aws/aws-sdk-go-v2/service/polly/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/chromedp/chromedp"

	"github.com/nimbus-cloud/nimbus/nimbustest"
)

// chromium finds the browser or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("NIMBUS_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed (apt-get install chromium, or run scripts/deps.sh); skipping the console's browser tests")
	return ""
}

// artifacts is where screenshots go: $NIMBUS_ARTIFACTS or a temp dir.
func artifacts(t *testing.T) string {
	dir := os.Getenv("NIMBUS_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	dir = filepath.Join(dir, "console")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	dir  string
}

func newBrowser(t *testing.T, base string) *browser {
	exe := chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.Flag("mute-audio", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	// The whole walk is bounded: the timeout stops the browser itself.
	tctx, cancelC := context.WithTimeout(context.Background(), 90*time.Second)
	actx, cancelA := chromedp.NewExecAllocator(tctx, opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelB(); cancelA(); cancelC() })
	return &browser{t: t, ctx: ctx, base: base, dir: artifacts(t)}
}

func (b *browser) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.fail(what, err)
	}
}

func (b *browser) fail(what string, err error) {
	b.t.Helper()
	page, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("main")?.innerText || ""`))
	b.t.Fatalf("%s: %v\npage text:\n%s", what, err, page)
}

// js evaluates an expression for its effect.
func js(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool]("("+expr+", true)")(ctx, t)
		return err
	})
}

// set sets a form control's value and fires its input and change events,
// as typing or choosing would. The console re-renders pages, so elements
// are looked up in the page each time rather than held as DOM nodes.
func set(id, value string) chromedp.Action[chromedp.Void] {
	return js(fmt.Sprintf(`(() => { const e = document.getElementById(%q); e.value = %q;
		e.dispatchEvent(new Event("input", {bubbles: true})); e.dispatchEvent(new Event("change", {bubbles: true})) })()`, id, value))
}

// click clicks the element sel, once it exists.
func click(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(poll(fmt.Sprintf(`document.querySelector(%q) !== null`, sel)),
		js(fmt.Sprintf(`document.querySelector(%q).click()`, sel)))
}

func poll(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(20*time.Millisecond))
}

func pollValue[T any](b *browser, what, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Poll[T](expr, chromedp.WithPollingInterval(20*time.Millisecond)))
	if err != nil {
		b.fail(what, err)
	}
	return v
}

// open goes to a console page (#/...) and waits until it has loaded.
func (b *browser) open(hash string) {
	b.t.Helper()
	b.run("open "+hash,
		js(fmt.Sprintf(`location.hash = %q`, hash)),
		poll(fmt.Sprintf(`document.getElementById("main").dataset.ready === %q`, hash)))
	errText, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.getElementById("page-error")?.textContent || ""`))
	if errText != "" {
		b.t.Fatalf("page %s failed: %s", hash, errText)
	}
}

// status waits for the status line sel to report ok or error and fails on error.
func (b *browser) status(sel string) string {
	b.t.Helper()
	res := pollValue[string](b, "wait for "+sel, fmt.Sprintf(`(() => { const e = document.querySelector(%q);
		return e && (e.classList.contains("ok") || e.classList.contains("error")) ? e.className + "|" + e.textContent : null })()`, sel))
	if !strings.HasPrefix(res, "status ok") {
		b.t.Fatalf("%s: %s", sel, res)
	}
	return res
}

// statusErr waits for the status line sel to report an error containing want.
func (b *browser) statusErr(sel, want string) {
	b.t.Helper()
	res := pollValue[string](b, "wait for "+sel, fmt.Sprintf(`(() => { const e = document.querySelector(%q);
		return e && (e.classList.contains("ok") || e.classList.contains("error")) ? e.className + "|" + e.textContent : null })()`, sel))
	if !strings.HasPrefix(res, "status error") || !strings.Contains(res, want) {
		b.t.Fatalf("%s: %s, want an error with %q", sel, res, want)
	}
}

// waitText waits until sel's text contains want.
func (b *browser) waitText(sel, want string) {
	b.t.Helper()
	b.run(fmt.Sprintf("wait for %q in %s", want, sel),
		poll(fmt.Sprintf(`(document.querySelector(%q)?.textContent || "").includes(%q)`, sel, want)))
}

// waitAudio waits until the <audio> sel has decoded a non-empty clip.
func (b *browser) waitAudio(sel string) float64 {
	b.t.Helper()
	d := pollValue[float64](b, "audio "+sel, fmt.Sprintf(`(() => { const a = document.querySelector(%q);
		if (a.error) return -a.error.code;
		return a.readyState >= 1 && a.duration > 0 && isFinite(a.duration) ? a.duration : null })()`, sel))
	if d <= 0 {
		b.t.Fatalf("%s failed to load: MediaError code %v", sel, -d)
	}
	return d
}

func (b *browser) shot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.fail("screenshot "+name, err)
	}
	if err := os.WriteFile(filepath.Join(b.dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func zipFile(t *testing.T, name, body string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, body)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const echoPy = `import json
def lambda_handler(event, context):
    print("got", json.dumps(event, sort_keys=True))
    return {"echo": event, "function": context.function_name}
`

// TestConsole walks the console as a user would: every service's page,
// creating a table, putting and querying an item, invoking a function,
// playing an MP3 from S3 and one from Polly, enabling CORS and deploying
// an API. Each page's screenshot is saved.
func TestConsole(t *testing.T) {
	chromium(t)
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed (the test's function is Python)")
	}
	srv := nimbustest.Start(t)
	ctx := context.Background()
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	lam := lambda.NewFromConfig(cfg)
	if _, err := lam.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("echo"), Runtime: lambdatypes.RuntimePython312, Handler: aws.String("app.lambda_handler"),
		Role: aws.String("arn:aws:iam::000000000000:role/echo"), Code: &lambdatypes.FunctionCode{ZipFile: zipFile(t, "app.py", echoPy)},
	}); err != nil {
		t.Fatal(err)
	}
	speech, err := polly.NewFromConfig(cfg).SynthesizeSpeech(ctx, &polly.SynthesizeSpeechInput{
		Text: aws.String("Hello from the notes bucket."), VoiceId: pollytypes.VoiceIdJoanna, OutputFormat: pollytypes.OutputFormatMp3})
	if err != nil {
		t.Fatal(err)
	}
	mp3, _ := io.ReadAll(speech.AudioStream)
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("notes-mp3")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("notes-mp3"), Key: aws.String("student/1 hello.mp3"),
		Body: bytes.NewReader(mp3), ContentType: aws.String("audio/mpeg")}); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, srv.URL)
	b.run("load the console", chromedp.Navigate(srv.URL+"/_nimbus/"),
		poll(`document.getElementById("main").dataset.ready === "#/"`))
	b.shot("00-home")

	t.Run("dynamodb", func(t *testing.T) {
		b.t = t
		b.open("#/dynamodb")
		b.run("fill create table",
			set("ct-name", "Notes"),
			set("ct-pk", "UserId"),
			set("ct-sk", "NoteId"),
			set("ct-sk-type", "N"),
			set("ct-gsi", "ByNote"),
			set("ct-gsi-pk", "Note"),
			click("#ct-create"))
		b.status("#ct-status")
		b.waitText("#ddb-table-list", "GSI ByNote")
		b.shot("10-dynamodb-tables")
		// AWS's own errors reach the page.
		b.run("create it again", click("#ct-create"))
		b.statusErr("#ct-status", "ResourceInUseException: Table already exists: Notes")

		b.open("#/dynamodb/Notes")
		b.run("put an item",
			set("put-item", `{"UserId":{"S":"student"},"NoteId":{"N":"1"},"Note":{"S":"hello console"}}`),
			click("#put-run"))
		b.status("#put-status")
		b.waitText("#ddb-item-list", "hello console")
		b.run("query", set("q-pk", "student"), click("#q-run"))
		if got := b.status("#ddb-status"); !strings.Contains(got, "Query returned 1 item") {
			t.Fatalf("query: %s", got)
		}
		b.shot("11-dynamodb-items")

		// Paging: a second item, a Scan one item at a time.
		b.run("put a second item", set("put-item", `{"UserId":{"S":"newbie"},"NoteId":{"N":"2"},"Note":{"S":"second"}}`), click("#put-run"))
		b.status("#put-status")
		b.run("scan by one", set("scan-limit", "1"), click("#scan-run"))
		b.status("#ddb-status")
		b.waitText("#ddb-meta", "more available")
		b.run("next page", click("#ddb-next"))
		if got := b.status("#ddb-status"); !strings.Contains(got, "Scan returned 1 more item") {
			t.Fatalf("next page: %s", got)
		}

		// What the console wrote is what the SDK reads.
		out, err := dynamodb.NewFromConfig(cfg).GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Notes"),
			Key: map[string]ddbtypes.AttributeValue{"UserId": &ddbtypes.AttributeValueMemberS{Value: "student"}, "NoteId": &ddbtypes.AttributeValueMemberN{Value: "1"}}})
		if err != nil {
			t.Fatal(err)
		}
		if n, ok := out.Item["Note"].(*ddbtypes.AttributeValueMemberS); !ok || n.Value != "hello console" {
			t.Fatalf("GetItem: %#v", out.Item)
		}
		desc, err := dynamodb.NewFromConfig(cfg).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Notes")})
		if err != nil || len(desc.Table.GlobalSecondaryIndexes) != 1 {
			t.Fatalf("DescribeTable: %v %+v", err, desc)
		}
	})

	t.Run("lambda", func(t *testing.T) {
		b.t = t
		b.open("#/lambda")
		b.waitText("#fn-list", "python3.12")
		b.shot("20-lambda-functions")
		b.open("#/lambda/echo")
		b.run("bad JSON", set("invoke-event", `{"UserId": `), click("#invoke-run"))
		b.statusErr("#invoke-status", "The event is not valid JSON")
		b.run("invoke", set("invoke-event", `{"UserId": "student", "NoteId": 1}`),
			click("#invoke-run"))
		b.status("#invoke-status")
		b.waitText("#invoke-result", `"function": "echo"`)
		b.waitText("#invoke-log", "REPORT RequestId")
		b.waitText("#fn-recent-list", "cold")
		b.shot("21-lambda-invoke")
	})

	t.Run("logs", func(t *testing.T) {
		b.t = t
		b.open("#/logs")
		b.waitText("#group-list", "/aws/lambda/echo")
		b.shot("30-logs-groups")
		b.open("#/logs/" + "%2Faws%2Flambda%2Fecho")
		b.waitText("#log-events", `got {"NoteId": 1, "UserId": "student"}`)
		b.shot("31-logs-events")

		// Live tail: an invocation made elsewhere appears without reloading.
		b.run("live tail", click("#log-live"))
		if _, err := lam.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("echo"), Payload: []byte(`{"tail": "live"}`)}); err != nil {
			t.Fatal(err)
		}
		b.waitText("#log-events", `got {"tail": "live"}`)
	})

	t.Run("s3", func(t *testing.T) {
		b.t = t
		b.open("#/s3")
		b.waitText("#bucket-list", "notes-mp3")
		b.shot("40-s3-buckets")
		b.open("#/s3/notes-mp3/student")
		b.waitText("#object-list", "1 hello.mp3")
		b.run("play", click(`button.play`))
		b.status("#s3-status")
		if d := b.waitAudio("#s3-audio"); d < 0.5 {
			t.Fatalf("the MP3 plays %.2f s", d)
		}
		b.shot("41-s3-objects")

		// Upload through the file input; the SDK reads back the same bytes.
		up := filepath.Join(t.TempDir(), "upload.txt")
		os.WriteFile(up, []byte("uploaded from the console\n"), 0o644)
		b.run("upload", chromedp.SetUploadFiles(chromedp.ID("up-file"), []string{up}), set("up-key", "from console.txt"), click("#up-run"))
		b.status("#s3-status")
		b.waitText("#object-list", "from console.txt")
		obj, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("notes-mp3"), Key: aws.String("student/from console.txt")})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(obj.Body)
		if string(body) != "uploaded from the console\n" || aws.ToString(obj.ContentType) != "text/plain" {
			t.Fatalf("uploaded object: %q %q", body, aws.ToString(obj.ContentType))
		}
	})

	t.Run("polly", func(t *testing.T) {
		b.t = t
		b.open("#/polly")
		b.run("speak", set("polly-voice", "Matthew"),
			set("polly-text", "The console speaks."),
			click("#polly-speak"))
		b.status("#polly-status")
		if d := b.waitAudio("#polly-audio"); d < 0.5 {
			t.Fatalf("Polly's MP3 plays %.2f s", d)
		}
		b.shot("50-polly")
	})

	t.Run("apigateway", func(t *testing.T) {
		b.t = t
		b.open("#/apigateway")
		b.run("create API", set("api-name", "ConsoleAPI"), click("#api-create"),
			poll(`location.hash.startsWith("#/apigateway/") && document.getElementById("main").dataset.ready === location.hash`))
		b.run("create resource", set("res-part", "notes"), click("#res-create"))
		b.waitText("#resource-tree", "/notes")
		b.run("create method", poll(`[...document.querySelectorAll("#m-resource option")].some(o => o.textContent === "/notes")`),
			js(`(() => { const s = document.getElementById("m-resource"); s.value = [...s.options].find(o => o.textContent === "/notes").value })()`),
			set("m-verb", "GET"), set("m-type", "AWS"),
			set("m-fn", "echo"), click("#m-create"))
		b.waitText(`#resource-tree li[data-path="/notes"]`, "GET")
		b.run("enable CORS", click(`button.cors[data-path="/notes"]`))
		b.waitText(`#resource-tree li[data-path="/notes"]`, "OPTIONS")
		b.run("deploy", set("deploy-stage", "Prod"), click("#deploy-run"))
		b.waitText("#stage-list", "Prod")
		b.run("test call", set("t-method", "OPTIONS"), set("t-path", "/notes"),
			click("#t-run"))
		b.status("#t-status")
		b.waitText("#t-result", "access-control-allow-origin: *")
		b.waitText("#t-result", "access-control-allow-methods: GET,OPTIONS")
		b.run("test GET", set("t-method", "GET"), click("#t-run"))
		b.waitText("#t-result", `"function": "echo"`)
		b.waitText("#t-result", "access-control-allow-origin: *")
		b.run("show method", click(`#resource-tree li[data-path="/notes"] button[data-method="GET"]`))
		b.waitText("#method-detail", "methodIntegration")
		b.shot("60-apigateway")
	})
}
