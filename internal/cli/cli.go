// Package cli is nimbus's command line: `nimbus [serve] [flags]`,
// `nimbus demo polly-notes`, `nimbus version`, `nimbus help`.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/app"
	"github.com/nimbus-cloud/nimbus/internal/config"
	"github.com/nimbus-cloud/nimbus/internal/demo"
	"github.com/nimbus-cloud/nimbus/internal/version"
)

const usage = `nimbus runs a local AWS serverless cloud on one port.

Usage:
  nimbus [serve] [flags]   start the server (the default command)
  nimbus demo polly-notes  deploy the course's Polly Notes app and print what to try
  nimbus version           print the version
  nimbus help              print this help

Point the AWS CLI or any SDK at the endpoint, for example:
  aws --endpoint-url http://localhost:4566 dynamodb list-tables

Serve flags:
`

// Run runs the command line and returns the process exit code. ctx is
// cancelled on SIGINT/SIGTERM.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, stdout, stderr)
	case "demo":
		return demo.Main(ctx, args, stdout, stderr, "http://"+env("NIMBUS_ADDR", config.DefaultAddr), demoStart(stderr))
	case "version":
		fmt.Fprintln(stdout, "nimbus", version.String())
		return 0
	case "help":
		fs, _ := serveFlags(stderr)
		fs.SetOutput(stdout)
		fs.Usage()
		return 0
	default:
		fmt.Fprintf(stderr, "nimbus: unknown command %q (try 'nimbus help')\n", cmd)
		return 2
	}
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

type serveOpts struct {
	cfg        config.Config
	accessKeys multiFlag
}

func serveFlags(stderr io.Writer) (*flag.FlagSet, *serveOpts) {
	o := &serveOpts{}
	fs := flag.NewFlagSet("nimbus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), `
Environment: NIMBUS_ADDR, NIMBUS_DATA, NIMBUS_AUTH, NIMBUS_ACCESS_KEYS (KEY:SECRET[:ACCOUNT],...),
NIMBUS_REGION, NIMBUS_LOG_FORMAT, NIMBUS_LOG_LEVEL set the same options; flags win.
`)
	}
	fs.StringVar(&o.cfg.Addr, "addr", env("NIMBUS_ADDR", config.DefaultAddr), "listen address")
	fs.StringVar(&o.cfg.DataDir, "data", env("NIMBUS_DATA", ""), "data directory (default "+config.DefaultDataDir()+")")
	fs.BoolVar(&o.cfg.Memory, "memory", false, "keep everything in memory; nothing is saved")
	fs.StringVar(&o.cfg.Auth, "auth", env("NIMBUS_AUTH", config.AuthAccept), "authentication: accept (any credentials) or strict (verify SigV4 against --access-key)")
	fs.Var(&o.accessKeys, "access-key", "an access key for strict auth, KEY:SECRET[:ACCOUNT] (repeatable)")
	fs.BoolVar(&o.cfg.InsecureListen, "insecure-listen", false, "allow listening beyond loopback without strict auth")
	fs.StringVar(&o.cfg.Region, "region", env("NIMBUS_REGION", config.DefaultRegion), "region for requests that name none")
	fs.StringVar(&o.cfg.LogFormat, "log-format", env("NIMBUS_LOG_FORMAT", "text"), "log format: text or json")
	fs.StringVar(&o.cfg.LogLevel, "log-level", env("NIMBUS_LOG_LEVEL", "info"), "log level: debug, info, warn or error")
	fs.BoolVar(&o.cfg.NoAccessLog, "no-access-log", false, "do not log a line per request")
	return fs, o
}

func env(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, o := serveFlags(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "nimbus: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	keys := []string(o.accessKeys)
	if len(keys) == 0 && os.Getenv("NIMBUS_ACCESS_KEYS") != "" {
		keys = strings.Split(os.Getenv("NIMBUS_ACCESS_KEYS"), ",")
	}
	for _, k := range keys {
		c, err := config.ParseCredential(strings.TrimSpace(k))
		if err != nil {
			fmt.Fprintln(stderr, "nimbus:", err)
			return 2
		}
		o.cfg.Credentials = append(o.cfg.Credentials, c)
	}
	o.cfg.LogOutput = stderr
	a, err := app.New(o.cfg)
	if err != nil {
		fmt.Fprintln(stderr, "nimbus:", err)
		return 1
	}
	if err := a.Start(); err != nil {
		a.Close()
		fmt.Fprintln(stderr, "nimbus:", err)
		return 1
	}
	cfg := a.Config()
	where := "memory (nothing is saved)"
	if !cfg.Memory {
		where = cfg.DataDir
	}
	fmt.Fprintf(stdout, "nimbus %s\nendpoint: %s\ndata:     %s\nauth:     %s\n", version.String(), a.Endpoint(), where, cfg.Auth)

	<-ctx.Done()
	fmt.Fprintln(stdout, "nimbus: shutting down")
	if err := a.Close(); err != nil {
		fmt.Fprintln(stderr, "nimbus: close:", err)
		return 1
	}
	return 0
}

// demoStart starts the nimbus `nimbus demo` deploys into when none is
// listening: the default configuration (data saved in the default data
// directory), without a line per request so the demo's output stays readable.
func demoStart(stderr io.Writer) demo.StartFunc {
	return func() (string, func() error, error) {
		cfg := config.Config{
			Addr:        env("NIMBUS_ADDR", config.DefaultAddr),
			DataDir:     env("NIMBUS_DATA", ""),
			Region:      env("NIMBUS_REGION", config.DefaultRegion),
			Auth:        config.AuthAccept,
			LogOutput:   stderr,
			LogLevel:    "warn",
			NoAccessLog: true,
		}
		a, err := app.New(cfg)
		if err != nil {
			return "", nil, err
		}
		if err := a.Start(); err != nil {
			a.Close()
			return "", nil, err
		}
		return a.Endpoint(), a.Close, nil
	}
}
