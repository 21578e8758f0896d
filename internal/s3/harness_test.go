package s3_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/nimbus-cloud/nimbus/internal/config"
	nimbuscreds "github.com/nimbus-cloud/nimbus/internal/credentials"
	"github.com/nimbus-cloud/nimbus/internal/edge"
	"github.com/nimbus-cloud/nimbus/internal/s3"
	"github.com/nimbus-cloud/nimbus/internal/sigv4"
	"github.com/nimbus-cloud/nimbus/internal/storage/pebble"
)

// env is an in-process nimbus edge with S3 behind it, as the app wires it.
type env struct {
	URL  string
	Svc  *s3.Service
	Dir  string
	Keys *nimbuscreds.Store
	inv  *fakeInvoker
	http *http.Client
}

type envOpts struct {
	strict bool
	tls    bool
	dir    string
}

type invocation struct {
	Account, Region, ARN, SourceARN, SourceAccount string
	Payload                                        []byte
}

type fakeInvoker struct {
	mu    sync.Mutex
	calls []invocation
	ch    chan invocation
}

func (f *fakeInvoker) InvokeAsync(ctx context.Context, account, region, arn string, payload []byte, sourceARN, sourceAccount string) error {
	inv := invocation{account, region, arn, sourceARN, sourceAccount, payload}
	f.mu.Lock()
	f.calls = append(f.calls, inv)
	f.mu.Unlock()
	f.ch <- inv
	return nil
}

func start(t testing.TB, o ...envOpts) *env {
	t.Helper()
	var opt envOpts
	if len(o) > 0 {
		opt = o[0]
	}
	cfg := config.Config{Memory: true, Addr: "127.0.0.1:0", LogOutput: io.Discard, NoAccessLog: true}
	if opt.strict {
		cfg.Auth = config.AuthStrict
		cfg.Credentials = []config.Credential{{AccessKey: "AKIDSTRICT", Secret: "strict-secret", Account: "111122223333"}}
	}
	cfg = cfg.WithDefaults()
	keys := nimbuscreds.NewStore()
	for _, c := range cfg.Credentials {
		keys.Add(nimbuscreds.Key{AccessKey: c.AccessKey, Secret: c.Secret, Account: c.Account})
	}
	keys.Add(nimbuscreds.Key{AccessKey: "test", Secret: "test", Account: cfg.Account})
	kv, err := pebble.OpenMem(pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := opt.dir
	if dir == "" {
		dir = t.TempDir()
	}
	inv := &fakeInvoker{ch: make(chan invocation, 100)}
	svc, err := s3.New(s3.Options{KV: kv, Dir: dir, Keys: keys, Invoker: inv, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	e := edge.New(cfg, "test", keys)
	e.Handle(&edge.Route{Name: "s3", SigningNames: []string{"s3"}, Match: s3.Match, Handler: svc.Handler(),
		WriteError: svc.WriteError, AuthFamily: sigv4.FamilyS3, Streaming: true})
	e.SetReady()
	srv := httptest.NewUnstartedServer(e)
	if opt.tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(func() {
		srv.Close()
		svc.Close()
		kv.Close()
	})
	return &env{URL: srv.URL, Svc: svc, Dir: dir, Keys: keys, inv: inv, http: srv.Client()}
}

func (e *env) client(t testing.TB, opts ...func(*awss3.Options)) *awss3.Client {
	return awss3.New(awss3.Options{
		BaseEndpoint: aws.String(e.URL),
		Region:       "us-east-1",
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   e.http,
	}, opts...)
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}
