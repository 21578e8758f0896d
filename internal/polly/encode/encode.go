// Package encode turns synthesized speech (16-bit mono PCM) into the audio
// formats Polly returns.
//
// PCM, mu-law and A-law are done here in Go: a windowed-sinc resampler
// (Blackman window, cut-off below the lower Nyquist frequency, so
// downsampling does not alias) and the G.711 companding laws. MP3, Ogg
// Vorbis and Ogg Opus are done by maintained encoders run as separate
// processes, so nimbus links none of them:
//
//	mp3         lame (LAME, LGPL-2.0)            Debian package lame
//	ogg_vorbis  oggenc (vorbis-tools, GPL-2.0; libvorbis BSD-3-Clause)  vorbis-tools
//	ogg_opus    opusenc (opus-tools, BSD-2-Clause; libopus BSD-3-Clause) opus-tools
//
// A missing encoder is reported as ErrMissing naming its package; nothing
// pretends to be audio.
package encode

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
)

// ErrMissing is returned when an encoder's command is not installed.
type ErrMissing struct{ Command, Package string }

func (e *ErrMissing) Error() string {
	return fmt.Sprintf("%s is not installed (Debian package %s)", e.Command, e.Package)
}

// Encoder runs the external encoders, at most Concurrency at a time.
type Encoder struct {
	sem chan struct{}
}

// New returns an Encoder; concurrency 0 means runtime.NumCPU().
func New(concurrency int) *Encoder {
	if concurrency <= 0 {
		concurrency = runtime.NumCPU()
	}
	return &Encoder{sem: make(chan struct{}, concurrency)}
}

// Format is an output format Polly names.
type Format string

// The formats.
const (
	MP3       Format = "mp3"
	OggVorbis Format = "ogg_vorbis"
	OggOpus   Format = "ogg_opus"
	PCM       Format = "pcm"
	MuLaw     Format = "mulaw"
	ALaw      Format = "alaw"
)

// ContentType is the Content-Type Polly answers for f.
func ContentType(f Format) string {
	switch f {
	case MP3:
		return "audio/mpeg"
	case OggVorbis:
		return "audio/ogg"
	case OggOpus:
		return "audio/ogg"
	case PCM:
		return "audio/pcm"
	case MuLaw:
		return "audio/basic"
	case ALaw:
		return "audio/alaw"
	}
	return "application/octet-stream"
}

// Extension is the file extension Polly uses for f in task output keys.
func Extension(f Format) string {
	switch f {
	case OggVorbis, OggOpus:
		return "ogg"
	case PCM, MuLaw, ALaw:
		return "pcm"
	case "json":
		return "marks"
	}
	return string(f)
}

// Encode converts samples at inRate to format f at outRate.
func (e *Encoder) Encode(ctx context.Context, f Format, samples []int16, inRate, outRate int) ([]byte, error) {
	s := Resample(samples, inRate, outRate)
	switch f {
	case PCM:
		return PCMBytes(s), nil
	case MuLaw:
		b := make([]byte, len(s))
		for i, v := range s {
			b[i] = LinearToMuLaw(v)
		}
		return b, nil
	case ALaw:
		b := make([]byte, len(s))
		for i, v := range s {
			b[i] = LinearToALaw(v)
		}
		return b, nil
	case MP3, OggVorbis, OggOpus:
		cmd, pkg, args := e.command(f, outRate)
		return e.run(ctx, cmd, pkg, PCMBytes(s), args...)
	}
	return nil, fmt.Errorf("encode: unknown format %q", f)
}

// Streams reports whether f is encoded by a program that can read the
// samples as they are synthesized (EncodeStream).
func Streams(f Format) bool { return f == MP3 || f == OggVorbis || f == OggOpus }

// EncodeStream encodes 16-bit little-endian PCM read from r at rate (no
// resampling) into f, one of the formats Streams accepts, while r is still
// being produced.
func (e *Encoder) EncodeStream(ctx context.Context, f Format, r io.Reader, rate int) ([]byte, error) {
	cmd, pkg, args := e.command(f, rate)
	if cmd == "" {
		return nil, fmt.Errorf("encode: %q does not stream", f)
	}
	return e.runReader(ctx, cmd, pkg, r, args...)
}

// command is the program, its package and arguments that encode f from
// raw PCM at rate on stdin to stdout.
func (e *Encoder) command(f Format, rate int) (cmd, pkg string, args []string) {
	switch f {
	case MP3:
		kbps := 48
		switch {
		case rate <= 8000:
			kbps = 16
		case rate <= 16000:
			kbps = 32
		case rate > 24000:
			kbps = 64
		}
		return "lame", "lame", []string{"--quiet", "-r", "-s", khz(rate),
			"--bitwidth", "16", "--signed", "--little-endian", "-m", "m", "-b", strconv.Itoa(kbps),
			"-q", "7", "--noreplaygain", "-", "-"}
	case OggVorbis:
		return "oggenc", "vorbis-tools", []string{"-Q", "-r", "-B", "16", "-C", "1",
			"-R", strconv.Itoa(rate), "-q", "2", "-o", "-", "-"}
	case OggOpus:
		return "opusenc", "opus-tools", []string{"--quiet", "--raw", "--raw-bits", "16",
			"--raw-rate", strconv.Itoa(rate), "--raw-chan", "1", "--bitrate", "32", "--comp", "5", "-", "-"}
	}
	return "", "", nil
}

func khz(rate int) string {
	return strconv.FormatFloat(float64(rate)/1000, 'f', -1, 64)
}

func (e *Encoder) run(ctx context.Context, cmd, pkg string, in []byte, args ...string) ([]byte, error) {
	return e.runReader(ctx, cmd, pkg, bytes.NewReader(in), args...)
}

func (e *Encoder) runReader(ctx context.Context, cmd, pkg string, in io.Reader, args ...string) ([]byte, error) {
	if _, err := exec.LookPath(cmd); err != nil {
		return nil, &ErrMissing{Command: cmd, Package: pkg}
	}
	select {
	case e.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-e.sem }()
	c := exec.CommandContext(ctx, cmd, args...)
	c.Stdin = in
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%s: %v: %s", cmd, err, strings.TrimSpace(errb.String()))
	}
	return out.Bytes(), nil
}

// PCMBytes is s as signed 16-bit little-endian bytes.
func PCMBytes(s []int16) []byte {
	b := make([]byte, 2*len(s))
	for i, v := range s {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
	}
	return b
}

// resampleTaps is the half-width of the sinc kernel in input samples (at
// unit cut-off); wider is sharper and slower.
const resampleTaps = 8

// Resample converts s from rate in to rate out with a Blackman-windowed
// sinc filter whose cut-off is 0.95 of the lower Nyquist frequency. It is
// polyphase: the ratio reduced to out/in = L/M has L phases, whose
// coefficients are computed once per call.
func Resample(s []int16, in, out int) []int16 {
	if in == out || len(s) == 0 {
		return append([]int16(nil), s...)
	}
	g := gcd(in, out)
	L, M := out/g, in/g
	ratio := float64(out) / float64(in)
	cut := 0.95 * math.Min(1, ratio) // cut-off relative to the input Nyquist
	half := int(math.Ceil(resampleTaps / cut))
	taps := 2 * half
	// coefficient k of phase p weighs input sample c-half+1+k, where
	// output i sits at input time t = c + p/L, c = floor(i*M/L)
	coef := make([]float64, L*taps)
	for p := range L {
		frac := float64(p) / float64(L)
		var sum float64
		row := coef[p*taps : (p+1)*taps]
		for k := range row {
			x := frac - float64(k-half+1)
			row[k] = cut * sinc(cut*x) * blackman(x, float64(half))
			sum += row[k]
		}
		for k := range row {
			row[k] /= sum // unit gain at DC
		}
	}
	// the input as float32, padded with silence so no tap leaves it
	pad := make([]float32, len(s)+2*taps)
	for i, v := range s {
		pad[taps+i] = float32(v)
	}
	c32 := make([]float32, len(coef))
	for i, v := range coef {
		c32[i] = float32(v)
	}
	n := int(int64(len(s)) * int64(L) / int64(M))
	o := make([]int16, n)
	for i := range o {
		pos := int64(i) * int64(M)
		c := int(pos / int64(L))
		p := int(pos % int64(L))
		row := c32[p*taps : (p+1)*taps]
		x := pad[taps+c-half+1 : taps+c-half+1+taps]
		var acc float32
		for k, w := range row {
			acc += w * x[k]
		}
		o[i] = clamp16(float64(acc))
	}
	return o
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// blackman is the Blackman window over [-half, half].
func blackman(x, half float64) float64 {
	if x <= -half || x >= half {
		return 0
	}
	p := (x + half) / (2 * half)
	return 0.42 - 0.5*math.Cos(2*math.Pi*p) + 0.08*math.Cos(4*math.Pi*p)
}

func clamp16(v float64) int16 {
	v = math.Round(v)
	if v > math.MaxInt16 {
		return math.MaxInt16
	}
	if v < math.MinInt16 {
		return math.MinInt16
	}
	return int16(v)
}

// The G.711 laws, after the public-domain Sun Microsystems g711.c.
var (
	segAEnd = [8]int{0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff}
	segUEnd = [8]int{0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff}
)

func segment(v int, table *[8]int) int {
	for i, end := range table {
		if v <= end {
			return i
		}
	}
	return 8
}

// LinearToMuLaw is G.711 mu-law companding of one sample.
func LinearToMuLaw(v int16) byte {
	const bias, clip = 0x84, 8159
	p := int(v) >> 2
	mask := 0xff
	if p < 0 {
		p, mask = -p, 0x7f
	}
	if p > clip {
		p = clip
	}
	p += bias >> 2
	seg := segment(p, &segUEnd)
	if seg >= 8 {
		return byte(0x7f ^ mask)
	}
	return byte((seg<<4 | (p>>(seg+1))&0x0f) ^ mask)
}

// MuLawToLinear decodes one mu-law byte.
func MuLawToLinear(u byte) int16 {
	const bias = 0x84
	u = ^u
	t := (int(u&0x0f) << 3) + bias
	t <<= (u & 0x70) >> 4
	if u&0x80 != 0 {
		return int16(bias - t)
	}
	return int16(t - bias)
}

// LinearToALaw is G.711 A-law companding of one sample.
func LinearToALaw(v int16) byte {
	p := int(v) >> 3
	mask := 0xd5
	if p < 0 {
		mask = 0x55
		p = -p - 1
	}
	seg := segment(p, &segAEnd)
	if seg >= 8 {
		return byte(0x7f ^ mask)
	}
	a := seg << 4
	if seg < 2 {
		a |= (p >> 1) & 0x0f
	} else {
		a |= (p >> seg) & 0x0f
	}
	return byte(a ^ mask)
}

// ALawToLinear decodes one A-law byte.
func ALawToLinear(a byte) int16 {
	a ^= 0x55
	t := int(a&0x0f) << 4
	seg := int(a&0x70) >> 4
	switch seg {
	case 0:
		t += 8
	case 1:
		t += 0x108
	default:
		t += 0x108
		t <<= seg - 1
	}
	if a&0x80 != 0 {
		return int16(t)
	}
	return int16(-t)
}
