package polly

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/polly/encode"
	"github.com/nimbus-cloud/nimbus/internal/polly/tts"
	"github.com/nimbus-cloud/nimbus/internal/protocol/restjson"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// ObjectWriter stores synthesis task output; the app wires it to S3.
// PutObject returns an *awserr.Error with code NoSuchBucket when the bucket
// does not exist.
type ObjectWriter interface {
	PutObject(ctx context.Context, account, region, bucket, key string, body io.Reader, contentType string) (etag string, err error)
}

// Options configure the service.
type Options struct {
	KV  storage.KV
	Log *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Espeak is the espeak-ng command; "espeak-ng" from PATH when empty.
	Espeak string
	// Concurrency bounds simultaneous synthesizer and encoder processes;
	// the number of cores when 0.
	Concurrency int
	// Objects receives synthesis task output. When nil, every task fails
	// as it would for a missing bucket.
	Objects ObjectWriter
}

// Service is Amazon Polly.
type Service struct {
	kv      storage.KV
	log     *slog.Logger
	now     func() time.Time
	synth   *tts.Synth
	enc     *encode.Encoder
	objects ObjectWriter
	h       *restjson.Handler
	// parallel is how many parts a long text is spoken in at once.
	parallel int

	tasks *taskRunner
}

// New returns the Polly service.
func New(o Options) *Service {
	s := &Service{kv: o.KV, log: o.Log, now: o.Now, objects: o.Objects}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.synth = tts.New(tts.Options{Command: o.Espeak, Concurrency: o.Concurrency})
	s.parallel = o.Concurrency
	if s.parallel <= 0 {
		s.parallel = runtime.NumCPU()
	}
	s.enc = encode.New(o.Concurrency)
	s.tasks = newTaskRunner(s)
	if s.kv != nil {
		s.tasks.wg.Add(1)
		go func() {
			defer s.tasks.wg.Done()
			s.tasks.resume()
		}()
	}
	h := &restjson.Handler{Log: s.log}
	h.Handle("SynthesizeSpeech", "POST /v1/speech", 200, restjson.Operation(s.SynthesizeSpeech))
	h.Handle("DescribeVoices", "GET /v1/voices", 200, restjson.Operation(s.DescribeVoices))
	h.Handle("PutLexicon", "PUT /v1/lexicons/{LexiconName}", 200, restjson.Operation(s.PutLexicon))
	h.Handle("GetLexicon", "GET /v1/lexicons/{LexiconName}", 200, restjson.Operation(s.GetLexicon))
	h.Handle("DeleteLexicon", "DELETE /v1/lexicons/{LexiconName}", 200, restjson.Operation(s.DeleteLexicon))
	h.Handle("ListLexicons", "GET /v1/lexicons", 200, restjson.Operation(s.ListLexicons))
	h.Handle("StartSpeechSynthesisTask", "POST /v1/synthesisTasks", 200, restjson.Operation(s.StartSpeechSynthesisTask))
	h.Handle("GetSpeechSynthesisTask", "GET /v1/synthesisTasks/{TaskId}", 200, restjson.Operation(s.GetSpeechSynthesisTask))
	h.Handle("ListSpeechSynthesisTasks", "GET /v1/synthesisTasks", 200, restjson.Operation(s.ListSpeechSynthesisTasks))
	s.h = h
	return s
}

// Handler serves the restJson1 protocol.
func (s *Service) Handler() http.Handler { return s.h }

// WriteError encodes an error the edge raises, in Polly's shape.
func (s *Service) WriteError(w http.ResponseWriter, r *http.Request, e *awserr.Error) {
	s.h.WriteError(w, r, "", e)
}

// Close stops the synthesis tasks in flight and waits for their
// goroutines. Unfinished tasks stay scheduled or inProgress in storage and
// resume when the service is next created over the same storage.
func (s *Service) Close() { s.tasks.close() }
