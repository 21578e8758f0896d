package polly_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/polly"
	"github.com/aws/aws-sdk-go-v2/service/polly/types"
	"github.com/aws/smithy-go"

	"github.com/nimbus-cloud/nimbus/nimbustest"
)

func client(t *testing.T) *polly.Client {
	t.Helper()
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng is not installed: run scripts/deps.sh")
	}
	srv := nimbustest.Start(t)
	return polly.New(polly.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
}

func synth(t *testing.T, c *polly.Client, in *polly.SynthesizeSpeechInput) ([]byte, *polly.SynthesizeSpeechOutput) {
	t.Helper()
	out, err := c.SynthesizeSpeech(context.Background(), in)
	if err != nil {
		t.Fatalf("SynthesizeSpeech: %v", err)
	}
	defer out.AudioStream.Close()
	b, err := io.ReadAll(out.AudioStream)
	if err != nil {
		t.Fatal(err)
	}
	return b, out
}

// pcm16 decodes signed 16-bit little-endian samples.
func pcm16(b []byte) []float64 {
	s := make([]float64, len(b)/2)
	for i := range s {
		s[i] = float64(int16(uint16(b[2*i]) | uint16(b[2*i+1])<<8))
	}
	return s
}

func rms(s []float64) float64 {
	var sum float64
	for _, v := range s {
		sum += v * v
	}
	return math.Sqrt(sum / float64(max(len(s), 1)))
}

// pitch estimates the median fundamental frequency of voiced 40 ms frames
// by autocorrelation over 70-400 Hz.
func pitch(s []float64, rate int) float64 {
	frame := rate * 40 / 1000
	var f0s []float64
	for off := 0; off+frame*2 < len(s); off += frame {
		x := s[off : off+frame*2]
		if rms(x) < 1000 {
			continue
		}
		best, bestLag := 0.0, 0
		for lag := rate / 400; lag <= rate/70; lag++ {
			var c float64
			for i := 0; i+lag < len(x); i++ {
				c += x[i] * x[i+lag]
			}
			if c > best {
				best, bestLag = c, lag
			}
		}
		if bestLag > 0 {
			f0s = append(f0s, float64(rate)/float64(bestLag))
		}
	}
	if len(f0s) == 0 {
		return 0
	}
	sortFloats(f0s)
	return f0s[len(f0s)/2]
}

func sortFloats(a []float64) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

func pcm(t *testing.T, c *polly.Client, voice types.VoiceId, text string, ssml bool) []float64 {
	in := &polly.SynthesizeSpeechInput{OutputFormat: types.OutputFormatPcm, VoiceId: voice, Text: aws.String(text), SampleRate: aws.String("16000")}
	if ssml {
		in.TextType = types.TextTypeSsml
	}
	b, out := synth(t, c, in)
	if got := aws.ToString(out.ContentType); got != "audio/pcm" {
		t.Errorf("ContentType = %q, want audio/pcm", got)
	}
	if len(b)%2 != 0 {
		t.Fatalf("odd PCM length %d", len(b))
	}
	return pcm16(b)
}

const note = "Remember to buy milk and eggs on the way home. The meeting moved to Thursday at three."

func TestPCMIsSpeechOfPlausibleLength(t *testing.T) {
	c := client(t)
	s16 := pcm(t, c, types.VoiceIdJoanna, note, false)
	secs := float64(len(s16)) / 16000
	if secs < 2.5 || secs > 12 {
		t.Errorf("%d characters gave %.2f s of audio", len(note), secs)
	}
	if r := rms(s16); r < 500 {
		t.Errorf("RMS %.0f: audio is (nearly) silent", r)
	}
	b, _ := synth(t, c, &polly.SynthesizeSpeechInput{OutputFormat: types.OutputFormatPcm, VoiceId: types.VoiceIdJoanna, Text: aws.String(note), SampleRate: aws.String("8000")})
	ratio := float64(len(s16)) / float64(len(b)/2)
	if math.Abs(ratio-2) > 0.01 {
		t.Errorf("16 kHz/8 kHz sample count ratio = %.3f, want 2", ratio)
	}
	short := pcm(t, c, types.VoiceIdJoanna, "Milk.", false)
	if len(short) >= len(s16)/3 {
		t.Errorf("short text gave %d samples, long text %d", len(short), len(s16))
	}
}

func TestJoannaAndMatthewSoundDifferent(t *testing.T) {
	c := client(t)
	jo := pitch(pcm(t, c, types.VoiceIdJoanna, note, false), 16000)
	ma := pitch(pcm(t, c, types.VoiceIdMatthew, note, false), 16000)
	t.Logf("median F0: Joanna %.0f Hz, Matthew %.0f Hz", jo, ma)
	if jo < ma*1.2 {
		t.Errorf("Joanna (%.0f Hz) is not clearly higher than Matthew (%.0f Hz)", jo, ma)
	}
}

func TestSSMLBreakLengthensAudio(t *testing.T) {
	c := client(t)
	plain := pcm(t, c, types.VoiceIdJoanna, "<speak>Hello there how are you?</speak>", true)
	pause := pcm(t, c, types.VoiceIdJoanna, `<speak>Hello there <break time="2s"/> how are you?</speak>`, true)
	d := float64(len(pause)-len(plain)) / 16000
	// espeak-ng adds a clause pause to the break (Polly: 2 s plus its own)
	if d < 1.8 || d > 2.5 {
		t.Errorf("a 2 s break added %.2f s", d)
	}
	// the other elements are accepted and spoken
	rich := `<speak><p><s>Say <say-as interpret-as="characters">abc</say-as>.</s>
<s><prosody rate="slow" pitch="+10%" volume="loud">Slowly</prosody> and <emphasis level="strong">firmly</emphasis>.</s></p>
<sub alias="World Wide Web Consortium">W3C</sub> <phoneme alphabet="ipa" ph="təˈmɑːtoʊ">tomato</phoneme>
<lang xml:lang="fr-FR">bonjour</lang> <mark name="here"/> <amazon:effect name="whispered">quiet</amazon:effect> &amp; done</speak>`
	if s := pcm(t, c, types.VoiceIdJoanna, rich, true); rms(s) < 500 || len(s) < 16000*3 {
		t.Errorf("rich SSML gave %d samples, RMS %.0f", len(s), rms(s))
	}
}

// mp3Frames walks MPEG audio frame headers and returns the duration.
func mp3Frames(t *testing.T, b []byte) (frames int, secs float64) {
	t.Helper()
	bitrates := map[int][]int{ // MPEG-1 and MPEG-2/2.5 layer III, kbps
		1: {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},
		2: {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
	}
	rates := map[int][]int{3: {44100, 48000, 32000}, 2: {22050, 24000, 16000}, 0: {11025, 12000, 8000}}
	i := 0
	if bytes.HasPrefix(b, []byte("ID3")) && len(b) > 10 {
		i = 10 + int(b[6])<<21 | int(b[7])<<14 | int(b[8])<<7 | int(b[9])
	}
	for i+4 <= len(b) {
		if b[i] != 0xff || b[i+1]&0xe0 != 0xe0 {
			t.Fatalf("no MPEG frame sync at byte %d of %d", i, len(b))
		}
		ver := int(b[i+1]>>3) & 3
		if int(b[i+1]>>1)&3 != 1 {
			t.Fatalf("frame at %d is not layer III", i)
		}
		br, sr, pad := int(b[i+2]>>4), int(b[i+2]>>2)&3, int(b[i+2]>>1)&1
		table, spf, k := 2, 576, 72
		if ver == 3 {
			table, spf, k = 1, 1152, 144
		}
		rate := rates[ver][sr]
		size := k*bitrates[table][br]*1000/rate + pad
		if size <= 4 {
			t.Fatalf("bad frame size at %d", i)
		}
		frames++
		secs += float64(spf) / float64(rate)
		i += size
	}
	return frames, secs
}

func TestMP3DecodesToSpeech(t *testing.T) {
	c := client(t)
	short, out := synth(t, c, &polly.SynthesizeSpeechInput{OutputFormat: types.OutputFormatMp3, VoiceId: types.VoiceIdJoanna, Text: aws.String("Remember the milk.")})
	if aws.ToString(out.ContentType) != "audio/mpeg" || out.RequestCharacters != 18 {
		t.Errorf("ContentType %q, RequestCharacters %d", aws.ToString(out.ContentType), out.RequestCharacters)
	}
	long, _ := synth(t, c, &polly.SynthesizeSpeechInput{OutputFormat: types.OutputFormatMp3, VoiceId: types.VoiceIdJoanna, Text: aws.String(note + " " + note)})
	_, ds := mp3Frames(t, short)
	_, dl := mp3Frames(t, long)
	if ds < 0.5 || dl < 3*ds {
		t.Errorf("MP3 durations: short %.2f s, long %.2f s", ds, dl)
	}
	if _, err := exec.LookPath("mpg123"); err != nil {
		t.Skip("mpg123 is not installed (scripts/deps.sh installs it): frame headers checked, audio not decoded")
	}
	cmd := exec.Command("mpg123", "-q", "-s", "-m", "-r", "16000", "-")
	cmd.Stdin = bytes.NewReader(long)
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("mpg123: %v", err)
	}
	s := pcm16(raw)
	if r := rms(s); r < 500 {
		t.Errorf("decoded MP3 RMS %.0f: silent", r)
	}
	if secs := float64(len(s)) / 16000; math.Abs(secs-dl) > 0.2 {
		t.Errorf("decoded %.2f s, frames say %.2f s", secs, dl)
	}
}

func TestOggAndG711Formats(t *testing.T) {
	c := client(t)
	for _, f := range []types.OutputFormat{types.OutputFormatOggVorbis, types.OutputFormatOggOpus} {
		b, out := synth(t, c, &polly.SynthesizeSpeechInput{OutputFormat: f, VoiceId: types.VoiceIdMatthew, Text: aws.String(note)})
		if !bytes.HasPrefix(b, []byte("OggS")) || aws.ToString(out.ContentType) != "audio/ogg" {
			t.Errorf("%s: not an Ogg stream (%q, %d bytes)", f, aws.ToString(out.ContentType), len(b))
		}
		codec := map[types.OutputFormat]string{types.OutputFormatOggVorbis: "\x01vorbis", types.OutputFormatOggOpus: "OpusHead"}[f]
		if !bytes.Contains(b[:min(len(b), 200)], []byte(codec)) {
			t.Errorf("%s: no %q header", f, codec)
		}
	}
	ref, _ := synth(t, c, &polly.SynthesizeSpeechInput{OutputFormat: types.OutputFormatPcm, SampleRate: aws.String("8000"), VoiceId: types.VoiceIdMatthew, Text: aws.String(note)})
	for _, f := range []types.OutputFormat{types.OutputFormatMulaw, types.OutputFormatAlaw} {
		b, out := synth(t, c, &polly.SynthesizeSpeechInput{OutputFormat: f, VoiceId: types.VoiceIdMatthew, Text: aws.String(note)})
		if len(b) != len(ref)/2 {
			t.Errorf("%s: %d bytes, want one per 8 kHz sample (%d)", f, len(b), len(ref)/2)
		}
		want := map[types.OutputFormat]string{types.OutputFormatMulaw: "audio/basic", types.OutputFormatAlaw: "audio/alaw"}[f]
		if aws.ToString(out.ContentType) != want {
			t.Errorf("%s: ContentType %q, want %q", f, aws.ToString(out.ContentType), want)
		}
	}
}

func apiErr(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want %s", err, code)
	}
	if ae.ErrorCode() != code {
		t.Errorf("got %s (%s), want %s", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
}

func TestSynthesizeSpeechErrors(t *testing.T) {
	c := client(t)
	long := strings.Repeat("a", 3001)
	ssmlLong := "<speak>" + strings.Repeat("<break time=\"1ms\"/>", 320) + "</speak>"
	cases := []struct {
		name string
		in   polly.SynthesizeSpeechInput
		code string
		msg  string
	}{
		{"unknown voice", polly.SynthesizeSpeechInput{VoiceId: "Nobody", OutputFormat: "mp3", Text: aws.String("hi")}, "ValidationException", "Member must satisfy enum value set: [Aditi, Amy,"},
		{"bad format", polly.SynthesizeSpeechInput{VoiceId: "Joanna", OutputFormat: "wav", Text: aws.String("hi")}, "ValidationException", "at 'outputFormat'"},
		{"billed too long", polly.SynthesizeSpeechInput{VoiceId: "Joanna", OutputFormat: "mp3", Text: aws.String(long)}, "TextLengthExceededException", "Maximum text length"},
		{"total too long", polly.SynthesizeSpeechInput{VoiceId: "Joanna", OutputFormat: "mp3", TextType: "ssml", Text: aws.String(ssmlLong)}, "TextLengthExceededException", ""},
		{"bad ssml", polly.SynthesizeSpeechInput{VoiceId: "Joanna", OutputFormat: "mp3", TextType: "ssml", Text: aws.String("<speak>Hi <prosody rate='fast'>there</speak>")}, "InvalidSsmlException", "position"},
		{"not speak", polly.SynthesizeSpeechInput{VoiceId: "Joanna", OutputFormat: "mp3", TextType: "ssml", Text: aws.String("<p>Hi</p>")}, "InvalidSsmlException", "<speak>"},
		{"unknown element", polly.SynthesizeSpeechInput{VoiceId: "Joanna", OutputFormat: "mp3", TextType: "ssml", Text: aws.String("<speak><audio src='x'/></speak>")}, "InvalidSsmlException", "audio"},
		{"long break", polly.SynthesizeSpeechInput{VoiceId: "Joanna", OutputFormat: "mp3", TextType: "ssml", Text: aws.String("<speak><break time='11s'/></speak>")}, "InvalidSsmlException", "10s"},
		{"pcm rate", polly.SynthesizeSpeechInput{VoiceId: "Joanna", OutputFormat: "pcm", SampleRate: aws.String("22050"), Text: aws.String("hi")}, "InvalidSampleRateException", ""},
		{"mp3 rate", polly.SynthesizeSpeechInput{VoiceId: "Joanna", OutputFormat: "mp3", SampleRate: aws.String("11025"), Text: aws.String("hi")}, "InvalidSampleRateException", ""},
		{"marks on mp3", polly.SynthesizeSpeechInput{VoiceId: "Joanna", OutputFormat: "mp3", SpeechMarkTypes: []types.SpeechMarkType{"word"}, Text: aws.String("hi")}, "MarksNotSupportedForFormatException", ""},
		{"ssml marks on text", polly.SynthesizeSpeechInput{VoiceId: "Joanna", OutputFormat: "json", SpeechMarkTypes: []types.SpeechMarkType{"ssml"}, Text: aws.String("hi")}, "SsmlMarksNotSupportedForTextTypeException", ""},
		{"engine", polly.SynthesizeSpeechInput{VoiceId: "Joanna", Engine: "long-form", OutputFormat: "mp3", Text: aws.String("hi")}, "EngineNotSupportedException", ""},
		{"neural only", polly.SynthesizeSpeechInput{VoiceId: "Kevin", OutputFormat: "mp3", Text: aws.String("hi")}, "EngineNotSupportedException", ""},
		{"language", polly.SynthesizeSpeechInput{VoiceId: "Joanna", LanguageCode: "fr-FR", OutputFormat: "mp3", Text: aws.String("hi")}, "LanguageNotSupportedException", ""},
		{"lexicon", polly.SynthesizeSpeechInput{VoiceId: "Joanna", LexiconNames: []string{"nothere"}, OutputFormat: "mp3", Text: aws.String("hi")}, "LexiconNotFoundException", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.SynthesizeSpeech(context.Background(), &tc.in)
			apiErr(t, err, tc.code)
			if err != nil && !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("message %q lacks %q", err.Error(), tc.msg)
			}
		})
	}
	// a bilingual voice speaks its additional language
	en, _ := synth(t, c, &polly.SynthesizeSpeechInput{VoiceId: "Aditi", OutputFormat: "pcm", Text: aws.String("namaste")})
	hi, _ := synth(t, c, &polly.SynthesizeSpeechInput{VoiceId: "Aditi", LanguageCode: "hi-IN", OutputFormat: "pcm", Text: aws.String("namaste")})
	if bytes.Equal(en, hi) {
		t.Error("Aditi sounds the same in en-IN and hi-IN")
	}
}

func serverURL(t *testing.T) string {
	t.Helper()
	return nimbustest.Start(t).URL
}
