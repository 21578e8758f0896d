package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

type report struct {
	Machine machine        `json:"machine"`
	Config  reportConfig   `json:"config"`
	Ops     []opResult     `json:"ops"`
	Loads   []*loadResult  `json:"loads,omitempty"`
	Scale   *scaleResult   `json:"query_scale,omitempty"`
	Startup *startupResult `json:"startup,omitempty"`
	Notes   []string       `json:"notes,omitempty"`
	// Failed is why the run stopped early; the figures above it stand.
	Failed string `json:"failed,omitempty"`
}

type machine struct {
	CPUs      int    `json:"nproc"`
	CPUModel  string `json:"cpu_model,omitempty"`
	MemoryMiB int64  `json:"memory_mib,omitempty"`
	Kernel    string `json:"kernel,omitempty"`
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
	GoVersion string `json:"go_version"`
	BenchGo   string `json:"bench_runtime"`
	Nimbus    string `json:"nimbus_commit"`
	// NimbusBuild holds the binary's build settings (CGO_ENABLED, GOAMD64).
	NimbusBuild string `json:"nimbus_build,omitempty"`
	// LoadBefore and LoadAfter are /proc/loadavg around the run: the
	// machine may be shared.
	LoadBefore string `json:"loadavg_before,omitempty"`
	LoadAfter  string `json:"loadavg_after,omitempty"`
}

type reportConfig struct {
	Workers           int    `json:"workers"`
	Duration          string `json:"duration"`
	Warmup            string `json:"warmup"`
	BigItems          int    `json:"big_items"`
	ItemsPerPartition int    `json:"items_per_partition"`
}

type opResult struct {
	Server string  `json:"server"` // baseline, memory, disk
	Op     string  `json:"op"`
	Result *result `json:"result"`
	// Ratio is ops/s over the baseline's ops/s for the same request bytes.
	Ratio  float64 `json:"ratio_to_baseline"`
	Target float64 `json:"target_ratio,omitempty"`
	Pass   *bool   `json:"pass,omitempty"`
}

type loadResult struct {
	Server         string        `json:"server"`
	Table          string        `json:"table"`
	Items          int           `json:"items"`
	Requests       int           `json:"requests"`
	Elapsed        time.Duration `json:"sending_ns"`
	Wall           time.Duration `json:"wall_ns"` // including building the requests
	ItemsPerSec    float64       `json:"items_per_sec"`
	RequestsPerSec float64       `json:"requests_per_sec"`
	P50            time.Duration `json:"p50_ns"`
	P99            time.Duration `json:"p99_ns"`
}

type scaleResult struct {
	SmallItems   int         `json:"small_items"`
	BigItems     int         `json:"big_items"`
	Small        *result     `json:"small"`
	Load         *loadResult `json:"big_load"`
	RSSAfterLoad *rss        `json:"rss_after_big_load,omitempty"`
	Big          *result     `json:"big"`
	// SmallAfter is the small table queried again with the big one loaded:
	// it tells table size from store size.
	SmallAfter *result `json:"small_after_big_load"`
	P50Ratio   float64 `json:"p50_ratio"`
	P99Ratio   float64 `json:"p99_ratio"`
	Target     float64 `json:"target_ratio"`
	Pass       bool    `json:"pass"`
}

const (
	scaleTarget   = 1.5
	startupTarget = 25 * time.Millisecond
	rssTarget     = 20 << 20
)

func (r *report) add(o opResult) {
	for _, b := range r.Ops {
		if b.Server == "baseline" && b.Op == o.Op && b.Result.OpsPerSec > 0 {
			o.Ratio = o.Result.OpsPerSec / b.Result.OpsPerSec
		}
	}
	if o.Server == "baseline" {
		o.Ratio = 1
	} else {
		t := targets[o.Op]
		// fsync'd writes have no throughput target: the disk sets that pace.
		if o.Server == "disk" && o.Op == "PutItem" {
			t = 0
		}
		if t > 0 {
			o.Target = t
			pass := o.Ratio >= t
			o.Pass = &pass
		}
	}
	r.Ops = append(r.Ops, o)
}

func (r *report) finish() {
	if s := r.Scale; s != nil && s.Small != nil && s.Big != nil {
		s.P50Ratio = float64(s.Big.P50) / float64(s.Small.P50)
		s.P99Ratio = float64(s.Big.P99) / float64(s.Small.P99)
		s.Target = scaleTarget
		s.Pass = s.P50Ratio <= scaleTarget && s.P99Ratio <= scaleTarget
	}
}

func (r *report) writeJSON(w io.Writer) {
	r.finish()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(r)
}

func verdict(pass bool) string {
	if pass {
		return "ok"
	}
	return "MISS"
}

func (r *report) writeTable(out io.Writer) {
	r.finish()
	m := r.Machine
	fmt.Fprintln(out, "nimbus DynamoDB benchmark")
	fmt.Fprintf(out, "machine   nproc %d, %s, %d MiB RAM, %s/%s, kernel %s\n", m.CPUs, orDash(m.CPUModel), m.MemoryMiB, m.GOOS, m.GOARCH, orDash(m.Kernel))
	fmt.Fprintf(out, "go        %s\n", orDash(m.GoVersion))
	fmt.Fprintf(out, "nimbus    %s, %s\n", m.Nimbus, orDash(m.NimbusBuild))
	fmt.Fprintf(out, "loadavg   %s before, %s after\n", orDash(m.LoadBefore), orDash(m.LoadAfter))
	c := r.Config
	fmt.Fprintf(out, "client    %d workers, one keep-alive connection each; pre-signed, pre-serialized requests; %s warm-up + %s per phase\n",
		c.Workers, c.Warmup, c.Duration)

	if len(r.Ops) > 0 {
		r.writeOps(out)
	}

	if len(r.Loads) > 0 {
		fmt.Fprintln(out)
		fmt.Fprintln(out, "Loads (BatchWriteItem, 25 items a request, all workers; rate over sending time)")
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "server\ttable\titems\trequests\titems/s\trequests/s\tp50\tp99\t")
		for _, l := range r.Loads {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.0f\t%.0f\t%s\t%s\t\n", l.Server, l.Table, l.Items, l.Requests, l.ItemsPerSec, l.RequestsPerSec, dur(l.P50), dur(l.P99))
		}
		tw.Flush()
	}

	if s := r.Scale; s != nil {
		fmt.Fprintln(out)
		fmt.Fprintf(out, "Query at scale (memory; a random partition of %d items; %d workers)\n", c.ItemsPerPartition, c.Workers)
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "table\titems\tops/s\tp50\tp99\t")
		fmt.Fprintf(tw, "small\t%d\t%.0f\t%s\t%s\t\n", s.SmallItems, s.Small.OpsPerSec, dur(s.Small.P50), dur(s.Small.P99))
		fmt.Fprintf(tw, "big\t%d\t%.0f\t%s\t%s\t\n", s.BigItems, s.Big.OpsPerSec, dur(s.Big.P50), dur(s.Big.P99))
		if s.SmallAfter != nil {
			fmt.Fprintf(tw, "small, big loaded\t%d\t%.0f\t%s\t%s\t\n", s.SmallItems, s.SmallAfter.OpsPerSec, dur(s.SmallAfter.P50), dur(s.SmallAfter.P99))
		}
		tw.Flush()
		fmt.Fprintf(out, "big ÷ small: p50 %.2fx, p99 %.2fx   target ≤ %.1fx   %s\n", s.P50Ratio, s.P99Ratio, s.Target, verdict(s.Pass))
		if s.Load != nil {
			fmt.Fprintf(out, "big load: %d items in %d BatchWriteItem requests, %.0f items/s (%.0f requests/s) over %s sending (%s wall)\n",
				s.Load.Items, s.Load.Requests, s.Load.ItemsPerSec, s.Load.RequestsPerSec, s.Load.Elapsed.Round(time.Millisecond), s.Load.Wall.Round(time.Millisecond))
		}
		if s.RSSAfterLoad != nil {
			fmt.Fprintf(out, "nimbus RSS with the big table loaded: %s\n", s.RSSAfterLoad)
		}
	}

	if st := r.Startup; st != nil {
		fmt.Fprintln(out)
		fmt.Fprintf(out, "Startup (%d × nimbus serve --memory; exec to the first 200 from /_nimbus/health)\n", st.Runs)
		fmt.Fprintf(out, "median %s   p90 %s   (min %s, max %s)   target ≤ %s   %s\n", dur(st.Median), dur(st.P90), dur(st.Min), dur(st.Max),
			dur(startupTarget), verdict(st.Median <= startupTarget && st.P90 <= startupTarget))
		var all []string
		for _, v := range st.IdleRSS {
			all = append(all, fmt.Sprintf("%.1f", mib(v.Total)))
		}
		fmt.Fprintf(out, "idle RSS %.1f MiB (median of %s MiB, ~1 s after ready)   target < %d MiB   %s\n",
			mib(st.RSSMed.Total), strings.Join(all, ", "), rssTarget>>20, verdict(st.RSSMed.Total < rssTarget))
		fmt.Fprintf(out, "         of which %s\n", st.RSSMed.parts())
	}

	for _, n := range r.Notes {
		fmt.Fprintln(out)
		fmt.Fprintln(out, "note:", n)
	}
	if r.Failed != "" {
		fmt.Fprintln(out)
		fmt.Fprintln(out, "FAILED (the run stopped here; the figures above stand):")
		fmt.Fprintln(out, firstLines(r.Failed, 60))
	}
}

func (r *report) writeOps(out io.Writer) {
	fmt.Fprintln(out)
	fmt.Fprintln(out, "Throughput. ratio = ops/s ÷ the do-nothing baseline's ops/s on the same request bytes")
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "op\tserver\tops/s\tp50\tp99\tratio\ttarget\t\tcpu: client\tserver\tother\tserver cpu/op\t")
	for _, op := range []string{"PutItem", "GetItem", "Query"} {
		for _, o := range r.Ops {
			if o.Op != op {
				continue
			}
			target, v := "", ""
			if o.Pass != nil {
				target, v = fmt.Sprintf("≥ %.2f", o.Target), verdict(*o.Pass)
			}
			ratio := fmt.Sprintf("%.2f", o.Ratio)
			if o.Server == "baseline" {
				ratio = "1"
			}
			ex := ""
			if o.Result.Exhausted {
				ex = " (pool ran out after " + o.Result.Elapsed.Round(time.Millisecond).String() + ")"
			}
			perOp := "-"
			if o.Result.ServerCPUPerOp > 0 {
				perOp = dur(o.Result.ServerCPUPerOp)
			}
			fmt.Fprintf(tw, "%s\t%s\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", o.Op, o.Server, o.Result.OpsPerSec,
				dur(o.Result.P50), dur(o.Result.P99), ratio, target, v, cpuCols(o.Result.CPU), perOp, ex)
		}
	}
	tw.Flush()
	fmt.Fprintln(out, "disk = --data in a temporary directory (every write fsync'd); PutItem there has no target.")
	fmt.Fprintln(out, "cpu = cores used during the measured window by the bench client, the server process, and everything else on the machine")
	fmt.Fprintln(out, "(for disk, \"other\" includes the kernel's writeback); server cpu/op = the server's CPU time per request.")
	for _, o := range r.Ops {
		if o.Result.CPU != nil && o.Result.CPU.Other > noisyCores {
			why := ""
			if o.Server == "disk" {
				why = " (some of it the kernel's writeback)"
			}
			fmt.Fprintf(out, "WARNING: other processes used %.2f cores during %s %s%s: its figures are skewed.\n", o.Result.CPU.Other, o.Server, o.Op, why)
		}
	}
}

// noisyCores is how much CPU other processes may take during a phase
// before its figures are flagged.
const noisyCores = 0.15

func cpuCols(u *cpuUse) string {
	if u == nil {
		return "-\t-\t-"
	}
	return fmt.Sprintf("%.2f\t%.2f\t%.2f", u.Client, u.Server, u.Other)
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

func (r *rss) String() string {
	return fmt.Sprintf("%.1f MiB (%s)", mib(r.Total), r.parts())
}

func (r *rss) parts() string {
	return fmt.Sprintf("anon %.1f MiB, file %.1f MiB, shmem %.1f MiB", mib(r.Anon), mib(r.File), mib(r.Shmem))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// dur prints a latency with three significant digits.
func dur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.0fµs", float64(d)/1e3)
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/1e6)
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.0fms", float64(d)/1e6)
	}
}
