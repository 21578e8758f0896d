// Package app builds a nimbus server from a Config: storage, every service,
// the edge, and the HTTP listener. It owns their lifecycle. Every service is
// wired here explicitly; there is no registration by init().
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/apigateway"
	"github.com/nimbus-cloud/nimbus/internal/config"
	"github.com/nimbus-cloud/nimbus/internal/console"
	"github.com/nimbus-cloud/nimbus/internal/credentials"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb"
	"github.com/nimbus-cloud/nimbus/internal/edge"
	"github.com/nimbus-cloud/nimbus/internal/iam"
	"github.com/nimbus-cloud/nimbus/internal/lambda"
	"github.com/nimbus-cloud/nimbus/internal/logs"
	"github.com/nimbus-cloud/nimbus/internal/memtrim"
	"github.com/nimbus-cloud/nimbus/internal/polly"
	"github.com/nimbus-cloud/nimbus/internal/s3"
	"github.com/nimbus-cloud/nimbus/internal/sigv4"
	"github.com/nimbus-cloud/nimbus/internal/storage"
	"github.com/nimbus-cloud/nimbus/internal/storage/pebble"
	"github.com/nimbus-cloud/nimbus/internal/version"
)

// App is a running (or startable) nimbus.
type App struct {
	cfg  config.Config
	log  *slog.Logger
	kv   storage.KV
	edge *edge.Edge
	srv  *http.Server
	ln   net.Listener
	ddb  *dynamodb.Service
	// polly: Amazon Polly (speech through espeak-ng).
	polly *polly.Service
	keys  *credentials.Store
	// lambda and logs: AWS Lambda and CloudWatch Logs (issue #3).
	lambda *lambda.Service
	logs   *logs.Service
	// s3: Amazon S3 (issue #4); s3TempDir is its body directory in
	// --memory mode, removed on Close.
	s3        *s3.Service
	s3TempDir string
	// apigw: API Gateway REST APIs (issue #6).
	apigw *apigateway.Service
	// iam: IAM and STS (control plane; policies are not enforced yet).
	iam *iam.Service

	closeOnce sync.Once
	closeErr  error
	done      chan struct{}
}

// New validates cfg, opens storage and builds the services. It does not listen.
func New(cfg config.Config) (*App, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, log: cfg.Logger, done: make(chan struct{})}
	var err error
	if cfg.Memory {
		a.kv, err = pebble.OpenMem(pebble.Options{Logger: a.log})
	} else {
		if err = os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("creating data directory: %w", err)
		}
		a.kv, err = pebble.Open(cfg.DataDir+"/db", pebble.Options{Logger: a.log})
	}
	if err != nil {
		return nil, fmt.Errorf("opening storage: %w", err)
	}
	a.keys = credentials.NewStore()
	for _, c := range cfg.Credentials {
		a.keys.Add(credentials.Key{AccessKey: c.AccessKey, Secret: c.Secret, Account: c.Account})
	}
	if cfg.Auth == config.AuthAccept {
		// The pair local AWS tools conventionally use; knowing its secret
		// lets nimbus verify pre-signed URLs made with it.
		if _, ok := a.keys.Lookup("test"); !ok {
			a.keys.Add(credentials.Key{AccessKey: "test", Secret: "test", Account: cfg.Account})
		}
	}
	a.edge = edge.New(cfg, version.String(), a.keys)

	a.ddb = dynamodb.New(dynamodb.Options{KV: a.kv, Log: a.log, Background: true})
	a.edge.Handle(&edge.Route{
		Name:           "dynamodb",
		SigningNames:   []string{"dynamodb"},
		TargetPrefixes: []string{"DynamoDB_20120810", "DynamoDBStreams_20120810"},
		Handler:        a.ddb.Handler(),
		WriteError:     a.ddb.WriteError,
	})

	// --- iam and sts (begin) ---
	// IAM is global: one route by signing name whatever the region; access
	// keys it stored are registered in a.keys again here.
	a.iam, err = iam.New(iam.Options{KV: a.kv, Log: a.log, Keys: a.keys})
	if err != nil {
		a.kv.Close()
		return nil, err
	}
	a.edge.Handle(&edge.Route{
		Name:         "iam",
		SigningNames: []string{"iam"},
		Handler:      a.iam.Handler(),
		WriteError:   a.iam.WriteError,
	})
	a.edge.Handle(&edge.Route{
		Name:         "sts",
		SigningNames: []string{"sts"},
		Handler:      a.iam.STSHandler(),
		WriteError:   a.iam.WriteSTSError,
	})
	// --- iam and sts (end) ---

	// --- polly (begin) ---
	// Task output goes to S3 (built below; see laterS3).
	a.polly = polly.New(polly.Options{KV: a.kv, Log: a.log, Objects: laterS3{&a.s3}})
	a.edge.Handle(&edge.Route{
		Name:         "polly",
		SigningNames: []string{"polly"},
		Handler:      a.polly.Handler(),
		WriteError:   a.polly.WriteError,
	})
	// --- polly (end) ---

	// --- Lambda and CloudWatch Logs (issue #3) ---
	a.logs = logs.New(logs.Options{KV: a.kv, Log: a.log})
	a.edge.Handle(&edge.Route{
		Name:           "logs",
		SigningNames:   []string{"logs"},
		TargetPrefixes: []string{"Logs_20140328"},
		Handler:        a.logs.Handler(),
		WriteError:     a.logs.WriteError,
	})
	lambdaDir := ""
	if !cfg.Memory {
		lambdaDir = cfg.DataDir
	}
	a.lambda, err = lambda.New(lambda.Options{KV: a.kv, Log: a.log, DataDir: lambdaDir, Keys: a.keys,
		Endpoint: a.Endpoint, Logs: a.logs, Code: laterS3{&a.s3}})
	if err != nil {
		a.kv.Close()
		return nil, fmt.Errorf("starting lambda: %w", err)
	}
	a.edge.Handle(&edge.Route{
		Name:         "lambda",
		SigningNames: []string{"lambda"},
		Handler:      a.lambda.Handler(),
		WriteError:   a.lambda.WriteError,
		// Lambda reads its own bodies: deployment packages exceed the
		// edge's buffer limit (50 MB zipped, base64 in JSON).
		Streaming: true,
	})
	// --- end Lambda and CloudWatch Logs ---

	// --- apigateway (issue #6; begin) ---
	// Control plane by its signing name; invocations (unsigned user
	// traffic to execute-api hosts and /restapis/{id}/{stage}/_user_request_/)
	// by Match, before S3's route claims unsigned paths.
	a.apigw = apigateway.New(apigateway.Options{KV: a.kv, Log: a.log, Logs: a.logs, Keys: a.keys, Endpoint: a.Endpoint,
		Lambda: func(ctx context.Context, c apigateway.FunctionCall) (*apigateway.FunctionResult, error) {
			res, err := a.lambda.Invoke(ctx, lambda.InvokeRequest{Account: c.Account, Region: c.Region,
				FunctionName: c.FunctionName, Payload: c.Payload, Principal: "apigateway.amazonaws.com",
				SourceARN: c.SourceARN, SourceAccount: c.Account})
			if err != nil {
				return nil, err
			}
			return &apigateway.FunctionResult{Payload: res.Payload, FunctionError: res.FunctionError}, nil
		}})
	a.edge.Handle(&edge.Route{
		Name:         "apigateway",
		SigningNames: []string{"apigateway"},
		Handler:      a.apigw.Handler(),
		WriteError:   a.apigw.WriteError,
	})
	a.edge.Handle(&edge.Route{
		Name:         "execute-api",
		SigningNames: []string{"execute-api"},
		Match:        apigateway.Match,
		Handler:      a.apigw.InvokeHandler(),
		// Invocations are user traffic: unsigned even in strict mode.
		Public: true,
	})
	// --- apigateway (end) ---

	// --- s3 (issue #4; begin) ---
	// S3's route goes last: its Match claims unsigned requests to bucket
	// hosts and paths no other route has claimed.
	s3Dir := cfg.DataDir + "/s3"
	if cfg.Memory {
		if s3Dir, err = s3.TempDir(); err != nil {
			a.lambda.Close()
			a.kv.Close()
			return nil, fmt.Errorf("creating S3 directory: %w", err)
		}
		a.s3TempDir = s3Dir
	}
	a.s3, err = s3.New(s3.Options{KV: a.kv, Dir: s3Dir, Keys: a.keys, Invoker: a.lambda, Log: a.log})
	if err != nil {
		a.lambda.Close()
		a.kv.Close()
		if a.s3TempDir != "" {
			os.RemoveAll(a.s3TempDir)
		}
		return nil, fmt.Errorf("starting s3: %w", err)
	}
	a.edge.Handle(&edge.Route{
		Name:         "s3",
		SigningNames: []string{"s3"},
		Match:        s3.Match,
		Handler:      a.s3.Handler(),
		WriteError:   a.s3.WriteError,
		AuthFamily:   sigv4.FamilyS3,
		// S3 streams object bodies to disk and limits them itself.
		Streaming: true,
	})
	// --- s3 (end) ---

	// --- console (issue #8; begin) ---
	// The web console at /_nimbus/: static assets; the browser signs its
	// calls to the services above like any other client.
	a.edge.SetConsole(console.Handler())
	// --- console (end) ---

	a.srv = &http.Server{
		Handler:           a.edge,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       5 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelDebug),
	}
	return a, nil
}

// Start listens and serves in the background. The server is ready (health
// answers 200) when Start returns.
func (a *App) Start() error {
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", a.cfg.Addr, err)
	}
	a.ln = ln
	a.edge.SetReady()
	go a.trimWhenIdle()
	go func() {
		defer close(a.done)
		if err := a.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("server stopped", "err", err)
		}
	}()
	return nil
}

// trimWhenIdle returns memory an idle server does not need: once a quarter
// of a second without requests has passed since the last trim, it gives back the
// executable's pages that start-up or the last burst touched (see memtrim)
// and the free heap, as the Go scavenger would, only sooner. A request after
// that pays a few hundred microseconds of page faults, once.
func (a *App) trimWhenIdle() {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	last, trimmedAt := a.edge.Served(), ^uint64(0)
	for {
		select {
		case <-a.done:
			return
		case <-t.C:
		}
		n := a.edge.Served()
		if n == last && n != trimmedAt {
			debug.FreeOSMemory()
			memtrim.Trim()
			trimmedAt = n
		}
		last = n
	}
}

// Endpoint is the base URL clients use, e.g. http://127.0.0.1:4566.
func (a *App) Endpoint() string {
	if a.ln == nil {
		return "http://" + a.cfg.Addr
	}
	return "http://" + a.ln.Addr().String()
}

// Config is the effective configuration.
func (a *App) Config() config.Config { return a.cfg }

// Close stops accepting requests, waits (up to 10 s) for those in flight,
// stops the services and closes storage, so that everything acknowledged is
// on disk.
func (a *App) Close() error {
	a.closeOnce.Do(func() {
		var errs []error
		if a.ln != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			if err := a.srv.Shutdown(ctx); err != nil {
				errs = append(errs, err)
				a.srv.Close()
			}
			cancel()
			<-a.done
		}
		if a.ddb != nil {
			a.ddb.Close()
		}
		if a.s3 != nil {
			a.s3.Close() // s3: waits for notifications being handed to Lambda
		}
		if a.apigw != nil {
			a.apigw.Close() // apigateway: writes the logs still queued
		}
		if a.lambda != nil {
			a.lambda.Close() // kills every sandbox
		}
		if a.polly != nil {
			a.polly.Close() // polly
		}
		if err := a.kv.Close(); err != nil {
			errs = append(errs, err)
		}
		if a.s3TempDir != "" {
			os.RemoveAll(a.s3TempDir) // s3: --memory mode bodies
		}
		a.closeErr = errors.Join(errs...)
	})
	return a.closeErr
}
