package logs

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

var (
	groupNameRE  = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]+$`)
	streamNameRE = regexp.MustCompile(`^[^:*]*$`)
)

type validation []string

func (v *validation) add(format string, args ...any) { *v = append(*v, fmt.Sprintf(format, args...)) }

func (v validation) err() error {
	if len(v) == 0 {
		return nil
	}
	noun := "error"
	if len(v) > 1 {
		noun = "errors"
	}
	return &awserr.Error{Code: "ValidationException", Status: 400,
		Message: fmt.Sprintf("%d validation %s detected: %s", len(v), noun, strings.Join(v, "; "))}
}

func checkGroupName(v *validation, name string) {
	switch {
	case len(name) < 1:
		v.add("Value '%s' at 'logGroupName' failed to satisfy constraint: Member must have length greater than or equal to 1", name)
	case len(name) > 512:
		v.add("Value '%s' at 'logGroupName' failed to satisfy constraint: Member must have length less than or equal to 512", name)
	case !groupNameRE.MatchString(name):
		v.add("Value '%s' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+", name)
	}
}

func checkStreamName(v *validation, name string) {
	switch {
	case len(name) < 1:
		v.add("Value '%s' at 'logStreamName' failed to satisfy constraint: Member must have length greater than or equal to 1", name)
	case len(name) > 512:
		v.add("Value '%s' at 'logStreamName' failed to satisfy constraint: Member must have length less than or equal to 512", name)
	case !streamNameRE.MatchString(name):
		v.add("Value '%s' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*", name)
	}
}

// groupName picks logGroupName or logGroupIdentifier (a name or an ARN).
func groupName(name, ident *string) (string, error) {
	switch {
	case name != nil && ident != nil:
		return "", invalidParam("LogGroup name and LogGroup ARN are mutually exclusive parameters.")
	case name != nil:
		return *name, nil
	case ident != nil:
		id := *ident
		if strings.HasPrefix(id, "arn:") {
			if i := strings.Index(id, ":log-group:"); i >= 0 {
				id = strings.TrimSuffix(id[i+len(":log-group:"):], ":*")
			}
		}
		return id, nil
	}
	return "", invalidParam("Should provide either name or ARN of the log group.")
}

// Empty is an empty response.
type Empty struct{}

// CreateLogGroupInput is CreateLogGroup's request.
type CreateLogGroupInput struct {
	LogGroupName string            `json:"logGroupName"`
	Tags         map[string]string `json:"tags"`
	KmsKeyId     *string           `json:"kmsKeyId"`
}

// CreateLogGroup creates a log group.
func (s *Service) CreateLogGroup(ctx context.Context, in *CreateLogGroupInput) (*Empty, error) {
	var v validation
	checkGroupName(&v, in.LogGroupName)
	if err := v.err(); err != nil {
		return nil, err
	}
	info := request.From(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	return &Empty{}, s.kv.Update(ctx, func(tx storage.Tx) error {
		k := groupKey(info.Account, info.Region, in.LogGroupName)
		if _, err := tx.Get(k); err == nil {
			return &awserr.Error{Code: "ResourceAlreadyExistsException", Message: "The specified log group already exists", Status: 400}
		}
		return setJSON(tx, k, groupMeta{Created: s.now().UnixMilli(), Tags: in.Tags})
	})
}

// LogGroupNameInput names a log group.
type LogGroupNameInput struct {
	LogGroupName string `json:"logGroupName"`
}

// DeleteLogGroup deletes a group with its streams and events.
func (s *Service) DeleteLogGroup(ctx context.Context, in *LogGroupNameInput) (*Empty, error) {
	var v validation
	checkGroupName(&v, in.LogGroupName)
	if err := v.err(); err != nil {
		return nil, err
	}
	info := request.From(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	return &Empty{}, s.kv.Update(ctx, func(tx storage.Tx) error {
		k := groupKey(info.Account, info.Region, in.LogGroupName)
		if _, err := tx.Get(k); err != nil {
			return groupNotFound()
		}
		sp := streamPrefix(info.Account, info.Region, in.LogGroupName)
		ep := groupEventPrefix(info.Account, info.Region, in.LogGroupName)
		if err := tx.DeleteRange(sp, upper(sp)); err != nil {
			return err
		}
		if err := tx.DeleteRange(ep, upper(ep)); err != nil {
			return err
		}
		return tx.Delete(k)
	})
}

// PutRetentionPolicyInput is PutRetentionPolicy's request.
type PutRetentionPolicyInput struct {
	LogGroupName    string `json:"logGroupName"`
	RetentionInDays int    `json:"retentionInDays"`
}

var retentionValues = map[int]bool{1: true, 3: true, 5: true, 7: true, 14: true, 30: true, 60: true, 90: true, 120: true, 150: true,
	180: true, 365: true, 400: true, 545: true, 731: true, 1096: true, 1827: true, 2192: true, 2557: true, 2922: true, 3288: true, 3653: true}

// PutRetentionPolicy records a group's retention (events are not expired).
func (s *Service) PutRetentionPolicy(ctx context.Context, in *PutRetentionPolicyInput) (*Empty, error) {
	var v validation
	checkGroupName(&v, in.LogGroupName)
	if !retentionValues[in.RetentionInDays] {
		v.add("Value '%d' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]", in.RetentionInDays)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	info := request.From(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	return &Empty{}, s.kv.Update(ctx, func(tx storage.Tx) error {
		var g groupMeta
		k := groupKey(info.Account, info.Region, in.LogGroupName)
		ok, err := getJSON(tx, k, &g)
		if err != nil {
			return err
		}
		if !ok {
			return groupNotFound()
		}
		r := in.RetentionInDays
		g.Retention = &r
		return setJSON(tx, k, g)
	})
}

// DescribeLogGroupsInput is DescribeLogGroups' request.
type DescribeLogGroupsInput struct {
	LogGroupNamePrefix  *string `json:"logGroupNamePrefix"`
	LogGroupNamePattern *string `json:"logGroupNamePattern"`
	NextToken           *string `json:"nextToken"`
	Limit               *int    `json:"limit"`
}

// LogGroup describes a group.
type LogGroup struct {
	LogGroupName      string `json:"logGroupName"`
	CreationTime      int64  `json:"creationTime"`
	RetentionInDays   *int   `json:"retentionInDays,omitempty"`
	MetricFilterCount int    `json:"metricFilterCount"`
	Arn               string `json:"arn"`
	LogGroupArn       string `json:"logGroupArn"`
	StoredBytes       int64  `json:"storedBytes"`
	LogGroupClass     string `json:"logGroupClass"`
}

// DescribeLogGroupsOutput is DescribeLogGroups' response.
type DescribeLogGroupsOutput struct {
	LogGroups []LogGroup `json:"logGroups"`
	NextToken *string    `json:"nextToken,omitempty"`
}

func checkLimit(v *validation, limit *int, max int) int {
	if limit == nil {
		return max
	}
	if *limit < 1 {
		v.add("Value '%d' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1", *limit)
	} else if *limit > max {
		v.add("Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to %d", *limit, max)
	}
	return *limit
}

// DescribeLogGroups lists groups by name.
func (s *Service) DescribeLogGroups(ctx context.Context, in *DescribeLogGroupsInput) (*DescribeLogGroupsOutput, error) {
	var v validation
	limit := checkLimit(&v, in.Limit, 50)
	if err := v.err(); err != nil {
		return nil, err
	}
	if in.LogGroupNamePrefix != nil && in.LogGroupNamePattern != nil {
		return nil, invalidParam("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.")
	}
	info := request.From(ctx)
	base := "logs/g/" + info.Account + "/" + info.Region + "/"
	lower := base
	if in.LogGroupNamePrefix != nil {
		lower += *in.LogGroupNamePrefix
	}
	start := lower
	if in.NextToken != nil {
		t, err := base64.RawURLEncoding.DecodeString(*in.NextToken)
		if err != nil {
			return nil, invalidParam("The specified nextToken is invalid.")
		}
		start = base + string(t) + "\x00"
	}
	out := &DescribeLogGroupsOutput{LogGroups: []LogGroup{}}
	err := s.kv.View(ctx, func(r storage.Reader) error {
		it := r.Iter(storage.IterOptions{Lower: []byte(start), Upper: upper([]byte(lower))})
		defer it.Close()
		for it.Next() {
			name := string(it.Key()[len(base):])
			if in.LogGroupNamePattern != nil && !strings.Contains(strings.ToLower(name), strings.ToLower(*in.LogGroupNamePattern)) {
				continue
			}
			if len(out.LogGroups) == limit {
				tok := base64.RawURLEncoding.EncodeToString([]byte(out.LogGroups[len(out.LogGroups)-1].LogGroupName))
				out.NextToken = &tok
				break
			}
			var g groupMeta
			if err := jsonUnmarshal(it.Value(), &g); err != nil {
				return err
			}
			arn := fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", info.Region, info.Account, name)
			out.LogGroups = append(out.LogGroups, LogGroup{LogGroupName: name, CreationTime: g.Created, RetentionInDays: g.Retention,
				Arn: arn + ":*", LogGroupArn: arn, LogGroupClass: "STANDARD"})
		}
		return it.Err()
	})
	return out, err
}

// CreateLogStreamInput is CreateLogStream's request.
type CreateLogStreamInput struct {
	LogGroupName  string `json:"logGroupName"`
	LogStreamName string `json:"logStreamName"`
}

// CreateLogStream creates a stream in a group.
func (s *Service) CreateLogStream(ctx context.Context, in *CreateLogStreamInput) (*Empty, error) {
	var v validation
	checkGroupName(&v, in.LogGroupName)
	checkStreamName(&v, in.LogStreamName)
	if err := v.err(); err != nil {
		return nil, err
	}
	info := request.From(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	return &Empty{}, s.kv.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.Get(groupKey(info.Account, info.Region, in.LogGroupName)); err != nil {
			return groupNotFound()
		}
		k := streamKey(info.Account, info.Region, in.LogGroupName, in.LogStreamName)
		if _, err := tx.Get(k); err == nil {
			return &awserr.Error{Code: "ResourceAlreadyExistsException", Message: "The specified log stream already exists", Status: 400}
		}
		return setJSON(tx, k, streamMeta{Created: s.now().UnixMilli()})
	})
}

// DeleteLogStream deletes a stream and its events.
func (s *Service) DeleteLogStream(ctx context.Context, in *CreateLogStreamInput) (*Empty, error) {
	info := request.From(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	return &Empty{}, s.kv.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.Get(groupKey(info.Account, info.Region, in.LogGroupName)); err != nil {
			return groupNotFound()
		}
		k := streamKey(info.Account, info.Region, in.LogGroupName, in.LogStreamName)
		if _, err := tx.Get(k); err != nil {
			return streamNotFound()
		}
		ep := eventPrefix(info.Account, info.Region, in.LogGroupName, in.LogStreamName)
		if err := tx.DeleteRange(ep, upper(ep)); err != nil {
			return err
		}
		return tx.Delete(k)
	})
}

// InputLogEvent is one event to put.
type InputLogEvent struct {
	Timestamp int64  `json:"timestamp"`
	Message   string `json:"message"`
}

// PutLogEventsInput is PutLogEvents' request.
type PutLogEventsInput struct {
	LogGroupName  string          `json:"logGroupName"`
	LogStreamName string          `json:"logStreamName"`
	LogEvents     []InputLogEvent `json:"logEvents"`
	SequenceToken *string         `json:"sequenceToken"`
}

// RejectedLogEventsInfo says which events were refused.
type RejectedLogEventsInfo struct {
	TooNewLogEventStartIndex *int `json:"tooNewLogEventStartIndex,omitempty"`
	TooOldLogEventEndIndex   *int `json:"tooOldLogEventEndIndex,omitempty"`
}

// PutLogEventsOutput is PutLogEvents' response.
type PutLogEventsOutput struct {
	NextSequenceToken     string                 `json:"nextSequenceToken"`
	RejectedLogEventsInfo *RejectedLogEventsInfo `json:"rejectedLogEventsInfo,omitempty"`
}

// PutLogEvents appends a batch (chronological, at most 10,000 events and
// 1,048,576 bytes counting 26 bytes per event, spanning at most 24 hours).
func (s *Service) PutLogEvents(ctx context.Context, in *PutLogEventsInput) (*PutLogEventsOutput, error) {
	var v validation
	checkGroupName(&v, in.LogGroupName)
	checkStreamName(&v, in.LogStreamName)
	if len(in.LogEvents) < 1 {
		v.add("Value '[]' at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1")
	} else if len(in.LogEvents) > 10000 {
		v.add("Value at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to 10000")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	size := 0
	for i, e := range in.LogEvents {
		size += len(e.Message) + 26
		if i > 0 && e.Timestamp < in.LogEvents[i-1].Timestamp {
			return nil, invalidParam("Log events in a single PutLogEvents request must be in chronological order.")
		}
	}
	if size > 1048576 {
		return nil, invalidParam("Upload too large: " + strconv.Itoa(size) + " bytes exceeds limit of 1048576")
	}
	if in.LogEvents[len(in.LogEvents)-1].Timestamp-in.LogEvents[0].Timestamp > 24*3600*1000 {
		return nil, invalidParam("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}
	info := request.From(ctx)
	now := s.now().UnixMilli()
	var ms []int64
	var msgs []string
	rej := &RejectedLogEventsInfo{}
	for i, e := range in.LogEvents {
		switch {
		case e.Timestamp < now-14*24*3600*1000:
			idx := i
			rej.TooOldLogEventEndIndex = &idx
		case e.Timestamp > now+2*3600*1000:
			if rej.TooNewLogEventStartIndex == nil {
				idx := i
				rej.TooNewLogEventStartIndex = &idx
			}
		default:
			ms = append(ms, e.Timestamp)
			msgs = append(msgs, e.Message)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.Get(groupKey(info.Account, info.Region, in.LogGroupName)); err != nil {
			return groupNotFound()
		}
		var st streamMeta
		ok, err := getJSON(tx, streamKey(info.Account, info.Region, in.LogGroupName, in.LogStreamName), &st)
		if err != nil {
			return err
		}
		if !ok {
			return streamNotFound()
		}
		return s.appendLocked(tx, info.Account, info.Region, in.LogGroupName, in.LogStreamName, &st, ms, msgs, now)
	})
	if err != nil {
		return nil, err
	}
	out := &PutLogEventsOutput{NextSequenceToken: strconv.FormatUint(s.seq, 10)}
	if rej.TooNewLogEventStartIndex != nil || rej.TooOldLogEventEndIndex != nil {
		out.RejectedLogEventsInfo = rej
	}
	return out, nil
}

// DescribeLogStreamsInput is DescribeLogStreams' request.
type DescribeLogStreamsInput struct {
	LogGroupName        *string `json:"logGroupName"`
	LogGroupIdentifier  *string `json:"logGroupIdentifier"`
	LogStreamNamePrefix *string `json:"logStreamNamePrefix"`
	OrderBy             *string `json:"orderBy"`
	Descending          bool    `json:"descending"`
	NextToken           *string `json:"nextToken"`
	Limit               *int    `json:"limit"`
}

// LogStream describes a stream.
type LogStream struct {
	LogStreamName       string `json:"logStreamName"`
	CreationTime        int64  `json:"creationTime"`
	FirstEventTimestamp *int64 `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  *int64 `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   *int64 `json:"lastIngestionTime,omitempty"`
	UploadSequenceToken string `json:"uploadSequenceToken"`
	Arn                 string `json:"arn"`
	StoredBytes         int64  `json:"storedBytes"`
}

// DescribeLogStreamsOutput is DescribeLogStreams' response.
type DescribeLogStreamsOutput struct {
	LogStreams []LogStream `json:"logStreams"`
	NextToken  *string     `json:"nextToken,omitempty"`
}

// DescribeLogStreams lists a group's streams by name or by last event time.
func (s *Service) DescribeLogStreams(ctx context.Context, in *DescribeLogStreamsInput) (*DescribeLogStreamsOutput, error) {
	var v validation
	limit := checkLimit(&v, in.Limit, 50)
	if in.OrderBy != nil && *in.OrderBy != "LogStreamName" && *in.OrderBy != "LastEventTime" {
		v.add("Value '%s' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]", *in.OrderBy)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	group, err := groupName(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	byTime := in.OrderBy != nil && *in.OrderBy == "LastEventTime"
	if byTime && in.LogStreamNamePrefix != nil {
		return nil, invalidParam("Cannot order by LastEventTime with a logStreamNamePrefix.")
	}
	info := request.From(ctx)
	var all []LogStream
	err = s.kv.View(ctx, func(r storage.Reader) error {
		if _, err := r.Get(groupKey(info.Account, info.Region, group)); err != nil {
			return groupNotFound()
		}
		base := streamPrefix(info.Account, info.Region, group)
		lower := base
		if in.LogStreamNamePrefix != nil {
			lower = append(append([]byte(nil), base...), *in.LogStreamNamePrefix...)
		}
		it := r.Iter(storage.IterOptions{Lower: lower, Upper: upper(lower)})
		defer it.Close()
		for it.Next() {
			var st streamMeta
			if err := jsonUnmarshal(it.Value(), &st); err != nil {
				return err
			}
			name := string(it.Key()[len(base):])
			ls := LogStream{LogStreamName: name, CreationTime: st.Created, StoredBytes: st.Bytes,
				Arn:                 fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:log-stream:%s", info.Region, info.Account, group, name),
				UploadSequenceToken: "1"}
			if st.LastIngestion != 0 {
				f, l, i := st.First, st.Last, st.LastIngestion
				ls.FirstEventTimestamp, ls.LastEventTimestamp, ls.LastIngestionTime = &f, &l, &i
			}
			all = append(all, ls)
		}
		return it.Err()
	})
	if err != nil {
		return nil, err
	}
	if byTime {
		sort.SliceStable(all, func(i, j int) bool { return lastTime(all[i]) < lastTime(all[j]) })
	}
	if in.Descending {
		for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
			all[i], all[j] = all[j], all[i]
		}
	}
	start, err := offsetToken(in.NextToken, len(all))
	if err != nil {
		return nil, err
	}
	end := min(start+limit, len(all))
	out := &DescribeLogStreamsOutput{LogStreams: append([]LogStream{}, all[start:end]...)}
	if end < len(all) {
		t := "o" + strconv.Itoa(end)
		out.NextToken = &t
	}
	return out, nil
}

func lastTime(s LogStream) int64 {
	if s.LastEventTimestamp != nil {
		return *s.LastEventTimestamp
	}
	return s.CreationTime
}

func offsetToken(tok *string, n int) (int, error) {
	if tok == nil {
		return 0, nil
	}
	i, err := strconv.Atoi(strings.TrimPrefix(*tok, "o"))
	if err != nil || !strings.HasPrefix(*tok, "o") || i < 0 || i > n {
		return 0, invalidParam("The specified nextToken is invalid.")
	}
	return i, nil
}

// OutputLogEvent is an event read back.
type OutputLogEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

// GetLogEventsInput is GetLogEvents' request.
type GetLogEventsInput struct {
	LogGroupName       *string `json:"logGroupName"`
	LogGroupIdentifier *string `json:"logGroupIdentifier"`
	LogStreamName      string  `json:"logStreamName"`
	StartTime          *int64  `json:"startTime"`
	EndTime            *int64  `json:"endTime"`
	NextToken          *string `json:"nextToken"`
	Limit              *int    `json:"limit"`
	StartFromHead      *bool   `json:"startFromHead"`
}

// GetLogEventsOutput is GetLogEvents' response.
type GetLogEventsOutput struct {
	Events            []OutputLogEvent `json:"events"`
	NextForwardToken  string           `json:"nextForwardToken"`
	NextBackwardToken string           `json:"nextBackwardToken"`
}

// GetLogEvents reads one stream. Tokens are positions: "f/<pos>" reads
// forward after pos, "b/<pos>" backward before it, where pos is an event's
// (timestamp, sequence) key, as AWS's tokens are opaque positions too.
func (s *Service) GetLogEvents(ctx context.Context, in *GetLogEventsInput) (*GetLogEventsOutput, error) {
	var v validation
	limit := checkLimit(&v, in.Limit, 10000)
	checkStreamName(&v, in.LogStreamName)
	if err := v.err(); err != nil {
		return nil, err
	}
	group, err := groupName(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	info := request.From(ctx)
	prefix := eventPrefix(info.Account, info.Region, group, in.LogStreamName)
	lower, up := append([]byte(nil), prefix...), upper(prefix)
	if in.StartTime != nil {
		lower = eventKey(prefix, *in.StartTime, 0)
	}
	if in.EndTime != nil {
		up = eventKey(prefix, *in.EndTime, 0)
	}
	forward := in.StartFromHead != nil && *in.StartFromHead
	if in.NextToken != nil {
		dir, pos, ok := strings.Cut(*in.NextToken, "/")
		b, err := base64.RawURLEncoding.DecodeString(pos)
		if !ok || err != nil || len(b) != 16 || (dir != "f" && dir != "b") {
			return nil, invalidParam("The specified nextToken is invalid.")
		}
		k := append(append([]byte(nil), prefix...), b...)
		if dir == "f" {
			forward = true
			lower = append(k, 0) // strictly after
		} else {
			forward = false
			up = k
		}
	}
	out := &GetLogEventsOutput{Events: []OutputLogEvent{}}
	var firstKey, lastKey []byte
	err = s.kv.View(ctx, func(r storage.Reader) error {
		if _, err := r.Get(groupKey(info.Account, info.Region, group)); err != nil {
			return groupNotFound()
		}
		if _, err := r.Get(streamKey(info.Account, info.Region, group, in.LogStreamName)); err != nil {
			return streamNotFound()
		}
		it := r.Iter(storage.IterOptions{Lower: lower, Upper: up, Reverse: !forward})
		defer it.Close()
		for it.Next() && len(out.Events) < limit {
			var e event
			if err := jsonUnmarshal(it.Value(), &e); err != nil {
				return err
			}
			k := append([]byte(nil), it.Key()...)
			ts := int64(binary.BigEndian.Uint64(k[len(prefix):]))
			out.Events = append(out.Events, OutputLogEvent{Timestamp: ts, Message: e.Message, IngestionTime: e.Ingestion})
			if firstKey == nil {
				firstKey = k
			}
			lastKey = k
		}
		return it.Err()
	})
	if err != nil {
		return nil, err
	}
	if !forward {
		for i, j := 0, len(out.Events)-1; i < j; i, j = i+1, j-1 {
			out.Events[i], out.Events[j] = out.Events[j], out.Events[i]
		}
		firstKey, lastKey = lastKey, firstKey
	}
	tok := func(dir string, k []byte) string {
		return dir + "/" + base64.RawURLEncoding.EncodeToString(k[len(prefix):])
	}
	switch {
	case len(out.Events) > 0:
		out.NextForwardToken, out.NextBackwardToken = tok("f", lastKey), tok("b", firstKey)
	case in.NextToken != nil:
		// Nothing new: hand back the same position, as AWS does.
		out.NextForwardToken, out.NextBackwardToken = *in.NextToken, *in.NextToken
	default:
		// An empty stream (or range): both tokens name its start.
		var zero [16]byte
		start := append(append([]byte(nil), prefix...), zero[:]...)
		out.NextForwardToken, out.NextBackwardToken = tok("f", start), tok("b", start)
	}
	return out, nil
}

// FilterLogEventsInput is FilterLogEvents' request.
type FilterLogEventsInput struct {
	LogGroupName        *string  `json:"logGroupName"`
	LogGroupIdentifier  *string  `json:"logGroupIdentifier"`
	LogStreamNames      []string `json:"logStreamNames"`
	LogStreamNamePrefix *string  `json:"logStreamNamePrefix"`
	StartTime           *int64   `json:"startTime"`
	EndTime             *int64   `json:"endTime"`
	FilterPattern       *string  `json:"filterPattern"`
	NextToken           *string  `json:"nextToken"`
	Limit               *int     `json:"limit"`
	Interleaved         *bool    `json:"interleaved"`
}

// FilteredLogEvent is a matching event.
type FilteredLogEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

// SearchedLogStream says a stream was searched.
type SearchedLogStream struct {
	LogStreamName      string `json:"logStreamName"`
	SearchedCompletely bool   `json:"searchedCompletely"`
}

// FilterLogEventsOutput is FilterLogEvents' response.
type FilterLogEventsOutput struct {
	Events             []FilteredLogEvent  `json:"events"`
	SearchedLogStreams []SearchedLogStream `json:"searchedLogStreams"`
	NextToken          *string             `json:"nextToken,omitempty"`
}

type filtered struct {
	FilteredLogEvent
	seq uint64
}

// FilterLogEvents searches a group's streams for events matching a text
// filter pattern, in time order across streams.
func (s *Service) FilterLogEvents(ctx context.Context, in *FilterLogEventsInput) (*FilterLogEventsOutput, error) {
	var v validation
	limit := checkLimit(&v, in.Limit, 10000)
	if err := v.err(); err != nil {
		return nil, err
	}
	if in.LogStreamNames != nil && in.LogStreamNamePrefix != nil {
		return nil, invalidParam("logStreamNames and logStreamNamePrefix are mutually exclusive")
	}
	group, err := groupName(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	var pat *pattern
	if in.FilterPattern != nil {
		if pat, err = parsePattern(*in.FilterPattern); err != nil {
			return nil, invalidParam("Invalid filter pattern")
		}
	}
	info := request.From(ctx)
	var all []filtered
	var searched []SearchedLogStream
	err = s.kv.View(ctx, func(r storage.Reader) error {
		if _, err := r.Get(groupKey(info.Account, info.Region, group)); err != nil {
			return groupNotFound()
		}
		var streams []string
		base := streamPrefix(info.Account, info.Region, group)
		it := r.Iter(storage.IterOptions{Lower: base, Upper: upper(base)})
		for it.Next() {
			name := string(it.Key()[len(base):])
			if in.LogStreamNamePrefix != nil && !strings.HasPrefix(name, *in.LogStreamNamePrefix) {
				continue
			}
			if in.LogStreamNames != nil && !contains(in.LogStreamNames, name) {
				continue
			}
			streams = append(streams, name)
		}
		if err := it.Close(); err != nil {
			return err
		}
		for _, st := range streams {
			searched = append(searched, SearchedLogStream{LogStreamName: st, SearchedCompletely: true})
			prefix := eventPrefix(info.Account, info.Region, group, st)
			lower, up := prefix, upper(prefix)
			if in.StartTime != nil {
				lower = eventKey(prefix, *in.StartTime, 0)
			}
			if in.EndTime != nil {
				up = eventKey(prefix, *in.EndTime+1, 0)
			}
			it := r.Iter(storage.IterOptions{Lower: lower, Upper: up})
			for it.Next() {
				var e event
				if err := jsonUnmarshal(it.Value(), &e); err != nil {
					it.Close()
					return err
				}
				if pat != nil && !pat.match(e.Message) {
					continue
				}
				k := it.Key()[len(prefix):]
				ts := int64(binary.BigEndian.Uint64(k))
				seq := binary.BigEndian.Uint64(k[8:])
				all = append(all, filtered{FilteredLogEvent{LogStreamName: st, Timestamp: ts, Message: e.Message,
					IngestionTime: e.Ingestion, EventID: fmt.Sprintf("%d%020d", ts, seq)}, seq})
			}
			if err := it.Close(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Timestamp != all[j].Timestamp {
			return all[i].Timestamp < all[j].Timestamp
		}
		return all[i].seq < all[j].seq
	})
	start, err := offsetToken(in.NextToken, len(all))
	if err != nil {
		return nil, err
	}
	end := min(start+limit, len(all))
	out := &FilterLogEventsOutput{Events: make([]FilteredLogEvent, 0, end-start), SearchedLogStreams: searched}
	for _, e := range all[start:end] {
		out.Events = append(out.Events, e.FilteredLogEvent)
	}
	if out.SearchedLogStreams == nil {
		out.SearchedLogStreams = []SearchedLogStream{}
	}
	if end < len(all) {
		t := "o" + strconv.Itoa(end)
		out.NextToken = &t
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
