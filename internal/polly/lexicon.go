package polly

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// Polly's lexicon limits.
const (
	maxLexiconChars  = 4000 // characters in a lexicon
	maxLexemeChars   = 100  // characters in a grapheme or alias
	maxLexicons      = 100  // lexicons per account and region
	maxLexiconsInUse = 5    // LexiconNames per request
	lexiconPageSize  = 100
)

var reLexiconName = regexp.MustCompile(`^[0-9A-Za-z]{1,20}$`)

// storedLexicon is a lexicon as kept in storage.
type storedLexicon struct {
	Name         string
	Content      string
	Alphabet     string
	LanguageCode string
	LastModified time.Time
	Lexemes      []lexeme
	Size         int
}

// lexeme is one entry: the graphemes it matches and either an alias or a
// pronunciation in the lexicon's alphabet.
type lexeme struct {
	Graphemes []string
	Alias     string `json:",omitempty"`
	Phoneme   string `json:",omitempty"`
}

// pls is the W3C Pronunciation Lexicon Specification document.
type pls struct {
	XMLName  xml.Name `xml:"lexicon"`
	Alphabet string   `xml:"alphabet,attr"`
	Lang     string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Lexemes  []struct {
		Graphemes []string `xml:"grapheme"`
		Phonemes  []string `xml:"phoneme"`
		Aliases   []string `xml:"alias"`
	} `xml:"lexeme"`
}

// plsLanguages are the languages a lexicon may declare: those of the voices.
var plsLanguages = func() map[string]bool {
	m := map[string]bool{}
	for _, v := range voices {
		m[v.LanguageCode] = true
		for _, l := range v.Additional {
			m[l] = true
		}
	}
	return m
}()

// parseLexicon validates a PLS document as PutLexicon does.
func parseLexicon(name, content string) (*storedLexicon, error) {
	if n := utf8.RuneCountInString(content); n > maxLexiconChars {
		return nil, awserr.Newf("LexiconSizeExceededException", "Lexicon size of %d characters exceeds the maximum of %d characters.", n, maxLexiconChars)
	}
	var doc pls
	d := xml.NewDecoder(strings.NewReader(content))
	d.Strict = true
	if err := d.Decode(&doc); err != nil {
		return nil, awserr.New("InvalidLexiconException", "Invalid lexicon: "+err.Error())
	}
	if doc.XMLName.Space != "http://www.w3.org/2005/01/pronunciation-lexicon" {
		return nil, awserr.New("InvalidLexiconException", "Invalid lexicon: the root element must be <lexicon> in namespace http://www.w3.org/2005/01/pronunciation-lexicon")
	}
	if doc.Alphabet != "ipa" && doc.Alphabet != "x-sampa" {
		return nil, awserr.Newf("UnsupportedPlsAlphabetException", "Alphabet %q is not supported. Supported alphabets: ipa, x-sampa.", doc.Alphabet)
	}
	if !plsLanguages[doc.Lang] {
		return nil, awserr.Newf("UnsupportedPlsLanguageException", "Language %q is not supported.", doc.Lang)
	}
	l := &storedLexicon{Name: name, Content: content, Alphabet: doc.Alphabet, LanguageCode: doc.Lang, Size: len(content)}
	for _, x := range doc.Lexemes {
		if len(x.Graphemes) == 0 {
			return nil, awserr.New("InvalidLexiconException", "Invalid lexicon: a <lexeme> has no <grapheme>")
		}
		if len(x.Aliases) == 0 && len(x.Phonemes) == 0 {
			return nil, awserr.New("InvalidLexiconException", "Invalid lexicon: a <lexeme> has neither <phoneme> nor <alias>")
		}
		e := lexeme{}
		for _, g := range x.Graphemes {
			g = strings.TrimSpace(g)
			if utf8.RuneCountInString(g) > maxLexemeChars {
				return nil, awserr.Newf("MaxLexemeLengthExceededException", "Lexeme %q exceeds the maximum length of %d characters.", g, maxLexemeChars)
			}
			e.Graphemes = append(e.Graphemes, g)
		}
		if len(x.Aliases) > 0 {
			e.Alias = strings.TrimSpace(x.Aliases[0])
			if utf8.RuneCountInString(e.Alias) > maxLexemeChars {
				return nil, awserr.Newf("MaxLexemeLengthExceededException", "Lexeme %q exceeds the maximum length of %d characters.", e.Alias, maxLexemeChars)
			}
		} else {
			e.Phoneme = strings.TrimSpace(x.Phonemes[0])
		}
		l.Lexemes = append(l.Lexemes, e)
	}
	return l, nil
}

func lexiconKey(account, region, name string) []byte {
	return []byte("polly/lexicon/" + account + "/" + region + "/" + name)
}

func lexiconPrefix(account, region string) []byte {
	return []byte("polly/lexicon/" + account + "/" + region + "/")
}

func lexiconNotFound() *awserr.Error {
	return &awserr.Error{Code: "LexiconNotFoundException", Message: "Lexicon not found", Status: 404}
}

func validLexiconName(name string) error {
	if !reLexiconName.MatchString(name) {
		return awserr.Newf("ValidationException", "1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9A-Za-z]{1,20}", name).With("reason", "fieldValidationFailed")
	}
	return nil
}

// PutLexiconInput is the request.
type PutLexiconInput struct {
	Name    string `location:"uri" name:"LexiconName"`
	Content *string
}

// PutLexiconOutput is empty.
type PutLexiconOutput struct{}

// PutLexicon stores (or replaces) a pronunciation lexicon.
func (s *Service) PutLexicon(ctx context.Context, in *PutLexiconInput) (*PutLexiconOutput, error) {
	if err := validLexiconName(in.Name); err != nil {
		return nil, err
	}
	if in.Content == nil {
		return nil, awserr.New("ValidationException", "1 validation error detected: Value null at 'content' failed to satisfy constraint: Member must not be null").With("reason", "fieldValidationFailed")
	}
	l, err := parseLexicon(in.Name, *in.Content)
	if err != nil {
		return nil, err
	}
	l.LastModified = s.now().UTC().Truncate(time.Millisecond)
	info := request.From(ctx)
	val, err := json.Marshal(l)
	if err != nil {
		return nil, err
	}
	err = s.kv.Update(ctx, func(tx storage.Tx) error {
		key := lexiconKey(info.Account, info.Region, in.Name)
		if _, err := tx.Get(key); errors.Is(err, storage.ErrNotFound) {
			n := 0
			p := lexiconPrefix(info.Account, info.Region)
			it := tx.Iter(storage.IterOptions{Lower: p, Upper: prefixEnd(p)})
			for it.Next() {
				n++
			}
			it.Close()
			if n >= maxLexicons {
				return awserr.Newf("MaxLexiconsNumberExceededException", "The maximum number of lexicons (%d) has been reached.", maxLexicons)
			}
		} else if err != nil {
			return err
		}
		return tx.Set(key, val)
	})
	if err != nil {
		return nil, err
	}
	return &PutLexiconOutput{}, nil
}

func prefixEnd(p []byte) []byte {
	e := append([]byte(nil), p...)
	e[len(e)-1]++
	return e
}

func (s *Service) loadLexicon(ctx context.Context, account, region, name string) (*storedLexicon, error) {
	var l storedLexicon
	err := s.kv.View(ctx, func(r storage.Reader) error {
		v, err := r.Get(lexiconKey(account, region, name))
		if errors.Is(err, storage.ErrNotFound) {
			return lexiconNotFound()
		}
		if err != nil {
			return err
		}
		return json.Unmarshal(v, &l)
	})
	if err != nil {
		return nil, err
	}
	return &l, nil
}

// LexiconAttributes describe a lexicon.
type LexiconAttributes struct {
	Alphabet     string
	LanguageCode string
	LastModified time.Time
	LexiconArn   string
	LexemesCount int
	Size         int
}

// Lexicon is a lexicon's name and content.
type Lexicon struct {
	Content string
	Name    string
}

func (s *Service) attributes(ctx context.Context, l *storedLexicon) *LexiconAttributes {
	info := request.From(ctx)
	return &LexiconAttributes{
		Alphabet: l.Alphabet, LanguageCode: l.LanguageCode, LastModified: l.LastModified,
		LexiconArn:   "arn:aws:polly:" + info.Region + ":" + info.Account + ":lexicon/" + l.Name,
		LexemesCount: len(l.Lexemes), Size: l.Size,
	}
}

// GetLexiconInput is the request.
type GetLexiconInput struct {
	Name string `location:"uri" name:"LexiconName"`
}

// GetLexiconOutput is the response.
type GetLexiconOutput struct {
	Lexicon           *Lexicon
	LexiconAttributes *LexiconAttributes
}

// GetLexicon returns a lexicon's content and attributes.
func (s *Service) GetLexicon(ctx context.Context, in *GetLexiconInput) (*GetLexiconOutput, error) {
	info := request.From(ctx)
	l, err := s.loadLexicon(ctx, info.Account, info.Region, in.Name)
	if err != nil {
		return nil, err
	}
	return &GetLexiconOutput{Lexicon: &Lexicon{Content: l.Content, Name: l.Name}, LexiconAttributes: s.attributes(ctx, l)}, nil
}

// DeleteLexiconInput is the request.
type DeleteLexiconInput struct {
	Name string `location:"uri" name:"LexiconName"`
}

// DeleteLexiconOutput is empty.
type DeleteLexiconOutput struct{}

// DeleteLexicon removes a lexicon.
func (s *Service) DeleteLexicon(ctx context.Context, in *DeleteLexiconInput) (*DeleteLexiconOutput, error) {
	info := request.From(ctx)
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		key := lexiconKey(info.Account, info.Region, in.Name)
		if _, err := tx.Get(key); errors.Is(err, storage.ErrNotFound) {
			return lexiconNotFound()
		} else if err != nil {
			return err
		}
		return tx.Delete(key)
	})
	if err != nil {
		return nil, err
	}
	return &DeleteLexiconOutput{}, nil
}

// ListLexiconsInput is the request.
type ListLexiconsInput struct {
	NextToken *string `location:"querystring" name:"NextToken"`
}

// LexiconDescription is one lexicon in ListLexicons.
type LexiconDescription struct {
	Name       string
	Attributes *LexiconAttributes
}

// ListLexiconsOutput is the response.
type ListLexiconsOutput struct {
	Lexicons  []LexiconDescription
	NextToken *string
}

// ListLexicons lists the lexicons of the account and region, by name.
func (s *Service) ListLexicons(ctx context.Context, in *ListLexiconsInput) (*ListLexiconsOutput, error) {
	info := request.From(ctx)
	p := lexiconPrefix(info.Account, info.Region)
	lower := p
	if in.NextToken != nil {
		after, err := decodeToken(*in.NextToken)
		if err != nil {
			return nil, err
		}
		lower = append(lexiconKey(info.Account, info.Region, after), 0)
	}
	out := &ListLexiconsOutput{Lexicons: []LexiconDescription{}}
	err := s.kv.View(ctx, func(r storage.Reader) error {
		it := r.Iter(storage.IterOptions{Lower: lower, Upper: prefixEnd(p)})
		defer it.Close()
		for it.Next() {
			if len(out.Lexicons) == lexiconPageSize {
				t := encodeToken(out.Lexicons[len(out.Lexicons)-1].Name)
				out.NextToken = &t
				break
			}
			var l storedLexicon
			if err := json.Unmarshal(it.Value(), &l); err != nil {
				return err
			}
			out.Lexicons = append(out.Lexicons, LexiconDescription{Name: l.Name, Attributes: s.attributes(ctx, &l)})
		}
		return it.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func encodeToken(s string) string { return base64.RawURLEncoding.EncodeToString([]byte("v1:" + s)) }

func decodeToken(t string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil || !strings.HasPrefix(string(b), "v1:") {
		return "", awserr.New("InvalidNextTokenException", "The NextToken is invalid. Specify a valid token.")
	}
	return string(b[3:]), nil
}

// lexicons are the lexicons a request applies, in the order it named them:
// the first that has a word wins.
type lexicons []*storedLexicon

type lexEntry struct {
	alias  string
	espeak string
}

func (ls lexicons) lookup(w string) (lexEntry, bool) {
	for _, l := range ls {
		for _, e := range l.Lexemes {
			for _, g := range e.Graphemes {
				if g != w {
					continue
				}
				if e.Alias != "" {
					return lexEntry{alias: e.Alias}, true
				}
				if es, err := toEspeak(l.Alphabet, e.Phoneme); err == nil {
					return lexEntry{espeak: es}, true
				}
			}
		}
	}
	return lexEntry{}, false
}

// loadLexicons fetches the named lexicons (LexiconNotFoundException when
// one is missing), keeping those in the voice's languages.
func (s *Service) loadLexicons(ctx context.Context, names []string, v *voice, lang string) (lexicons, error) {
	if len(names) > maxLexiconsInUse {
		return nil, awserr.Newf("ValidationException", "1 validation error detected: Value '%v' at 'lexiconNames' failed to satisfy constraint: Member must have length less than or equal to %d", names, maxLexiconsInUse).With("reason", "fieldValidationFailed")
	}
	info := request.From(ctx)
	var ls lexicons
	for _, n := range names {
		l, err := s.loadLexicon(ctx, info.Account, info.Region, n)
		if err != nil {
			if errors.Is(err, lexiconNotFound()) {
				return nil, &awserr.Error{Code: "LexiconNotFoundException", Message: "Lexicon not found: " + n, Status: 404}
			}
			return nil, err
		}
		if l.LanguageCode == lang || v.speaks(l.LanguageCode) {
			ls = append(ls, l)
		}
	}
	return ls, nil
}
