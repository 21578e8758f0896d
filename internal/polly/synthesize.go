package polly

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/polly/encode"
	"github.com/nimbus-cloud/nimbus/internal/polly/tts"
)

// Polly's text limits for SynthesizeSpeech.
const (
	maxTextChars   = 6000 // the whole input, tags included
	maxBilledChars = 3000 // the characters billed (tags excluded)
)

var (
	engines       = []string{"standard", "neural", "long-form", "generative"}
	outputFormats = []string{"json", "mp3", "ogg_opus", "ogg_vorbis", "pcm", "mulaw", "alaw"}
	markTypes     = []string{"sentence", "ssml", "viseme", "word"}
	textTypes     = []string{"ssml", "text"}
)

func validEngine(e string) bool { return oneOf(e, engines...) }

func languageCodes() []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range voices {
		for _, l := range append([]string{v.LanguageCode}, v.Additional...) {
			if !seen[l] {
				seen[l] = true
				out = append(out, l)
			}
		}
	}
	sort.Strings(out)
	return out
}

func validLanguage(l string) bool { return oneOf(l, languageCodes()...) }

func voiceIDs() []string {
	ids := make([]string, len(voices))
	for i, v := range voices {
		ids[i] = v.ID
	}
	return ids
}

// enumError is the ValidationException AWS answers for a value outside a
// member's enum, listing the valid values.
func enumError(value, member string, valid []string) *awserr.Error {
	return awserr.Newf("ValidationException",
		"1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]",
		value, member, strings.Join(valid, ", ")).With("reason", "fieldValidationFailed")
}

// SynthesizeSpeechInput is the request.
type SynthesizeSpeechInput struct {
	Engine          *string
	LanguageCode    *string
	LexiconNames    []string
	OutputFormat    string
	SampleRate      *string
	SpeechMarkTypes []string
	Text            *string
	TextType        *string
	VoiceId         string
}

// SynthesizeSpeechOutput is the response: the audio (or speech marks) as
// the raw body.
type SynthesizeSpeechOutput struct {
	ContentType       string `location:"header" name:"Content-Type"`
	RequestCharacters int    `location:"header" name:"x-amzn-RequestCharacters"`
	AudioStream       []byte `location:"payload"`
}

// job is a validated synthesis request.
type job struct {
	voice    *voice
	engine   string
	format   string
	rate     int
	marks    []string
	script   *script
	language string
	speak    espeak // the voice, in the request's language
}

// sampleRates are the rates each format accepts, and its default for
// standard voices (the first) and for the other engines (the second).
func sampleRates(format string) (valid []int, std, other int) {
	switch format {
	case "pcm":
		return []int{8000, 16000}, 16000, 16000
	case "mulaw", "alaw":
		return []int{8000}, 8000, 8000
	case "ogg_opus":
		return []int{48000}, 48000, 48000
	default: // mp3, ogg_vorbis, json
		return []int{8000, 16000, 22050, 24000, 44100, 48000}, 22050, 24000
	}
}

func missing(member string) *awserr.Error {
	return awserr.Newf("ValidationException", "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member).With("reason", "fieldValidationFailed")
}

// prepare validates a request as Polly does, in Polly's order, and parses
// its text. maxBilled is the billed-character limit (tasks allow more).
func (s *Service) prepare(ctx context.Context, engine, lang *string, lexNames []string, format string, rate *string, marks []string, text *string, textType *string, voiceID string, maxTotal, maxBilled int) (*job, error) {
	if format == "" {
		return nil, missing("outputFormat")
	}
	if !oneOf(format, outputFormats...) {
		return nil, enumError(format, "outputFormat", outputFormats)
	}
	if text == nil {
		return nil, missing("text")
	}
	if voiceID == "" {
		return nil, missing("voiceId")
	}
	v, ok := voiceByID[voiceID]
	if !ok {
		return nil, enumError(voiceID, "voiceId", voiceIDs())
	}
	j := &job{voice: v, engine: "standard", format: format, language: v.LanguageCode, speak: v.Speak}
	if engine != nil {
		if !validEngine(*engine) {
			return nil, enumError(*engine, "engine", engines)
		}
		j.engine = *engine
	}
	tt := "text"
	if textType != nil {
		if !oneOf(*textType, textTypes...) {
			return nil, enumError(*textType, "textType", textTypes)
		}
		tt = *textType
	}
	for _, m := range marks {
		if !oneOf(m, markTypes...) {
			return nil, enumError(m, "speechMarkTypes", markTypes)
		}
	}
	if len(marks) > 4 {
		return nil, awserr.New("ValidationException", "1 validation error detected: Value at 'speechMarkTypes' failed to satisfy constraint: Member must have length less than or equal to 4").With("reason", "fieldValidationFailed")
	}
	if lang != nil {
		if !validLanguage(*lang) {
			return nil, enumError(*lang, "languageCode", languageCodes())
		}
		if !v.speaks(*lang) {
			return nil, awserr.New("LanguageNotSupportedException", "The language specified is not currently supported by Amazon Polly in this capacity.")
		}
		j.language = *lang
		// a bilingual voice speaks its other language with that
		// language's espeak-ng voice, keeping its own timbre
		j.speak.Language = espeakLanguage(*lang, v.Speak.Language)
	}
	if !v.supports(j.engine) {
		return nil, awserr.New("EngineNotSupportedException", "This engine is not compatible with the voice that you have designated. Choose a new voice that is compatible with the engine or change the engine and restart the operation.")
	}
	valid, std, other := sampleRates(format)
	j.rate = other
	if j.engine == "standard" {
		j.rate = std
	}
	if rate != nil {
		r, err := strconv.Atoi(*rate)
		if err != nil || !containsInt(valid, r) {
			return nil, awserr.Newf("InvalidSampleRateException", "The specified sample rate is not valid. Valid sample rates for %s: %s.", format, joinInts(valid))
		}
		j.rate = r
	}
	if format == "json" {
		if len(marks) == 0 {
			return nil, awserr.New("MarksNotSupportedForFormatException", "SpeechMarkTypes are required when the OutputFormat is json.")
		}
	} else if len(marks) > 0 {
		return nil, awserr.New("MarksNotSupportedForFormatException", "Speech marks are not supported for the OutputFormat selected. Speech marks are only available for content in json format.")
	}
	if tt == "text" && oneOf("ssml", marks...) {
		return nil, awserr.New("SsmlMarksNotSupportedForTextTypeException", "SSML speech marks are not supported for plain text-type input.")
	}
	j.marks = marks
	if utf8.RuneCountInString(*text) > maxTotal {
		return nil, textTooLong()
	}
	lex, err := s.loadLexicons(ctx, lexNames, v, j.language)
	if err != nil {
		return nil, err
	}
	if tt == "ssml" {
		sc, err := parseSSMLVoice(*text, lex, strings.ToLower(v.Gender))
		if err != nil {
			var se *ssmlError
			if errors.As(err, &se) {
				return nil, awserr.New("InvalidSsmlException", "Invalid SSML request: "+se.Error())
			}
			return nil, err
		}
		j.script = sc
	} else {
		j.script = parseText(*text, lex)
	}
	if j.script.billed > maxBilled {
		return nil, textTooLong()
	}
	return j, nil
}

func textTooLong() *awserr.Error {
	return awserr.New("TextLengthExceededException", "Maximum text length has been exceeded")
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func joinInts(s []int) string {
	p := make([]string, len(s))
	for i, v := range s {
		p[i] = strconv.Itoa(v)
	}
	return strings.Join(p, ", ")
}

// SynthesizeSpeech turns text or SSML into audio or speech marks.
func (s *Service) SynthesizeSpeech(ctx context.Context, in *SynthesizeSpeechInput) (*SynthesizeSpeechOutput, error) {
	j, err := s.prepare(ctx, in.Engine, in.LanguageCode, in.LexiconNames, in.OutputFormat, in.SampleRate, in.SpeechMarkTypes, in.Text, in.TextType, in.VoiceId, maxTextChars, maxBilledChars)
	if err != nil {
		return nil, err
	}
	body, ctype, err := s.render(ctx, j)
	if err != nil {
		return nil, err
	}
	return &SynthesizeSpeechOutput{ContentType: ctype, RequestCharacters: j.script.billed, AudioStream: body}, nil
}

// render synthesizes a job: audio in its format, or speech marks.
func (s *Service) render(ctx context.Context, j *job) ([]byte, string, error) {
	if err := s.synth.Check(); err != nil {
		return nil, "", serviceFailure(err)
	}
	if j.format == "json" {
		b, err := s.speechMarks(ctx, j)
		if err != nil {
			return nil, "", s.failure(ctx, err)
		}
		return b, "application/x-json-stream", nil
	}
	f := encode.Format(j.format)
	docs := j.script.split(s.parallel)
	if f == encode.OggVorbis || f == encode.OggOpus {
		// parts would make a chained Ogg file; Polly answers one stream
		docs = []string{j.script.espeakSSML()}
	}
	parts := make([][]byte, len(docs))
	errs := make([]error, len(docs))
	var wg sync.WaitGroup
	for i, doc := range docs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[i], errs[i] = s.speakPart(ctx, j, f, doc)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, "", s.failure(ctx, err)
	}
	return bytes.Join(parts, nil), encode.ContentType(f), nil
}

// speakPart synthesizes and encodes one part of a script. MP3 frames and
// raw samples concatenate, so long texts are spoken in parts at once.
func (s *Service) speakPart(ctx context.Context, j *job, f encode.Format, doc string) ([]byte, error) {
	var b []byte
	err := s.synth.SpeakStream(ctx, j.speak, doc, func(r io.Reader, rate int) error {
		var err error
		if encode.Streams(f) && rate == j.rate {
			// the encoder runs alongside the synthesizer
			b, err = s.enc.EncodeStream(ctx, f, r, rate)
			return err
		}
		raw, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		samples := make([]int16, len(raw)/2)
		for i := range samples {
			samples[i] = int16(binary.LittleEndian.Uint16(raw[2*i:]))
		}
		b, err = s.enc.Encode(ctx, f, samples, rate, j.rate)
		return err
	})
	return b, err
}

func serviceFailure(err error) *awserr.Error {
	return &awserr.Error{Code: "ServiceFailureException", Message: err.Error(), Status: 500, Fault: true}
}

// failure words a synthesis failure: a missing program is named, anything
// else is logged and answered without detail.
func (s *Service) failure(ctx context.Context, err error) error {
	var miss *encode.ErrMissing
	switch {
	case errors.Is(err, tts.ErrNotInstalled), errors.As(err, &miss):
		return serviceFailure(err)
	case ctx.Err() != nil:
		return ctx.Err()
	}
	return fmt.Errorf("synthesis: %w", err)
}
