package dynamodb

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/protocol/awsjson"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// Options configure the service.
type Options struct {
	KV  storage.KV
	Log *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Background runs the TTL reaper and stream trimming (the app sets it;
	// tests drive ExpireNow themselves).
	Background bool
}

// Service is DynamoDB.
type Service struct {
	kv  storage.KV
	log *slog.Logger
	now func() time.Time
	h   *awsjson.Handler
	// streams serves DynamoDB Streams, which shares DynamoDB's signing name.
	streams *awsjson.Handler
	stop    chan struct{}
	done    chan struct{}

	// metaMu is held exclusively by control-plane operations and shared by
	// data-plane ones; tables is the committed metadata (see table.go).
	metaMu sync.RWMutex
	tables map[string]*table // by metadata storage key
}

// New returns the DynamoDB service over kv.
func New(o Options) *Service {
	s := &Service{kv: o.KV, log: o.Log, now: o.Now, tables: map[string]*table{}}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.h = &awsjson.Handler{
		Version:      "1.0",
		TargetPrefix: "DynamoDB_20120810",
		Namespace:    "com.amazonaws.dynamodb.v20120810",
		CRC32:        true,
		Log:          s.log,
		Ops: map[string]awsjson.Op{
			"CreateTable":           s.exclusive(awsjson.Operation(s.CreateTable)),
			"DescribeTable":         s.shared(awsjson.Operation(s.DescribeTable)),
			"ListTables":            s.shared(awsjson.Operation(s.ListTables)),
			"UpdateTable":           s.exclusive(awsjson.Operation(s.UpdateTable)),
			"DeleteTable":           s.exclusive(awsjson.Operation(s.DeleteTable)),
			"DescribeLimits":        s.shared(awsjson.Operation(s.DescribeLimits)),
			"DescribeEndpoints":     s.shared(awsjson.Operation(s.DescribeEndpoints)),
			"TagResource":           s.exclusive(awsjson.Operation(s.TagResource)),
			"UntagResource":         s.exclusive(awsjson.Operation(s.UntagResource)),
			"ListTagsOfResource":    s.shared(awsjson.Operation(s.ListTagsOfResource)),
			"PutItem":               s.shared(awsjson.Operation(s.PutItem)),
			"GetItem":               s.shared(awsjson.Operation(s.getItemWire)),
			"DeleteItem":            s.shared(awsjson.Operation(s.DeleteItem)),
			"UpdateItem":            s.shared(awsjson.Operation(s.UpdateItem)),
			"BatchGetItem":          s.shared(awsjson.Operation(s.BatchGetItem)),
			"BatchWriteItem":        s.shared(awsjson.Operation(s.BatchWriteItem)),
			"Query":                 s.shared(awsjson.Operation(s.queryWire)),
			"Scan":                  s.shared(awsjson.Operation(s.scanWire)),
			"TransactWriteItems":    s.shared(awsjson.Operation(s.TransactWriteItems)),
			"TransactGetItems":      s.shared(awsjson.Operation(s.TransactGetItems)),
			"UpdateTimeToLive":      s.exclusive(awsjson.Operation(s.UpdateTimeToLive)),
			"ExecuteStatement":      s.shared(awsjson.Operation(s.ExecuteStatement)),
			"BatchExecuteStatement": s.shared(awsjson.Operation(s.BatchExecuteStatement)),
			"ExecuteTransaction":    s.shared(awsjson.Operation(s.ExecuteTransaction)),
			"DescribeTimeToLive":    s.shared(awsjson.Operation(s.DescribeTimeToLive)),
		},
	}
	s.streams = &awsjson.Handler{
		Version:      "1.0",
		TargetPrefix: "DynamoDBStreams_20120810",
		Namespace:    "com.amazonaws.dynamodb.v20120810",
		CRC32:        true,
		Log:          s.log,
		Ops: map[string]awsjson.Op{
			"ListStreams":      s.shared(awsjson.Operation(s.ListStreams)),
			"DescribeStream":   s.shared(awsjson.Operation(s.DescribeStream)),
			"GetShardIterator": s.shared(awsjson.Operation(s.GetShardIterator)),
			"GetRecords":       s.shared(awsjson.Operation(s.GetRecords)),
		},
	}
	if err := s.reloadMeta(); err != nil {
		s.log.Error("dynamodb: loading table metadata", "err", err)
	}
	s.stop, s.done = make(chan struct{}), make(chan struct{})
	if o.Background {
		go s.background()
	} else {
		close(s.done)
	}
	return s
}

// background expires TTL items about once a second and trims stream
// records older than 24 hours about once a minute.
func (s *Service) background() {
	defer close(s.done)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		ctx := context.Background()
		s.metaMu.RLock()
		ttl, streams := s.backgroundWork()
		var err error
		if ttl {
			_, err = s.ExpireNow(ctx)
		}
		s.metaMu.RUnlock()
		if err != nil && !errors.Is(err, storage.ErrClosed) {
			s.log.Error("dynamodb: expiring items", "err", err)
		}
		if streams && i%60 == 0 {
			if err := s.trimStreams(ctx); err != nil && !errors.Is(err, storage.ErrClosed) {
				s.log.Error("dynamodb: trimming streams", "err", err)
			}
		}
	}
}

// backgroundWork says whether any table has TTL on or a stream: an idle
// nimbus with neither does nothing in the background at all. The caller
// holds s.metaMu.
func (s *Service) backgroundWork() (ttl, streams bool) {
	for _, t := range s.tables {
		ttl = ttl || t.TTLAttr != ""
		streams = streams || len(t.Streams) > 0
	}
	return ttl, streams
}

// exclusive runs a control-plane operation alone and reloads the table
// metadata after it, whether it committed or not.
func (s *Service) exclusive(op awsjson.Op) awsjson.Op {
	return func(ctx context.Context, body []byte) (any, error) {
		s.metaMu.Lock()
		defer s.metaMu.Unlock()
		out, err := op(ctx, body)
		if rerr := s.reloadMeta(); rerr != nil {
			return nil, rerr
		}
		return out, err
	}
}

// shared runs a data-plane operation with the metadata held still.
func (s *Service) shared(op awsjson.Op) awsjson.Op {
	return func(ctx context.Context, body []byte) (any, error) {
		s.metaMu.RLock()
		defer s.metaMu.RUnlock()
		return op(ctx, body)
	}
}

// Handler serves the awsJson 1.0 protocol for DynamoDB and DynamoDB Streams.
func (s *Service) Handler() http.Handler { return http.HandlerFunc(s.serveBoth) }

// WriteError encodes an error the edge raises, in DynamoDB's shape.
func (s *Service) WriteError(w http.ResponseWriter, r *http.Request, e *awserr.Error) {
	s.h.WriteError(w, r, e)
}

// Close stops background work and waits for it.
func (s *Service) Close() {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	<-s.done
}
