package lambda

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/credentials"
	"github.com/nimbus-cloud/nimbus/internal/lambda/runtimes"
	"github.com/nimbus-cloud/nimbus/internal/protocol/restjson"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// CodeSource reads deployment packages from S3 for CreateFunction and
// UpdateFunctionCode with S3Bucket/S3Key. GetObject must return an error
// wrapping ErrNoSuchBucket or ErrNoSuchKey (or an *awserr.Error coded
// NoSuchBucket or NoSuchKey, as S3 answers) when the bucket or key is missing.
type CodeSource interface {
	GetObject(ctx context.Context, account, region, bucket, key string) (io.ReadCloser, int64, error)
}

// LogSink receives the functions' log lines (CloudWatch Logs): it appends
// events to group/stream, creating both when missing. ms are the events'
// timestamps in Unix milliseconds, one per message.
type LogSink interface {
	AppendLogEvents(ctx context.Context, account, region, group, stream string, ms []int64, messages []string) error
}

// Options configure the service.
type Options struct {
	KV  storage.KV
	Log *slog.Logger
	// DataDir holds extracted code and sandbox temp dirs; a temporary
	// directory (removed by Close) when empty.
	DataDir string
	// Keys issues the execution role's temporary credentials; nil leaves
	// functions without credentials.
	Keys *credentials.Store
	// Endpoint is nimbus's own URL (AWS_ENDPOINT_URL inside functions);
	// known only once nimbus listens, hence a func.
	Endpoint func() string
	// Logs receives function logs; nil drops them.
	Logs LogSink
	// Code reads S3 deployment packages; nil means ZipFile only.
	Code CodeSource
	// KeepAlive is how long an idle sandbox stays warm (default 10 min).
	KeepAlive time.Duration
	// AccountConcurrency is the account's concurrent executions limit (default 1000).
	AccountConcurrency int
	// EventRetryDelays are the waits before the retries of a failed Event
	// invocation (default 1 and 2 minutes, AWS's two retries).
	EventRetryDelays []time.Duration
	// Python and Node are the interpreters (default: python3 and node on PATH).
	Python, Node string
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Service is AWS Lambda.
type Service struct {
	o        Options
	kv       storage.KV
	log      *slog.Logger
	now      func() time.Time
	h        *restjson.Handler
	dataDir  string
	tempData bool
	rtDir    string

	mu    sync.Mutex
	funcs map[string]*function // by account/region/name

	pools   map[string]*pool // by account/region/name/version#revision
	freed   chan struct{}    // closed (and replaced) whenever an invocation ends
	running map[string]int   // in-flight invocations by account/region/name
	total   map[string]int   // in-flight invocations by account

	python, node string
	interpOnce   sync.Once
	interpErr    error

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // background work: reaper, closing, provisioning
	events sync.WaitGroup // queued Event invocations
	closed bool
}

// New builds the service and loads stored functions.
func New(o Options) (*Service, error) {
	s := &Service{o: o, kv: o.KV, log: o.Log, now: o.Now,
		funcs: map[string]*function{}, pools: map[string]*pool{}, freed: make(chan struct{}), running: map[string]int{}, total: map[string]int{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.o.KeepAlive <= 0 {
		s.o.KeepAlive = 10 * time.Minute
	}
	if s.o.AccountConcurrency <= 0 {
		s.o.AccountConcurrency = 1000
	}
	if s.o.EventRetryDelays == nil {
		s.o.EventRetryDelays = []time.Duration{time.Minute, 2 * time.Minute}
	}
	s.dataDir = o.DataDir
	if s.dataDir == "" {
		d, err := os.MkdirTemp("", "nimbus-lambda-")
		if err != nil {
			return nil, err
		}
		s.dataDir, s.tempData = d, true
	} else {
		s.dataDir = filepath.Join(s.dataDir, "lambda")
	}
	s.rtDir = filepath.Join(s.dataDir, "runtime")
	// Leftovers of deletions and sandboxes from a previous run.
	os.RemoveAll(filepath.Join(s.dataDir, "trash"))
	os.RemoveAll(filepath.Join(s.dataDir, "tmp"))
	if err := writeRuntimes(s.rtDir); err != nil {
		return nil, err
	}
	if err := s.load(); err != nil {
		return nil, err
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.h = &restjson.Handler{Codec: restjson.Codec{
		MessageKey:   "Message",
		BadRequest:   invalidRequestContent,
		MaxBodyBytes: 70 << 20,
		TooLarge: func(limit int64) *awserr.Error {
			return &awserr.Error{Code: "RequestTooLargeException", Status: 413, Fields: userType,
				Message: fmt.Sprintf("Request must be smaller than %d bytes for the operation", limit)}
		},
	}, Log: s.log}
	s.routes()
	s.wg.Add(1)
	go s.reaper()
	return s, nil
}

func writeRuntimes(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, b := range map[string][]byte{"bootstrap.py": runtimes.PythonBootstrap(), "bootstrap.js": runtimes.NodeBootstrap()} {
		p := filepath.Join(dir, name)
		if cur, err := os.ReadFile(p); err == nil && string(cur) == string(b) {
			continue
		}
		tmp := p + ".tmp"
		if err := os.WriteFile(tmp, b, 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, p); err != nil {
			return err
		}
	}
	return nil
}

var userType = map[string]any{"Type": "User"}

func invalidRequestContent(msg string) *awserr.Error {
	return &awserr.Error{Code: "InvalidRequestContentException", Message: msg, Status: 400, Fields: userType}
}

func (s *Service) routes() {
	h := s.h
	h.Handle("CreateFunction", "POST /2015-03-31/functions", 201, restjson.Operation(s.CreateFunction))
	h.Handle("CreateFunction", "POST /2015-03-31/functions/", 201, restjson.Operation(s.CreateFunction))
	h.Handle("ListFunctions", "GET /2015-03-31/functions", 200, restjson.Operation(s.ListFunctions))
	h.Handle("ListFunctions", "GET /2015-03-31/functions/", 200, restjson.Operation(s.ListFunctions))
	h.Handle("GetFunction", "GET /2015-03-31/functions/{FunctionName}", 200, restjson.Operation(s.GetFunction))
	h.Handle("GetFunctionConfiguration", "GET /2015-03-31/functions/{FunctionName}/configuration", 200, restjson.Operation(s.GetFunctionConfiguration))
	h.Handle("UpdateFunctionCode", "PUT /2015-03-31/functions/{FunctionName}/code", 200, restjson.Operation(s.UpdateFunctionCode))
	h.Handle("UpdateFunctionConfiguration", "PUT /2015-03-31/functions/{FunctionName}/configuration", 200, restjson.Operation(s.UpdateFunctionConfiguration))
	h.Handle("DeleteFunction", "DELETE /2015-03-31/functions/{FunctionName}", 204, restjson.Operation(s.DeleteFunction))
	h.Handle("Invoke", "POST /2015-03-31/functions/{FunctionName}/invocations", 200, restjson.Operation(s.invokeHTTP))
	h.Handle("PublishVersion", "POST /2015-03-31/functions/{FunctionName}/versions", 201, restjson.Operation(s.PublishVersion))
	h.Handle("ListVersionsByFunction", "GET /2015-03-31/functions/{FunctionName}/versions", 200, restjson.Operation(s.ListVersionsByFunction))
	h.Handle("CreateAlias", "POST /2015-03-31/functions/{FunctionName}/aliases", 201, restjson.Operation(s.CreateAlias))
	h.Handle("ListAliases", "GET /2015-03-31/functions/{FunctionName}/aliases", 200, restjson.Operation(s.ListAliases))
	h.Handle("GetAlias", "GET /2015-03-31/functions/{FunctionName}/aliases/{Name}", 200, restjson.Operation(s.GetAlias))
	h.Handle("UpdateAlias", "PUT /2015-03-31/functions/{FunctionName}/aliases/{Name}", 200, restjson.Operation(s.UpdateAlias))
	h.Handle("DeleteAlias", "DELETE /2015-03-31/functions/{FunctionName}/aliases/{Name}", 204, restjson.Operation(s.DeleteAlias))
	h.Handle("PutFunctionConcurrency", "PUT /2017-10-31/functions/{FunctionName}/concurrency", 200, restjson.Operation(s.PutFunctionConcurrency))
	h.Handle("GetFunctionConcurrency", "GET /2019-09-30/functions/{FunctionName}/concurrency", 200, restjson.Operation(s.GetFunctionConcurrency))
	h.Handle("DeleteFunctionConcurrency", "DELETE /2017-10-31/functions/{FunctionName}/concurrency", 204, restjson.Operation(s.DeleteFunctionConcurrency))
	h.Handle("PutProvisionedConcurrencyConfig", "PUT /2019-09-30/functions/{FunctionName}/provisioned-concurrency", 202, restjson.Operation(s.PutProvisionedConcurrencyConfig))
	h.Handle("GetProvisionedConcurrencyConfig", "GET /2019-09-30/functions/{FunctionName}/provisioned-concurrency", 200, restjson.Operation(s.GetProvisionedConcurrencyConfig))
	h.Handle("AddPermission", "POST /2015-03-31/functions/{FunctionName}/policy", 201, restjson.Operation(s.AddPermission))
	h.Handle("RemovePermission", "DELETE /2015-03-31/functions/{FunctionName}/policy/{StatementId}", 204, restjson.Operation(s.RemovePermission))
	h.Handle("GetPolicy", "GET /2015-03-31/functions/{FunctionName}/policy", 200, restjson.Operation(s.GetPolicy))
	h.Handle("TagResource", "POST /2017-03-31/tags/{Resource}", 204, restjson.Operation(s.TagResource))
	h.Handle("UntagResource", "DELETE /2017-03-31/tags/{Resource}", 204, restjson.Operation(s.UntagResource))
	h.Handle("ListTags", "GET /2017-03-31/tags/{Resource}", 200, restjson.Operation(s.ListTags))
	h.Handle("GetAccountSettings", "GET /2016-08-19/account-settings", 200, restjson.Operation(s.GetAccountSettings))
	h.Handle("GetAccountSettings", "GET /2016-08-19/account-settings/", 200, restjson.Operation(s.GetAccountSettings))
}

// Handler serves the restJson1 Lambda API.
func (s *Service) Handler() http.Handler { return s.h }

// WriteError encodes an error the edge raises, in Lambda's shape.
func (s *Service) WriteError(w http.ResponseWriter, r *http.Request, e *awserr.Error) {
	s.h.WriteError(w, r, "", e)
}

// Close stops Event invocations and kills every sandbox; no runtime
// process outlives it.
func (s *Service) Close() error {
	s.mu.Lock()
	s.closed = true
	pools := s.pools
	s.pools = map[string]*pool{}
	s.mu.Unlock()
	s.cancel()
	for _, p := range pools {
		p.retire()
	}
	s.events.Wait()
	s.wg.Wait()
	if s.tempData {
		os.RemoveAll(s.dataDir)
	}
	return nil
}

// reaper closes sandboxes idle for longer than KeepAlive.
func (s *Service) reaper() {
	defer s.wg.Done()
	period := s.o.KeepAlive / 4
	if period < time.Second {
		period = time.Second
	}
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
		s.reapIdle(time.Now().Add(-s.o.KeepAlive))
	}
}

// reapIdle closes the sandboxes idle since before cutoff.
func (s *Service) reapIdle(cutoff time.Time) {
	s.mu.Lock()
	var idle []*sandboxRef
	for _, p := range s.pools {
		idle = append(idle, p.takeIdleBefore(cutoff)...)
	}
	s.mu.Unlock()
	for _, sb := range idle {
		sb.close()
	}
}

// storage keys
func fnKey(account, region, name string) []byte {
	return []byte("lambda/fn/" + account + "/" + region + "/" + name)
}

func (s *Service) load() error {
	if s.kv == nil {
		return nil
	}
	return s.kv.View(context.Background(), func(r storage.Reader) error {
		it := r.Iter(storage.IterOptions{Lower: []byte("lambda/fn/"), Upper: []byte("lambda/fn0")})
		defer it.Close()
		for it.Next() {
			var f function
			if err := json.Unmarshal(it.Value(), &f); err != nil {
				return fmt.Errorf("lambda: stored function %s: %w", it.Key(), err)
			}
			s.funcs[f.key()] = &f
		}
		return it.Err()
	})
}

// save persists f (call with s.mu held).
func (s *Service) save(ctx context.Context, f *function) error {
	if s.kv == nil {
		return nil
	}
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return s.kv.Update(ctx, func(tx storage.Tx) error {
		return tx.Set(fnKey(f.Account, f.Region, f.Name), b)
	})
}

func (s *Service) remove(ctx context.Context, f *function) error {
	if s.kv == nil {
		return nil
	}
	return s.kv.Update(ctx, func(tx storage.Tx) error {
		return tx.Delete(fnKey(f.Account, f.Region, f.Name))
	})
}
