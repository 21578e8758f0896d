package polly

import (
	"fmt"
	"sort"
	"strings"
)

// toEspeak converts a pronunciation in IPA or X-SAMPA (the alphabets Polly
// accepts in <phoneme> and in lexicons) into espeak-ng's phoneme mnemonics,
// which espeak-ng reads inside [[ ]]. The tables cover the phonemes of
// English and the common European vowels and consonants.
func toEspeak(alphabet, ph string) (string, error) {
	table := ipaTable
	if alphabet == "x-sampa" {
		table = sampaTable
	}
	var b strings.Builder
	for i := 0; i < len(ph); {
		ok := false
		for _, k := range table.keys {
			if strings.HasPrefix(ph[i:], k) {
				b.WriteString(table.m[k])
				i += len(k)
				ok = true
				break
			}
		}
		if !ok {
			r := []rune(ph[i:])[0]
			return "", fmt.Errorf("unsupported symbol %q", r)
		}
	}
	return b.String(), nil
}

type phoneTable struct {
	m    map[string]string
	keys []string // longest first
}

func newPhoneTable(m map[string]string) phoneTable {
	t := phoneTable{m: m}
	for k := range m {
		t.keys = append(t.keys, k)
	}
	sort.Slice(t.keys, func(i, j int) bool {
		if len(t.keys[i]) != len(t.keys[j]) {
			return len(t.keys[i]) > len(t.keys[j])
		}
		return t.keys[i] < t.keys[j]
	})
	return t
}

var ipaTable = newPhoneTable(map[string]string{
	"tʃ": "tS", "t͡ʃ": "tS", "dʒ": "dZ", "d͡ʒ": "dZ",
	"eɪ": "eI", "aɪ": "aI", "aʊ": "aU", "oʊ": "oU", "əʊ": "@U", "ɔɪ": "OI",
	"ɪə": "i@", "eə": "e@", "ɛə": "e@", "ʊə": "U@",
	"iː": "i:", "uː": "u:", "ɑː": "A:", "ɔː": "O:", "ɜː": "3:", "ɝ": "3:", "ɚ": "3",
	"æ": "a", "ɑ": "A:", "ɒ": "0", "ʌ": "V", "ə": "@", "ɛ": "E", "e": "e", "ɪ": "I",
	"i": "i", "ʊ": "U", "u": "u:", "ɔ": "O:", "o": "o", "a": "a", "y": "y", "ø": "Y", "œ": "W",
	"θ": "T", "ð": "D", "ʃ": "S", "ʒ": "Z", "ŋ": "N", "ɹ": "r", "r": "r", "ɾ": "*", "ʁ": "r",
	"j": "j", "w": "w", "l": "l", "ɫ": "l", "m": "m", "n": "n", "ɲ": "n^", "p": "p", "b": "b",
	"t": "t", "d": "d", "k": "k", "g": "g", "ɡ": "g", "f": "f", "v": "v", "s": "s", "z": "z",
	"h": "h", "x": "x", "ç": "C", "ʔ": "?",
	"ˈ": "'", "ˌ": ",", "ː": ":", ".": "", " ": " ", "̃": "~",
})

var sampaTable = newPhoneTable(map[string]string{
	"tS": "tS", "dZ": "dZ", "eI": "eI", "aI": "aI", "aU": "aU", "oU": "oU", "@U": "@U", "OI": "OI",
	"I@": "i@", "e@": "e@", "E@": "e@", "U@": "U@", "r\\": "r", "4": "*",
	"i:": "i:", "u:": "u:", "A:": "A:", "O:": "O:", "3:": "3:", "3`": "3", "@`": "3",
	"{": "a", "A": "A:", "Q": "0", "V": "V", "@": "@", "3": "3:", "E": "E", "e": "e", "I": "I",
	"i": "i", "U": "U", "u": "u:", "O": "O:", "o": "o", "a": "a", "y": "y", "2": "Y", "9": "W",
	"T": "T", "D": "D", "S": "S", "Z": "Z", "N": "N", "r": "r", "R": "r", "j": "j", "w": "w",
	"l": "l", "5": "l", "m": "m", "n": "n", "J": "n^", "p": "p", "b": "b", "t": "t", "d": "d",
	"k": "k", "g": "g", "f": "f", "v": "v", "s": "s", "z": "z", "h": "h", "x": "x", "C": "C", "?": "?",
	"\"": "'", "%": ",", ":": ":", ".": "", " ": " ", "~": "~",
})
