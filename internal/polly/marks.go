package polly

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/nimbus-cloud/nimbus/internal/polly/tts"
)

// speechMark is one line of Polly's speech-mark stream.
type speechMark struct {
	Time  int    `json:"time"`
	Type  string `json:"type"`
	Start *int   `json:"start,omitempty"`
	End   *int   `json:"end,omitempty"`
	Value string `json:"value"`
}

// silenceLevel is the amplitude below which a sample counts as silence
// when finding where speech starts and ends in a sentence.
const silenceLevel = 400

// speechMarks synthesizes the script sentence by sentence with the
// request's voice, so every sentence's start is where the synthesizer put
// it; words are placed within their sentence's voiced span in proportion
// to espeak-ng's own phoneme transcription of them (their letters when the
// transcription's words do not line up with the input's), and visemes
// within each word from the same transcription.
func (s *Service) speechMarks(ctx context.Context, j *job) ([]byte, error) {
	want := map[string]bool{}
	for _, m := range j.marks {
		want[m] = true
	}
	chunks := j.script.chunks
	// per chunk: its length and voiced span in samples (not the samples:
	// a long task's audio would not fit in memory)
	type span struct{ n, first, last, rate int }
	audio := make([]span, len(chunks))
	phon := make([][]string, len(chunks))
	errs := make([]error, len(chunks))
	var wg sync.WaitGroup
	for i := range chunks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var a *tts.Audio
			a, errs[i] = s.synth.Speak(ctx, j.speak, chunks[i].ssml())
			if errs[i] == nil {
				first, last := voicedSpan(a.Samples)
				audio[i] = span{n: len(a.Samples), first: first, last: last, rate: a.Rate}
			}
			if errs[i] == nil && (want["viseme"] || want["word"] || want["ssml"]) && len(chunks[i].words) > 0 {
				phon[i], errs[i] = s.synth.Phonemes(ctx, j.speak, chunks[i].ssml())
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	emit := func(m speechMark) { enc.Encode(m) }
	ms := func(samples, rate int) int { return int(int64(samples) * 1000 / int64(rate)) }
	offset := 0 // samples before this chunk
	rate := 22050
	for i, c := range chunks {
		a := audio[i]
		rate = a.rate
		first, last := a.first, a.last
		words := c.words
		// word start times in samples, from the chunk's start
		starts := make([]int, len(words)+1)
		// a word's share of the sentence is its share of espeak-ng's
		// phonemes when its transcription lines up with the input's
		// words, else of the letters
		wt := make([]int, len(words))
		aligned := len(phon[i]) == len(words)
		total := 0
		for k, w := range words {
			if aligned {
				wt[k] = phonemeWeight(phon[i][k])
			} else {
				wt[k] = weight(w.value)
			}
			total += wt[k]
		}
		acc := 0
		for k := range words {
			starts[k] = first + (last-first)*acc/max(total, 1)
			acc += wt[k]
		}
		starts[len(words)] = last
		if want["sentence"] && len(words) > 0 {
			st, en := words[0].start, words[len(words)-1].rawEnd
			emit(speechMark{Time: ms(offset+first, rate), Type: "sentence", Start: &st, End: &en, Value: sentenceText(j, c)})
		}
		mi := 0
		for k := 0; k <= len(words); k++ {
			for ; mi < len(c.marks) && c.marks[mi].at == k; mi++ {
				if want["ssml"] {
					m := c.marks[mi]
					st, en := m.start, m.end
					emit(speechMark{Time: ms(offset+starts[k], rate), Type: "ssml", Start: &st, End: &en, Value: m.name})
				}
			}
			if k == len(words) {
				break
			}
			w := words[k]
			if want["word"] {
				st, en := w.start, w.end
				emit(speechMark{Time: ms(offset+starts[k], rate), Type: "word", Start: &st, End: &en, Value: w.value})
			}
			if want["viseme"] {
				var ph string
				if len(phon[i]) == len(words) {
					ph = phon[i][k]
				} else {
					ph = guessPhonemes(w.value)
				}
				vs := visemes(ph)
				span := starts[k+1] - starts[k]
				for n, v := range vs {
					emit(speechMark{Time: ms(offset+starts[k]+span*n/len(vs), rate), Type: "viseme", Value: v})
				}
			}
		}
		offset += a.n
	}
	if want["viseme"] && offset > 0 {
		emit(speechMark{Time: ms(offset, rate), Type: "viseme", Value: "sil"})
	}
	return out.Bytes(), nil
}

// sentenceText is the sentence mark's value: the input from the first
// word to the end of the last, without SSML tags.
func sentenceText(j *job, c chunk) string {
	raw := j.script.src[c.words[0].start:c.words[len(c.words)-1].rawEnd]
	if !j.script.ssml {
		return raw
	}
	return strings.Join(strings.Fields(unescapeXML(reTag.ReplaceAllString(raw, ""))), " ")
}

var reTag = regexp.MustCompile(`<[^>]*>`)

func weight(w string) int { return utf8.RuneCountInString(w) + 2 }

// phonemeWeight counts the sounds in an espeak-ng transcription: letters
// and digits are phonemes; stress, length and linking marks are not, but a
// long vowel (:) lasts about one more.
func phonemeWeight(ph string) int {
	n := 1
	for _, r := range ph {
		switch {
		case r == ':':
			n++
		case r == '\'' || r == ',' || r == '#' || r == '_' || r == '|' || r == '!':
		default:
			n++
		}
	}
	return n
}

// voicedSpan is the first and last sample louder than silenceLevel.
func voicedSpan(s []int16) (int, int) {
	first, last := 0, len(s)
	for i, v := range s {
		if v > silenceLevel || v < -silenceLevel {
			first = i
			break
		}
	}
	for i := len(s) - 1; i >= first; i-- {
		if v := s[i]; v > silenceLevel || v < -silenceLevel {
			last = i + 1
			break
		}
	}
	return first, last
}

// guessPhonemes stands in for a transcription when espeak-ng's words do
// not line up with the input's (numbers, abbreviations): the letters.
func guessPhonemes(w string) string { return strings.ToLower(w) }

// visemes maps espeak-ng phoneme mnemonics (or letters) to Polly's viseme
// set, merging repeats.
func visemes(ph string) []string {
	var out []string
	add := func(v string) {
		if len(out) == 0 || out[len(out)-1] != v {
			out = append(out, v)
		}
	}
	for i := 0; i < len(ph); i++ {
		c := ph[i]
		two := ""
		if i+1 < len(ph) {
			two = ph[i : i+2]
		}
		switch {
		case two == "tS" || two == "dZ":
			add("S")
			i++
		case two == "aI" || two == "aU":
			add("a")
			i++
		case two == "eI":
			add("e")
			i++
		case two == "oU" || two == "OI":
			add("o")
			i++
		default:
			switch c {
			case 'p', 'b', 'm':
				add("p")
			case 't', 'd', 'n', 'l':
				add("t")
			case 'S', 'Z', 'j':
				add("S")
			case 'T', 'D':
				add("T")
			case 'f', 'v':
				add("f")
			case 'k', 'g', 'N', 'h', 'x', 'c', 'q':
				add("k")
			case 'i', 'I', 'y':
				add("i")
			case 'r', 'R':
				add("r")
			case 's', 'z':
				add("s")
			case 'u', 'U', 'w':
				add("u")
			case '@', 'V', '3':
				add("@")
			case 'a', 'A':
				add("a")
			case 'e':
				add("e")
			case 'E':
				add("E")
			case 'o':
				add("o")
			case 'O', '0':
				add("O")
			}
		}
	}
	if len(out) == 0 {
		out = append(out, "sil")
	}
	return out
}
