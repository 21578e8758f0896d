package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// The machine is shared: anything else running during a phase takes CPU
// from the client and the server and skews the ratios. Each phase therefore
// records where the CPU went: the bench (client), the server process, and
// everything else.

const clockTicks = 100 // USER_HZ, 100 on every mainstream Linux

type cpuSnap struct {
	at     time.Time
	busy   int64 // all CPUs, ticks not idle/iowait
	self   int64 // this process, ticks
	server int64 // the server process, ticks
}

func takeCPU(serverPid int) cpuSnap {
	s := cpuSnap{at: time.Now(), busy: -1, self: -1, server: -1}
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := bytes.Cut(b, []byte{'\n'})
		f := strings.Fields(string(line))
		if len(f) >= 8 && f[0] == "cpu" {
			var sum int64
			for i, v := range f[1:] {
				n, _ := strconv.ParseInt(v, 10, 64)
				if i == 3 || i == 4 || i >= 8 { // idle, iowait; guest counted in user
					continue
				}
				sum += n
			}
			s.busy = sum
		}
	}
	s.self = procTicks(os.Getpid())
	if serverPid > 0 {
		s.server = procTicks(serverPid)
	}
	return s
}

// procTicks is utime+stime of a process, from /proc/PID/stat.
func procTicks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	// The command name is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return -1
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

// cpuUse is CPU time over a window, in cores (1.0 = one CPU busy throughout).
type cpuUse struct {
	Client float64 `json:"client_cores"`
	Server float64 `json:"server_cores"`
	Other  float64 `json:"other_cores"`
}

func cpuBetween(a, b cpuSnap) *cpuUse {
	secs := b.at.Sub(a.at).Seconds()
	if secs <= 0 || a.busy < 0 || b.busy < 0 || a.self < 0 || b.self < 0 {
		return nil
	}
	cores := func(t int64) float64 { return float64(t) / clockTicks / secs }
	u := &cpuUse{Client: cores(b.self - a.self)}
	other := b.busy - a.busy - (b.self - a.self)
	if a.server >= 0 && b.server >= 0 {
		u.Server = cores(b.server - a.server)
		other -= b.server - a.server
	}
	u.Other = max(0, cores(other))
	return u
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func (u *cpuUse) String() string {
	if u == nil {
		return "-"
	}
	return fmt.Sprintf("client %.2f, server %.2f, other %.2f cores", u.Client, u.Server, u.Other)
}
