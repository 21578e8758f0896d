// Command polly measures Amazon Polly synthesis in nimbus: latency and
// real-time factor (seconds of audio per second of wall time) for notes of
// 200, 300 and 3,000 characters to MP3 and to PCM through the real SDK,
// next to running espeak-ng alone on the same text in the same run. The
// difference is nimbus's own overhead (HTTP, SSML translation, resampling,
// encoding).
//
//	go run ./bench/polly [-n 5]
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os/exec"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/polly"
	"github.com/aws/aws-sdk-go-v2/service/polly/types"

	"github.com/nimbus-cloud/nimbus"
)

const sentence = "Remember to call the dentist on Monday morning, then pick up the dry cleaning before six. "

func text(n int) string {
	s := strings.Repeat(sentence, n/len(sentence)+1)
	s = s[:n]
	if i := strings.LastIndexByte(s, ' '); i > 0 {
		s = s[:i] + "."
	}
	return s
}

func median(d []time.Duration) time.Duration {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[len(d)/2]
}

func main() {
	n := flag.Int("n", 5, "runs per measurement (the median is reported)")
	flag.Parse()
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		log.Fatal("espeak-ng is not installed: run scripts/deps.sh")
	}
	srv, err := nimbus.New(nimbus.Config{Memory: true, Addr: "127.0.0.1:0", LogOutput: io.Discard})
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c := polly.New(polly.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.Endpoint()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	ctx := context.Background()

	fmt.Printf("nimbus Polly benchmark: voice Joanna (espeak-ng en-us+f3 -p 62 -s 168), median of %d runs\n\n", *n)
	fmt.Printf("%-6s %-10s %10s %10s %10s %12s %10s\n", "chars", "path", "latency", "audio", "x realtime", "espeak-ng", "overhead")
	for _, size := range []int{200, 300, 3000} {
		t := text(size)
		// the three paths take turns, so a busy machine slows them alike
		var eT, mp3T, pcmT []time.Duration
		var audioSecs float64
		for range *n {
			// espeak-ng alone, with the arguments nimbus gives it
			cmd := exec.Command("espeak-ng", "-m", "--stdin", "--stdout", "-b", "1", "-v", "en-us+f3", "-p", "62", "-s", "168")
			cmd.Stdin = strings.NewReader("<speak>" + t + "</speak>")
			var out bytes.Buffer
			cmd.Stdout = &out
			start := time.Now()
			if err := cmd.Run(); err != nil {
				log.Fatal(err)
			}
			eT = append(eT, time.Since(start))
			audioSecs = float64(out.Len()-44) / 2 / 22050
			mp3T = append(mp3T, synthesize(ctx, c, types.OutputFormatMp3, t))
			pcmT = append(pcmT, synthesize(ctx, c, types.OutputFormatPcm, t))
		}
		espeak := median(eT)
		fmt.Printf("%-6d %-10s %10s %9.1fs %10.0f %12s %10s\n", len(t), "espeak-ng", espeak.Round(time.Millisecond), audioSecs, audioSecs/espeak.Seconds(), "", "")
		for _, r := range []struct {
			name string
			d    []time.Duration
		}{{"nimbus mp3", mp3T}, {"nimbus pcm", pcmT}} {
			m := median(r.d)
			over := (m - espeak).Seconds() / m.Seconds() * 100
			fmt.Printf("%-6d %-10s %10s %9.1fs %10.0f %12s %9.0f%%\n", len(t), r.name, m.Round(time.Millisecond), audioSecs, audioSecs/m.Seconds(), espeak.Round(time.Millisecond), over)
		}
	}
}

// synthesize times one SynthesizeSpeech call, body read to the end.
func synthesize(ctx context.Context, c *polly.Client, f types.OutputFormat, t string) time.Duration {
	start := time.Now()
	out, err := c.SynthesizeSpeech(ctx, &polly.SynthesizeSpeechInput{OutputFormat: f, VoiceId: types.VoiceIdJoanna, Text: aws.String(t)})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, out.AudioStream); err != nil {
		log.Fatal(err)
	}
	out.AudioStream.Close()
	return time.Since(start)
}
