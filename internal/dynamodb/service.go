package dynamodb

import (
	"context"
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
}

// Service is DynamoDB.
type Service struct {
	kv  storage.KV
	log *slog.Logger
	now func() time.Time
	h   *awsjson.Handler

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
			"CreateTable":        awsjson.Operation(s.CreateTable),
			"DescribeTable":      awsjson.Operation(s.DescribeTable),
			"ListTables":         awsjson.Operation(s.ListTables),
			"UpdateTable":        awsjson.Operation(s.UpdateTable),
			"DeleteTable":        awsjson.Operation(s.DeleteTable),
			"DescribeLimits":     awsjson.Operation(s.DescribeLimits),
			"DescribeEndpoints":  awsjson.Operation(s.DescribeEndpoints),
			"TagResource":        awsjson.Operation(s.TagResource),
			"UntagResource":      awsjson.Operation(s.UntagResource),
			"ListTagsOfResource": awsjson.Operation(s.ListTagsOfResource),
			"PutItem":            awsjson.Operation(s.PutItem),
			"GetItem":            awsjson.Operation(s.GetItem),
			"DeleteItem":         awsjson.Operation(s.DeleteItem),
			"UpdateItem":         awsjson.Operation(s.UpdateItem),
			"BatchGetItem":       awsjson.Operation(s.BatchGetItem),
			"BatchWriteItem":     awsjson.Operation(s.BatchWriteItem),
			"Query":              awsjson.Operation(s.Query),
			"Scan":               awsjson.Operation(s.Scan),
			"TransactWriteItems": awsjson.Operation(s.TransactWriteItems),
			"TransactGetItems":   awsjson.Operation(s.TransactGetItems),
		},
	}
	return s
}

// Handler serves the awsJson 1.0 protocol.
func (s *Service) Handler() http.Handler { return s.h }

// WriteError encodes an error the edge raises, in DynamoDB's shape.
func (s *Service) WriteError(w http.ResponseWriter, r *http.Request, e *awserr.Error) {
	s.h.WriteError(w, r, e)
}

// Close stops background work.
func (s *Service) Close() {}

var _ = context.Background
