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

	mu     sync.RWMutex
	tables map[string]*cachedTable // by meta storage key
}

// New returns the DynamoDB service over kv.
func New(o Options) *Service {
	s := &Service{kv: o.KV, log: o.Log, now: o.Now, tables: map[string]*cachedTable{}}
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
			"CreateTable":           awsjson.Operation(s.CreateTable),
			"DescribeTable":         awsjson.Operation(s.DescribeTable),
			"ListTables":            awsjson.Operation(s.ListTables),
			"UpdateTable":           awsjson.Operation(s.UpdateTable),
			"DeleteTable":           awsjson.Operation(s.DeleteTable),
			"DescribeLimits":        awsjson.Operation(s.DescribeLimits),
			"DescribeEndpoints":     awsjson.Operation(s.DescribeEndpoints),
			"TagResource":           awsjson.Operation(s.TagResource),
			"UntagResource":         awsjson.Operation(s.UntagResource),
			"ListTagsOfResource":    awsjson.Operation(s.ListTagsOfResource),
			"PutItem":               awsjson.Operation(s.PutItem),
			"GetItem":               awsjson.Operation(s.GetItem),
			"DeleteItem":            awsjson.Operation(s.DeleteItem),
			"UpdateItem":            awsjson.Operation(s.UpdateItem),
			"BatchGetItem":          awsjson.Operation(s.BatchGetItem),
			"BatchWriteItem":        awsjson.Operation(s.BatchWriteItem),
			"Query":                 awsjson.Operation(s.Query),
			"Scan":                  awsjson.Operation(s.Scan),
			"TransactWriteItems":    awsjson.Operation(s.TransactWriteItems),
			"TransactGetItems":      awsjson.Operation(s.TransactGetItems),
			"UpdateTimeToLive":      awsjson.Operation(s.UpdateTimeToLive),
			"ExecuteStatement":      awsjson.Operation(s.ExecuteStatement),
			"BatchExecuteStatement": awsjson.Operation(s.BatchExecuteStatement),
			"ExecuteTransaction":    awsjson.Operation(s.ExecuteTransaction),
			"DescribeTimeToLive":    awsjson.Operation(s.DescribeTimeToLive),
		},
	}
	s.streams = &awsjson.Handler{
		Version:      "1.0",
		TargetPrefix: "DynamoDBStreams_20120810",
		Namespace:    "com.amazonaws.dynamodb.v20120810",
		CRC32:        true,
		Log:          s.log,
		Ops: map[string]awsjson.Op{
			"ListStreams":      awsjson.Operation(s.ListStreams),
			"DescribeStream":   awsjson.Operation(s.DescribeStream),
			"GetShardIterator": awsjson.Operation(s.GetShardIterator),
			"GetRecords":       awsjson.Operation(s.GetRecords),
		},
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
		if _, err := s.ExpireNow(ctx); err != nil && !errors.Is(err, storage.ErrClosed) {
			s.log.Error("dynamodb: expiring items", "err", err)
		}
		if i%60 == 0 {
			if err := s.trimStreams(ctx); err != nil && !errors.Is(err, storage.ErrClosed) {
				s.log.Error("dynamodb: trimming streams", "err", err)
			}
		}
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
