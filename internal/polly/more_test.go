package polly_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/polly"
	"github.com/aws/aws-sdk-go-v2/service/polly/types"
)

func TestDescribeVoicesWholeCatalogue(t *testing.T) {
	c := client(t)
	ctx := context.Background()
	var all []types.Voice
	for in := (&polly.DescribeVoicesInput{}); ; {
		out, err := c.DescribeVoices(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, out.Voices...)
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	byID := map[types.VoiceId]types.Voice{}
	for _, v := range all {
		byID[v.Id] = v
		if v.Gender == "" || v.LanguageCode == "" || aws.ToString(v.LanguageName) == "" || aws.ToString(v.Name) == "" || len(v.SupportedEngines) == 0 {
			t.Errorf("incomplete voice %+v", v)
		}
	}
	for _, id := range types.VoiceId("").Values() {
		if _, ok := byID[id]; !ok {
			t.Errorf("voice %s missing from DescribeVoices", id)
		}
	}
	if j := byID["Joanna"]; j.Gender != "Female" || j.LanguageCode != "en-US" || aws.ToString(j.LanguageName) != "US English" {
		t.Errorf("Joanna = %+v", j)
	}
	if m := byID["Matthew"]; m.Gender != "Male" {
		t.Errorf("Matthew = %+v", m)
	}
	out, err := c.DescribeVoices(ctx, &polly.DescribeVoicesInput{Engine: types.EngineLongForm})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range out.Voices {
		found := false
		for _, e := range v.SupportedEngines {
			found = found || e == types.EngineLongForm
		}
		if !found {
			t.Errorf("%s listed for long-form", v.Id)
		}
	}
	if len(out.Voices) == 0 {
		t.Error("no long-form voices")
	}
	hi, _ := c.DescribeVoices(ctx, &polly.DescribeVoicesInput{LanguageCode: "hi-IN"})
	hiAll, _ := c.DescribeVoices(ctx, &polly.DescribeVoicesInput{LanguageCode: "hi-IN", IncludeAdditionalLanguageCodes: true})
	if len(hi.Voices) != 0 || len(hiAll.Voices) != 2 {
		t.Errorf("IncludeAdditionalLanguageCodes: %d voices, without: %d", len(hiAll.Voices), len(hi.Voices))
	}
	_, err = c.DescribeVoices(ctx, &polly.DescribeVoicesInput{NextToken: aws.String("garbage")})
	apiErr(t, err, "InvalidNextTokenException")
}

func TestEveryVoiceSpeaks(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	c := client(t)
	for _, id := range []types.VoiceId{"Celine", "Hans", "Mizuki", "Zhiyu", "Maxim", "Lucia"} {
		s := pcm(t, c, id, "1 2 3", false)
		if rms(s) < 300 {
			t.Errorf("%s: silent", id)
		}
	}
}

type mark struct {
	Time  int    `json:"time"`
	Type  string `json:"type"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Value string `json:"value"`
}

func marks(t *testing.T, c *polly.Client, text string, ssml bool, types_ ...types.SpeechMarkType) []mark {
	t.Helper()
	in := &polly.SynthesizeSpeechInput{OutputFormat: types.OutputFormatJson, VoiceId: types.VoiceIdJoanna, Text: aws.String(text), SpeechMarkTypes: types_}
	if ssml {
		in.TextType = types.TextTypeSsml
	}
	b, out := synth(t, c, in)
	if aws.ToString(out.ContentType) != "application/x-json-stream" {
		t.Errorf("ContentType %q", aws.ToString(out.ContentType))
	}
	var ms []mark
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var m mark
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		ms = append(ms, m)
	}
	return ms
}

func TestSpeechMarks(t *testing.T) {
	c := client(t)
	ms := marks(t, c, note, false, "word", "sentence", "viseme")
	var words, sentences, visemes []mark
	for _, m := range ms {
		switch m.Type {
		case "word":
			words = append(words, m)
		case "sentence":
			sentences = append(sentences, m)
		case "viseme":
			visemes = append(visemes, m)
		}
	}
	if len(words) != len(strings.Fields(note)) || len(sentences) != 2 || len(visemes) < len(words) {
		t.Fatalf("%d words, %d sentences, %d visemes", len(words), len(sentences), len(visemes))
	}
	for i, w := range words {
		if note[w.Start:w.End] != w.Value {
			t.Errorf("word %q at [%d,%d) indexes %q", w.Value, w.Start, w.End, note[w.Start:w.End])
		}
		if i > 0 && (w.Time <= words[i-1].Time || w.Start <= words[i-1].Start) {
			t.Errorf("word %d (%q) at %d ms, after %d ms", i, w.Value, w.Time, words[i-1].Time)
		}
	}
	if sentences[1].Value != "The meeting moved to Thursday at three." || sentences[1].Time <= sentences[0].Time {
		t.Errorf("sentences %+v", sentences)
	}
	// times line up with the audio of the same text
	audio := pcm(t, c, types.VoiceIdJoanna, note, false)
	dur := len(audio) * 1000 / 16000
	if last := words[len(words)-1].Time; last > dur || last < dur/2 {
		t.Errorf("last word at %d ms of %d ms of audio", last, dur)
	}
	ssml := `<speak>Hello <mark name="m1"/>there &amp; welcome.</speak>`
	sm := marks(t, c, ssml, true, "ssml", "word")
	var got []string
	for _, m := range sm {
		got = append(got, m.Type+":"+m.Value)
		if m.Type == "word" && ssml[m.Start:m.End] != strings.ReplaceAll(m.Value, "&", "&amp;") {
			t.Errorf("word %q indexes %q", m.Value, ssml[m.Start:m.End])
		}
	}
	if strings.Join(got, " ") != "word:Hello ssml:m1 word:there word:welcome" {
		t.Errorf("marks %v", got)
	}
}

const lexiconW3C = `<?xml version="1.0" encoding="UTF-8"?>
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"
  alphabet="ipa" xml:lang="en-US">
  <lexeme><grapheme>W3C</grapheme><alias>World Wide Web Consortium</alias></lexeme>
  <lexeme><grapheme>nimbus</grapheme><phoneme>ˈnɪmbəs</phoneme></lexeme>
</lexicon>`

func TestLexicons(t *testing.T) {
	c := client(t)
	ctx := context.Background()
	if _, err := c.PutLexicon(ctx, &polly.PutLexiconInput{Name: aws.String("w3c"), Content: aws.String(lexiconW3C)}); err != nil {
		t.Fatal(err)
	}
	g, err := c.GetLexicon(ctx, &polly.GetLexiconInput{Name: aws.String("w3c")})
	if err != nil {
		t.Fatal(err)
	}
	a := g.LexiconAttributes
	if aws.ToString(g.Lexicon.Content) != lexiconW3C || aws.ToString(a.Alphabet) != "ipa" || a.LanguageCode != "en-US" || a.LexemesCount != 2 || int(a.Size) != len(lexiconW3C) || !strings.HasSuffix(aws.ToString(a.LexiconArn), ":lexicon/w3c") {
		t.Errorf("GetLexicon = %+v %+v", g.Lexicon, a)
	}
	l, err := c.ListLexicons(ctx, &polly.ListLexiconsInput{})
	if err != nil || len(l.Lexicons) != 1 || aws.ToString(l.Lexicons[0].Name) != "w3c" {
		t.Fatalf("ListLexicons = %+v, %v", l, err)
	}
	plain := pcm(t, c, types.VoiceIdJoanna, "W3C", false)
	b, _ := synth(t, c, &polly.SynthesizeSpeechInput{OutputFormat: "pcm", SampleRate: aws.String("16000"), VoiceId: "Joanna", Text: aws.String("W3C"), LexiconNames: []string{"w3c"}})
	if aliased := pcm16(b); len(aliased) < len(plain)*3/2 {
		t.Errorf("alias did not change the speech: %d samples with the lexicon, %d without", len(aliased), len(plain))
	}
	bad := []struct{ content, code string }{
		{"<lexicon", "InvalidLexiconException"},
		{strings.Replace(lexiconW3C, `alphabet="ipa"`, `alphabet="arpabet"`, 1), "UnsupportedPlsAlphabetException"},
		{strings.Replace(lexiconW3C, `xml:lang="en-US"`, `xml:lang="xx-XX"`, 1), "UnsupportedPlsLanguageException"},
		{strings.Replace(lexiconW3C, "W3C", strings.Repeat("W", 101), 1), "MaxLexemeLengthExceededException"},
		{lexiconW3C + strings.Repeat(" ", 4000), "LexiconSizeExceededException"},
	}
	for _, tc := range bad {
		_, err := c.PutLexicon(ctx, &polly.PutLexiconInput{Name: aws.String("bad"), Content: aws.String(tc.content)})
		apiErr(t, err, tc.code)
	}
	if _, err := c.DeleteLexicon(ctx, &polly.DeleteLexiconInput{Name: aws.String("w3c")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetLexicon(ctx, &polly.GetLexiconInput{Name: aws.String("w3c")})
	apiErr(t, err, "LexiconNotFoundException")
	_, err = c.DeleteLexicon(ctx, &polly.DeleteLexiconInput{Name: aws.String("w3c")})
	apiErr(t, err, "LexiconNotFoundException")
}

func TestTaskFailsWithoutBucket(t *testing.T) {
	c := client(t)
	ctx := context.Background()
	out, err := c.StartSpeechSynthesisTask(ctx, &polly.StartSpeechSynthesisTaskInput{
		OutputFormat: "mp3", VoiceId: "Joanna", Text: aws.String("Hello."),
		OutputS3BucketName: aws.String("no-such-bucket"), OutputS3KeyPrefix: aws.String("notes/"),
	})
	if err != nil {
		t.Fatal(err)
	}
	task := out.SynthesisTask
	if task.TaskStatus != types.TaskStatusScheduled || !strings.HasPrefix(aws.ToString(task.OutputUri), "https://s3.us-east-1.amazonaws.com/no-such-bucket/notes/"+aws.ToString(task.TaskId)) || !strings.HasSuffix(aws.ToString(task.OutputUri), ".mp3") {
		t.Errorf("task %+v (%s)", task, aws.ToString(task.OutputUri))
	}
	_, err = c.StartSpeechSynthesisTask(ctx, &polly.StartSpeechSynthesisTaskInput{OutputFormat: "mp3", VoiceId: "Joanna", Text: aws.String("x"), OutputS3BucketName: aws.String("Bad_Bucket")})
	apiErr(t, err, "InvalidS3BucketException")
	_, err = c.StartSpeechSynthesisTask(ctx, &polly.StartSpeechSynthesisTaskInput{OutputFormat: "mp3", VoiceId: "Joanna", Text: aws.String(strings.Repeat("a", 100001)), OutputS3BucketName: aws.String("notes")})
	apiErr(t, err, "TextLengthExceededException")
	_, err = c.StartSpeechSynthesisTask(ctx, &polly.StartSpeechSynthesisTaskInput{OutputFormat: "mp3", VoiceId: "Joanna", Text: aws.String("x"), OutputS3BucketName: aws.String("notes"), OutputS3KeyPrefix: aws.String("bad\\key")})
	apiErr(t, err, "InvalidS3KeyException")
	_, err = c.StartSpeechSynthesisTask(ctx, &polly.StartSpeechSynthesisTaskInput{OutputFormat: "mp3", VoiceId: "Joanna", Text: aws.String("x"), OutputS3BucketName: aws.String("notes"), SnsTopicArn: aws.String("arn:nope")})
	apiErr(t, err, "InvalidSnsTopicArnException")
	_, err = c.GetSpeechSynthesisTask(ctx, &polly.GetSpeechSynthesisTaskInput{TaskId: aws.String("00000000-0000-0000-0000-000000000000")})
	apiErr(t, err, "SynthesisTaskNotFoundException")
	l, err := c.ListSpeechSynthesisTasks(ctx, &polly.ListSpeechSynthesisTasksInput{})
	if err != nil || len(l.SynthesisTasks) != 1 {
		t.Fatalf("ListSpeechSynthesisTasks = %+v, %v", l, err)
	}
}

// TestBoto3CourseCall is the course's exact call, through boto3.
func TestBoto3CourseCall(t *testing.T) {
	c := client(t)
	_ = c
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("python3 with boto3 is not installed")
	}
	srv := serverURL(t)
	script := `
import boto3, sys
p = boto3.client("polly", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
r = p.synthesize_speech(OutputFormat='mp3', Text="Pick up the dry cleaning before six.", VoiceId='Joanna')
b = r["AudioStream"].read()
assert r["ContentType"] == "audio/mpeg", r["ContentType"]
assert len(b) > 4000 and b[0] == 0xff, len(b)
print(len(b))
`
	out, err := exec.Command("python3", "-c", script, srv).CombinedOutput()
	if err != nil {
		t.Fatalf("boto3: %v\n%s", err, out)
	}
}

func TestConcurrentRequests(t *testing.T) {
	c := client(t)
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			out, err := c.SynthesizeSpeech(context.Background(), &polly.SynthesizeSpeechInput{OutputFormat: "mp3", VoiceId: "Joanna", Text: aws.String(strings.Repeat("Note number one. ", i+1))})
			if err == nil {
				var b bytes.Buffer
				_, err = b.ReadFrom(out.AudioStream)
				if err == nil && b.Len() < 1000 {
					err = fmt.Errorf("%d bytes of MP3", b.Len())
				}
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestAWSCLI drives SynthesizeSpeech and DescribeVoices with the AWS CLI.
func TestAWSCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the AWS CLI (aws) is not installed")
	}
	_ = client(t) // skips without espeak-ng
	url := serverURL(t)
	out := t.TempDir() + "/note.mp3"
	cmd := exec.Command("aws", "--endpoint-url", url, "--region", "us-east-1", "polly", "synthesize-speech",
		"--output-format", "mp3", "--voice-id", "Matthew", "--text", "Call the plumber.", out)
	cmd.Env = append(cmd.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws polly synthesize-speech: %v\n%s", err, b)
	}
	if !strings.Contains(string(b), `"ContentType": "audio/mpeg"`) || !strings.Contains(string(b), `"RequestCharacters": 17`) {
		t.Errorf("output %s", b)
	}
	mp3, err := os.ReadFile(out)
	if err != nil || len(mp3) < 2000 || mp3[0] != 0xff {
		t.Errorf("%d bytes, %v", len(mp3), err)
	}
	cmd = exec.Command("aws", "--endpoint-url", url, "--region", "us-east-1", "polly", "describe-voices", "--language-code", "en-GB", "--query", "Voices[].Id", "--output", "text")
	cmd.Env = append(cmd.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	b, err = cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(b), "Amy") || !strings.Contains(string(b), "Brian") {
		t.Errorf("describe-voices: %v %s", err, b)
	}
}

// TestWordMarksLineUpWithAudio checks a word mark against the audio: the
// speech of the words before it ends about when the mark says it starts.
func TestWordMarksLineUpWithAudio(t *testing.T) {
	c := client(t)
	text := "Remember to buy milk and eggs on the way home, then call the electrician about the kitchen lights."
	ms := marks(t, c, text, false, "word")
	for _, k := range []int{4, 11} { // "and", "call"
		prefix := text[:ms[k-1].End]
		s := pcm(t, c, types.VoiceIdJoanna, prefix, false)
		last := 0
		for i, v := range s {
			if v > 400 || v < -400 {
				last = i
			}
		}
		end := last * 1000 / 16000
		if d := ms[k].Time - end; d < -400 || d > 400 {
			t.Errorf("%q starts at %d ms; %q alone ends at %d ms", ms[k].Value, ms[k].Time, prefix, end)
		}
	}
}

// TestLongTextInParts: a long note is spoken in parts at once; the MP3
// made of their frames decodes to as much audio as the PCM of the same text.
func TestLongTextInParts(t *testing.T) {
	c := client(t)
	if _, err := exec.LookPath("mpg123"); err != nil {
		t.Skip("mpg123 is not installed (scripts/deps.sh installs it)")
	}
	text := strings.Repeat(note+" ", 40)[:2990]
	b, _ := synth(t, c, &polly.SynthesizeSpeechInput{OutputFormat: "mp3", VoiceId: "Joanna", Text: aws.String(text)})
	_, secs := mp3Frames(t, b)
	p := pcm(t, c, types.VoiceIdJoanna, text, false)
	want := float64(len(p)) / 16000
	t.Logf("MP3 in parts: %.2f s; PCM: %.2f s", secs, want)
	if d := secs - want; d < -0.5 || d > 1 {
		t.Errorf("MP3 %.1f s, PCM %.1f s", secs, want)
	}
	cmd := exec.Command("mpg123", "-q", "-s", "-m", "-r", "16000", "-")
	cmd.Stdin = bytes.NewReader(b)
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("mpg123: %v", err)
	}
	if got := float64(len(raw)/2) / 16000; got-want < -0.5 || got-want > 1 || rms(pcm16(raw)) < 500 {
		t.Errorf("decoded %.1f s (RMS %.0f), PCM %.1f s", got, rms(pcm16(raw)), want)
	}
}
