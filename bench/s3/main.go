// Command s3 benchmarks nimbus's S3 against the machine's own limits,
// measured in the same run with the same client:
//
//   - PUT and GET of 1 KB and 8 MB objects at -workers concurrent
//     keep-alive connections, in MB/s, next to writing (with fsync, as
//     nimbus does) and reading the same bytes to local files;
//   - 1 KB GETs next to a do-nothing HTTP server's rate (a separate process,
//     as nimbus is);
//   - nimbus's RSS sampled while a -big object (1 GiB) streams in and out.
//
// nimbus runs as its own process on a durable data directory (--data), in
// accept mode; requests are unsigned path-style, as pre-signed URLs and
// browsers send them, so the client spends no CPU on signing (on a 2-core
// machine the client's CPU is the server's).
//
//	go run ./bench/s3 [-duration 5s] [-workers 8] [-big 1GiB] [-nimbus path]
package main

import (
	"bytes"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const roleEnv = "NIMBUS_S3_BENCH_ROLE"

type options struct {
	duration time.Duration
	warmup   time.Duration
	workers  int
	big      int64
	nimbus   string
}

func main() {
	if os.Getenv(roleEnv) == "baseline" {
		serveBaseline()
		return
	}
	var o options
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "measured time of each phase")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "warm-up before each phase (not counted)")
	flag.IntVar(&o.workers, "workers", 8, "concurrent workers, one keep-alive connection each")
	flag.Int64Var(&o.big, "big", 1<<30, "size of the streamed object for the memory figure (0 skips it)")
	flag.StringVar(&o.nimbus, "nimbus", "", "nimbus binary (default: go build ./cmd/nimbus)")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		killChildren()
		os.Exit(1)
	}
	killChildren()
}

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, "# "+format+"\n", args...) }

// ---- processes ----

var (
	childMu  sync.Mutex
	children []*exec.Cmd
)

func killChildren() {
	childMu.Lock()
	defer childMu.Unlock()
	for _, c := range children {
		if c.Process != nil {
			c.Process.Kill()
			c.Wait()
		}
	}
	children = nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startServer runs path and waits until addr answers HTTP.
func startServer(path string, args, env []string, addr string) (*exec.Cmd, error) {
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	childMu.Lock()
	children = append(children, cmd)
	childMu.Unlock()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/")
		if err == nil {
			resp.Body.Close()
			return cmd, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil, fmt.Errorf("%s did not start: %s", path, stderr.String())
}

// serveBaseline is the do-nothing server: GET answers 1 KB, PUT drains the
// body and answers 200.
func serveBaseline() {
	body := bytes.Repeat([]byte("x"), 1024)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if r.Method == http.MethodGet {
			w.Header()["Content-Length"] = []string{"1024"}
			w.Write(body)
		}
	})
	srv := &http.Server{Addr: os.Getenv("NIMBUS_S3_BENCH_ADDR"), Handler: h, ReadHeaderTimeout: 30 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}

func rssKB(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return -1
}

// ---- load ----

type result struct {
	ops   int64
	bytes int64
	dur   time.Duration
}

func (r result) opsPerSec() float64 { return float64(r.ops) / r.dur.Seconds() }
func (r result) mbPerSec() float64  { return float64(r.bytes) / (1 << 20) / r.dur.Seconds() }

// phase runs op on every worker for warmup+duration and counts the
// operations that finished in the measured window.
func phase(o options, op func(worker, i int) (int64, error)) (result, error) {
	var ops, nbytes atomic.Int64
	var measuring atomic.Bool
	var firstErr error
	var errOnce sync.Once
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < o.workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				n, err := op(w, i)
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
				if measuring.Load() {
					ops.Add(1)
					nbytes.Add(n)
				}
			}
		}()
	}
	time.Sleep(o.warmup)
	measuring.Store(true)
	t0 := time.Now()
	time.Sleep(o.duration)
	measuring.Store(false)
	d := time.Since(t0)
	close(stop)
	wg.Wait()
	if firstErr != nil {
		return result{}, firstErr
	}
	return result{ops: ops.Load(), bytes: nbytes.Load(), dur: d}, nil
}

func newClient(workers int) *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers,
		DisableCompression: true, WriteBufferSize: 256 << 10, ReadBufferSize: 256 << 10}}
}

func put(c *http.Client, url string, body []byte) error {
	req, _ := http.NewRequest(http.MethodPut, url, bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("PUT %s: %s", url, resp.Status)
	}
	return nil
}

func get(c *http.Client, url string) (int64, error) {
	resp, err := c.Get(url)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err == nil && resp.StatusCode != 200 {
		err = fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return n, err
}

// ---- run ----

func run(o options) error {
	tmp, err := os.MkdirTemp("", "nimbus-s3-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := o.nimbus
	if bin == "" {
		bin = filepath.Join(tmp, "nimbus")
		logf("building ./cmd/nimbus")
		if out, err := exec.Command("go", "build", "-o", bin, "./cmd/nimbus").CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
	}
	small := make([]byte, 1<<10)
	large := make([]byte, 8<<20)
	rand.Read(small)
	rand.Read(large)

	fmt.Printf("S3 benchmark: %d workers, %s per phase (after %s warm-up), GOMAXPROCS=%d, %d CPUs\n",
		o.workers, o.duration, o.warmup, runtime.GOMAXPROCS(0), runtime.NumCPU())
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("load average before: %s", b)
	}

	// Local files: the same bytes written (fsynced, as nimbus fsyncs each
	// body) and read back.
	fdir := filepath.Join(tmp, "files")
	os.MkdirAll(fdir, 0o700)
	fileWrite := func(body []byte) func(w, i int) (int64, error) {
		return func(w, i int) (int64, error) {
			p := filepath.Join(fdir, fmt.Sprintf("%d-%d", w, i%64))
			f, err := os.Create(p)
			if err != nil {
				return 0, err
			}
			if _, err := f.Write(body); err != nil {
				return 0, err
			}
			if err := f.Sync(); err != nil {
				return 0, err
			}
			return int64(len(body)), f.Close()
		}
	}
	fileRead := func(w, i int) (int64, error) {
		f, err := os.Open(filepath.Join(fdir, fmt.Sprintf("%d-%d", w, i%8)))
		if err != nil {
			return 0, err
		}
		defer f.Close()
		return io.Copy(io.Discard, f)
	}
	rows := map[string]result{}
	measure := func(name string, op func(w, i int) (int64, error)) error {
		logf("%s", name)
		r, err := phase(o, op)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		rows[name] = r
		return nil
	}
	if err := measure("file write 1 KB", fileWrite(small)); err != nil {
		return err
	}
	if err := measure("file read 1 KB", fileRead); err != nil {
		return err
	}
	if err := measure("file write 8 MB", fileWrite(large)); err != nil {
		return err
	}
	if err := measure("file read 8 MB", fileRead); err != nil {
		return err
	}

	// The do-nothing server.
	baddr, err := freeAddr()
	if err != nil {
		return err
	}
	self, _ := os.Executable()
	bcmd, err := startServer(self, nil, []string{roleEnv + "=baseline", "NIMBUS_S3_BENCH_ADDR=" + baddr}, baddr)
	if err != nil {
		return err
	}
	bc := newClient(o.workers)
	if err := measure("do-nothing GET 1 KB", func(w, i int) (int64, error) { return get(bc, "http://"+baddr+"/b/k") }); err != nil {
		return err
	}
	bcmd.Process.Kill()
	bcmd.Wait()

	// nimbus, durable.
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	ncmd, err := startServer(bin, []string{"--addr", addr, "--data", filepath.Join(tmp, "data"), "--no-access-log", "--log-level", "warn"}, nil, addr)
	if err != nil {
		return err
	}
	pid := ncmd.Process.Pid
	c := newClient(o.workers)
	base := "http://" + addr + "/bench"
	req, _ := http.NewRequest(http.MethodPut, base, nil)
	if resp, err := c.Do(req); err != nil || resp.StatusCode != 200 {
		return fmt.Errorf("CreateBucket: %v %v", err, resp)
	}
	objURL := func(size string, w, i int) string { return fmt.Sprintf("%s/%s/%d/%d", base, size, w, i) }
	if err := measure("nimbus PUT 1 KB", func(w, i int) (int64, error) {
		return 1 << 10, put(c, objURL("1k", w, i%256), small)
	}); err != nil {
		return err
	}
	// The GET phases read objects written beforehand, whatever the PUT
	// phases managed.
	for w := 0; w < o.workers; w++ {
		for i := 0; i < 16; i++ {
			if err := put(c, objURL("g1k", w, i), small); err != nil {
				return err
			}
		}
		for i := 0; i < 4; i++ {
			if err := put(c, objURL("g8m", w, i), large); err != nil {
				return err
			}
		}
	}
	if err := measure("nimbus GET 1 KB", func(w, i int) (int64, error) { return get(c, objURL("g1k", w, i%16)) }); err != nil {
		return err
	}
	if err := measure("nimbus PUT 8 MB", func(w, i int) (int64, error) {
		return 8 << 20, put(c, objURL("8m", w, i%8), large)
	}); err != nil {
		return err
	}
	if err := measure("nimbus GET 8 MB", func(w, i int) (int64, error) { return get(c, objURL("g8m", w, i%4)) }); err != nil {
		return err
	}
	idleRSS := rssKB(pid)

	// Memory while a big object streams in and out.
	var bigIn, bigOut rssRun
	if o.big > 0 {
		logf("streaming a %d MiB object", o.big>>20)
		bigIn, err = sampleRSS(pid, func() error {
			req, _ := http.NewRequest(http.MethodPut, base+"/big", io.LimitReader(zeroReader{}, o.big))
			req.ContentLength = o.big
			resp, err := c.Do(req)
			if err != nil {
				return err
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				return errors.New("big PUT: " + resp.Status)
			}
			return nil
		})
		if err != nil {
			return err
		}
		bigOut, err = sampleRSS(pid, func() error {
			n, err := get(c, base+"/big")
			if err == nil && n != o.big {
				err = fmt.Errorf("big GET: %d bytes", n)
			}
			return err
		})
		if err != nil {
			return err
		}
	}

	fmt.Println()
	fmt.Printf("%-22s %12s %12s\n", "phase", "ops/s", "MB/s")
	for _, name := range []string{"file write 1 KB", "file read 1 KB", "file write 8 MB", "file read 8 MB", "do-nothing GET 1 KB",
		"nimbus PUT 1 KB", "nimbus GET 1 KB", "nimbus PUT 8 MB", "nimbus GET 8 MB"} {
		r := rows[name]
		fmt.Printf("%-22s %12.0f %12.1f\n", name, r.opsPerSec(), r.mbPerSec())
	}
	fmt.Println()
	ratio := func(a, b float64) float64 { return a / b }
	g8 := ratio(rows["nimbus GET 8 MB"].mbPerSec(), rows["file read 8 MB"].mbPerSec())
	g1 := ratio(rows["nimbus GET 1 KB"].opsPerSec(), rows["do-nothing GET 1 KB"].opsPerSec())
	fmt.Printf("GET 8 MB / file read 8 MB:     %5.0f%%  (target >= 50%%) %s\n", 100*g8, verdict(g8 >= 0.5))
	fmt.Printf("GET 1 KB / do-nothing GET 1 KB: %5.0f%%  (target > 60%%)  %s\n", 100*g1, verdict(g1 > 0.6))
	fmt.Printf("PUT 8 MB / file write 8 MB:    %5.0f%%\n", 100*ratio(rows["nimbus PUT 8 MB"].mbPerSec(), rows["file write 8 MB"].mbPerSec()))
	fmt.Printf("PUT 1 KB / file write 1 KB:    %5.0f%%\n", 100*ratio(rows["nimbus PUT 1 KB"].opsPerSec(), rows["file write 1 KB"].opsPerSec()))
	if o.big > 0 {
		fmt.Printf("RSS idle after the phases: %d MiB; streaming %d MiB in: max %d MiB (%s); out: max %d MiB (%s)\n",
			idleRSS>>10, o.big>>20, bigIn.max>>10, bigIn.rate(o.big), bigOut.max>>10, bigOut.rate(o.big))
		flat := bigIn.max-idleRSS < 64<<10 && bigOut.max-idleRSS < 64<<10
		fmt.Printf("memory flat while streaming (< 64 MiB above idle): %s\n", verdict(flat))
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("load average after: %s", b)
	}
	return nil
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "MISS"
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

type rssRun struct {
	max int64 // kB
	dur time.Duration
}

func (r rssRun) rate(n int64) string {
	return fmt.Sprintf("%.0f MB/s", float64(n)/(1<<20)/r.dur.Seconds())
}

// sampleRSS runs f while sampling pid's RSS every 20 ms.
func sampleRSS(pid int, f func() error) (rssRun, error) {
	var r rssRun
	done := make(chan struct{})
	var mu sync.Mutex
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				v := rssKB(pid)
				mu.Lock()
				r.max = max(r.max, v)
				mu.Unlock()
			}
		}
	}()
	t0 := time.Now()
	err := f()
	r.dur = time.Since(t0)
	close(done)
	mu.Lock()
	defer mu.Unlock()
	r.max = max(r.max, rssKB(pid))
	return r, err
}
