// Command nimbus runs a local AWS serverless cloud. See `nimbus help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/nimbus-cloud/nimbus/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
