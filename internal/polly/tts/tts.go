// Package tts runs the espeak-ng speech synthesizer as a separate process.
//
// espeak-ng is GPL-3.0, so nimbus never links it: each synthesis starts the
// espeak-ng command, writes SSML on its standard input and reads a WAV
// stream (16-bit mono, 22050 Hz) from its standard output. Synthesis runs
// concurrently across requests, at most Options.Concurrency processes at a
// time (the number of cores by default), so a burst of requests queues
// instead of overloading the machine.
package tts

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
)

// Voice selects how espeak-ng speaks.
type Voice struct {
	// Language is an espeak-ng voice name ("en-us", "fr-fr").
	Language string
	// Variant is an espeak-ng variant ("f3", "m1") that sets the timbre.
	Variant string
	// Pitch is 0-99 (espeak-ng's default is 50).
	Pitch int
	// Rate is words per minute (espeak-ng's default is 175).
	Rate int
}

func (v Voice) arg() string {
	if v.Variant == "" {
		return v.Language
	}
	return v.Language + "+" + v.Variant
}

// Audio is synthesized speech: signed 16-bit mono samples at Rate Hz.
type Audio struct {
	Rate    int
	Samples []int16
}

// Duration is the length of the audio in seconds.
func (a *Audio) Duration() float64 {
	if a.Rate == 0 {
		return 0
	}
	return float64(len(a.Samples)) / float64(a.Rate)
}

// ErrNotInstalled is returned when the espeak-ng command cannot be found.
var ErrNotInstalled = errors.New("espeak-ng is not installed (Debian package espeak-ng)")

// Options configure a Synth.
type Options struct {
	// Command is the espeak-ng executable; "espeak-ng" (looked up in PATH)
	// when empty.
	Command string
	// Concurrency bounds simultaneous synthesizer processes;
	// runtime.NumCPU() when 0.
	Concurrency int
}

// Synth starts espeak-ng processes.
type Synth struct {
	cmd string
	sem chan struct{}
}

// New returns a Synth.
func New(o Options) *Synth {
	if o.Command == "" {
		o.Command = "espeak-ng"
	}
	if o.Concurrency <= 0 {
		o.Concurrency = runtime.NumCPU()
	}
	return &Synth{cmd: o.Command, sem: make(chan struct{}, o.Concurrency)}
}

// Check reports ErrNotInstalled when the synthesizer is missing.
func (s *Synth) Check() error {
	if _, err := exec.LookPath(s.cmd); err != nil {
		return ErrNotInstalled
	}
	return nil
}

func (s *Synth) run(ctx context.Context, stdin string, args ...string) ([]byte, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.sem }()
	c := exec.CommandContext(ctx, s.cmd, args...)
	c.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	c.Stdout = &out
	c.Stderr = &errb
	if err := c.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("espeak-ng: %v: %s", err, strings.TrimSpace(errb.String()))
	}
	return out.Bytes(), nil
}

// Speak synthesizes ssml, a <speak> document in espeak-ng's SSML dialect
// (package polly translates Polly's dialect into it).
func (s *Synth) Speak(ctx context.Context, v Voice, ssml string) (*Audio, error) {
	out, err := s.run(ctx, ssml, "-m", "--stdin", "--stdout", "-b", "1",
		"-v", v.arg(), "-p", strconv.Itoa(v.Pitch), "-s", strconv.Itoa(v.Rate))
	if err != nil {
		return nil, err
	}
	return ParseWAV(out)
}

// Phonemes returns espeak-ng's phoneme transcription of ssml, one string
// per word, in espeak-ng's ASCII mnemonics.
func (s *Synth) Phonemes(ctx context.Context, v Voice, ssml string) ([]string, error) {
	out, err := s.run(ctx, ssml, "-m", "--stdin", "-q", "-x", "-b", "1", "-v", v.arg())
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(out)), nil
}

// ParseWAV reads a 16-bit PCM mono WAV as espeak-ng writes it. espeak-ng
// streams to stdout, so its RIFF and data sizes are placeholders
// (0x7fffffff): the data runs to the end of the input.
func ParseWAV(b []byte) (*Audio, error) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, errors.New("tts: not a WAV stream")
	}
	p := b[12:]
	rate, bits, channels := 0, 0, 0
	for len(p) >= 8 {
		id, size := string(p[:4]), int(binary.LittleEndian.Uint32(p[4:8]))
		p = p[8:]
		switch id {
		case "fmt ":
			if size < 16 || len(p) < 16 {
				return nil, errors.New("tts: short fmt chunk")
			}
			if binary.LittleEndian.Uint16(p[0:2]) != 1 {
				return nil, errors.New("tts: WAV is not PCM")
			}
			channels = int(binary.LittleEndian.Uint16(p[2:4]))
			rate = int(binary.LittleEndian.Uint32(p[4:8]))
			bits = int(binary.LittleEndian.Uint16(p[14:16]))
		case "data":
			if rate == 0 || bits != 16 || channels != 1 {
				return nil, fmt.Errorf("tts: unsupported WAV (%d Hz, %d bits, %d channels)", rate, bits, channels)
			}
			if size > len(p) || size == 0x7fffffff || size == 0xffffffff-8 {
				size = len(p)
			}
			n := size / 2
			a := &Audio{Rate: rate, Samples: make([]int16, n)}
			for i := range n {
				a.Samples[i] = int16(binary.LittleEndian.Uint16(p[2*i:]))
			}
			return a, nil
		}
		if size > len(p) {
			break
		}
		p = p[size+size&1:]
	}
	return nil, errors.New("tts: WAV has no data chunk")
}

// SpeakStream synthesizes ssml like Speak but hands the samples to consume
// as espeak-ng produces them (16-bit little-endian PCM at rate Hz), so an
// encoder can run alongside the synthesizer. consume must read r to its
// end or return an error.
func (s *Synth) SpeakStream(ctx context.Context, v Voice, ssml string, consume func(r io.Reader, rate int) error) error {
	if err := s.Check(); err != nil {
		return err
	}
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.sem }()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c := exec.CommandContext(ctx, s.cmd, "-m", "--stdin", "--stdout", "-b", "1",
		"-v", v.arg(), "-p", strconv.Itoa(v.Pitch), "-s", strconv.Itoa(v.Rate))
	c.Stdin = strings.NewReader(ssml)
	var errb bytes.Buffer
	c.Stderr = &errb
	out, err := c.StdoutPipe()
	if err != nil {
		return err
	}
	if err := c.Start(); err != nil {
		return fmt.Errorf("espeak-ng: %v", err)
	}
	br := bufio.NewReaderSize(out, 64<<10)
	rate, herr := readWAVHeader(br)
	var cerr error
	if herr == nil {
		cerr = consume(br, rate)
	}
	if herr != nil || cerr != nil {
		cancel()
	}
	io.Copy(io.Discard, br)
	werr := c.Wait()
	switch {
	case herr != nil:
		if werr != nil {
			return fmt.Errorf("espeak-ng: %v: %s", werr, strings.TrimSpace(errb.String()))
		}
		return herr
	case cerr != nil:
		return cerr
	case werr != nil:
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("espeak-ng: %v: %s", werr, strings.TrimSpace(errb.String()))
	}
	return nil
}

// readWAVHeader consumes a WAV header up to the start of the data and
// returns the sample rate; the stream must be 16-bit mono PCM.
func readWAVHeader(r *bufio.Reader) (int, error) {
	var h [12]byte
	if _, err := io.ReadFull(r, h[:]); err != nil || string(h[:4]) != "RIFF" || string(h[8:12]) != "WAVE" {
		return 0, errors.New("tts: not a WAV stream")
	}
	rate, bits, channels := 0, 0, 0
	for {
		var ch [8]byte
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			return 0, errors.New("tts: WAV has no data chunk")
		}
		id, size := string(ch[:4]), int(binary.LittleEndian.Uint32(ch[4:]))
		if id == "data" {
			if rate == 0 || bits != 16 || channels != 1 {
				return 0, fmt.Errorf("tts: unsupported WAV (%d Hz, %d bits, %d channels)", rate, bits, channels)
			}
			return rate, nil
		}
		if size > 1<<16 {
			return 0, errors.New("tts: WAV header chunk too large")
		}
		p := make([]byte, size+size&1)
		if _, err := io.ReadFull(r, p); err != nil {
			return 0, errors.New("tts: short WAV header")
		}
		if id == "fmt " {
			if size < 16 || binary.LittleEndian.Uint16(p[0:2]) != 1 {
				return 0, errors.New("tts: WAV is not PCM")
			}
			channels = int(binary.LittleEndian.Uint16(p[2:4]))
			rate = int(binary.LittleEndian.Uint32(p[4:8]))
			bits = int(binary.LittleEndian.Uint16(p[14:16]))
		}
	}
}
