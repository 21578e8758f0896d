package polly

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage/pebble"
)

type fakeS3 struct {
	mu      sync.Mutex
	objects map[string][]byte
	types   map[string]string
}

func (f *fakeS3) PutObject(ctx context.Context, account, region, bucket, key string, body io.Reader, ct string) (string, error) {
	if bucket != "notes" {
		return "", &awserr.Error{Code: "NoSuchBucket", Message: "The specified bucket does not exist", Status: 404}
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[bucket+"/"+key] = b
	f.types[bucket+"/"+key] = ct
	return `"etag"`, nil
}

func TestTasksWriteToS3(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng is not installed: run scripts/deps.sh")
	}
	kv, err := pebble.OpenMem(pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	s3 := &fakeS3{objects: map[string][]byte{}, types: map[string]string{}}
	s := New(Options{KV: kv, Objects: s3})
	ctx := request.With(context.Background(), &request.Info{Account: "111122223333", Region: "eu-west-1"})
	text := strings.Repeat("This note is longer than one request allows. ", 80)
	ok, err := s.StartSpeechSynthesisTask(ctx, &StartSpeechSynthesisTaskInput{OutputFormat: "mp3", VoiceId: "Joanna", Text: &text, OutputS3BucketName: "notes"})
	if err != nil {
		t.Fatal(err)
	}
	marksText := "Hello there."
	mk, err := s.StartSpeechSynthesisTask(ctx, &StartSpeechSynthesisTaskInput{OutputFormat: "json", SpeechMarkTypes: []string{"word"}, VoiceId: "Joanna", Text: &marksText, OutputS3BucketName: "notes", OutputS3KeyPrefix: ptr("marks/")})
	if err != nil {
		t.Fatal(err)
	}
	bad, err := s.StartSpeechSynthesisTask(ctx, &StartSpeechSynthesisTaskInput{OutputFormat: "mp3", VoiceId: "Joanna", Text: &marksText, OutputS3BucketName: "missing"})
	if err != nil {
		t.Fatal(err)
	}
	s.tasks.wg.Wait() // the tasks have finished
	defer s.Close()
	get := func(id string) *SynthesisTask {
		out, err := s.GetSpeechSynthesisTask(ctx, &GetSpeechSynthesisTaskInput{TaskId: id})
		if err != nil {
			t.Fatal(err)
		}
		return out.SynthesisTask
	}
	if g := get(ok.SynthesisTask.TaskId); g.TaskStatus != "completed" || g.OutputUri != "https://s3.eu-west-1.amazonaws.com/notes/"+g.TaskId+".mp3" {
		t.Errorf("task %+v", g)
	}
	if b := s3.objects["notes/"+ok.SynthesisTask.TaskId+".mp3"]; len(b) < 10000 || b[0] != 0xff || s3.types["notes/"+ok.SynthesisTask.TaskId+".mp3"] != "audio/mpeg" {
		t.Errorf("object of %d bytes", len(b))
	}
	if b := s3.objects["notes/marks/"+mk.SynthesisTask.TaskId+".marks"]; !strings.Contains(string(b), `"value":"Hello"`) {
		t.Errorf("marks object %q", b)
	}
	if g := get(bad.SynthesisTask.TaskId); g.TaskStatus != "failed" || g.TaskStatusReason == "" {
		t.Errorf("task %+v", g)
	}
	l, err := s.ListSpeechSynthesisTasks(ctx, &ListSpeechSynthesisTasksInput{Status: ptr("completed"), MaxResults: ptrInt(1)})
	if err != nil || len(l.SynthesisTasks) != 1 || l.NextToken == nil {
		t.Fatalf("list = %+v, %v", l, err)
	}
	l2, err := s.ListSpeechSynthesisTasks(ctx, &ListSpeechSynthesisTasksInput{Status: ptr("completed"), NextToken: l.NextToken})
	if err != nil || len(l2.SynthesisTasks) != 1 || l2.NextToken != nil || l2.SynthesisTasks[0].TaskId == l.SynthesisTasks[0].TaskId {
		t.Fatalf("page 2 = %+v, %v", l2, err)
	}
}

func ptr(s string) *string { return &s }
func ptrInt(n int) *int    { return &n }

func TestParseSSMLWords(t *testing.T) {
	src := `<speak>Hi <sub alias="World Wide Web">W3C</sub>. <s>Next one!</s> <p>Last</p></speak>`
	sc, err := parseSSML(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range sc.chunks {
		var ws []string
		for _, w := range c.words {
			if src[w.start:w.end] != w.value {
				t.Errorf("word %q indexes %q", w.value, src[w.start:w.end])
			}
			ws = append(ws, w.value)
		}
		got = append(got, strings.Join(ws, " "))
	}
	if strings.Join(got, "|") != "Hi W3C|Next one|Last" {
		t.Errorf("chunks %q", got)
	}
	if !strings.Contains(sc.espeakSSML(), "World Wide Web") || strings.Contains(sc.espeakSSML(), "W3C") {
		t.Errorf("espeak SSML %s", sc.espeakSSML())
	}
	if sc.billed != len("Hi W3C. Next one! Last") {
		t.Errorf("billed %d", sc.billed)
	}
}

func TestInvalidSSMLPositions(t *testing.T) {
	for _, tc := range []struct {
		src string
		pos int
	}{
		{"<speak>Hi <foo/></speak>", 10},
		{"<speak><break time='x'/></speak>", 7},
		{"<speak>Hi</speak>extra<b/>", 17},
		{"<!DOCTYPE x><speak/>", 0},
	} {
		_, err := parseSSML(tc.src, nil)
		se, ok := err.(*ssmlError)
		if !ok {
			t.Errorf("%q: err %v", tc.src, err)
			continue
		}
		if se.pos != tc.pos {
			t.Errorf("%q: position %d, want %d (%s)", tc.src, se.pos, tc.pos, se.msg)
		}
	}
}

func FuzzParseSSML(f *testing.F) {
	for _, s := range []string{
		"<speak>Hello</speak>",
		`<speak><prosody rate="50%">slow</prosody> <break time="1s"/><mark name="a"/>x &amp; y.</speak>`,
		`<speak><sub alias="a">b</sub><phoneme alphabet="ipa" ph="təˈmɑːtoʊ">t</phoneme></speak>`,
		"<speak><s>a. b? c!</s><p>d</p></speak>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		sc, err := parseSSML(src, nil)
		if err != nil {
			if _, ok := err.(*ssmlError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		for _, c := range sc.chunks {
			for _, w := range c.words {
				if w.start < 0 || w.start > w.end || w.end > len(src) || w.rawEnd > len(src) {
					t.Fatalf("word %+v out of range", w)
				}
			}
		}
		// what espeak-ng gets is well-formed XML
		if _, err := parseSSMLShape(sc.espeakSSML()); err != nil {
			t.Fatalf("espeak SSML %q: %v", sc.espeakSSML(), err)
		}
	})
}

func FuzzParseText(f *testing.F) {
	f.Add("Hello world. This is it!")
	f.Add("a <b> & c")
	f.Fuzz(func(t *testing.T, src string) {
		sc := parseText(src, nil)
		for _, c := range sc.chunks {
			for _, w := range c.words {
				if src[w.start:w.end] != w.value {
					t.Fatalf("word %q indexes %q", w.value, src[w.start:w.end])
				}
			}
		}
		if _, err := parseSSMLShape(sc.espeakSSML()); err != nil {
			t.Fatalf("espeak SSML %q: %v", sc.espeakSSML(), err)
		}
	})
}

// parseSSMLShape checks that s is well-formed XML.
func parseSSMLShape(s string) (int, error) {
	d := xml.NewDecoder(strings.NewReader(s))
	n := 0
	for {
		_, err := d.Token()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

func TestMissingEspeakIsServiceFailure(t *testing.T) {
	kv, err := pebble.OpenMem(pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	s := New(Options{KV: kv, Espeak: "/nonexistent/espeak-ng"})
	defer s.Close()
	_, err = s.SynthesizeSpeech(context.Background(), &SynthesizeSpeechInput{OutputFormat: "mp3", VoiceId: "Joanna", Text: ptr("hello")})
	var ae *awserr.Error
	if !errors.As(err, &ae) || ae.Code != "ServiceFailureException" || ae.HTTPStatus() != 500 || !strings.Contains(ae.Message, "espeak-ng") {
		t.Errorf("err = %v", err)
	}
}

func TestLangSwitchesSynthesizerLanguage(t *testing.T) {
	sc, err := parseSSMLVoice(`<speak>Hello <lang xml:lang="fr-FR">bonjour</lang> again</speak>`, nil, "female")
	if err != nil {
		t.Fatal(err)
	}
	if got := sc.espeakSSML(); !strings.Contains(got, `<voice xml:lang="fr-fr" gender="female">bonjour</voice>`) {
		t.Errorf("espeak SSML %s", got)
	}
	if espeakLanguage("en-IN", "") != "en-gb" || espeakLanguage("de-LU", "") != "de" || espeakLanguage("xx", "en-us") != "en-us" {
		t.Error("espeakLanguage")
	}
}

func TestTasksResumeAfterRestart(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng is not installed: run scripts/deps.sh")
	}
	kv, err := pebble.OpenMem(pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	ctx := request.With(context.Background(), &request.Info{Account: "111122223333", Region: "us-east-1"})
	// a task left scheduled by a previous run
	st := &storedTask{Account: "111122223333", Region: "us-east-1", Bucket: "notes", Key: "t1.mp3", Text: "Resumed.",
		Task: SynthesisTask{TaskId: "t1", TaskStatus: "scheduled", OutputFormat: "mp3", SampleRate: "22050", TextType: "text", VoiceId: "Joanna", Engine: "standard"}}
	first := New(Options{KV: kv})
	first.Close()
	if err := first.saveTask(ctx, st); err != nil {
		t.Fatal(err)
	}
	s3 := &fakeS3{objects: map[string][]byte{}, types: map[string]string{}}
	s := New(Options{KV: kv, Objects: s3})
	s.tasks.wg.Wait()
	defer s.Close()
	out, err := s.GetSpeechSynthesisTask(ctx, &GetSpeechSynthesisTaskInput{TaskId: "t1"})
	if err != nil || out.SynthesisTask.TaskStatus != "completed" || len(s3.objects["notes/t1.mp3"]) == 0 {
		t.Errorf("task %+v, %v", out, err)
	}
}

func TestVoiceTable(t *testing.T) {
	seen := map[string]string{}
	for _, v := range voices {
		k := v.Speak.Language + "+" + v.Speak.Variant
		if other, ok := seen[k]; ok {
			t.Errorf("%s and %s are both espeak-ng %s", v.ID, other, k)
		}
		seen[k] = v.ID
		female := strings.HasPrefix(v.Speak.Variant, "f") || oneOf(v.Speak.Variant, "Alicia", "anika", "belinda", "linda", "steph", "Annie", "aunty", "grandma")
		if female != (v.Gender == "Female") {
			t.Errorf("%s (%s) has variant %s", v.ID, v.Gender, v.Speak.Variant)
		}
	}
	out, err := exec.Command("espeak-ng", "--voices").Output()
	if err != nil {
		t.Skip("espeak-ng is not installed: run scripts/deps.sh")
	}
	have := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 1 {
			have[f[1]] = true
		}
	}
	for _, v := range voices {
		if !have[v.Speak.Language] {
			t.Errorf("%s: espeak-ng has no language %q", v.ID, v.Speak.Language)
		}
	}
}

func FuzzParseLexicon(f *testing.F) {
	f.Add(`<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="en-US"><lexeme><grapheme>W3C</grapheme><alias>World Wide Web Consortium</alias></lexeme></lexicon>`)
	f.Add(`<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="x-sampa" xml:lang="en-GB"><lexeme><grapheme>tomato</grapheme><phoneme>t@"mA:t@U</phoneme></lexeme></lexicon>`)
	f.Fuzz(func(t *testing.T, content string) {
		l, err := parseLexicon("fuzz", content)
		if err != nil {
			if _, ok := err.(*awserr.Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		ls := lexicons{l}
		for _, x := range l.Lexemes {
			for _, g := range x.Graphemes {
				ls.lookup(g) // must not panic, whatever the pronunciation
			}
		}
	})
}

func FuzzToEspeak(f *testing.F) {
	f.Add("ipa", "təˈmɑːtoʊ")
	f.Add("x-sampa", `t@"mA:t@U`)
	f.Fuzz(func(t *testing.T, alphabet, ph string) {
		es, err := toEspeak(alphabet, ph)
		if err == nil && strings.ContainsAny(es, "[]<>&") {
			t.Fatalf("%q became %q, which would escape [[ ]]", ph, es)
		}
	})
}

func TestUserTextCannotInjectIntoEspeak(t *testing.T) {
	for _, src := range []string{"[[h@l'oU]] <audio src=\"/etc/passwd\"/> &amp;", "a]] [[b"} {
		got := parseText(src, nil).espeakSSML()
		if strings.Contains(got, "[[") || strings.Contains(got, "<audio") {
			t.Errorf("%q became %q", src, got)
		}
	}
	sc, err := parseSSML(`<speak><sub alias="[[x]] &lt;audio/&gt;">y</sub> [[z]]</speak>`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := sc.espeakSSML(); strings.Contains(got, "[[") || strings.Contains(got, "<audio") {
		t.Errorf("became %q", got)
	}
}

func TestSSMLSentenceMarkValue(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng is not installed: run scripts/deps.sh")
	}
	kv, err := pebble.OpenMem(pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	s := New(Options{KV: kv})
	defer s.Close()
	out, err := s.SynthesizeSpeech(context.Background(), &SynthesizeSpeechInput{OutputFormat: "json", SpeechMarkTypes: []string{"sentence"}, VoiceId: "Joanna", TextType: ptr("ssml"),
		Text: ptr(`<speak><s>Fish &amp; <emphasis>chips</emphasis>, please!</s> Thanks.</speak>`)})
	if err != nil {
		t.Fatal(err)
	}
	got := string(out.AudioStream)
	if !strings.Contains(got, `"value":"Fish & chips, please!"`) || !strings.Contains(got, `"value":"Thanks."`) {
		t.Errorf("marks %s", got)
	}
}

func TestSentenceSplitting(t *testing.T) {
	for src, want := range map[string]string{
		"Dr. Smith called. He is late!  Call J. R. Jones? yes, now.": "Dr. Smith called.|He is late!|Call J. R. Jones? yes, now.",
		"It costs 3.5 dollars. Pay e.g. cash.":                       "It costs 3.5 dollars.|Pay e.g. cash.",
		`She said "Stop." Then left.`:                                `She said "Stop."|Then left.`,
	} {
		sc := parseText(src, nil)
		var got []string
		for _, c := range sc.chunks {
			if len(c.words) > 0 {
				got = append(got, src[c.words[0].start:c.words[len(c.words)-1].rawEnd])
			}
		}
		if strings.Join(got, "|") != want {
			t.Errorf("%q split as %q", src, got)
		}
	}
}

func TestSubWordsAndCDATA(t *testing.T) {
	src := `<speak><sub alias="x">go go</sub></speak>`
	sc, err := parseSSML(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws := sc.chunks[0].words
	if len(ws) != 2 || ws[0].start == ws[1].start || src[ws[1].start:ws[1].end] != "go" {
		t.Errorf("words %+v", ws)
	}
	if _, err := parseSSML(`<speak><![CDATA[a < b]]></speak>`, nil); err == nil {
		t.Error("CDATA accepted")
	}
}

func TestSplitKeepsEverySentenceOnce(t *testing.T) {
	text := strings.Repeat("The quick brown fox jumps over the lazy dog. ", 60) // 2,700 characters
	sc := parseText(text, nil)
	whole := sc.espeakSSML()
	for n := 1; n <= 4; n++ {
		docs := sc.split(n)
		if want := min(n, len(whole)/partChars); len(docs) != max(want, 1) {
			t.Errorf("split(%d): %d parts", n, len(docs))
		}
		var joined strings.Builder
		for _, d := range docs {
			joined.WriteString(strings.TrimSuffix(strings.TrimPrefix(d, "<speak>"), "</speak>"))
		}
		if "<speak>"+joined.String()+"</speak>" != whole {
			t.Errorf("split(%d) lost or repeated text", n)
		}
	}
	if got := parseText("Short.", nil).split(8); len(got) != 1 {
		t.Errorf("short text in %d parts", len(got))
	}
}
