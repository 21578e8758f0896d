// Command dynamodb benchmarks nimbus's DynamoDB against a do-nothing HTTP
// server measured in the same run, with the same client. See bench/README.md.
//
//	go run ./bench/dynamodb [-duration 5s] [-workers 8] [-bigitems 1000000] [-skip-big] [-json]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

type options struct {
	duration    time.Duration
	warmup      time.Duration
	workers     int
	bigItems    int
	skipBig     bool
	skipDisk    bool
	skipMemory  bool
	skipStartup bool
	startups    int
	poll        time.Duration
	nimbusBin   string
	cgo         bool
	jsonOut     bool
	profileDir  string
}

func main() {
	if os.Getenv(roleEnv) == "baseline" {
		serveBaseline()
		return
	}
	var o options
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "measured time of each throughput phase")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "warm-up before each measured phase (not counted)")
	flag.IntVar(&o.workers, "workers", 8, "concurrent client workers, one keep-alive connection each")
	flag.IntVar(&o.bigItems, "bigitems", 1_000_000, "items in the big Query table (loaded with BatchWriteItem)")
	flag.BoolVar(&o.skipBig, "skip-big", false, "skip the Query-at-scale comparison (and the big load)")
	flag.BoolVar(&o.skipDisk, "skip-disk", false, "skip the durable (--data) variant")
	flag.BoolVar(&o.skipMemory, "skip-memory", false, "skip the in-memory variant (and so the Query-at-scale comparison)")
	flag.BoolVar(&o.skipStartup, "skip-startup", false, "skip the startup and idle RSS measurement")
	flag.IntVar(&o.startups, "startups", 20, "nimbus processes to start for the startup figure")
	// A poller that never pauses takes a whole CPU from the nimbus it is
	// timing; on 2 cores that doubles the startup figure (measured: ~15 ms
	// vs ~7.5 ms). 50µs keeps the resolution well under a millisecond.
	flag.DurationVar(&o.poll, "poll", 50*time.Microsecond, "pause between health-check connection attempts while timing startup (0: a tight loop)")
	flag.StringVar(&o.nimbusBin, "nimbus", "", "use this nimbus binary instead of building ./cmd/nimbus")
	flag.BoolVar(&o.cgo, "cgo", true, "build nimbus with cgo as go build does by default here; -cgo=false sets CGO_ENABLED=0")
	flag.BoolVar(&o.jsonOut, "json", false, "print the results as JSON instead of a table")
	flag.StringVar(&o.profileDir, "profile", "", "write nimbus CPU profiles of each measured phase to this directory\n(runs a profiling build of nimbus, bench/dynamodb/nimbusprof, for the throughput phases)")
	flag.Parse()
	if o.workers < 1 || o.duration <= 0 || o.warmup < 0 || o.bigItems < itemsPerPart || o.startups < 1 {
		fmt.Fprintln(os.Stderr, "bench: -workers, -duration, -startups must be positive and -bigitems at least 20")
		os.Exit(2)
	}

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		killChildren()
		fmt.Fprintln(os.Stderr, "bench: interrupted")
		os.Exit(130)
	}()

	b := &bench{o: o}
	rep, err := b.run()
	killChildren()
	if b.tmp != "" {
		os.RemoveAll(b.tmp)
	}
	if err != nil && b.rep != nil {
		// Print what was measured before the failure, then the failure.
		rep = b.rep
		rep.Failed = err.Error()
	}
	if rep != nil {
		if o.jsonOut {
			rep.writeJSON(os.Stdout)
		} else {
			rep.writeTable(os.Stdout)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: FAILED:", err)
		os.Exit(1)
	}
}

// logf reports progress on stderr, so stdout holds only the results.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}
