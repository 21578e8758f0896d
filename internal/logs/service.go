// Package logs is Amazon CloudWatch Logs (awsJson 1.1, target prefix
// Logs_20140328): log groups, log streams and their events, stored in the
// KV store so they survive restarts.
//
// Keys:
//
//	logs/g/<account>/<region>/<group>                   group  (JSON)
//	logs/s/<account>/<region>/<group>\x00<stream>       stream (JSON)
//	logs/e/<account>/<region>/<group>\x00<stream>\x00<ts:8><seq:8>  event (JSON)
//
// Timestamps are non-negative Unix milliseconds written big-endian, so a
// stream's events iterate in time order; seq breaks ties in arrival order.
// Lambda writes its functions' output through AppendLogEvents; clients
// read it with DescribeLogGroups, DescribeLogStreams, GetLogEvents and
// FilterLogEvents, which is what `aws logs tail` uses.
package logs

import (
	"context"
	"encoding/binary"
	"encoding/json"
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

// Service is CloudWatch Logs.
type Service struct {
	kv  storage.KV
	log *slog.Logger
	now func() time.Time
	h   *awsjson.Handler

	// mu serialises writers of one store so sequence numbers are unique.
	mu  sync.Mutex
	seq uint64
}

// New returns the service over kv.
func New(o Options) *Service {
	s := &Service{kv: o.KV, log: o.Log, now: o.Now}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.seq = uint64(s.now().UnixNano())
	s.h = &awsjson.Handler{
		Version:      "1.1",
		TargetPrefix: "Logs_20140328",
		Log:          s.log,
		Ops: map[string]awsjson.Op{
			"CreateLogGroup":     awsjson.Operation(s.CreateLogGroup),
			"DeleteLogGroup":     awsjson.Operation(s.DeleteLogGroup),
			"DescribeLogGroups":  awsjson.Operation(s.DescribeLogGroups),
			"CreateLogStream":    awsjson.Operation(s.CreateLogStream),
			"DeleteLogStream":    awsjson.Operation(s.DeleteLogStream),
			"DescribeLogStreams": awsjson.Operation(s.DescribeLogStreams),
			"PutLogEvents":       awsjson.Operation(s.PutLogEvents),
			"GetLogEvents":       awsjson.Operation(s.GetLogEvents),
			"FilterLogEvents":    awsjson.Operation(s.FilterLogEvents),
			"PutRetentionPolicy": awsjson.Operation(s.PutRetentionPolicy),
		},
	}
	return s
}

// Handler serves the awsJson 1.1 protocol.
func (s *Service) Handler() http.Handler { return s.h }

// WriteError encodes an error the edge raises, in CloudWatch Logs' shape.
func (s *Service) WriteError(w http.ResponseWriter, r *http.Request, e *awserr.Error) {
	s.h.WriteError(w, r, e)
}

func groupKey(account, region, group string) []byte {
	return []byte("logs/g/" + account + "/" + region + "/" + group)
}

func streamPrefix(account, region, group string) []byte {
	return []byte("logs/s/" + account + "/" + region + "/" + group + "\x00")
}

func streamKey(account, region, group, stream string) []byte {
	return append(streamPrefix(account, region, group), stream...)
}

func eventPrefix(account, region, group, stream string) []byte {
	return []byte("logs/e/" + account + "/" + region + "/" + group + "\x00" + stream + "\x00")
}

func groupEventPrefix(account, region, group string) []byte {
	return []byte("logs/e/" + account + "/" + region + "/" + group + "\x00")
}

func eventKey(prefix []byte, ts int64, seq uint64) []byte {
	k := make([]byte, len(prefix)+16)
	copy(k, prefix)
	if ts < 0 {
		ts = 0
	}
	binary.BigEndian.PutUint64(k[len(prefix):], uint64(ts))
	binary.BigEndian.PutUint64(k[len(prefix)+8:], seq)
	return k
}

// upper is the smallest key greater than every key with prefix p.
func upper(p []byte) []byte {
	u := append([]byte(nil), p...)
	for i := len(u) - 1; i >= 0; i-- {
		if u[i] < 0xff {
			u[i]++
			return u[:i+1]
		}
	}
	return nil
}

type groupMeta struct {
	Created   int64             `json:"c"`
	Retention *int              `json:"r,omitempty"`
	Tags      map[string]string `json:"t,omitempty"`
}

type streamMeta struct {
	Created       int64 `json:"c"`
	First         int64 `json:"f,omitempty"`
	Last          int64 `json:"l,omitempty"`
	LastIngestion int64 `json:"i,omitempty"`
	Bytes         int64 `json:"b,omitempty"`
}

type event struct {
	Message   string `json:"m"`
	Ingestion int64  `json:"i"`
}

func getJSON(r storage.Reader, key []byte, v any) (bool, error) {
	b, err := r.Get(key)
	if err == storage.ErrNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, json.Unmarshal(b, v)
}

func setJSON(tx storage.Tx, key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.Set(key, b)
}

func groupNotFound() *awserr.Error {
	return &awserr.Error{Code: "ResourceNotFoundException", Message: "The specified log group does not exist.", Status: 400}
}

func streamNotFound() *awserr.Error {
	return &awserr.Error{Code: "ResourceNotFoundException", Message: "The specified log stream does not exist.", Status: 400}
}

func invalidParam(msg string) *awserr.Error {
	return &awserr.Error{Code: "InvalidParameterException", Message: msg, Status: 400}
}

// AppendLogEvents appends events (timestamps in Unix ms) to group/stream,
// creating the group and the stream when they do not exist. It is how
// Lambda writes its functions' logs.
func (s *Service) AppendLogEvents(ctx context.Context, account, region, group, stream string, ms []int64, messages []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UnixMilli()
	return s.kv.Update(ctx, func(tx storage.Tx) error {
		var g groupMeta
		ok, err := getJSON(tx, groupKey(account, region, group), &g)
		if err != nil {
			return err
		}
		if !ok {
			if err := setJSON(tx, groupKey(account, region, group), groupMeta{Created: now}); err != nil {
				return err
			}
		}
		var st streamMeta
		ok, err = getJSON(tx, streamKey(account, region, group, stream), &st)
		if err != nil {
			return err
		}
		if !ok {
			st = streamMeta{Created: now}
		}
		return s.appendLocked(tx, account, region, group, stream, &st, ms, messages, now)
	})
}

func (s *Service) appendLocked(tx storage.Tx, account, region, group, stream string, st *streamMeta, ms []int64, messages []string, now int64) error {
	prefix := eventPrefix(account, region, group, stream)
	for i, m := range messages {
		s.seq++
		if err := setJSON(tx, eventKey(prefix, ms[i], s.seq), event{Message: m, Ingestion: now}); err != nil {
			return err
		}
		if st.First == 0 || ms[i] < st.First {
			st.First = ms[i]
		}
		if ms[i] > st.Last {
			st.Last = ms[i]
		}
		st.Bytes += int64(len(m))
	}
	st.LastIngestion = now
	return setJSON(tx, streamKey(account, region, group, stream), st)
}
