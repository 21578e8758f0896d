package polly

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A script is the input (plain text or Polly SSML), validated and
// translated into espeak-ng's SSML dialect, cut into sentence-sized chunks
// so speech marks can be timed per sentence.
type script struct {
	chunks []chunk
	// billed counts the characters Polly bills: the text, not the tags.
	billed int
	src    string
	ssml   bool
}

// chunk is one sentence (or a stretch of breaks) of the script.
type chunk struct {
	// body is espeak-ng SSML without the <speak> element; it closes every
	// element it opens, so chunks concatenate into one document.
	body  string
	words []word
	// marks are <mark> elements, each before word index At.
	marks []ssmlMark
}

// word is a word of the input, with its byte range in the input.
type word struct {
	start, end int
	value      string
	// rawEnd is where the word ends with its trailing punctuation.
	rawEnd int
}

type ssmlMark struct {
	at         int
	start, end int
	name       string
}

// espeakSSML is the whole script as one espeak-ng document.
func (s *script) espeakSSML() string {
	var b strings.Builder
	b.WriteString("<speak>")
	for _, c := range s.chunks {
		b.WriteString(c.body)
	}
	b.WriteString("</speak>")
	return b.String()
}

// partChars is the least text worth a synthesizer process of its own.
const partChars = 1000

// split cuts the script at sentence boundaries into at most n espeak-ng
// documents of similar length, at least partChars each, to be spoken in
// parallel; short scripts stay whole.
func (s *script) split(n int) []string {
	total := 0
	for _, c := range s.chunks {
		total += len(c.body)
	}
	n = min(n, total/partChars)
	if n <= 1 {
		return []string{s.espeakSSML()}
	}
	var docs []string
	var b strings.Builder
	size, done := 0, 0
	for i, c := range s.chunks {
		b.WriteString(c.body)
		size += len(c.body)
		// close this part when it has its share of what is left
		if left := n - len(docs); left > 1 && size >= (total-done)/left && i < len(s.chunks)-1 {
			docs = append(docs, "<speak>"+b.String()+"</speak>")
			b.Reset()
			done += size
			size = 0
		}
	}
	return append(docs, "<speak>"+b.String()+"</speak>")
}

// chunkSSML is one chunk as an espeak-ng document.
func (c *chunk) ssml() string { return "<speak>" + c.body + "</speak>" }

// ssmlError is an InvalidSsml reason with its byte offset in the input.
type ssmlError struct {
	msg string
	pos int
}

func (e *ssmlError) Error() string { return fmt.Sprintf("%s (at position %d)", e.msg, e.pos) }

// builder accumulates chunks while the input is walked.
type builder struct {
	gender string // "female" or "male": kept when <lang> switches language
	src    string
	lex    lexicons
	s      script
	cur    chunk
	body   strings.Builder
	// pendingEnd: the last word may have ended a sentence; the next word
	// decides
	pendingEnd bool
	open       []string // wrapper elements open now, as start tags
	closes     []string // and their end tags
}

func (b *builder) boundary() {
	b.pendingEnd = false
	for i := len(b.closes) - 1; i >= 0; i-- {
		b.body.WriteString(b.closes[i])
	}
	b.cur.body = b.body.String()
	if b.cur.body != strings.Join(b.open, "")+strings.Join(reversed(b.closes), "") || len(b.cur.marks) > 0 {
		b.s.chunks = append(b.s.chunks, b.cur)
	}
	b.cur = chunk{}
	b.body.Reset()
	for _, o := range b.open {
		b.body.WriteString(o)
	}
}

func reversed(s []string) []string {
	r := make([]string, len(s))
	for i, v := range s {
		r[len(s)-1-i] = v
	}
	return r
}

func (b *builder) push(open, close string) {
	b.open = append(b.open, open)
	b.closes = append(b.closes, close)
	b.body.WriteString(open)
}

func (b *builder) pop() {
	n := len(b.open) - 1
	b.body.WriteString(b.closes[n])
	b.open, b.closes = b.open[:n], b.closes[:n]
}

// text adds raw input src[off:off+len(raw)] (XML-escaped when ssml):
// words are found in the raw form so their offsets index the input; a
// sentence ends after . ! or ? followed by a space.
func (b *builder) text(raw string, off int, ssml bool) {
	i := 0
	for i < len(raw) {
		r, n := utf8.DecodeRuneInString(raw[i:])
		if unicode.IsSpace(r) {
			b.body.WriteByte(' ')
			i += n
			continue
		}
		j := i
		for j < len(raw) {
			r, n := utf8.DecodeRuneInString(raw[j:])
			if unicode.IsSpace(r) {
				break
			}
			j += n
		}
		tok := raw[i:j]
		value := tok
		if ssml {
			value = unescapeXML(tok)
		}
		if b.pendingEnd {
			b.pendingEnd = false
			if r, _ := utf8.DecodeRuneInString(value); !unicode.IsLower(r) {
				b.boundary()
			}
		}
		b.word(value, off+i, off+j)
		i = j
		b.pendingEnd = endsSentence(value)
	}
}

// endsSentence reports whether a word ends a sentence (when the next word
// does not start in lower case): it ends in . ! or ?, perhaps followed by
// closing quotes or brackets, and is not a title or an initial ("Dr.",
// "J.").
func endsSentence(w string) bool {
	end := strings.TrimRight(w, `"')]}»”’`)
	switch {
	case strings.HasSuffix(end, "!"), strings.HasSuffix(end, "?"):
		return true
	case !strings.HasSuffix(end, "."):
		return false
	}
	core, _, _ := splitPunct(end)
	if utf8.RuneCountInString(core) == 1 && unicode.IsUpper([]rune(core)[0]) {
		return false // an initial
	}
	return !abbreviations[strings.ToLower(core)]
}

// abbreviations are common titles and abbreviations that end in a period
// without ending the sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true, "sr": true, "jr": true,
	"vs": true, "etc": true, "e.g": true, "i.e": true, "approx": true, "no": true, "fig": true,
	"mt": true, "ave": true, "inc": true, "ltd": true, "co": true, "corp": true, "gen": true, "gov": true,
}

// word emits one word, applying the lexicons.
func (b *builder) word(value string, start, end int) {
	core, pre, post := splitPunct(value)
	if core != "" {
		if lx, ok := b.lex.lookup(core); ok {
			b.body.WriteString(escapeXML(pre))
			if lx.alias != "" {
				b.body.WriteString(escapeXML(lx.alias))
			} else {
				b.body.WriteString("[[" + lx.espeak + "]]")
			}
			b.body.WriteString(escapeXML(post))
		} else {
			b.body.WriteString(escapeXML(value))
		}
	} else {
		b.body.WriteString(escapeXML(value))
	}
	if core != "" {
		// marks name the word without its punctuation
		b.cur.words = append(b.cur.words, word{start: start + len(rawPrefix(value, pre)), end: end - len(rawSuffix(value, post)), value: core, rawEnd: end})
	}
}

// splitPunct separates leading and trailing punctuation from a word.
func splitPunct(w string) (core, pre, post string) {
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	i := strings.IndexFunc(w, isWord)
	if i < 0 {
		return "", w, ""
	}
	j := strings.LastIndexFunc(w, isWord)
	_, n := utf8.DecodeRuneInString(w[j:])
	return w[i : j+n], w[:i], w[j+n:]
}

// escapeXML escapes text for espeak-ng's SSML; it also breaks up "[[",
// which espeak-ng would otherwise read as the start of phoneme input.
func escapeXML(s string) string {
	s = strings.ReplaceAll(s, "[[", "[ [")
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || r == 0xfffe || r == 0xffff || (r < 0x20 && r != '\t' && r != '\n' && r != '\r') {
			return ' ' // not allowed in XML
		}
		return r
	}, s)
	if !strings.ContainsAny(s, `<>&"'`) {
		return s
	}
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func unescapeXML(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var v struct {
		S string `xml:",chardata"`
	}
	if err := xml.Unmarshal([]byte("<x>"+s+"</x>"), &v); err != nil {
		return s
	}
	return v.S
}

// parseText builds the script for TextType text.
func parseText(text string, lex lexicons) *script {
	b := &builder{src: text, lex: lex}
	b.text(text, 0, false)
	b.boundary()
	b.s.billed = utf8.RuneCountInString(text)
	b.s.src = text
	return &b.s
}

// Polly's SSML: the elements it accepts and their attributes.
var ssmlAttrs = map[string][]string{
	"speak":               {"lang"},
	"break":               {"time", "strength"},
	"prosody":             {"rate", "pitch", "volume", "amazon:max-duration"},
	"emphasis":            {"level"},
	"say-as":              {"interpret-as", "format"},
	"sub":                 {"alias"},
	"phoneme":             {"alphabet", "ph"},
	"lang":                {"lang", "onlangfailure"},
	"p":                   {},
	"s":                   {},
	"w":                   {"role"},
	"mark":                {"name"},
	"amazon:effect":       {"name", "vocal-tract-length", "phonation"},
	"amazon:auto-breaths": {"volume", "frequency", "duration"},
	"amazon:breath":       {"volume", "duration"},
	"amazon:domain":       {"name"},
	"amazon:emotion":      {"name", "intensity"},
}

var (
	reTime     = regexp.MustCompile(`^(\d+(?:\.\d+)?)(ms|s)$`)
	rePercent  = regexp.MustCompile(`^[+-]?\d+(?:\.\d+)?%$`)
	reDecibels = regexp.MustCompile(`^[+-]\d+(?:\.\d+)?dB$`)
)

func oneOf(v string, set ...string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

// parseSSML validates Polly's SSML dialect and builds the script.
func parseSSML(src string, lex lexicons) (*script, error) {
	return parseSSMLVoice(src, lex, "")
}

// parseSSMLVoice is parseSSML for a voice of the given gender.
func parseSSMLVoice(src string, lex lexicons, gender string) (*script, error) {
	b := &builder{src: src, lex: lex, gender: gender}
	d := xml.NewDecoder(strings.NewReader(src))
	d.Strict = true
	type frame struct {
		name  string
		start int
		pop   bool   // pushed a wrapper
		after string // written at the end
		skip  bool   // content replaced (sub)
		sent  bool   // ends a sentence (p, s)
	}
	var stack []frame
	sawRoot, done := false, false
	for {
		pos := int(d.InputOffset())
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, &ssmlError{msg: se.Msg, pos: int(d.InputOffset())}
			}
			return nil, &ssmlError{msg: err.Error(), pos: int(d.InputOffset())}
		}
		end := int(d.InputOffset())
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			if t.Name.Space != "" {
				if t.Name.Space != "amazon" {
					return nil, &ssmlError{msg: "unsupported element <" + t.Name.Space + ":" + name + ">", pos: pos}
				}
				name = "amazon:" + name
			}
			if done {
				return nil, &ssmlError{msg: "content after </speak>", pos: pos}
			}
			if !sawRoot {
				if name != "speak" {
					return nil, &ssmlError{msg: "the root element must be <speak>", pos: pos}
				}
				sawRoot = true
			} else if name == "speak" {
				return nil, &ssmlError{msg: "<speak> cannot be nested", pos: pos}
			}
			allowed, ok := ssmlAttrs[name]
			if !ok {
				return nil, &ssmlError{msg: "unsupported element <" + name + ">", pos: pos}
			}
			attrs := map[string]string{}
			for _, a := range t.Attr {
				an := a.Name.Local
				if a.Name.Space == "amazon" {
					an = "amazon:" + an
				}
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && an == "xmlns") {
					continue
				}
				if !oneOf(an, allowed...) {
					return nil, &ssmlError{msg: fmt.Sprintf("unsupported attribute %q on <%s>", an, name), pos: pos}
				}
				attrs[an] = a.Value
			}
			f := frame{name: name, start: pos}
			if len(stack) > 0 && stack[len(stack)-1].skip {
				f.skip = true
			}
			if err := b.start(name, attrs, &f.pop, &f.after, &f.skip, &f.sent, pos, end); err != nil {
				return nil, err
			}
			stack = append(stack, f)
		case xml.EndElement:
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			b.body.WriteString(f.after)
			if f.pop {
				b.pop()
			}
			if f.sent {
				b.boundary()
			}
			if len(stack) == 0 {
				done = true
			}
		case xml.CharData:
			b.s.billed += utf8.RuneCount(t)
			if len(stack) == 0 {
				if strings.TrimSpace(string(t)) != "" {
					return nil, &ssmlError{msg: "text outside <speak>", pos: pos}
				}
				continue
			}
			if strings.HasPrefix(src[pos:end], "<![CDATA[") {
				return nil, &ssmlError{msg: "CDATA sections are not supported", pos: pos}
			}
			if stack[len(stack)-1].skip {
				// words of a <sub> are timed but not spoken
				at := pos
				for _, w := range strings.Fields(src[pos:end]) {
					i := at + strings.Index(src[at:end], w)
					b.cur.words = append(b.cur.words, word{start: i, end: i + len(w), value: unescapeXML(w), rawEnd: i + len(w)})
					at = i + len(w)
				}
				continue
			}
			b.text(src[pos:end], pos, true)
		case xml.Comment, xml.ProcInst:
		case xml.Directive:
			return nil, &ssmlError{msg: "DTDs are not allowed", pos: pos}
		}
	}
	if !sawRoot {
		return nil, &ssmlError{msg: "the root element must be <speak>", pos: 0}
	}
	if len(stack) > 0 {
		return nil, &ssmlError{msg: "unclosed element <" + stack[len(stack)-1].name + ">", pos: len(src)}
	}
	b.boundary()
	b.s.src, b.s.ssml = src, true
	return &b.s, nil
}

// start translates one start element.
func (b *builder) start(name string, a map[string]string, pop *bool, after *string, skip, sent *bool, pos, end int) error {
	bad := func(format string, args ...any) error {
		return &ssmlError{msg: fmt.Sprintf(format, args...), pos: pos}
	}
	switch name {
	case "break":
		if t, ok := a["time"]; ok {
			m := reTime.FindStringSubmatch(t)
			if m == nil {
				return bad("invalid break time %q", t)
			}
			v, _ := strconv.ParseFloat(m[1], 64)
			if m[2] == "s" {
				v *= 1000
			}
			if v > 10000 {
				return bad("break time %q exceeds 10s", t)
			}
			b.body.WriteString(fmt.Sprintf(`<break time="%dms"/>`, int(v)))
		} else if s, ok := a["strength"]; ok {
			if !oneOf(s, "none", "x-weak", "weak", "medium", "strong", "x-strong") {
				return bad("invalid break strength %q", s)
			}
			b.body.WriteString(`<break strength="` + s + `"/>`)
		} else {
			b.body.WriteString(`<break strength="medium"/>`)
		}
	case "prosody":
		if len(a) == 0 {
			return bad("<prosody> needs rate, pitch, volume or amazon:max-duration")
		}
		var attrs strings.Builder
		if v, ok := a["rate"]; ok {
			if !oneOf(v, "x-slow", "slow", "medium", "fast", "x-fast") && !rePercent.MatchString(v) {
				return bad("invalid prosody rate %q", v)
			}
			if rePercent.MatchString(v) {
				p, _ := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
				if p < 20 {
					return bad("prosody rate %q is below 20%%", v)
				}
			}
			attrs.WriteString(` rate="` + v + `"`)
		}
		if v, ok := a["pitch"]; ok {
			if !oneOf(v, "default", "x-low", "low", "medium", "high", "x-high") && !rePercent.MatchString(v) {
				return bad("invalid prosody pitch %q", v)
			}
			if v != "default" {
				attrs.WriteString(` pitch="` + v + `"`)
			}
		}
		if v, ok := a["volume"]; ok {
			if !oneOf(v, "default", "silent", "x-soft", "soft", "medium", "loud", "x-loud") && !reDecibels.MatchString(v) {
				return bad("invalid prosody volume %q", v)
			}
			if reDecibels.MatchString(v) {
				db, _ := strconv.ParseFloat(strings.TrimSuffix(v, "dB"), 64)
				pct := int(100*math.Pow(10, db/20) + 0.5)
				v = strconv.Itoa(pct) + "%"
			}
			if v != "default" {
				attrs.WriteString(` volume="` + v + `"`)
			}
		}
		if v, ok := a["amazon:max-duration"]; ok && !reTime.MatchString(v) {
			return bad("invalid amazon:max-duration %q", v)
		}
		b.push("<prosody"+attrs.String()+">", "</prosody>")
		*pop = true
	case "emphasis":
		lvl := a["level"]
		if lvl == "" {
			lvl = "moderate"
		}
		if !oneOf(lvl, "strong", "moderate", "reduced") {
			return bad("invalid emphasis level %q", lvl)
		}
		b.push(`<emphasis level="`+lvl+`">`, "</emphasis>")
		*pop = true
	case "say-as":
		ia, ok := a["interpret-as"]
		if !ok {
			return bad("<say-as> needs interpret-as")
		}
		if !oneOf(ia, "characters", "spell-out", "cardinal", "number", "ordinal", "digits", "fraction", "unit", "date", "time", "address", "expletive", "telephone") {
			return bad("invalid say-as interpret-as %q", ia)
		}
		switch ia {
		case "characters", "spell-out":
			b.push(`<say-as interpret-as="characters">`, "</say-as>")
			*pop = true
		case "digits", "telephone":
			b.push(`<say-as interpret-as="tts:digits">`, "</say-as>")
			*pop = true
		case "expletive":
			b.body.WriteString(`<break time="500ms"/>`) // bleeped: nothing is said
			*skip = true
		}
	case "sub":
		alias, ok := a["alias"]
		if !ok {
			return bad("<sub> needs alias")
		}
		if !*skip {
			b.body.WriteString(" " + escapeXML(alias) + " ")
		}
		*skip = true
	case "phoneme":
		alpha, ph := a["alphabet"], a["ph"]
		if !oneOf(alpha, "ipa", "x-sampa") {
			return bad("invalid phoneme alphabet %q", alpha)
		}
		if ph == "" {
			return bad("<phoneme> needs ph")
		}
		es, err := toEspeak(alpha, ph)
		if err != nil {
			return bad("invalid phoneme %q: %v", ph, err)
		}
		if !*skip {
			b.body.WriteString(" [[" + es + "]] ")
		}
		*skip = true
	case "lang":
		l, ok := a["lang"]
		if !ok {
			return bad("<lang> needs xml:lang")
		}
		if es := espeakLanguage(l, ""); es != "" {
			g := ""
			if b.gender != "" {
				g = ` gender="` + b.gender + `"`
			}
			b.push(`<voice xml:lang="`+es+`"`+g+`>`, "</voice>")
			*pop = true
		}
	case "mark":
		n, ok := a["name"]
		if !ok {
			return bad("<mark> needs name")
		}
		b.cur.marks = append(b.cur.marks, ssmlMark{at: len(b.cur.words), start: pos, end: end, name: n})
	case "p":
		*after = `<break strength="x-strong"/>`
		*sent = true
	case "s":
		*after = `<break strength="strong"/>`
		*sent = true
	case "amazon:effect":
		if n, ok := a["name"]; ok && !oneOf(n, "drc", "whispered") {
			return bad("invalid amazon:effect name %q", n)
		}
	}
	return nil
}

// rawPrefix and rawSuffix are the punctuation around a word as it appears
// in the input; unescaped forms of plain punctuation have the same length
// except for entities, which only SSML has, so the offsets stay in range.
func rawPrefix(value, pre string) string  { return value[:len(pre)] }
func rawSuffix(value, post string) string { return value[len(value)-len(post):] }
