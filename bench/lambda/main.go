// Command lambda measures nimbus's Lambda against the bare interpreters:
// cold start (CreateFunction → first Invoke response), warm Invoke p50/p99
// for a handler that returns its event, and warm throughput with 8
// concurrent callers, for Python and Node.js, next to the start time of
// `python3 -c pass` and `node -e 0` measured in the same run.
//
//	go run ./bench/lambda [-cold 10] [-warm 2000] [-duration 5s] [-callers 8]
//
// nimbus runs in this process (in memory, on a loopback port) and is driven
// through aws-sdk-go-v2, as a client would.
package main

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/nimbus-cloud/nimbus"
)

var (
	coldRuns = flag.Int("cold", 10, "cold starts measured per runtime")
	warmRuns = flag.Int("warm", 2000, "sequential warm invokes measured per runtime")
	duration = flag.Duration("duration", 5*time.Second, "throughput phase length")
	callers  = flag.Int("callers", 8, "concurrent callers in the throughput phase")
	bareRuns = flag.Int("bare", 20, "bare interpreter starts measured")
	only     = flag.String("only", "", "run only this runtime (Python or Node.js)")
	profile  = flag.String("cpuprofile", "", "write a CPU profile of the throughput phases (nimbus and client) here")
)

type runtimeCase struct {
	name, runtime, handler, file, src string
	bare                              []string
}

func main() {
	flag.Parse()
	python := resolvePython()
	cases := []runtimeCase{
		{"Python", "python3.12", "app.handler", "app.py", "def handler(event, context):\n    return event\n", []string{python, "-c", "pass"}},
		{"Node.js", "nodejs20.x", "index.handler", "index.js", "exports.handler = async (event) => event;\n", []string{"node", "-e", "0"}},
	}
	srv, err := nimbus.New(nimbus.Config{Addr: "127.0.0.1:0", Memory: true, LogOutput: io.Discard})
	check(err)
	check(srv.Start())
	defer srv.Close()
	client := lambda.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(srv.Endpoint()),
	}, func(o *lambda.Options) { o.RetryMaxAttempts = 1 })
	ctx := context.Background()

	fmt.Printf("nimbus Lambda benchmark — %s, %d CPUs\n\n", time.Now().UTC().Format(time.RFC3339), numCPU())
	if *profile != "" {
		f, err := os.Create(*profile)
		check(err)
		check(pprof.StartCPUProfile(f))
		defer pprof.StopCPUProfile()
	}
	for _, rc := range cases {
		if *only != "" && *only != rc.name {
			continue
		}
		bare := measureBare(rc.bare, *bareRuns)
		zipped := zipOne(rc.file, rc.src)
		var colds []time.Duration
		for i := 0; i < *coldRuns; i++ {
			name := fmt.Sprintf("cold-%s-%d", strings.ToLower(rc.name[:2]), i)
			t0 := time.Now()
			_, err := client.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String(name), Runtime: types.Runtime(rc.runtime),
				Role: aws.String("arn:aws:iam::000000000000:role/bench"), Handler: aws.String(rc.handler), Code: &types.FunctionCode{ZipFile: zipped}})
			check(err)
			out, err := client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(name), Payload: []byte(`{"cold":true}`)})
			check(err)
			colds = append(colds, time.Since(t0))
			if out.FunctionError != nil {
				fail("cold invoke failed: %s", out.Payload)
			}
		}
		name := "warm-" + strings.ToLower(rc.name[:2])
		_, err := client.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String(name), Runtime: types.Runtime(rc.runtime),
			Role: aws.String("arn:aws:iam::000000000000:role/bench"), Handler: aws.String(rc.handler), Code: &types.FunctionCode{ZipFile: zipped}})
		check(err)
		payload := []byte(`{"key1":"value1","key2":"value2","n":42}`)
		invoke := func() {
			out, err := client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(name), Payload: payload})
			check(err)
			if out.FunctionError != nil || !bytes.Contains(out.Payload, []byte("value2")) {
				fail("warm invoke: %s", out.Payload)
			}
		}
		for i := 0; i < 50; i++ {
			invoke()
		}
		warm := make([]time.Duration, 0, *warmRuns)
		for i := 0; i < *warmRuns; i++ {
			t0 := time.Now()
			invoke()
			warm = append(warm, time.Since(t0))
		}
		// Throughput: warm up one sandbox per caller, then measure.
		var wg sync.WaitGroup
		for i := 0; i < *callers; i++ {
			wg.Add(1)
			go func() { defer wg.Done(); invoke() }()
		}
		wg.Wait()
		var n atomic.Int64
		stop := time.Now().Add(*duration)
		t0 := time.Now()
		for i := 0; i < *callers; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(stop) {
					invoke()
					n.Add(1)
				}
			}()
		}
		wg.Wait()
		tput := float64(n.Load()) / time.Since(t0).Seconds()

		bp50 := pct(bare, 50)
		c50 := pct(colds, 50)
		target := time.Duration(float64(bp50)*1.5) + 50*time.Millisecond
		fmt.Printf("%s (%s)\n", rc.name, strings.Join(rc.bare, " "))
		fmt.Printf("  bare interpreter start   p50 %8s   p90 %8s   (n=%d)\n", ms(bp50), ms(pct(bare, 90)), len(bare))
		fmt.Printf("  cold start               p50 %8s   p90 %8s   (n=%d)  = %.2fx bare; target 1.5x bare + 50 ms = %s: %s\n",
			ms(c50), ms(pct(colds, 90)), len(colds), float64(c50)/float64(bp50), ms(target), verdict(c50 <= target))
		fmt.Printf("  warm Invoke              p50 %8s   p99 %8s   (n=%d)  = %.3fx bare; target p50 < 2 ms: %s\n",
			ms(pct(warm, 50)), ms(pct(warm, 99)), len(warm), float64(pct(warm, 50))/float64(bp50), verdict(pct(warm, 50) < 2*time.Millisecond))
		fmt.Printf("  warm throughput, %d callers  %8.0f invokes/s over %s; target > 1000/s: %s\n\n",
			*callers, tput, *duration, verdict(tput > 1000))
	}
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

func measureBare(argv []string, n int) []time.Duration {
	out := make([]time.Duration, 0, n)
	for i := 0; i < n+2; i++ {
		t0 := time.Now()
		cmd := exec.Command(argv[0], argv[1:]...)
		check(cmd.Run())
		if i >= 2 { // the first runs warm the page cache
			out = append(out, time.Since(t0))
		}
	}
	return out
}

// resolvePython finds the interpreter behind python3 (pyenv shims are
// shell scripts), the one nimbus runs functions with.
func resolvePython() string {
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	check(err)
	return strings.TrimSpace(string(out))
}

func zipOne(name, src string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	check(err)
	w.Write([]byte(src))
	check(zw.Close())
	return buf.Bytes()
}

func pct(d []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s)*p + 99) / 100
	if i > 0 {
		i--
	}
	return s[i]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func numCPU() int {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return 0
	}
	return bytes.Count(b, []byte("processor\t:"))
}

func check(err error) {
	if err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench/lambda: "+format+"\n", args...)
	os.Exit(1)
}
