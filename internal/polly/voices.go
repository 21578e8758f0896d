package polly

import (
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/polly/tts"
)

// voice is one Polly voice and the espeak-ng voice that speaks for it.
type voice struct {
	ID           string
	Gender       string
	LanguageCode string
	LanguageName string
	Engines      []string
	// Additional are AdditionalLanguageCodes (bilingual voices).
	Additional []string
	Speak      espeak
}

// espeak is how espeak-ng renders a voice: its language voice, a variant
// that sets the timbre (f* female, m* male), pitch (0-99) and rate (words
// per minute). Two voices of one language never share a variant, so each
// sounds distinct (Joanna and Matthew differ in variant, pitch and rate).
type espeak = tts.Voice

// voices is Polly's catalogue (every VoiceId in the API model, in the
// model's order), with the language, gender and engines AWS lists for each.
var voices = []voice{
	{"Aditi", "Female", "en-IN", "Indian English", []string{"standard"}, []string{"hi-IN"}, espeak{Language: "en-gb", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Amy", "Female", "en-GB", "British English", []string{"standard", "neural", "generative"}, nil, espeak{Language: "en-gb", Variant: "f3", Pitch: 62, Rate: 168}},
	{"Astrid", "Female", "sv-SE", "Swedish", []string{"standard"}, nil, espeak{Language: "sv", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Bianca", "Female", "it-IT", "Italian", []string{"standard", "neural", "generative"}, nil, espeak{Language: "it", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Brian", "Male", "en-GB", "British English", []string{"standard", "neural", "generative"}, nil, espeak{Language: "en-gb", Variant: "m3", Pitch: 38, Rate: 170}},
	{"Camila", "Female", "pt-BR", "Brazilian Portuguese", []string{"standard", "neural", "generative"}, nil, espeak{Language: "pt-br", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Carla", "Female", "it-IT", "Italian", []string{"standard"}, nil, espeak{Language: "it", Variant: "f3", Pitch: 62, Rate: 168}},
	{"Carmen", "Female", "ro-RO", "Romanian", []string{"standard"}, nil, espeak{Language: "ro", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Celine", "Female", "fr-FR", "French", []string{"standard"}, nil, espeak{Language: "fr-fr", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Chantal", "Female", "fr-CA", "Canadian French", []string{"standard"}, nil, espeak{Language: "fr-fr", Variant: "f3", Pitch: 62, Rate: 168}},
	{"Conchita", "Female", "es-ES", "Castilian Spanish", []string{"standard"}, nil, espeak{Language: "es", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Cristiano", "Male", "pt-PT", "Portuguese", []string{"standard"}, nil, espeak{Language: "pt", Variant: "m3", Pitch: 38, Rate: 170}},
	{"Dora", "Female", "is-IS", "Icelandic", []string{"standard"}, nil, espeak{Language: "is", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Emma", "Female", "en-GB", "British English", []string{"standard", "neural"}, nil, espeak{Language: "en-gb-x-rp", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Enrique", "Male", "es-ES", "Castilian Spanish", []string{"standard"}, nil, espeak{Language: "es", Variant: "m3", Pitch: 38, Rate: 170}},
	{"Ewa", "Female", "pl-PL", "Polish", []string{"standard"}, nil, espeak{Language: "pl", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Filiz", "Female", "tr-TR", "Turkish", []string{"standard"}, nil, espeak{Language: "tr", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Gabrielle", "Female", "fr-CA", "Canadian French", []string{"neural"}, nil, espeak{Language: "fr-fr", Variant: "f4", Pitch: 78, Rate: 176}},
	{"Geraint", "Male", "en-GB-WLS", "Welsh English", []string{"standard"}, nil, espeak{Language: "en-gb-x-gbcwmd", Variant: "m3", Pitch: 38, Rate: 170}},
	{"Giorgio", "Male", "it-IT", "Italian", []string{"standard"}, nil, espeak{Language: "it", Variant: "m3", Pitch: 38, Rate: 170}},
	{"Gwyneth", "Female", "cy-GB", "Welsh", []string{"standard"}, nil, espeak{Language: "cy", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Hans", "Male", "de-DE", "German", []string{"standard"}, nil, espeak{Language: "de", Variant: "m3", Pitch: 38, Rate: 170}},
	{"Ines", "Female", "pt-PT", "Portuguese", []string{"standard", "neural"}, nil, espeak{Language: "pt", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Ivy", "Female", "en-US", "US English", []string{"standard", "neural"}, nil, espeak{Language: "en-us", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Jacek", "Male", "pl-PL", "Polish", []string{"standard"}, nil, espeak{Language: "pl", Variant: "m3", Pitch: 38, Rate: 170}},
	{"Jan", "Male", "pl-PL", "Polish", []string{"standard"}, nil, espeak{Language: "pl", Variant: "m1", Pitch: 30, Rate: 176}},
	{"Joanna", "Female", "en-US", "US English", []string{"standard", "neural", "generative"}, nil, espeak{Language: "en-us", Variant: "f3", Pitch: 62, Rate: 168}},
	{"Joey", "Male", "en-US", "US English", []string{"standard", "neural"}, nil, espeak{Language: "en-us", Variant: "m3", Pitch: 38, Rate: 170}},
	{"Justin", "Male", "en-US", "US English", []string{"standard", "neural"}, nil, espeak{Language: "en-us", Variant: "m1", Pitch: 30, Rate: 176}},
	{"Karl", "Male", "is-IS", "Icelandic", []string{"standard"}, nil, espeak{Language: "is", Variant: "m3", Pitch: 38, Rate: 170}},
	{"Kendra", "Female", "en-US", "US English", []string{"standard", "neural"}, nil, espeak{Language: "en-us", Variant: "f4", Pitch: 78, Rate: 176}},
	{"Kevin", "Male", "en-US", "US English", []string{"neural"}, nil, espeak{Language: "en-us", Variant: "m2", Pitch: 46, Rate: 164}},
	{"Kimberly", "Female", "en-US", "US English", []string{"standard", "neural"}, nil, espeak{Language: "en-us", Variant: "f2", Pitch: 56, Rate: 164}},
	{"Lea", "Female", "fr-FR", "French", []string{"standard", "neural", "generative"}, nil, espeak{Language: "fr-fr", Variant: "f2", Pitch: 56, Rate: 164}},
	{"Liv", "Female", "nb-NO", "Norwegian", []string{"standard"}, nil, espeak{Language: "nb", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Lotte", "Female", "nl-NL", "Dutch", []string{"standard"}, nil, espeak{Language: "nl", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Lucia", "Female", "es-ES", "Castilian Spanish", []string{"standard", "neural", "generative"}, nil, espeak{Language: "es", Variant: "f3", Pitch: 62, Rate: 168}},
	{"Lupe", "Female", "es-US", "US Spanish", []string{"standard", "neural", "generative"}, nil, espeak{Language: "es-419", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Mads", "Male", "da-DK", "Danish", []string{"standard"}, nil, espeak{Language: "da", Variant: "m3", Pitch: 38, Rate: 170}},
	{"Maja", "Female", "pl-PL", "Polish", []string{"standard"}, nil, espeak{Language: "pl", Variant: "f3", Pitch: 62, Rate: 168}},
	{"Marlene", "Female", "de-DE", "German", []string{"standard"}, nil, espeak{Language: "de", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Mathieu", "Male", "fr-FR", "French", []string{"standard"}, nil, espeak{Language: "fr-fr", Variant: "m3", Pitch: 38, Rate: 170}},
	{"Matthew", "Male", "en-US", "US English", []string{"standard", "neural", "generative"}, nil, espeak{Language: "en-us", Variant: "m4", Pitch: 34, Rate: 180}},
	{"Maxim", "Male", "ru-RU", "Russian", []string{"standard"}, nil, espeak{Language: "ru", Variant: "m3", Pitch: 38, Rate: 170}},
	{"Mia", "Female", "es-MX", "Mexican Spanish", []string{"standard", "neural", "generative"}, nil, espeak{Language: "es-419", Variant: "f3", Pitch: 62, Rate: 168}},
	{"Miguel", "Male", "es-US", "US Spanish", []string{"standard"}, nil, espeak{Language: "es-419", Variant: "m3", Pitch: 38, Rate: 170}},
	{"Mizuki", "Female", "ja-JP", "Japanese", []string{"standard"}, nil, espeak{Language: "ja", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Naja", "Female", "da-DK", "Danish", []string{"standard"}, nil, espeak{Language: "da", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Nicole", "Female", "en-AU", "Australian English", []string{"standard"}, nil, espeak{Language: "en-gb-x-rp", Variant: "f3", Pitch: 62, Rate: 168}},
	{"Olivia", "Female", "en-AU", "Australian English", []string{"neural", "generative"}, nil, espeak{Language: "en-gb-x-rp", Variant: "f4", Pitch: 78, Rate: 176}},
	{"Penelope", "Female", "es-US", "US Spanish", []string{"standard"}, nil, espeak{Language: "es-419", Variant: "f4", Pitch: 78, Rate: 176}},
	{"Raveena", "Female", "en-IN", "Indian English", []string{"standard"}, nil, espeak{Language: "en-gb", Variant: "f4", Pitch: 78, Rate: 176}},
	{"Ricardo", "Male", "pt-BR", "Brazilian Portuguese", []string{"standard"}, nil, espeak{Language: "pt-br", Variant: "m3", Pitch: 38, Rate: 170}},
	{"Ruben", "Male", "nl-NL", "Dutch", []string{"standard"}, nil, espeak{Language: "nl", Variant: "m3", Pitch: 38, Rate: 170}},
	{"Russell", "Male", "en-AU", "Australian English", []string{"standard"}, nil, espeak{Language: "en-gb-x-rp", Variant: "m3", Pitch: 38, Rate: 170}},
	{"Salli", "Female", "en-US", "US English", []string{"standard", "neural", "generative"}, nil, espeak{Language: "en-us", Variant: "f5", Pitch: 66, Rate: 180}},
	{"Seoyeon", "Female", "ko-KR", "Korean", []string{"standard", "neural", "generative"}, nil, espeak{Language: "ko", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Takumi", "Male", "ja-JP", "Japanese", []string{"standard", "neural"}, nil, espeak{Language: "ja", Variant: "m3", Pitch: 38, Rate: 170}},
	{"Tatyana", "Female", "ru-RU", "Russian", []string{"standard"}, nil, espeak{Language: "ru", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Vicki", "Female", "de-DE", "German", []string{"standard", "neural", "generative"}, nil, espeak{Language: "de", Variant: "f3", Pitch: 62, Rate: 168}},
	{"Vitoria", "Female", "pt-BR", "Brazilian Portuguese", []string{"standard", "neural"}, nil, espeak{Language: "pt-br", Variant: "f3", Pitch: 62, Rate: 168}},
	{"Zeina", "Female", "arb", "Arabic", []string{"standard"}, nil, espeak{Language: "ar", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Zhiyu", "Female", "cmn-CN", "Chinese Mandarin", []string{"standard", "neural"}, nil, espeak{Language: "cmn", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Aria", "Female", "en-NZ", "New Zealand English", []string{"neural"}, nil, espeak{Language: "en-gb", Variant: "f2", Pitch: 56, Rate: 164}},
	{"Ayanda", "Female", "en-ZA", "South African English", []string{"neural", "generative"}, nil, espeak{Language: "en-gb", Variant: "f5", Pitch: 66, Rate: 180}},
	{"Arlet", "Female", "ca-ES", "Catalan", []string{"neural"}, nil, espeak{Language: "ca", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Hannah", "Female", "de-AT", "Austrian German", []string{"neural"}, nil, espeak{Language: "de", Variant: "f4", Pitch: 78, Rate: 176}},
	{"Arthur", "Male", "en-GB", "British English", []string{"neural"}, nil, espeak{Language: "en-gb-x-rp", Variant: "m1", Pitch: 30, Rate: 176}},
	{"Daniel", "Male", "de-DE", "German", []string{"neural", "generative"}, nil, espeak{Language: "de", Variant: "m1", Pitch: 30, Rate: 176}},
	{"Liam", "Male", "fr-CA", "Canadian French", []string{"neural"}, nil, espeak{Language: "fr-fr", Variant: "m1", Pitch: 30, Rate: 176}},
	{"Pedro", "Male", "es-US", "US Spanish", []string{"neural", "generative"}, nil, espeak{Language: "es-419", Variant: "m1", Pitch: 30, Rate: 176}},
	{"Kajal", "Female", "en-IN", "Indian English", []string{"neural", "generative"}, []string{"hi-IN"}, espeak{Language: "en-gb", Variant: "Alicia", Pitch: 74, Rate: 170}},
	{"Hiujin", "Female", "yue-CN", "Cantonese", []string{"neural"}, nil, espeak{Language: "yue", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Laura", "Female", "nl-NL", "Dutch", []string{"neural"}, nil, espeak{Language: "nl", Variant: "f3", Pitch: 62, Rate: 168}},
	{"Elin", "Female", "sv-SE", "Swedish", []string{"neural"}, nil, espeak{Language: "sv", Variant: "f3", Pitch: 62, Rate: 168}},
	{"Ida", "Female", "nb-NO", "Norwegian", []string{"neural"}, nil, espeak{Language: "nb", Variant: "f3", Pitch: 62, Rate: 168}},
	{"Suvi", "Female", "fi-FI", "Finnish", []string{"neural"}, nil, espeak{Language: "fi", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Ola", "Female", "pl-PL", "Polish", []string{"neural", "generative"}, nil, espeak{Language: "pl", Variant: "f4", Pitch: 78, Rate: 176}},
	{"Hala", "Female", "ar-AE", "Gulf Arabic", []string{"neural"}, nil, espeak{Language: "ar", Variant: "f3", Pitch: 62, Rate: 168}},
	{"Andres", "Male", "es-MX", "Mexican Spanish", []string{"neural", "generative"}, nil, espeak{Language: "es-419", Variant: "m2", Pitch: 46, Rate: 164}},
	{"Sergio", "Male", "es-ES", "Castilian Spanish", []string{"neural", "generative"}, nil, espeak{Language: "es", Variant: "m1", Pitch: 30, Rate: 176}},
	{"Remi", "Male", "fr-FR", "French", []string{"neural", "generative"}, nil, espeak{Language: "fr-fr", Variant: "m2", Pitch: 46, Rate: 164}},
	{"Adriano", "Male", "it-IT", "Italian", []string{"neural", "generative"}, nil, espeak{Language: "it", Variant: "m1", Pitch: 30, Rate: 176}},
	{"Thiago", "Male", "pt-BR", "Brazilian Portuguese", []string{"neural", "generative"}, nil, espeak{Language: "pt-br", Variant: "m1", Pitch: 30, Rate: 176}},
	{"Ruth", "Female", "en-US", "US English", []string{"neural", "long-form", "generative"}, nil, espeak{Language: "en-us", Variant: "Alicia", Pitch: 74, Rate: 170}},
	{"Stephen", "Male", "en-US", "US English", []string{"neural", "generative"}, nil, espeak{Language: "en-us", Variant: "m5", Pitch: 42, Rate: 168}},
	{"Kazuha", "Female", "ja-JP", "Japanese", []string{"neural"}, nil, espeak{Language: "ja", Variant: "f3", Pitch: 62, Rate: 168}},
	{"Tomoko", "Female", "ja-JP", "Japanese", []string{"neural"}, nil, espeak{Language: "ja", Variant: "f4", Pitch: 78, Rate: 176}},
	{"Niamh", "Female", "en-IE", "Irish English", []string{"neural"}, nil, espeak{Language: "en-gb", Variant: "anika", Pitch: 60, Rate: 166}},
	{"Sofie", "Female", "da-DK", "Danish", []string{"neural"}, nil, espeak{Language: "da", Variant: "f3", Pitch: 62, Rate: 168}},
	{"Lisa", "Female", "nl-BE", "Belgian Dutch", []string{"neural"}, nil, espeak{Language: "nl", Variant: "f4", Pitch: 78, Rate: 176}},
	{"Isabelle", "Female", "fr-BE", "Belgian French", []string{"neural"}, nil, espeak{Language: "fr-be", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Zayd", "Male", "ar-AE", "Gulf Arabic", []string{"neural"}, nil, espeak{Language: "ar", Variant: "m3", Pitch: 38, Rate: 170}},
	{"Danielle", "Female", "en-US", "US English", []string{"neural", "long-form", "generative"}, nil, espeak{Language: "en-us", Variant: "anika", Pitch: 60, Rate: 166}},
	{"Gregory", "Male", "en-US", "US English", []string{"neural", "long-form"}, nil, espeak{Language: "en-us", Variant: "m6", Pitch: 26, Rate: 172}},
	{"Burcu", "Female", "tr-TR", "Turkish", []string{"neural"}, nil, espeak{Language: "tr", Variant: "f3", Pitch: 62, Rate: 168}},
	{"Jitka", "Female", "cs-CZ", "Czech", []string{"neural"}, nil, espeak{Language: "cs", Variant: "f1", Pitch: 70, Rate: 172}},
	{"Sabrina", "Female", "de-CH", "Swiss Standard German", []string{"neural"}, nil, espeak{Language: "de", Variant: "f2", Pitch: 56, Rate: 164}},
	{"Jasmine", "Female", "en-SG", "Singaporean English", []string{"neural"}, nil, espeak{Language: "en-gb", Variant: "belinda", Pitch: 82, Rate: 178}},
	{"Jihye", "Female", "ko-KR", "Korean", []string{"neural"}, nil, espeak{Language: "ko", Variant: "f3", Pitch: 62, Rate: 168}},
	{"Ambre", "Female", "fr-FR", "French", []string{"generative"}, nil, espeak{Language: "fr-fr", Variant: "f5", Pitch: 66, Rate: 180}},
	{"Beatrice", "Female", "it-IT", "Italian", []string{"generative"}, nil, espeak{Language: "it", Variant: "f4", Pitch: 78, Rate: 176}},
	{"Florian", "Male", "fr-FR", "French", []string{"generative"}, nil, espeak{Language: "fr-fr", Variant: "m4", Pitch: 34, Rate: 180}},
	{"Lennart", "Male", "de-DE", "German", []string{"generative"}, nil, espeak{Language: "de", Variant: "m2", Pitch: 46, Rate: 164}},
	{"Lorenzo", "Male", "it-IT", "Italian", []string{"generative"}, nil, espeak{Language: "it", Variant: "m2", Pitch: 46, Rate: 164}},
	{"Tiffany", "Female", "en-US", "US English", []string{"generative"}, nil, espeak{Language: "en-us", Variant: "belinda", Pitch: 82, Rate: 178}},
}

var voiceByID = func() map[string]*voice {
	m := make(map[string]*voice, len(voices))
	for i := range voices {
		m[voices[i].ID] = &voices[i]
	}
	return m
}()

func (v *voice) supports(engine string) bool {
	for _, e := range v.Engines {
		if e == engine {
			return true
		}
	}
	return false
}

func (v *voice) speaks(lang string) bool {
	if lang == v.LanguageCode {
		return true
	}
	for _, l := range v.Additional {
		if l == lang {
			return true
		}
	}
	return false
}

// espeakLanguages maps a Polly language code to the espeak-ng voice of
// the first Polly voice whose language it is.
var espeakLanguages = func() map[string]string {
	// languages that are only some voice's additional language
	m := map[string]string{"hi-IN": "hi"}
	for _, v := range voices {
		if _, ok := m[v.LanguageCode]; !ok {
			m[v.LanguageCode] = v.Speak.Language
		}
	}
	return m
}()

// espeakLanguage is the espeak-ng language for a Polly (or BCP 47)
// language code: exact, then by primary language; def when unknown.
func espeakLanguage(code, def string) string {
	if l, ok := espeakLanguages[code]; ok {
		return l
	}
	primary, _, _ := strings.Cut(code, "-")
	for c, l := range espeakLanguages {
		if p, _, _ := strings.Cut(c, "-"); strings.EqualFold(p, primary) {
			return l
		}
	}
	return def
}
