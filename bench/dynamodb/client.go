package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	region    = "us-east-1"
	accessKey = "AKIDNIMBUSBENCH00000"
	secretKey = "nimbus-bench-secret-key-not-a-real-one00"
)

var (
	signer = v4.NewSigner()
	creds  = aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey}
)

// buildRequest returns the whole HTTP/1.1 request, signed with SigV4 as the
// SDKs sign DynamoDB calls, ready to be written on a connection.
func buildRequest(host, op string, body []byte, now time.Time) ([]byte, error) {
	req, err := http.NewRequest(http.MethodPost, "http://"+host+"/", nil)
	if err != nil {
		return nil, err
	}
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
	sum := sha256.Sum256(body)
	if err := signer.SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "dynamodb", region, now); err != nil {
		return nil, err
	}
	b := make([]byte, 0, 512+len(body))
	b = append(b, "POST / HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	b = append(b, "\r\n"...)
	for _, k := range []string{"Content-Type", "X-Amz-Target", "X-Amz-Date", "Authorization"} {
		b = append(b, k...)
		b = append(b, ": "...)
		b = append(b, req.Header.Get(k)...)
		b = append(b, "\r\n"...)
	}
	b = append(b, "Content-Length: "...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	b = append(b, "\r\n\r\n"...)
	b = append(b, body...)
	return b, nil
}

// buildAll builds n requests in parallel; body(i) gives the i-th body.
func buildAll(host, op string, n int, body func(i int) []byte) ([][]byte, error) {
	out := make([][]byte, n)
	now := time.Now()
	var wg sync.WaitGroup
	var firstErr error
	var once sync.Once
	par := runtime.GOMAXPROCS(0)
	for p := 0; p < par; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			for i := p; i < n; i += par {
				r, err := buildRequest(host, op, body(i), now)
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				out[i] = r
			}
		}(p)
	}
	wg.Wait()
	return out, firstErr
}

// split deals requests out to w workers, round robin.
func split(reqs [][]byte, w int) [][][]byte {
	out := make([][][]byte, w)
	for i, r := range reqs {
		out[i%w] = append(out[i%w], r)
	}
	return out
}

// conn is one keep-alive connection. Responses are read with a bufio.Reader
// and Content-Length: no net/http on the hot path.
type conn struct {
	c    net.Conn
	r    *bufio.Reader
	body []byte
}

func dial(addr string) (*conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &conn{c: c, r: bufio.NewReaderSize(c, 64<<10), body: make([]byte, 0, 64<<10)}, nil
}

func (c *conn) Close() error { return c.c.Close() }

// do writes req and reads the response. body is valid until the next call.
func (c *conn) do(req []byte) (status int, body []byte, err error) {
	if _, err := c.c.Write(req); err != nil {
		return 0, nil, err
	}
	return c.readResponse()
}

var errMalformed = errors.New("malformed HTTP response")

func (c *conn) readResponse() (int, []byte, error) {
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, nil, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, nil, fmt.Errorf("%w: status line %q", errMalformed, line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, nil, fmt.Errorf("%w: status line %q", errMalformed, line)
	}
	length, chunked := -1, false
	for {
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return 0, nil, err
		}
		if len(line) <= 2 {
			break
		}
		i := bytes.IndexByte(line, ':')
		if i < 0 {
			return 0, nil, fmt.Errorf("%w: header %q", errMalformed, line)
		}
		name, val := line[:i], bytes.TrimSpace(line[i+1:])
		switch {
		case len(name) == 14 && bytes.EqualFold(name, []byte("Content-Length")):
			length, err = strconv.Atoi(string(val))
			if err != nil {
				return 0, nil, fmt.Errorf("%w: Content-Length %q", errMalformed, val)
			}
		case len(name) == 17 && bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.Contains(bytes.ToLower(val), []byte("chunked"))
		}
	}
	c.body = c.body[:0]
	switch {
	case chunked:
		for {
			line, err := c.r.ReadSlice('\n')
			if err != nil {
				return 0, nil, err
			}
			if i := bytes.IndexByte(line, ';'); i >= 0 {
				line = line[:i]
			}
			n, err := strconv.ParseInt(string(bytes.TrimSpace(line)), 16, 64)
			if err != nil {
				return 0, nil, fmt.Errorf("%w: chunk size %q", errMalformed, line)
			}
			if n == 0 {
				for { // trailers
					l, err := c.r.ReadSlice('\n')
					if err != nil {
						return 0, nil, err
					}
					if len(l) <= 2 {
						return status, c.body, nil
					}
				}
			}
			c.body = slices.Grow(c.body, int(n))
			start := len(c.body)
			c.body = c.body[:start+int(n)]
			if _, err := io.ReadFull(c.r, c.body[start:]); err != nil {
				return 0, nil, err
			}
			if _, err := c.r.Discard(2); err != nil {
				return 0, nil, err
			}
		}
	case length >= 0:
		c.body = slices.Grow(c.body, length)[:length]
		if _, err := io.ReadFull(c.r, c.body); err != nil {
			return 0, nil, err
		}
		return status, c.body, nil
	default:
		return 0, nil, fmt.Errorf("%w: neither Content-Length nor chunked", errMalformed)
	}
}

// call sends one request on a fresh connection and demands a 200.
func call(addr string, req []byte) ([]byte, error) {
	c, err := dial(addr)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	status, body, err := c.do(req)
	if err != nil {
		return nil, err
	}
	if status != 200 {
		return nil, fmt.Errorf("HTTP %d: %s", status, body)
	}
	return bytes.Clone(body), nil
}

// phase is one measured run of the closed-loop client.
type phase struct {
	addr    string
	pools   [][][]byte // requests per worker
	cycle   bool       // reuse a worker's pool from the start when it runs out
	drain   bool       // send every request once, without warm-up or time limit (loads)
	warmup  time.Duration
	measure time.Duration
	// check validates a 200 response body (e.g. GetItem found the item).
	check func(body []byte) error
	// profile, when set, is called when the measured window starts.
	profile func()
	// serverPid is the server process, for CPU accounting.
	serverPid int
}

// result is what a phase measured.
type result struct {
	Ops       int           `json:"ops"`
	Elapsed   time.Duration `json:"elapsed_ns"`
	OpsPerSec float64       `json:"ops_per_sec"`
	P50       time.Duration `json:"p50_ns"`
	P99       time.Duration `json:"p99_ns"`
	Mean      time.Duration `json:"mean_ns"`
	Exhausted bool          `json:"pool_exhausted,omitempty"`
	// CPU is where the CPU went during the measured window.
	CPU *cpuUse `json:"cpu,omitempty"`
	// ServerCPUPerOp is the server's CPU time per request: less sensitive
	// to other load on the machine than ops/s.
	ServerCPUPerOp time.Duration `json:"server_cpu_per_op_ns,omitempty"`
	// Sent is, per worker, how many of its requests got a 200 (warm-up
	// included); a non-cycling pool's first Sent[w] requests were applied.
	Sent []int `json:"-"`
	// latencies of the measured requests, sorted.
	latencies []time.Duration
}

// failure is a request that did not succeed; it fails the run.
type failure struct {
	Worker int
	Status int
	Body   string
	Err    error
}

func (f *failure) Error() string {
	if f.Err != nil {
		return fmt.Sprintf("worker %d: %v", f.Worker, f.Err)
	}
	return fmt.Sprintf("worker %d: HTTP %d, body:\n%s", f.Worker, f.Status, f.Body)
}

// run drives len(p.pools) workers, each on its own keep-alive connection,
// each sending its next pre-built request as soon as the previous response
// has been read. Latency is measured from just before the write to the end
// of the response body; only requests started inside the measured window
// count.
func (p *phase) run() (*result, error) {
	w := len(p.pools)
	conns := make([]*conn, w)
	for i := range conns {
		c, err := dial(p.addr)
		if err != nil {
			return nil, err
		}
		defer c.Close()
		conns[i] = c
	}
	var (
		stop     atomic.Bool
		stopAt   atomic.Int64 // unix ns when a non-cycling pool ran out
		errCount atomic.Int64
		failMu   sync.Mutex
		firstErr *failure
	)
	lats := make([][]time.Duration, w)
	sent := make([]int, w)
	fail := func(f *failure) {
		errCount.Add(1)
		failMu.Lock()
		if firstErr == nil {
			firstErr = f
		}
		failMu.Unlock()
		stop.Store(true)
	}
	start := time.Now()
	measureStart := start.Add(p.warmup)
	end := measureStart.Add(p.measure)
	if p.drain {
		measureStart = start
	}
	var snapMu sync.Mutex
	var snap0 cpuSnap
	snapMu.Lock()
	time.AfterFunc(time.Until(measureStart), func() {
		snap0 = takeCPU(p.serverPid)
		snapMu.Unlock()
		if p.profile != nil {
			p.profile()
		}
	})
	var wg sync.WaitGroup
	for wi := 0; wi < w; wi++ {
		wg.Add(1)
		go func(wi int) {
			defer wg.Done()
			pool, c := p.pools[wi], conns[wi]
			capHint := len(pool)
			if p.cycle || capHint > 1<<20 {
				capHint = 1 << 16
			}
			lat := make([]time.Duration, 0, capHint)
			defer func() { lats[wi] = lat }()
			for i := 0; !stop.Load(); i++ {
				if i >= len(pool) {
					if !p.cycle {
						if !p.drain {
							stopAt.CompareAndSwap(0, time.Now().UnixNano())
							stop.Store(true)
						}
						return
					}
					i = 0
				}
				t := time.Now()
				if !p.drain && !t.Before(end) {
					return
				}
				status, body, err := c.do(pool[i])
				d := time.Since(t)
				if err != nil {
					fail(&failure{Worker: wi, Err: err})
					return
				}
				if status != 200 {
					fail(&failure{Worker: wi, Status: status, Body: string(body)})
					return
				}
				if p.check != nil {
					if err := p.check(body); err != nil {
						fail(&failure{Worker: wi, Status: status, Body: string(body), Err: err})
						return
					}
				}
				sent[wi]++
				if !t.Before(measureStart) {
					lat = append(lat, d)
				}
			}
		}(wi)
	}
	wg.Wait()
	finished := time.Now()
	snap1 := takeCPU(p.serverPid)
	snapMu.Lock() // the measured window has started: snap0 is taken
	cpu := cpuBetween(snap0, snap1)
	snapMu.Unlock()
	if firstErr != nil {
		return nil, fmt.Errorf("%d failed request(s); first: %w", errCount.Load(), firstErr)
	}
	r := &result{Sent: sent, CPU: cpu}
	switch {
	case p.drain:
		r.Elapsed = finished.Sub(start)
	case stopAt.Load() != 0:
		r.Exhausted = true
		r.Elapsed = time.Unix(0, stopAt.Load()).Sub(measureStart)
	default:
		r.Elapsed = p.measure
	}
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	r.Ops = len(all)
	if r.Ops == 0 || r.Elapsed <= 0 {
		return nil, errors.New("no request completed in the measured window (pool too small or -duration too short)")
	}
	slices.Sort(all)
	var sum time.Duration
	for _, d := range all {
		sum += d
	}
	r.OpsPerSec = float64(r.Ops) / r.Elapsed.Seconds()
	r.P50 = quantile(all, 0.50)
	r.P99 = quantile(all, 0.99)
	r.Mean = sum / time.Duration(len(all))
	r.latencies = all
	if cpu != nil && cpu.Server > 0 {
		r.ServerCPUPerOp = time.Duration(cpu.Server * r.Elapsed.Seconds() / float64(r.Ops) * 1e9)
	}
	return r, nil
}

// quantile of sorted durations, nearest rank.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i]
}
