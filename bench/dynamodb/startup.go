package main

import (
	"bufio"
	"fmt"
	"net"
	"os/exec"
	"slices"
	"strconv"
	"syscall"
	"time"
)

type startupResult struct {
	Runs     int             `json:"runs"`
	Times    []time.Duration `json:"times_ns"`
	Median   time.Duration   `json:"median_ns"`
	P90      time.Duration   `json:"p90_ns"`
	Min      time.Duration   `json:"min_ns"`
	Max      time.Duration   `json:"max_ns"`
	IdleRSS  []rss           `json:"idle_rss"`
	RSSMed   rss             `json:"idle_rss_median"`
	PollWait time.Duration   `json:"poll_pause_ns"`
}

// measureStartup starts `nimbus serve --memory --addr 127.0.0.1:PORT` n
// times and times each from just before exec to the first 200 from
// /_nimbus/health. The last rssRuns processes are left idle for a second and
// their VmRSS read.
func measureStartup(bin string, n, rssRuns int, poll time.Duration) (*startupResult, error) {
	logf("startup: %d × %s serve --memory", n, bin)
	r := &startupResult{Runs: n, PollWait: poll}
	for i := 0; i < n; i++ {
		addr, err := freeAddr()
		if err != nil {
			return nil, err
		}
		stderr := newTailBuffer(16 << 10)
		cmd := exec.Command(bin, "serve", "--memory", "--addr", addr)
		cmd.Stderr = stderr // stdout: /dev/null
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		t0 := time.Now()
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		waited := make(chan error, 1)
		go func() { waited <- cmd.Wait() }()
		d, err := waitHealthy(addr, t0, poll, waited)
		if err != nil {
			cmd.Process.Kill()
			return nil, fmt.Errorf("run %d: %w; stderr:\n%s", i+1, err, stderr.String())
		}
		r.Times = append(r.Times, d)
		if i >= n-rssRuns {
			time.Sleep(time.Second)
			m, err := readRSS(cmd.Process.Pid)
			if err != nil {
				cmd.Process.Kill()
				return nil, err
			}
			r.IdleRSS = append(r.IdleRSS, m)
		}
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-waited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-waited
		}
	}
	s := slices.Clone(r.Times)
	slices.Sort(s)
	r.Median, r.P90 = quantile(s, 0.5), quantile(s, 0.9)
	r.Min, r.Max = s[0], s[len(s)-1]
	rs := slices.Clone(r.IdleRSS)
	slices.SortFunc(rs, func(a, b rss) int { return int(a.Total - b.Total) })
	if len(rs) > 0 {
		r.RSSMed = rs[len(rs)/2]
	}
	logf("  median %v, p90 %v, idle RSS %.1f MiB", r.Median, r.P90, float64(r.RSSMed.Total)/(1<<20))
	return r, nil
}

// waitHealthy polls addr with connection attempts in a tight loop until
// GET /_nimbus/health answers 200, and returns the time since t0.
func waitHealthy(addr string, t0 time.Time, poll time.Duration, exited <-chan error) (time.Duration, error) {
	req := []byte("GET /_nimbus/health HTTP/1.1\r\nHost: " + addr + "\r\nConnection: close\r\n\r\n")
	deadline := t0.Add(20 * time.Second)
	for {
		if ok := probe(addr, req); ok {
			return time.Since(t0), nil
		}
		select {
		case err := <-exited:
			return 0, fmt.Errorf("nimbus exited before it was healthy: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("not healthy after %v", deadline.Sub(t0))
		}
		if poll > 0 {
			time.Sleep(poll)
		}
	}
}

func probe(addr string, req []byte) bool {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write(req); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && len(line) >= 12 && line[9:12] == "200"
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return "127.0.0.1:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}
