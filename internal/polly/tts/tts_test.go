package tts

import (
	"context"
	"errors"
	"os/exec"
	"testing"
)

func TestParseWAV(t *testing.T) {
	// espeak-ng's streamed header: sizes are 0x7fffffff placeholders
	b := []byte("RIFF\xff\xff\xff\x7fWAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x22\x56\x00\x00\x44\xac\x00\x00\x02\x00\x10\x00data\xff\xff\xff\x7f\x01\x00\xff\xff")
	a, err := ParseWAV(b)
	if err != nil {
		t.Fatal(err)
	}
	if a.Rate != 22050 || len(a.Samples) != 2 || a.Samples[0] != 1 || a.Samples[1] != -1 {
		t.Errorf("got %+v", a)
	}
	for _, bad := range []string{"", "RIFF", "RIFF\x00\x00\x00\x00WAVEdata\x00\x00\x00\x00"} {
		if _, err := ParseWAV([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestMissingSynthesizer(t *testing.T) {
	s := New(Options{Command: "/nonexistent/espeak-ng"})
	if _, err := s.Speak(context.Background(), Voice{Language: "en-us"}, "<speak>x</speak>"); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("err = %v", err)
	}
}

func TestSpeak(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng is not installed: run scripts/deps.sh")
	}
	s := New(Options{})
	a, err := s.Speak(context.Background(), Voice{Language: "en-us", Variant: "f3", Pitch: 60, Rate: 170}, "<speak>Hello world</speak>")
	if err != nil {
		t.Fatal(err)
	}
	if a.Rate != 22050 || a.Duration() < 0.5 || a.Duration() > 3 {
		t.Errorf("%d Hz, %.2f s", a.Rate, a.Duration())
	}
	ph, err := s.Phonemes(context.Background(), Voice{Language: "en-us"}, "<speak>Hello world</speak>")
	if err != nil || len(ph) != 2 {
		t.Errorf("phonemes %q, %v", ph, err)
	}
}
