// Command nimbusprof is nimbus with a pprof listener, for the benchmark's
// -profile flag only. It runs nimbus's own command line unchanged; when
// NIMBUS_BENCH_PPROF is set (e.g. 127.0.0.1:0) it first serves
// /debug/pprof/ there on its own mux and prints "pprof: http://ADDR".
// nimbus itself has no profiling endpoint, on purpose.
package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"syscall"

	"github.com/nimbus-cloud/nimbus/internal/cli"
)

func main() {
	if addr := os.Getenv("NIMBUS_BENCH_PPROF"); addr != "" {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "nimbusprof:", err)
			os.Exit(1)
		}
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		fmt.Printf("pprof: http://%s\n", ln.Addr())
		go http.Serve(ln, mux)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
