package encode

import (
	"math"
	"testing"
)

func tone(freq float64, rate, n int) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(10000 * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
	}
	return s
}

func rms(s []int16) float64 {
	var sum float64
	for _, v := range s {
		sum += float64(v) * float64(v)
	}
	return math.Sqrt(sum / float64(len(s)))
}

func TestResampleKeepsPassbandAndRemovesAliases(t *testing.T) {
	for _, out := range []int{8000, 16000, 24000, 48000} {
		in := tone(440, 22050, 22050)
		o := Resample(in, 22050, out)
		if len(o) != out {
			t.Errorf("%d Hz: %d samples for one second", out, len(o))
		}
		if r := rms(o[100 : len(o)-100]); math.Abs(r-7071) > 150 {
			t.Errorf("%d Hz: 440 Hz tone RMS %.0f, want ~7071", out, r)
		}
	}
	// 6 kHz is above 8 kHz's Nyquist: it must be filtered, not folded to 2 kHz
	o := Resample(tone(6000, 22050, 22050), 22050, 8000)
	if r := rms(o[100 : len(o)-100]); r > 300 {
		t.Errorf("6 kHz tone at 8 kHz sampling: RMS %.0f, want near silence", r)
	}
}

func TestG711RoundTrip(t *testing.T) {
	for v := -32768; v <= 32767; v += 7 {
		x := int16(v)
		tol := math.Max(64, math.Abs(float64(v))/16)
		if d := math.Abs(float64(MuLawToLinear(LinearToMuLaw(x))) - float64(v)); d > tol {
			t.Fatalf("mu-law %d -> %d", v, MuLawToLinear(LinearToMuLaw(x)))
		}
		if d := math.Abs(float64(ALawToLinear(LinearToALaw(x))) - float64(v)); d > tol {
			t.Fatalf("A-law %d -> %d", v, ALawToLinear(LinearToALaw(x)))
		}
	}
	if LinearToMuLaw(0) != 0xff || LinearToALaw(0) != 0xd5 {
		t.Errorf("silence encodes as %#x (mu-law) and %#x (A-law)", LinearToMuLaw(0), LinearToALaw(0))
	}
}

func BenchmarkResample22050To16000(b *testing.B) {
	s := tone(440, 22050, 22050*10)
	b.SetBytes(int64(len(s) * 2))
	for b.Loop() {
		Resample(s, 22050, 16000)
	}
}
