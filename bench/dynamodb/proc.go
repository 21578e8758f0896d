package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// roleEnv makes the bench binary act as the do-nothing baseline server
// instead of the benchmark: the bench re-executes itself with it so that the
// baseline, like nimbus, is a separate process with its own runtime.
const roleEnv = "NIMBUS_BENCH_ROLE"

// serveBaseline is the do-nothing server: it reads the request body and
// answers 200 with a small JSON body. It prints "endpoint: http://..." as
// nimbus does, so both are started by the same code.
func serveBaseline() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
	body := []byte(`{}`)
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		h := w.Header()
		h["Content-Type"] = []string{"application/x-amz-json-1.0"}
		h["Content-Length"] = []string{"2"}
		w.Write(body)
	})
	fmt.Printf("endpoint: http://%s\n", ln.Addr())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 30 * time.Second}
	if err := srv.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}

// child is a server process the bench started.
type child struct {
	name     string
	cmd      *exec.Cmd
	addr     string // host:port of the endpoint
	pprof    string // host:port of the profiling listener, if any
	stderr   *tailBuffer
	waitDone chan struct{}
	waitErr  error
}

var (
	childrenMu sync.Mutex
	children   = map[*child]bool{}
)

// startChild runs path with args and env, and waits for "endpoint: http://"
// on its stdout.
func startChild(name, path string, args, env []string) (*child, error) {
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), env...)
	// The child must not outlive the bench, even if the bench is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c := &child{name: name, cmd: cmd, stderr: newTailBuffer(64 << 10), waitDone: make(chan struct{})}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	childrenMu.Lock()
	children[c] = true
	childrenMu.Unlock()
	go func() { c.waitErr = cmd.Wait(); close(c.waitDone) }()

	found := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			if !sent {
				if v, ok := strings.CutPrefix(line, "pprof: http://"); ok {
					c.pprof = strings.TrimSpace(v)
				}
				if v, ok := strings.CutPrefix(line, "endpoint: http://"); ok {
					c.addr = strings.TrimSuffix(strings.TrimSpace(v), "/")
					sent = true
					found <- nil
				}
			}
		}
		if !sent {
			found <- errors.New("exited before printing its endpoint")
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case err := <-found:
		if err != nil {
			<-c.waitDone
			c.stop()
			return nil, fmt.Errorf("%s: %v (%v); stderr:\n%s", name, err, c.waitErr, c.stderr.String())
		}
	case <-time.After(60 * time.Second):
		c.stop()
		return nil, fmt.Errorf("%s: no endpoint on stdout after 60s; stderr:\n%s", name, c.stderr.String())
	}
	return c, nil
}

// exited reports whether the process has ended.
func (c *child) exited() bool {
	select {
	case <-c.waitDone:
		return true
	default:
		return false
	}
}

// stop asks the child to shut down (SIGTERM), and kills it after 15 s.
func (c *child) stop() {
	childrenMu.Lock()
	delete(children, c)
	childrenMu.Unlock()
	if c.cmd.Process == nil {
		return
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.waitDone:
	case <-time.After(15 * time.Second):
		c.cmd.Process.Kill()
		<-c.waitDone
	}
}

// killChildren ends every child still running (on an error or ^C).
func killChildren() {
	childrenMu.Lock()
	defer childrenMu.Unlock()
	for c := range children {
		if c.cmd.Process != nil {
			c.cmd.Process.Kill()
		}
	}
}

// rss is a process's resident memory, from /proc/PID/status.
type rss struct {
	Total int64 `json:"vmrss_bytes"`
	Anon  int64 `json:"rss_anon_bytes"`
	File  int64 `json:"rss_file_bytes"`  // mapped files: the executable's own pages
	Shmem int64 `json:"rss_shmem_bytes"` // e.g. an executable run from tmpfs
}

func readRSS(pid int) (rss, error) {
	var r rss
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return r, err
	}
	found := false
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			continue
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			continue
		}
		switch k {
		case "VmRSS":
			r.Total, found = n<<10, true
		case "RssAnon":
			r.Anon = n << 10
		case "RssFile":
			r.File = n << 10
		case "RssShmem":
			r.Shmem = n << 10
		}
	}
	if !found {
		return r, errors.New("no VmRSS in /proc status")
	}
	return r, nil
}

// tailBuffer keeps the last max bytes written to it and counts lines. It
// also keeps the start of a Go crash ("panic: ", "fatal error: "), which a
// long traceback would push out of the tail.
type tailBuffer struct {
	mu    sync.Mutex
	max   int
	buf   []byte
	lines int
	crash []byte
}

var crashMarks = [][]byte{[]byte("panic: "), []byte("fatal error: "), []byte("SIGSEGV"), []byte("SIGBUS")}

const crashMax = 64 << 10

func newTailBuffer(max int) *tailBuffer { return &tailBuffer{max: max} }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines += bytes.Count(p, []byte{'\n'})
	if t.crash == nil {
		// A mark split across two writes is missed; Go writes a crash's
		// first line in one piece.
		for _, m := range crashMarks {
			if i := bytes.Index(p, m); i >= 0 {
				t.crash = append([]byte{}, p[i:min(len(p), i+crashMax)]...)
				break
			}
		}
	} else if len(t.crash) < crashMax {
		t.crash = append(t.crash, p[:min(len(p), crashMax-len(t.crash))]...)
	}
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// crashSummary keeps what matters of a Go crash report: its first lines
// (the panic or signal) and the function names of the first goroutine that
// was running with a stack to show (stack dumps and file lines dropped).
func crashSummary(report string) string {
	lines := strings.Split(report, "\n")
	var out []string
	i := 0
	for ; i < len(lines) && strings.TrimSpace(lines[i]) != "" && i < 6; i++ {
		out = append(out, lines[i])
	}
	for ; i < len(lines); i++ {
		l := lines[i]
		if !strings.HasPrefix(l, "goroutine ") || !strings.Contains(l, "[running]") {
			continue
		}
		if i+1 < len(lines) && strings.Contains(lines[i+1], "stack unavailable") {
			continue
		}
		out = append(out, "", l)
		for j := i + 1; j < len(lines) && strings.TrimSpace(lines[j]) != "" && len(out) < 50; j++ {
			if !strings.HasPrefix(lines[j], "\t") {
				out = append(out, "  "+lines[j])
			}
		}
		break
	}
	return strings.Join(out, "\n")
}

// Crash is the start of a Go crash report, if one was written.
func (t *tailBuffer) Crash() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.crash)
}

func (t *tailBuffer) Lines() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lines
}
