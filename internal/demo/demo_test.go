package demo_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/nimbus-cloud/nimbus/internal/demo"
	"github.com/nimbus-cloud/nimbus/nimbustest"
)

// cliEnv points the AWS CLI at nothing but what the test gives it.
var cliEnv = []string{"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1",
	"AWS_PAGER=", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"}

type response struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, method, url, body string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header, string(b)}
}

// TestPollyNotes deploys the course's application with its deploy.sh and the
// AWS CLI into a fresh nimbus, calls every route of PollyNotesAPI with plain
// HTTP, runs the lab's dictate invoke and checks the MP3 it points at speaks.
func TestPollyNotes(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the deployment makes about 75 AWS CLI calls (40-90 s on 2 cores)")
	}
	for _, prog := range []string{"aws", "zip", "bash", "python3"} {
		if _, err := exec.LookPath(prog); err != nil {
			t.Skipf("%s is not installed: the Polly Notes deployment runs the AWS CLI (pip install awscli), zip and Python functions", prog)
		}
	}
	srv := nimbustest.Start(t)
	ctx := context.Background()
	// `nimbus demo polly-notes` finds the running nimbus and deploys into it.
	for _, kv := range cliEnv {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	dir := filepath.Join(t.TempDir(), "polly-notes")
	var out, errOut bytes.Buffer
	noStart := func() (string, func() error, error) {
		t.Fatal("the demo started a nimbus while one was running")
		return "", nil, nil
	}
	if code := demo.Main(ctx, []string{"polly-notes", "--dir", dir}, &out, &errOut, srv.URL, noStart); code != 0 {
		t.Fatalf("nimbus demo polly-notes: exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	r := &demo.Result{Dir: dir}
	for _, line := range strings.Split(out.String(), "\n") {
		if v, ok := strings.CutPrefix(line, "  API:       "); ok {
			r.InvokeURL = v
		}
		if v, ok := strings.CutPrefix(line, "  Web page:  "); ok {
			r.WebURL = v
		}
	}
	for _, want := range []string{"Using the nimbus at " + srv.URL, "curl " + r.InvokeURL + "/notes\n",
		"cd " + dir + "\n", "aws --endpoint-url " + srv.URL + " lambda invoke --function-name dictate --payload fileb://event.json response.txt"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo's output lacks %q:\n%s", want, out.String())
		}
	}
	t.Logf("deployed: %s %s", r.InvokeURL, r.WebURL)
	if !strings.HasPrefix(r.InvokeURL, srv.URL+"/restapis/") || !strings.HasSuffix(r.InvokeURL, "/Prod/_user_request_") {
		t.Fatalf("invoke URL %q", r.InvokeURL)
	}

	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	ddb := dynamodb.NewFromConfig(cfg)
	logs := cloudwatchlogs.NewFromConfig(cfg)
	api := r.InvokeURL

	// GET /notes: student's seeded notes through the #foreach template.
	res := do(t, "GET", api+"/notes", "")
	var notes []map[string]string
	if res.status != 200 || json.Unmarshal([]byte(res.body), &notes) != nil || len(notes) != 5 ||
		notes[0]["NoteId"] != "1" || notes[0]["Note"] != "DynamoDB is NoSQL" {
		t.Fatalf("GET /notes: %d %s", res.status, res.body)
	}
	if res.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("GET /notes lacks CORS: %v", res.header)
	}

	// GET /notes/search: Query with a contains filter.
	res = do(t, "GET", api+"/notes/search?text=DynamoDB", "")
	notes = nil
	if res.status != 200 || json.Unmarshal([]byte(res.body), &notes) != nil || len(notes) != 2 ||
		notes[0]["NoteId"] != "1" || notes[1]["NoteId"] != "2" {
		t.Fatalf("GET /notes/search: %d %s", res.status, res.body)
	}

	// POST /notes without a NoteId: refused by the validator, createUpdate
	// never runs (it has no log group until its first invocation).
	res = do(t, "POST", api+"/notes", `{"UserId":"student","Note":"no id"}`, "Content-Type", "application/json")
	if res.status != 400 || res.body != `{"message": "Invalid request body"}` || res.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("POST /notes without NoteId: %d %s %v", res.status, res.body, res.header)
	}
	groups, err := logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/createUpdate")})
	if err != nil || len(groups.LogGroups) != 0 {
		t.Fatalf("createUpdate ran for an invalid body: %v %v", err, groups)
	}

	// POST /notes: saved.
	res = do(t, "POST", api+"/notes", `{"UserId":"student","NoteId":6,"Note":"hello from the test"}`, "Content-Type", "application/json")
	if res.status != 200 || res.body != "6" {
		t.Fatalf("POST /notes: %d %s", res.status, res.body)
	}
	key := map[string]ddbtypes.AttributeValue{"UserId": &ddbtypes.AttributeValueMemberS{Value: "student"}, "NoteId": &ddbtypes.AttributeValueMemberN{Value: "6"}}
	item, err := ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Notes"), Key: key})
	if err != nil || item.Item["Note"].(*ddbtypes.AttributeValueMemberS).Value != "hello from the test" {
		t.Fatalf("the saved note: %v %v", err, item)
	}
	// ...and now createUpdate has a log group: its absence above meant it
	// had not run.
	groups, err = logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/createUpdate")})
	if err != nil || len(groups.LogGroups) != 1 {
		t.Fatalf("createUpdate's log group after it ran: %v %v", err, groups)
	}

	// A browser's preflight.
	res = do(t, "OPTIONS", api+"/notes", "", "Origin", "http://example.com", "Access-Control-Request-Method", "POST",
		"Access-Control-Request-Headers", "content-type")
	if res.status != 200 || res.header.Get("Access-Control-Allow-Origin") != "*" || res.header.Get("Access-Control-Allow-Methods") != "GET,POST,OPTIONS" ||
		!strings.Contains(res.header.Get("Access-Control-Allow-Headers"), "Content-Type") {
		t.Fatalf("preflight: %d %v", res.status, res.header)
	}

	// POST /notes/{id}: dictate through the API answers a pre-signed URL.
	res = do(t, "POST", api+"/notes/6", `{"VoiceId":"Joanna"}`, "Content-Type", "application/json")
	var url string
	if res.status != 200 || json.Unmarshal([]byte(res.body), &url) != nil || !strings.Contains(url, "/student/6.mp3?") {
		t.Fatalf("POST /notes/6: %d %s", res.status, res.body)
	}
	checkSpeech(t, url, "hello from the test")

	// DELETE /notes/{id}.
	res = do(t, "DELETE", api+"/notes/6", "")
	if res.status != 200 || res.body != `"6"` {
		t.Fatalf("DELETE /notes/6: %d %s", res.status, res.body)
	}
	item, err = ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Notes"), Key: key})
	if err != nil || item.Item != nil {
		t.Fatalf("note 6 after DELETE: %v %v", err, item.Item)
	}

	// The lab: aws lambda invoke --function-name dictate --payload
	// fileb://event.json response.txt writes a quoted pre-signed URL.
	cmd := exec.Command("aws", "--endpoint-url", srv.URL, "lambda", "invoke", "--function-name", "dictate",
		"--payload", "fileb://event.json", "response.txt")
	cmd.Dir = r.Dir
	cmd.Env = append(os.Environ(), cliEnv...)
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), `"StatusCode": 200`) || strings.Contains(string(out), "FunctionError") {
		t.Fatalf("aws lambda invoke: %v\n%s", err, out)
	}
	body, err := os.ReadFile(filepath.Join(r.Dir, "response.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(body, &url); err != nil || !strings.HasPrefix(string(body), `"`+srv.URL+"/") || !strings.Contains(url, "/newbie/2.mp3?") {
		t.Fatalf("response.txt: %s", body)
	}
	checkSpeech(t, url, "I love Lambda")

	// The web front end, public in its bucket, knows where the API is.
	res = do(t, "GET", r.WebURL, "")
	if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "text/html") || !strings.Contains(res.body, "<title>Polly Notes</title>") {
		t.Fatalf("web page: %d %v", res.status, res.header)
	}
	base := strings.TrimSuffix(r.WebURL, "index.html")
	if res = do(t, "GET", base+"config.js", ""); res.status != 200 || !strings.Contains(res.body, `"`+api+`"`) {
		t.Fatalf("config.js: %d %s", res.status, res.body)
	}
	if res = do(t, "GET", base+"app.js", ""); res.status != 200 || !strings.Contains(res.body, "/notes/search?text=") {
		t.Fatalf("app.js: %d", res.status)
	}

	t.Run("IAM roles", func(t *testing.T) {
		cmd := exec.Command("aws", "--endpoint-url", srv.URL, "iam", "get-role-policy", "--role-name", "PollyNotes-dictate-role",
			"--policy-name", "PollyNotes-dictate")
		cmd.Env = append(os.Environ(), append(cliEnv, "AWS_MAX_ATTEMPTS=1")...)
		out, err := cmd.CombinedOutput()
		if err != nil && strings.Contains(string(out), "UnknownService") {
			t.Skip("this nimbus has no IAM yet (UnknownService): deploy.sh named the roles without creating them")
		}
		if err != nil || !strings.Contains(string(out), "polly:SynthesizeSpeech") || strings.Contains(string(out), "dynamodb:PutItem") {
			t.Fatalf("dictate's policy: %v\n%s", err, out)
		}
	})
}

// checkSpeech downloads an MP3 through a pre-signed URL with plain HTTP and
// checks it decodes (mpg123) to sound long and loud enough to be the note.
func checkSpeech(t *testing.T, url, note string) {
	t.Helper()
	res := do(t, "GET", url, "")
	if res.status != 200 || len(res.body) < 1000 {
		t.Fatalf("GET %s: %d, %d bytes", url, res.status, len(res.body))
	}
	if _, err := exec.LookPath("mpg123"); err != nil {
		t.Log("mpg123 is not installed (scripts/deps.sh installs it): the MP3 is not decoded")
		return
	}
	dir := t.TempDir()
	mp3, wav := filepath.Join(dir, "note.mp3"), filepath.Join(dir, "note.wav")
	if err := os.WriteFile(mp3, []byte(res.body), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mpg123", "-q", "-w", wav, mp3).CombinedOutput(); err != nil {
		t.Fatalf("mpg123: %v %s", err, out)
	}
	data, err := os.ReadFile(wav)
	if err != nil {
		t.Fatal(err)
	}
	rate, channels, pcm := parseWAV(t, data)
	samples := len(pcm) / 2
	seconds := float64(samples) / float64(channels) / float64(rate)
	var sum float64
	for i := 0; i+1 < len(pcm); i += 2 {
		v := float64(int16(binary.LittleEndian.Uint16(pcm[i:])))
		sum += v * v
	}
	rms := math.Sqrt(sum / float64(samples))
	t.Logf("%q: %.2f s at %d Hz, RMS %.0f", note, seconds, rate, rms)
	// espeak-ng speaks about 3 words a second; silence has an RMS near 0.
	if minimum := 0.15 * float64(len(strings.Fields(note))); seconds < minimum || seconds > 30 {
		t.Errorf("%q lasts %.2f s", note, seconds)
	}
	if rms < 300 {
		t.Errorf("%q is too quiet to be speech: RMS %.0f", note, rms)
	}
}

// parseWAV returns a 16-bit PCM WAV file's sample rate, channels and data.
func parseWAV(t *testing.T, b []byte) (rate, channels int, pcm []byte) {
	t.Helper()
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		t.Fatalf("not a WAV file (%d bytes)", len(b))
	}
	bits := 0
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:]))
		body := b[p+8:]
		if size > len(body) {
			size = len(body) // mpg123 writing to a file fixes the sizes up; be lenient anyway
		}
		switch id {
		case "fmt ":
			channels = int(binary.LittleEndian.Uint16(body[2:]))
			rate = int(binary.LittleEndian.Uint32(body[4:]))
			bits = int(binary.LittleEndian.Uint16(body[14:]))
		case "data":
			pcm = body[:size]
		}
		p += 8 + size + size%2
	}
	if rate == 0 || channels == 0 || bits != 16 || pcm == nil {
		t.Fatalf("WAV: rate %d, channels %d, %d bits, %d data bytes", rate, channels, bits, len(pcm))
	}
	return rate, channels, pcm
}
