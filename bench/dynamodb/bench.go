package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

type bench struct {
	o       options
	tmp     string
	root    string // module root
	nimbus  string // nimbus binary
	profBin string // profiling build, with -profile
	rep     *report
}

// Query tables and their sizes. The throughput Query runs on queryTable (many
// partitions); the scale comparison queries smallTable, then bigTable.
const (
	queryTable      = "bench_q10k"
	queryTableItems = 10_000
	smallTable      = "bench_q1k"
	smallTableItems = 1_000
	bigTable        = "bench_qbig"
)

// targets, as ratios of the baseline's ops/s.
var targets = map[string]float64{"PutItem": 0.60, "GetItem": 0.60, "Query": 0.40}

func (b *bench) run() (*report, error) {
	o := b.o
	var err error
	if b.tmp, err = os.MkdirTemp("", "nimbus-bench-"); err != nil {
		return nil, err
	}
	b.rep = &report{Config: reportConfig{
		Workers: o.workers, Duration: o.duration.String(), Warmup: o.warmup.String(),
		BigItems: o.bigItems, ItemsPerPartition: itemsPerPart,
	}}
	b.rep.Machine = machineInfo()
	b.rep.Machine.LoadBefore = loadAvg()
	defer func() { b.rep.Machine.LoadAfter = loadAvg() }()
	if err := b.build(); err != nil {
		return nil, err
	}
	b.rep.Machine.Nimbus = nimbusVersion(b.root)
	b.rep.Machine.NimbusBuild = buildInfo(b.nimbus)

	var hint *rates
	if !o.skipMemory || !o.skipDisk {
		if hint, err = b.runBaseline(); err != nil {
			return nil, fmt.Errorf("baseline: %w", err)
		}
	}
	if !o.skipMemory {
		mem, err := b.runNimbus("memory", hint)
		if err != nil {
			return nil, fmt.Errorf("nimbus (memory): %w", err)
		}
		hint = mem
	}
	if !o.skipDisk {
		if _, err := b.runNimbus("disk", hint); err != nil {
			return nil, fmt.Errorf("nimbus (disk): %w", err)
		}
	}
	if !o.skipStartup {
		if b.rep.Startup, err = measureStartup(b.nimbus, o.startups, 3, o.poll); err != nil {
			return nil, fmt.Errorf("startup: %w", err)
		}
	}
	return b.rep, nil
}

// build compiles nimbus (and, with -profile, its profiling wrapper) into the
// temporary directory.
func (b *bench) build() error {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return errors.New("run the bench from inside the nimbus module (go run ./bench/dynamodb)")
	}
	b.root = filepath.Dir(gomod)
	goBuild := func(dst, pkg string) error {
		logf("building %s", pkg)
		cmd := exec.Command("go", "build", "-o", dst, pkg)
		cmd.Dir = b.root
		if !b.o.cgo {
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
		}
		return nil
	}
	if b.o.nimbusBin != "" {
		b.nimbus = b.o.nimbusBin
	} else {
		b.nimbus = filepath.Join(b.tmp, "nimbus")
		if err := goBuild(b.nimbus, "./cmd/nimbus"); err != nil {
			return err
		}
	}
	if b.o.profileDir != "" {
		if err := os.MkdirAll(b.o.profileDir, 0o755); err != nil {
			return err
		}
		b.profBin = filepath.Join(b.tmp, "nimbusprof")
		if err := goBuild(b.profBin, "./bench/dynamodb/nimbusprof"); err != nil {
			return err
		}
	}
	return nil
}

// rates are the PutItem ops/s a server reached, used to size the next
// server's pool of distinct PutItem requests.
type rates struct{ put float64 }

func (b *bench) runBaseline() (*rates, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	logf("starting the baseline server")
	c, err := startChild("baseline", self, nil, []string{roleEnv + "=baseline"})
	if err != nil {
		return nil, err
	}
	defer c.stop()
	host := c.addr
	// The baseline gets the same request bytes as nimbus (PutItem bodies are
	// distinct there; here a pool is reused, the server ignores them anyway).
	const pool = 20_000
	put, err := buildAll(host, "PutItem", pool, putBody)
	if err != nil {
		return nil, err
	}
	get, err := buildAll(host, "GetItem", pool, getBody)
	if err != nil {
		return nil, err
	}
	parts := queryTableItems / itemsPerPart
	query, err := buildAll(host, "Query", pool, func(i int) []byte { return queryBody(queryTable, int(mix(uint64(i))%uint64(parts))) })
	if err != nil {
		return nil, err
	}
	r := &rates{}
	for _, ph := range []struct {
		op   string
		reqs [][]byte
	}{{"PutItem", put}, {"GetItem", get}, {"Query", query}} {
		res, err := b.measure(c, "baseline", ph.op, &phase{pools: split(ph.reqs, b.o.workers), cycle: true})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ph.op, err)
		}
		b.rep.add(opResult{Server: "baseline", Op: ph.op, Result: res})
		if ph.op == "PutItem" {
			r.put = res.OpsPerSec
		}
	}
	return r, nil
}

// measure runs a throughput phase (warm-up, then the measured window) and,
// with -profile, captures nimbus's CPU profile over the measured window.
func (b *bench) measure(c *child, server, op string, p *phase) (*result, error) {
	logf("%s %s: %d workers, %v warm-up + %v", server, op, len(p.pools), b.o.warmup, b.o.duration)
	p.addr, p.serverPid = c.addr, c.cmd.Process.Pid
	p.warmup, p.measure = b.o.warmup, b.o.duration
	var wg sync.WaitGroup
	var profErr error
	if c.pprof != "" {
		secs := int(math.Ceil(b.o.duration.Seconds()))
		file := filepath.Join(b.o.profileDir, fmt.Sprintf("%s-%s.pprof", server, strings.ReplaceAll(op, " ", "-")))
		wg.Add(1)
		p.profile = func() {
			go func() {
				defer wg.Done()
				profErr = fetchProfile(c.pprof, secs, file)
			}()
		}
	}
	res, err := p.run()
	if c.pprof != "" && err == nil {
		wg.Wait()
		if profErr != nil {
			logf("profile: %v", profErr)
		}
	}
	if err != nil {
		return nil, err
	}
	if c.exited() {
		return nil, fmt.Errorf("%s exited during the phase (%v); stderr:\n%s", c.name, c.waitErr, c.stderr.String())
	}
	logf("  %.0f ops/s, p50 %v, p99 %v, cpu %s", res.OpsPerSec, res.P50, res.P99, res.CPU)
	return res, nil
}

func fetchProfile(addr string, secs int, file string) error {
	resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, secs))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		msg, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("pprof: HTTP %d: %s", resp.StatusCode, msg)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	logf("  profile: %s", file)
	return f.Close()
}

// runNimbus measures one nimbus: variant "memory" (--memory) or "disk"
// (--data in a temporary directory, every write fsync'd).
func (b *bench) runNimbus(variant string, hint *rates) (_ *rates, err error) {
	o := b.o
	args := []string{"serve", "--no-access-log", "--log-level", "warn", "--addr", "127.0.0.1:0"}
	if variant == "memory" {
		args = append(args, "--memory")
	} else {
		dir := filepath.Join(b.tmp, "data")
		args = append(args, "--data", dir)
	}
	bin, env := b.nimbus, []string(nil)
	if b.profBin != "" {
		bin, env = b.profBin, []string{"NIMBUS_BENCH_PPROF=127.0.0.1:0"}
	}
	logf("starting nimbus (%s): %s %s", variant, filepath.Base(bin), strings.Join(args, " "))
	c, err := startChild("nimbus ("+variant+")", bin, args, env)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			// Say whether nimbus died, and what it said.
			select {
			case <-c.waitDone:
			case <-time.After(500 * time.Millisecond):
			}
			if c.exited() {
				err = fmt.Errorf("%w\nnimbus exited: %v", err, c.waitErr)
			}
			if crash := c.stderr.Crash(); crash != "" {
				err = fmt.Errorf("%w\nnimbus crashed:\n%s", err, crashSummary(crash))
			} else if c.stderr.Lines() > 0 {
				err = fmt.Errorf("%w\nnimbus stderr (last lines):\n%s", err, lastLines(c.stderr.String(), 60))
			}
		}
		if n := c.stderr.Lines(); n > 0 && c.stderr.Crash() == "" {
			b.rep.Notes = append(b.rep.Notes, fmt.Sprintf("nimbus (%s) wrote %d line(s) to stderr; the last ones:\n%s", variant, n, lastLines(c.stderr.String(), 10)))
		}
		c.stop()
	}()
	host := c.addr
	big := variant == "memory" && !o.skipBig

	// Tables.
	if err := createTable(host, tableKV, createKVTableBody()); err != nil {
		return nil, err
	}
	tables := []string{queryTable}
	if big {
		tables = append(tables, smallTable, bigTable)
	}
	for _, t := range tables {
		if err := createTable(host, t, createQueryTableBody(t)); err != nil {
			return nil, err
		}
	}
	if _, err := b.load(c, variant, queryTable, queryTableItems); err != nil {
		return nil, err
	}

	// PutItem: distinct items, each its own partition. The pool is sized for
	// the rate the previous server reached; if nimbus outruns it, the phase
	// ends early and says so.
	nPut := int(math.Ceil(hint.put*(o.warmup+o.duration).Seconds()*1.15)) + 1000
	logf("%s: building %d PutItem requests", variant, nPut)
	putReqs, err := buildAll(host, "PutItem", nPut, putBody)
	if err != nil {
		return nil, err
	}
	putRes, err := b.measure(c, variant, "PutItem", &phase{pools: split(putReqs, o.workers)})
	if err != nil {
		return nil, fmt.Errorf("PutItem: %w", err)
	}
	putReqs = nil
	b.rep.add(opResult{Server: variant, Op: "PutItem", Result: putRes})

	// GetItem on items the PutItem phase wrote: worker w sent requests
	// w, w+W, w+2W, ... and the first Sent[w] of them succeeded.
	var written []int
	for w, n := range putRes.Sent {
		for k := 0; k < n; k++ {
			written = append(written, k*o.workers+w)
		}
	}
	nGet := min(len(written), 100_000)
	getReqs, err := buildAll(host, "GetItem", nGet, func(i int) []byte {
		return getBody(written[mix(uint64(i))%uint64(len(written))])
	})
	if err != nil {
		return nil, err
	}
	getRes, err := b.measure(c, variant, "GetItem", &phase{pools: split(getReqs, o.workers), cycle: true, check: checkGet})
	if err != nil {
		return nil, fmt.Errorf("GetItem: %w", err)
	}
	b.rep.add(opResult{Server: variant, Op: "GetItem", Result: getRes})

	// Query: a random partition of 20 items, on a table of many partitions.
	qRes, err := b.query(c, variant, "Query", queryTable, queryTableItems)
	if err != nil {
		return nil, err
	}
	b.rep.add(opResult{Server: variant, Op: "Query", Result: qRes})

	if variant == "memory" {
		if err := b.issue7(c, variant, putRes); err != nil {
			return nil, err
		}
	}

	if big {
		s := &scaleResult{SmallItems: smallTableItems, BigItems: o.bigItems}
		if _, err := b.load(c, variant, smallTable, smallTableItems); err != nil {
			return nil, err
		}
		if s.Small, err = b.query(c, variant, "Query 1k", smallTable, smallTableItems); err != nil {
			return nil, err
		}
		if s.Load, err = b.load(c, variant, bigTable, o.bigItems); err != nil {
			return nil, err
		}
		if r, err := readRSS(c.cmd.Process.Pid); err == nil {
			s.RSSAfterLoad = &r
		}
		if s.Big, err = b.query(c, variant, "Query big", bigTable, o.bigItems); err != nil {
			return nil, err
		}
		if s.SmallAfter, err = b.query(c, variant, "Query 1k again", smallTable, smallTableItems); err != nil {
			return nil, err
		}
		b.rep.Scale = s
	}
	return &rates{put: putRes.OpsPerSec}, nil
}

// query measures Query on random partitions of a loaded table.
func (b *bench) query(c *child, variant, label, table string, items int) (*result, error) {
	parts := items / itemsPerPart
	n := min(max(parts, 5_000), 50_000)
	reqs, err := buildAll(c.addr, "Query", n, func(i int) []byte {
		return queryBody(table, int(mix(uint64(i)+uint64(items))%uint64(parts)))
	})
	if err != nil {
		return nil, err
	}
	res, err := b.measure(c, variant, label, &phase{pools: split(reqs, b.o.workers), cycle: true, check: checkQuery})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	return res, nil
}

// loadChunk bounds the memory the pre-built BatchWriteItem requests take:
// they are built a chunk at a time, and only sending is timed.
const loadChunk = 10_000 // requests (250,000 items)

// load fills a Query table with BatchWriteItem, 25 items a request, from
// pre-built requests, with every worker.
func (b *bench) load(c *child, variant, table string, items int) (*loadResult, error) {
	nReq := (items + 24) / 25
	logf("%s: loading %d items into %s (%d BatchWriteItem requests)", variant, items, table, nReq)
	lr := &loadResult{Server: variant, Table: table, Items: items, Requests: nReq}
	var lats []time.Duration
	wall := time.Now()
	for first := 0; first < nReq; first += loadChunk {
		n := min(loadChunk, nReq-first)
		reqs, err := buildAll(c.addr, "BatchWriteItem", n, func(i int) []byte { return batchBody(table, first+i, items) })
		if err != nil {
			return nil, err
		}
		p := &phase{addr: c.addr, serverPid: c.cmd.Process.Pid, pools: split(reqs, b.o.workers), drain: true, check: checkBatch}
		res, err := p.run()
		if err != nil {
			return nil, fmt.Errorf("loading %s: %w", table, err)
		}
		lr.Elapsed += res.Elapsed
		lats = append(lats, res.latencies...)
	}
	lr.Wall = time.Since(wall)
	if c.exited() {
		return nil, fmt.Errorf("%s exited during the load (%v); stderr:\n%s", c.name, c.waitErr, c.stderr.String())
	}
	lr.ItemsPerSec = float64(items) / lr.Elapsed.Seconds()
	lr.RequestsPerSec = float64(nReq) / lr.Elapsed.Seconds()
	slices.Sort(lats)
	lr.P50, lr.P99 = quantile(lats, 0.5), quantile(lats, 0.99)
	logf("  %.0f items/s (%.0f requests/s), p50 %v, p99 %v", lr.ItemsPerSec, lr.RequestsPerSec, lr.P50, lr.P99)
	b.rep.Loads = append(b.rep.Loads, lr)
	return lr, nil
}

// createTable creates a table and waits for it to be ACTIVE.
func createTable(host, name string, body []byte) error {
	req, err := buildRequest(host, "CreateTable", body, time.Now())
	if err != nil {
		return err
	}
	if _, err := call(host, req); err != nil {
		return fmt.Errorf("CreateTable %s: %w", name, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, err := buildRequest(host, "DescribeTable", []byte(`{"TableName":"`+name+`"}`), time.Now())
		if err != nil {
			return err
		}
		out, err := call(host, req)
		if err != nil {
			return fmt.Errorf("DescribeTable %s: %w", name, err)
		}
		if bytes.Contains(out, []byte(`"TableStatus":"ACTIVE"`)) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("table %s not ACTIVE after 30s: %s", name, out)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func machineInfo() machine {
	m := machine{CPUs: runtime.NumCPU(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, BenchGo: runtime.Version()}
	if out, err := exec.Command("go", "version").Output(); err == nil {
		m.GoVersion = strings.TrimSpace(string(out))
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				m.CPUModel = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			m.MemoryMiB = kb >> 10
		}
	}
	return m
}

// buildInfo picks the settings that matter for speed out of the binary's
// build information.
func buildInfo(bin string) string {
	out, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		return ""
	}
	var keep []string
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == "build" {
			k, _, _ := strings.Cut(f[1], "=")
			switch k {
			case "CGO_ENABLED", "GOAMD64", "GOARM64", "-race", "-gcflags", "-ldflags", "-tags", "-pgo":
				keep = append(keep, f[1])
			}
		}
	}
	return strings.Join(keep, " ")
}

// nimbusVersion is the checkout's commit, "+dirty" with local changes.
func nimbusVersion(root string) string {
	out, err := exec.Command("git", "-C", root, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	v := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "-C", root, "status", "--porcelain").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		v += "+dirty"
	}
	return v
}
