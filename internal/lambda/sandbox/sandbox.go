// Package sandbox runs one Lambda execution environment: a runtime process
// (in its own process group) talking to its own runtimeapi.Server, with a
// private temporary directory, a memory limit and a clean environment.
//
// A Sandbox runs one invocation at a time. Invoke hands the event to the
// runtime and waits for its answer, the deadline, the runtime's death or an
// init error, whichever comes first; on a timeout or crash the whole process
// group is killed and the sandbox is dead (Alive reports false).
//
// Output: the runtime's stdout and stderr share one pipe, read line by line.
// To know that every line a runtime wrote before answering has been read,
// Invoke writes a marker (with a per-sandbox random nonce the function
// cannot see) into the same pipe through nimbus's own copy of its write end
// after the answer arrives: the pipe is ordered, so when the reader reaches
// the marker it has seen all earlier output. No sleeping, no guessing.
//
// Memory: for Python runtimes RLIMIT_AS is set on the process
// (prlimit(2) right after it starts, hard and soft) to MemoryMB plus
// Config.AddressSlackMB, because address space is larger than resident
// memory (shared libraries, thread stacks, malloc arenas). Node's V8
// reserves gigabytes of address space and breaks under RLIMIT_AS, so for
// Node the caller passes --max-old-space-size instead (AddressLimit false).
// Go's runtime reserves over a gigabyte of address space as it starts, so
// for provided runtimes the limit is applied once the runtime has
// initialised, at its address space then plus MemoryMB
// (AddressLimitAfterInit).
package sandbox

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/nimbus-cloud/nimbus/internal/lambda/runtimeapi"
)

// Config describes the process to start.
type Config struct {
	// Argv is the runtime command; Argv[0] is an absolute path.
	Argv []string
	// Dir is the working directory (LAMBDA_TASK_ROOT).
	Dir string
	// Env is the complete environment, without AWS_LAMBDA_RUNTIME_API and
	// TMPDIR, which Start adds.
	Env []string
	// TmpDir is created for the sandbox and removed by Close.
	TmpDir string
	// MemoryMB is the function's memory size.
	MemoryMB int
	// AddressLimit applies RLIMIT_AS = MemoryMB + AddressSlackMB.
	AddressLimit   bool
	AddressSlackMB int
	// AddressLimitAfterInit applies RLIMIT_AS once the runtime has
	// initialised, at its address space then plus MemoryMB: for runtimes
	// (Go) that reserve more address space at start than any fixed limit
	// would allow, this still bounds what the function allocates.
	AddressLimitAfterInit bool
}

// Outcome says how an invocation ended.
type Outcome int

// Outcomes.
const (
	// OK: the runtime posted a response.
	OK Outcome = iota
	// FunctionError: the runtime posted an error (Result.Payload is its body).
	FunctionError
	// InitError: the runtime posted /init/error (or died during init).
	InitError
	// Timeout: the deadline passed; the sandbox was killed.
	Timeout
	// Exited: the runtime died while handling the invocation.
	Exited
)

// Result is one invocation's outcome.
type Result struct {
	Outcome Outcome
	runtimeapi.Result
	// ExitStatus describes a dead runtime as Go words it ("exit status 1",
	// "signal: killed").
	ExitStatus string
	// Killed is set when the runtime died of SIGKILL or SIGABRT not sent by
	// nimbus: the memory limit (the Python bootstrap kills itself on
	// MemoryError; V8 aborts at its heap limit).
	OutOfMemory bool
	// InitLogs are the lines written during a cold start's
	// initialisation; Logs those written while handling the invocation.
	InitLogs []string
	Logs     []string
	// Init is the initialisation time on a cold start, else 0.
	Init time.Duration
	// MaxMemoryMB is the peak resident memory of the runtime process.
	MaxMemoryMB int
}

// Sandbox is one execution environment.
type Sandbox struct {
	cfg    Config
	api    *runtimeapi.Server
	cmd    *exec.Cmd
	pid    int
	logW   *os.File
	logR   *os.File
	nonce  string
	start  time.Time
	inited bool

	exited   chan struct{}
	exitErr  error
	killedMu sync.Mutex
	killedBy bool // nimbus killed it

	linesMu sync.Mutex
	lines   []string
	marks   chan string

	closeOnce sync.Once
}

// Start starts the runtime process. It returns once the process runs; the
// runtime initialises concurrently and Invoke waits for it.
func Start(cfg Config) (*Sandbox, error) {
	api, err := runtimeapi.Listen()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.TmpDir, 0o700); err != nil {
		api.Close()
		return nil, err
	}
	r, w, err := os.Pipe()
	if err != nil {
		api.Close()
		os.RemoveAll(cfg.TmpDir)
		return nil, err
	}
	nb := make([]byte, 16)
	rand.Read(nb)
	s := &Sandbox{
		cfg: cfg, api: api, logR: r, logW: w,
		nonce:  hex.EncodeToString(nb),
		exited: make(chan struct{}),
		marks:  make(chan string, 4),
	}
	cmd := exec.Command(cfg.Argv[0], cfg.Argv[1:]...)
	cmd.Dir = cfg.Dir
	cmd.Env = append(append([]string(nil), cfg.Env...),
		"AWS_LAMBDA_RUNTIME_API="+api.Addr(), "TMPDIR="+cfg.TmpDir)
	cmd.Stdout = w
	cmd.Stderr = w
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	s.start = time.Now()
	if err := cmd.Start(); err != nil {
		api.Close()
		r.Close()
		w.Close()
		os.RemoveAll(cfg.TmpDir)
		return nil, err
	}
	s.cmd = cmd
	s.pid = cmd.Process.Pid
	if cfg.AddressLimit && cfg.MemoryMB > 0 {
		limit := uint64(cfg.MemoryMB+cfg.AddressSlackMB) << 20
		if err := setAddressLimit(s.pid, limit); err != nil {
			s.Close()
			return nil, fmt.Errorf("setting the memory limit: %w", err)
		}
	}
	go s.readLogs()
	go func() {
		s.exitErr = cmd.Wait()
		close(s.exited)
	}()
	return s, nil
}

type rlimit struct{ cur, max uint64 }

// setAddressLimit is prlimit(pid, RLIMIT_AS, {limit, limit}).
func setAddressLimit(pid int, limit uint64) error {
	rl := rlimit{limit, limit}
	_, _, errno := syscall.RawSyscall6(syscall.SYS_PRLIMIT64, uintptr(pid), uintptr(syscall.RLIMIT_AS),
		uintptr(unsafe.Pointer(&rl)), 0, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// maxLine bounds one log event; longer lines are split, as CloudWatch
// Logs splits events over 256 KB.
const maxLine = 256 << 10

func (s *Sandbox) readLogs() {
	defer close(s.marks)
	br := bufio.NewReaderSize(s.logR, 64<<10)
	mark := []byte("\x00nimbus-mark " + s.nonce + " ")
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if err == bufio.ErrBufferFull && len(line) < maxLine {
			continue
		}
		if len(line) == 0 && err != nil {
			return
		}
		text := strings.TrimSuffix(string(line), "\n")
		line = line[:0]
		// The marker may follow output that did not end its line.
		if i := strings.Index(text, string(mark)); i >= 0 {
			s.addLine(text[:i])
			s.marks <- text[i+len(mark):]
		} else {
			s.addLine(text)
		}
		if err != nil && err != bufio.ErrBufferFull {
			return
		}
	}
}

func (s *Sandbox) addLine(text string) {
	if text == "" {
		return
	}
	s.linesMu.Lock()
	s.lines = append(s.lines, strings.ReplaceAll(text, "\r", "\n"))
	s.linesMu.Unlock()
}

// drain waits until every line written before now has been read and
// returns those lines.
func (s *Sandbox) drain(id string) []string {
	fmt.Fprintf(s.logW, "\x00nimbus-mark %s %s\n", s.nonce, id)
	for m := range s.marks {
		if m == id {
			break
		}
	}
	s.linesMu.Lock()
	lines := s.lines
	s.lines = nil
	s.linesMu.Unlock()
	return lines
}

// Alive reports whether the runtime process is still running.
func (s *Sandbox) Alive() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

// InitLimit bounds a cold start's initialisation, beyond the function's timeout.
const InitLimit = 10 * time.Second

// Invoke runs inv and waits for its outcome. On a cold start it first waits
// (up to timeout plus InitLimit) for the runtime to initialise; the
// invocation's deadline is then timeout from when the runtime receives it.
// ctx cancelling (nimbus shutting down) kills the sandbox too.
func (s *Sandbox) Invoke(ctx context.Context, inv *runtimeapi.Invocation, timeout time.Duration) Result {
	cold := !s.inited
	s.inited = true
	var initDur time.Duration
	var initLogs []string
	if cold {
		initTimer := time.NewTimer(timeout + InitLimit)
		select {
		case <-s.api.Ready():
			initDur = time.Since(s.start)
			initLogs = s.drain(inv.ID + "-init")
			if s.cfg.AddressLimitAfterInit && s.cfg.MemoryMB > 0 {
				if vm := s.statusKB("VmSize:"); vm > 0 {
					setAddressLimit(s.pid, uint64(vm)<<10+uint64(s.cfg.MemoryMB)<<20)
				}
			}
		case <-s.api.InitFailed():
			s.kill()
			r := Result{Outcome: InitError, Result: runtimeapi.Result{Error: true, Payload: s.api.InitError()}}
			r.Logs = s.drain(inv.ID)
			initTimer.Stop()
			return r
		case <-s.exited:
			r := s.exitResult()
			r.Outcome = InitError
			if b := s.api.InitError(); b != nil {
				r.Result = runtimeapi.Result{Error: true, Payload: b}
			}
			r.Logs = s.drain(inv.ID)
			initTimer.Stop()
			return r
		case <-initTimer.C:
			s.kill()
			r := Result{Outcome: Timeout}
			r.Logs = s.drain(inv.ID)
			return r
		case <-ctx.Done():
			s.kill()
			initTimer.Stop()
			return Result{Outcome: Exited, ExitStatus: "signal: killed"}
		}
		initTimer.Stop()
	}
	inv.Deadline = time.Now().Add(timeout)
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go s.api.Deliver(dctx, inv)

	var res Result
	select {
	case r := <-inv.Done():
		res = Result{Outcome: OK, Result: r}
		if r.Error {
			res.Outcome = FunctionError
		}
	case <-s.exited:
		res = s.exitResult()
	case <-timer.C:
		s.api.Abandon(inv)
		s.kill()
		res = Result{Outcome: Timeout}
	case <-ctx.Done():
		s.api.Abandon(inv)
		s.kill()
		res = Result{Outcome: Exited, ExitStatus: "signal: killed"}
	}
	res.Init = initDur
	res.InitLogs = initLogs
	res.MaxMemoryMB = s.peakMemoryMB()
	res.Logs = s.drain(inv.ID)
	return res
}

func (s *Sandbox) exitResult() Result {
	r := Result{Outcome: Exited}
	var ee *exec.ExitError
	if errors.As(s.exitErr, &ee) {
		r.ExitStatus = ee.String()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			sig := ws.Signal()
			s.killedMu.Lock()
			byUs := s.killedBy
			s.killedMu.Unlock()
			if !byUs && (sig == syscall.SIGKILL || sig == syscall.SIGABRT) {
				r.OutOfMemory = true
			}
		}
	} else if s.exitErr == nil {
		r.ExitStatus = "exit status 0"
	} else {
		r.ExitStatus = s.exitErr.Error()
	}
	return r
}

// peakMemoryMB reads VmHWM of the runtime process (0 if it is gone).
func (s *Sandbox) peakMemoryMB() int {
	return (s.statusKB("VmHWM:") + 1023) / 1024
}

// statusKB reads a kB field of /proc/<pid>/status (0 if unavailable).
func (s *Sandbox) statusKB(field string) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(s.pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if rest, ok := bytes.CutPrefix(line, []byte(field)); ok {
			f := strings.Fields(string(rest))
			if len(f) > 0 {
				kb, _ := strconv.Atoi(f[0])
				return kb
			}
		}
	}
	return 0
}

// kill kills the runtime's whole process group and waits for the runtime
// process to be reaped.
func (s *Sandbox) kill() {
	s.killedMu.Lock()
	s.killedBy = true
	s.killedMu.Unlock()
	syscall.Kill(-s.pid, syscall.SIGKILL)
	<-s.exited
}

// Close kills the process group, stops the Runtime API and removes the
// temporary directory. It waits for the runtime process to exit.
func (s *Sandbox) Close() {
	s.closeOnce.Do(func() {
		if s.cmd != nil && s.cmd.Process != nil {
			s.kill()
		}
		s.api.Close()
		s.logW.Close()
		s.logR.Close()
		os.RemoveAll(s.cfg.TmpDir)
	})
}

// Pid is the runtime process id (its process group id too).
func (s *Sandbox) Pid() int { return s.pid }
