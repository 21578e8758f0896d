package dynamodb

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// DynamoDB Streams. Each enabled stream has one shard; its records live
// under
//
//	"R" stream-uid(8) sequence(8) → record (JSON)
//
// and are written in the same transaction as the item change they
// describe, so a consumer sees every modification once, in commit order.
// Records are kept 24 hours. A table's streams are listed in its metadata
// (a stream disabled by UpdateTable stays readable, as in DynamoDB).
const (
	prefixRecord    = 'R'
	prefixStreamSeq = 'Q' // "Q" stream-uid(8) → last sequence number
	streamRetention = 24 * time.Hour
	iteratorTTL     = 15 * time.Minute
)

// stream is a table's stream, stored in the table's metadata.
type stream struct {
	UID      uint64  `json:"uid"`
	Label    string  `json:"label"`
	ViewType string  `json:"viewType"`
	Enabled  bool    `json:"enabled"`
	Created  float64 `json:"created"`
}

func (t *table) streamARN(st *stream) string {
	return t.arn() + "/stream/" + st.Label
}

// activeStream is the stream records are written to, or nil.
func (t *table) activeStream() *stream {
	for _, st := range t.Streams {
		if st.Enabled {
			return st
		}
	}
	return nil
}

// setStream applies a StreamSpecification from CreateTable or UpdateTable.
func (s *Service) setStream(tx storage.Tx, t *table, spec *StreamSpecification, creating bool) error {
	if spec == nil {
		return nil
	}
	enable := boolv(spec.StreamEnabled)
	if spec.StreamEnabled == nil {
		return validation("1 validation error detected: Value null at 'streamSpecification.streamEnabled' failed to satisfy constraint: Member must not be null")
	}
	cur := t.activeStream()
	if !enable {
		if spec.StreamViewType != nil {
			return invalidParam("StreamViewType cannot be specified when StreamEnabled is false")
		}
		if cur == nil {
			if creating {
				return nil
			}
			return validation("Table already has no stream enabled") // DynamoDB: "Stream is already disabled"?
		}
		c := *cur
		c.Enabled = false
		t.replaceStream(cur, &c)
		t.Stream = &StreamSpecification{StreamEnabled: ptr(false)}
		return nil
	}
	switch str(spec.StreamViewType) {
	case "KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES":
	case "":
		return invalidParam("StreamViewType is required when StreamEnabled is true")
	default:
		return validation("1 validation error detected: Value '" + *spec.StreamViewType + "' at 'streamSpecification.streamViewType' failed to satisfy constraint: Member must satisfy enum value set: [NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY]")
	}
	if cur != nil {
		return validation("Table already has an enabled stream: " + t.streamARN(cur))
	}
	uid, err := nextUID(tx)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	st := &stream{UID: uid, Label: now.Format("2006-01-02T15:04:05.000"), ViewType: *spec.StreamViewType, Enabled: true, Created: epoch(s)}
	t.Streams = append(t.Streams, st)
	t.Stream = &StreamSpecification{StreamEnabled: ptr(true), StreamViewType: spec.StreamViewType}
	return nil
}

func (t *table) replaceStream(old, new *stream) {
	for i := range t.Streams {
		if t.Streams[i] == old {
			t.Streams[i] = new
		}
	}
}

// streamRecord is a record as GetRecords returns it.
type streamRecord struct {
	EventID      string        `json:"eventID"`
	EventName    string        `json:"eventName"`
	EventVersion string        `json:"eventVersion"`
	EventSource  string        `json:"eventSource"`
	AwsRegion    string        `json:"awsRegion"`
	Dynamodb     streamChange  `json:"dynamodb"`
	UserIdentity *userIdentity `json:"userIdentity,omitempty"`
}

type streamChange struct {
	ApproximateCreationDateTime float64   `json:"ApproximateCreationDateTime"`
	Keys                        attr.Item `json:"Keys"`
	NewImage                    attr.Item `json:"NewImage,omitempty"`
	OldImage                    attr.Item `json:"OldImage,omitempty"`
	SequenceNumber              string    `json:"SequenceNumber"`
	SizeBytes                   int64     `json:"SizeBytes"`
	StreamViewType              string    `json:"StreamViewType"`
}

type userIdentity struct {
	PrincipalID string `json:"PrincipalId"`
	Type        string `json:"Type"`
}

func recordKey(uid, seq uint64) []byte {
	k := make([]byte, 0, 17)
	k = append(k, prefixRecord)
	k = binary.BigEndian.AppendUint64(k, uid)
	return binary.BigEndian.AppendUint64(k, seq)
}

func seqString(seq uint64) string { return fmt.Sprintf("%021d", seq) }

// record writes the stream record for one item change (old → new), if the
// table has an enabled stream and the item really changed. byTTL marks
// deletions made by the TTL process.
func (s *Service) record(tx storage.Tx, t *table, old, new attr.Item, byTTL bool) error {
	st := t.activeStream()
	if st == nil || (old == nil && new == nil) {
		return nil
	}
	if old != nil && new != nil && bytes.Equal(attr.AppendItem(nil, old), attr.AppendItem(nil, new)) {
		return nil // DynamoDB writes no record for a write that changes nothing
	}
	seqKey := binary.BigEndian.AppendUint64([]byte{prefixStreamSeq}, st.UID)
	var seq uint64
	if raw, err := tx.Get(seqKey); err == nil && len(raw) == 8 {
		seq = binary.BigEndian.Uint64(raw)
	}
	seq++
	if err := tx.Set(seqKey, binary.BigEndian.AppendUint64(nil, seq)); err != nil {
		return err
	}
	rec := streamRecord{EventID: newUUID(), EventVersion: "1.1", EventSource: "aws:dynamodb", AwsRegion: t.Region}
	switch {
	case old == nil:
		rec.EventName = "INSERT"
	case new == nil:
		rec.EventName = "REMOVE"
	default:
		rec.EventName = "MODIFY"
	}
	src := new
	if src == nil {
		src = old
	}
	ch := streamChange{
		ApproximateCreationDateTime: float64(s.now().Unix()),
		Keys:                        t.keyOf(src),
		SequenceNumber:              seqString(seq),
		StreamViewType:              st.ViewType,
	}
	if st.ViewType == "NEW_IMAGE" || st.ViewType == "NEW_AND_OLD_IMAGES" {
		ch.NewImage = new
	}
	if st.ViewType == "OLD_IMAGE" || st.ViewType == "NEW_AND_OLD_IMAGES" {
		ch.OldImage = old
	}
	ch.SizeBytes = int64(attr.ItemSize(ch.Keys) + attr.ItemSize(ch.NewImage) + attr.ItemSize(ch.OldImage))
	rec.Dynamodb = ch
	if byTTL {
		rec.UserIdentity = &userIdentity{PrincipalID: "dynamodb.amazonaws.com", Type: "Service"}
	}
	raw, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return tx.Set(recordKey(st.UID, seq), raw)
}

// Streams API shapes.

type ListStreamsInput struct {
	TableName               *string `json:"TableName"`
	Limit                   *int64  `json:"Limit"`
	ExclusiveStartStreamArn *string `json:"ExclusiveStartStreamArn"`
}

type StreamSummary struct {
	StreamArn   string `json:"StreamArn"`
	TableName   string `json:"TableName"`
	StreamLabel string `json:"StreamLabel"`
}

type ListStreamsOutput struct {
	Streams                []StreamSummary `json:"Streams"`
	LastEvaluatedStreamArn *string         `json:"LastEvaluatedStreamArn,omitempty"`
}

type StreamArnInput struct {
	StreamArn             *string `json:"StreamArn"`
	Limit                 *int64  `json:"Limit"`
	ExclusiveStartShardId *string `json:"ExclusiveStartShardId"`
}

type SequenceNumberRange struct {
	StartingSequenceNumber string `json:"StartingSequenceNumber,omitempty"`
	EndingSequenceNumber   string `json:"EndingSequenceNumber,omitempty"`
}

type Shard struct {
	ShardId             string              `json:"ShardId"`
	SequenceNumberRange SequenceNumberRange `json:"SequenceNumberRange"`
}

type StreamDescription struct {
	StreamArn               string             `json:"StreamArn"`
	StreamLabel             string             `json:"StreamLabel"`
	StreamStatus            string             `json:"StreamStatus"`
	StreamViewType          string             `json:"StreamViewType"`
	CreationRequestDateTime float64            `json:"CreationRequestDateTime"`
	TableName               string             `json:"TableName"`
	KeySchema               []KeySchemaElement `json:"KeySchema"`
	Shards                  []Shard            `json:"Shards"`
}

type DescribeStreamOutput struct {
	StreamDescription StreamDescription `json:"StreamDescription"`
}

type GetShardIteratorInput struct {
	StreamArn         *string `json:"StreamArn"`
	ShardId           *string `json:"ShardId"`
	ShardIteratorType *string `json:"ShardIteratorType"`
	SequenceNumber    *string `json:"SequenceNumber"`
}

type GetShardIteratorOutput struct {
	ShardIterator string `json:"ShardIterator"`
}

type GetRecordsInput struct {
	ShardIterator *string `json:"ShardIterator"`
	Limit         *int64  `json:"Limit"`
}

type GetRecordsOutput struct {
	Records           []json.RawMessage `json:"Records"`
	NextShardIterator *string           `json:"NextShardIterator,omitempty"`
}

// shardID is the one shard's id, derived from the stream.
func shardID(st *stream) string {
	return fmt.Sprintf("shardId-%020d-%08x", int64(st.Created), uint32(st.UID))
}

// findStream resolves a stream ARN in the caller's account.
func (s *Service) findStream(r storage.Reader, ctx context.Context, arn string) (*table, *stream, error) {
	info := request.From(ctx)
	notFound := &awserr.Error{Code: "ResourceNotFoundException", Message: "Requested resource not found: Stream: " + arn + " not found"}
	i := strings.Index(arn, "/stream/")
	if i < 0 {
		return nil, nil, validation("Invalid StreamArn")
	}
	region, account, name, ok := tableFromARN(arn[:i])
	if !ok {
		return nil, nil, validation("Invalid StreamArn")
	}
	if account != info.Account {
		return nil, nil, notFound
	}
	t, err := s.loadTable(r, account, region, name)
	if err == errTableNotFound {
		return nil, nil, notFound
	} else if err != nil {
		return nil, nil, err
	}
	label := arn[i+len("/stream/"):]
	for _, st := range t.Streams {
		if st.Label == label {
			return t, st, nil
		}
	}
	return nil, nil, notFound
}

// ListStreams lists the streams of one table or of every table.
func (s *Service) ListStreams(ctx context.Context, in *ListStreamsInput) (*ListStreamsOutput, error) {
	info := request.From(ctx)
	out := &ListStreamsOutput{Streams: []StreamSummary{}}
	limit := int64(100)
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 100 {
			return nil, validationf("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100", *in.Limit)
		}
		limit = *in.Limit
	}
	err := s.kv.View(ctx, func(r storage.Reader) error {
		prefix := metaPrefix(info.Account, info.Region)
		it := r.Iter(storage.IterOptions{Lower: prefix, Upper: prefixEnd(prefix)})
		defer it.Close()
		started := in.ExclusiveStartStreamArn == nil
		for it.Next() {
			name := string(it.Key()[len(prefix):])
			if in.TableName != nil && name != *in.TableName {
				continue
			}
			t, err := s.loadTable(r, info.Account, info.Region, name)
			if err != nil {
				return err
			}
			for _, st := range t.Streams {
				arn := t.streamARN(st)
				if !started {
					started = arn == *in.ExclusiveStartStreamArn
					continue
				}
				if int64(len(out.Streams)) == limit {
					last := out.Streams[len(out.Streams)-1].StreamArn
					out.LastEvaluatedStreamArn = &last
					return nil
				}
				out.Streams = append(out.Streams, StreamSummary{StreamArn: arn, TableName: t.Name, StreamLabel: st.Label})
			}
		}
		return it.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DescribeStream describes a stream and its shard.
func (s *Service) DescribeStream(ctx context.Context, in *StreamArnInput) (*DescribeStreamOutput, error) {
	var c constraints
	c.notNull(in.StreamArn == nil, "streamArn")
	if err := c.err(); err != nil {
		return nil, err
	}
	var out *DescribeStreamOutput
	err := s.kv.View(ctx, func(r storage.Reader) error {
		t, st, err := s.findStream(r, ctx, *in.StreamArn)
		if err != nil {
			return err
		}
		status := "ENABLED"
		if !st.Enabled {
			status = "DISABLED"
		}
		shard := Shard{ShardId: shardID(st)}
		first, last, err := seqBounds(r, st)
		if err != nil {
			return err
		}
		if first > 0 {
			shard.SequenceNumberRange.StartingSequenceNumber = seqString(first)
		}
		if !st.Enabled && last > 0 {
			shard.SequenceNumberRange.EndingSequenceNumber = seqString(last)
		}
		out = &DescribeStreamOutput{StreamDescription: StreamDescription{
			StreamArn: *in.StreamArn, StreamLabel: st.Label, StreamStatus: status, StreamViewType: st.ViewType,
			CreationRequestDateTime: st.Created, TableName: t.Name, KeySchema: t.KeySchema, Shards: []Shard{shard},
		}}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// seqBounds returns the first and last retained sequence numbers (0 when none).
func seqBounds(r storage.Reader, st *stream) (first, last uint64, err error) {
	lo, hi := recordKey(st.UID, 0), recordKey(st.UID+1, 0)[:9]
	it := r.Iter(storage.IterOptions{Lower: lo, Upper: hi})
	if it.Next() {
		first = binary.BigEndian.Uint64(it.Key()[9:])
	}
	it.Close()
	rit := r.Iter(storage.IterOptions{Lower: lo, Upper: hi, Reverse: true})
	if rit.Next() {
		last = binary.BigEndian.Uint64(rit.Key()[9:])
	}
	rit.Close()
	return first, last, nil
}

// iterator is what a shard iterator string encodes.
type iterator struct {
	Arn     string `json:"a"`
	Next    uint64 `json:"n"` // first sequence number to return
	Expires int64  `json:"e"`
}

func encodeIterator(it iterator) string {
	raw, _ := json.Marshal(it)
	return base64.RawURLEncoding.EncodeToString(raw)
}

// GetShardIterator returns an iterator positioned as asked.
func (s *Service) GetShardIterator(ctx context.Context, in *GetShardIteratorInput) (*GetShardIteratorOutput, error) {
	var c constraints
	c.notNull(in.StreamArn == nil, "streamArn")
	c.notNull(in.ShardId == nil, "shardId")
	c.notNull(in.ShardIteratorType == nil, "shardIteratorType")
	c.enum(in.ShardIteratorType, "shardIteratorType", "TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER")
	if err := c.err(); err != nil {
		return nil, err
	}
	var out *GetShardIteratorOutput
	err := s.kv.View(ctx, func(r storage.Reader) error {
		_, st, err := s.findStream(r, ctx, *in.StreamArn)
		if err != nil {
			return err
		}
		if *in.ShardId != shardID(st) {
			return &awserr.Error{Code: "ResourceNotFoundException", Message: "Requested resource not found: Shard does not exist"}
		}
		first, last, err := seqBounds(r, st)
		if err != nil {
			return err
		}
		var next uint64
		switch *in.ShardIteratorType {
		case "TRIM_HORIZON":
			next = max(first, 1)
		case "LATEST":
			next = last + 1
		case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER":
			if in.SequenceNumber == nil {
				return validation("SequenceNumber is required for iterator type " + *in.ShardIteratorType)
			}
			var n uint64
			if _, err := fmt.Sscan(*in.SequenceNumber, &n); err != nil || n == 0 {
				return validation("Invalid SequenceNumber: " + *in.SequenceNumber)
			}
			if first > 0 && n < first {
				return &awserr.Error{Code: "TrimmedDataAccessException", Message: "The operation attempted to read past the oldest stream record in a shard."}
			}
			next = n
			if *in.ShardIteratorType == "AFTER_SEQUENCE_NUMBER" {
				next++
			}
		}
		out = &GetShardIteratorOutput{ShardIterator: encodeIterator(iterator{Arn: *in.StreamArn, Next: next, Expires: s.now().Add(iteratorTTL).Unix()})}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetRecords reads up to Limit (1000) records from an iterator.
func (s *Service) GetRecords(ctx context.Context, in *GetRecordsInput) (*GetRecordsOutput, error) {
	var c constraints
	c.notNull(in.ShardIterator == nil, "shardIterator")
	limit := int64(1000)
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 1000 {
			c.add(fmt.Sprintf("'%d'", *in.Limit), "limit", "Member must have value between 1 and 1000")
		}
		limit = *in.Limit
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	raw, err := base64.RawURLEncoding.DecodeString(*in.ShardIterator)
	var pos iterator
	if err != nil || json.Unmarshal(raw, &pos) != nil || pos.Arn == "" {
		return nil, validation("Invalid ShardIterator")
	}
	if s.now().Unix() > pos.Expires {
		return nil, &awserr.Error{Code: "ExpiredIteratorException", Message: "Iterator expired. The iterator was created at time " + time.Unix(pos.Expires, 0).Add(-iteratorTTL).UTC().Format(time.RFC1123) + " while right now it is " + s.now().UTC().Format(time.RFC1123) + " which is further in the future than the tolerated delay of 900000 milliseconds."}
	}
	out := &GetRecordsOutput{Records: []json.RawMessage{}}
	err = s.kv.View(ctx, func(r storage.Reader) error {
		_, st, err := s.findStream(r, ctx, pos.Arn)
		if err != nil {
			return err
		}
		first, last, err := seqBounds(r, st)
		if err != nil {
			return err
		}
		if first > 0 && pos.Next < first {
			return &awserr.Error{Code: "TrimmedDataAccessException", Message: "The operation attempted to read past the oldest stream record in a shard."}
		}
		it := r.Iter(storage.IterOptions{Lower: recordKey(st.UID, pos.Next), Upper: recordKey(st.UID+1, 0)[:9]})
		defer it.Close()
		next := pos.Next
		for int64(len(out.Records)) < limit && it.Next() {
			out.Records = append(out.Records, append(json.RawMessage(nil), it.Value()...))
			next = binary.BigEndian.Uint64(it.Key()[9:]) + 1
		}
		if err := it.Err(); err != nil {
			return err
		}
		// A disabled stream's shard is closed: once drained, no next iterator.
		if st.Enabled || next <= last {
			n := encodeIterator(iterator{Arn: pos.Arn, Next: next, Expires: s.now().Add(iteratorTTL).Unix()})
			out.NextShardIterator = &n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// trimStreams deletes records older than 24 hours.
func (s *Service) trimStreams(ctx context.Context) error {
	cutoff := float64(s.now().Add(-streamRetention).Unix())
	var stale [][]byte
	err := s.kv.View(ctx, func(r storage.Reader) error {
		it := r.Iter(storage.IterOptions{Lower: []byte{prefixRecord}, Upper: []byte{prefixRecord + 1}})
		defer it.Close()
		for it.Next() {
			var rec struct {
				D struct {
					T float64 `json:"ApproximateCreationDateTime"`
				} `json:"dynamodb"`
			}
			if json.Unmarshal(it.Value(), &rec) == nil && rec.D.T < cutoff {
				stale = append(stale, append([]byte(nil), it.Key()...))
			}
		}
		return it.Err()
	})
	if err != nil || len(stale) == 0 {
		return err
	}
	return s.kv.Update(ctx, func(tx storage.Tx) error {
		for _, k := range stale {
			if err := tx.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}

// streamsHandler routes DynamoDB Streams operations (same signing name as
// DynamoDB, its own target prefix).
func (s *Service) serveBoth(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.Header.Get("X-Amz-Target"), "DynamoDBStreams_20120810.") {
		s.streams.ServeHTTP(w, r)
		return
	}
	s.h.ServeHTTP(w, r)
}
