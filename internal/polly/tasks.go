package polly

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"sync"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/polly/encode"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// Synthesis task limits: a task may be much longer than a SynthesizeSpeech call.
const (
	maxTaskChars       = 200000
	maxTaskBilledChars = 100000
	tasksPageSize      = 100
)

var (
	reBucket = regexp.MustCompile(`^[a-z0-9][\.\-a-z0-9]{1,61}[a-z0-9]$`)
	// The model's pattern is [...]{0,800}; the length is checked apart, as a
	// regexp counting to 800 compiles to a program hundreds of KB large
	// (3 ms of start-up).
	reKeyPfx   = regexp.MustCompile(`^[0-9a-zA-Z\/\!\-_\.\*\'\(\):;\$@=+\,\?&]*$`)
	reSNSTopic = regexp.MustCompile(`^arn:aws(-(cn|iso(-b)?|us-gov))?:sns:[a-z0-9_-]{1,50}:\d{12}:[a-zA-Z0-9_-]{1,251}([a-zA-Z0-9_-]{0,5}|\.fifo)$`)
	reTaskID   = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,100}$`)
)

// SynthesisTask describes a task.
type SynthesisTask struct {
	Engine            string    `json:",omitempty"`
	TaskId            string    `json:",omitempty"`
	TaskStatus        string    `json:",omitempty"`
	TaskStatusReason  string    `json:",omitempty"`
	OutputUri         string    `json:",omitempty"`
	CreationTime      time.Time `json:",omitzero"`
	RequestCharacters int
	SnsTopicArn       string   `json:",omitempty"`
	LexiconNames      []string `json:",omitempty"`
	OutputFormat      string   `json:",omitempty"`
	SampleRate        string   `json:",omitempty"`
	SpeechMarkTypes   []string `json:",omitempty"`
	TextType          string   `json:",omitempty"`
	VoiceId           string   `json:",omitempty"`
	LanguageCode      string   `json:",omitempty"`
}

// storedTask is a task as kept in storage: the description and what the
// worker needs to run it.
type storedTask struct {
	Task    SynthesisTask
	Account string
	Region  string
	Bucket  string
	Key     string
	Text    string
	Engine  *string
	Lang    *string
}

// StartSpeechSynthesisTaskInput is the request.
type StartSpeechSynthesisTaskInput struct {
	Engine             *string
	LanguageCode       *string
	LexiconNames       []string
	OutputFormat       string
	OutputS3BucketName string
	OutputS3KeyPrefix  *string
	SampleRate         *string
	SnsTopicArn        *string
	SpeechMarkTypes    []string
	Text               *string
	TextType           *string
	VoiceId            string
}

// StartSpeechSynthesisTaskOutput is the response.
type StartSpeechSynthesisTaskOutput struct {
	SynthesisTask *SynthesisTask
}

func taskKey(account, region, id string) []byte {
	return []byte("polly/task/" + account + "/" + region + "/" + id)
}

// StartSpeechSynthesisTask queues an asynchronous synthesis whose output
// goes to S3 as <prefix><TaskId>.<ext>.
func (s *Service) StartSpeechSynthesisTask(ctx context.Context, in *StartSpeechSynthesisTaskInput) (*StartSpeechSynthesisTaskOutput, error) {
	if in.OutputS3BucketName == "" {
		return nil, missing("outputS3BucketName")
	}
	if !reBucket.MatchString(in.OutputS3BucketName) {
		return nil, awserr.New("InvalidS3BucketException", "The provided Amazon S3 bucket name is invalid. Please check your input with S3 bucket naming requirements and try again.")
	}
	prefix := ""
	if in.OutputS3KeyPrefix != nil {
		prefix = *in.OutputS3KeyPrefix
		if len(prefix) > 800 || !reKeyPfx.MatchString(prefix) {
			return nil, awserr.New("InvalidS3KeyException", "The provided Amazon S3 key prefix is invalid. Please provide a valid S3 object key name.")
		}
	}
	if in.SnsTopicArn != nil && !reSNSTopic.MatchString(*in.SnsTopicArn) {
		return nil, awserr.New("InvalidSnsTopicArnException", "The provided SNS topic ARN is invalid. Please provide a valid SNS topic ARN and try again.")
	}
	j, err := s.prepare(ctx, in.Engine, in.LanguageCode, in.LexiconNames, in.OutputFormat, in.SampleRate, in.SpeechMarkTypes, in.Text, in.TextType, in.VoiceId, maxTaskChars, maxTaskBilledChars)
	if err != nil {
		return nil, err
	}
	info := request.From(ctx)
	id := newTaskID()
	key := prefix + id + "." + encode.Extension(encode.Format(j.format))
	tt := "text"
	if in.TextType != nil {
		tt = *in.TextType
	}
	st := &storedTask{
		Account: info.Account, Region: info.Region, Bucket: in.OutputS3BucketName, Key: key,
		Text: *in.Text, Engine: in.Engine, Lang: in.LanguageCode,
		Task: SynthesisTask{
			Engine: j.engine, TaskId: id, TaskStatus: "scheduled",
			OutputUri:         "https://s3." + info.Region + ".amazonaws.com/" + in.OutputS3BucketName + "/" + key,
			CreationTime:      s.now().UTC().Truncate(time.Millisecond),
			RequestCharacters: j.script.billed, LexiconNames: in.LexiconNames, OutputFormat: j.format,
			SampleRate: itoa(j.rate), SpeechMarkTypes: in.SpeechMarkTypes, TextType: tt, VoiceId: j.voice.ID,
		},
	}
	if in.SnsTopicArn != nil {
		st.Task.SnsTopicArn = *in.SnsTopicArn
	}
	if in.LanguageCode != nil {
		st.Task.LanguageCode = *in.LanguageCode
	}
	if err := s.saveTask(ctx, st); err != nil {
		return nil, err
	}
	t := st.Task // the worker owns st from submit on
	if err := s.tasks.submit(st, j); err != nil {
		return nil, err
	}
	return &StartSpeechSynthesisTaskOutput{SynthesisTask: &t}, nil
}

func itoa(n int) string { return joinInts([]int{n}) }

func newTaskID() string {
	var b [16]byte
	rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (s *Service) saveTask(ctx context.Context, st *storedTask) error {
	v, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return s.kv.Update(ctx, func(tx storage.Tx) error {
		return tx.Set(taskKey(st.Account, st.Region, st.Task.TaskId), v)
	})
}

// GetSpeechSynthesisTaskInput is the request.
type GetSpeechSynthesisTaskInput struct {
	TaskId string `location:"uri" name:"TaskId"`
}

// GetSpeechSynthesisTaskOutput is the response.
type GetSpeechSynthesisTaskOutput struct {
	SynthesisTask *SynthesisTask
}

// GetSpeechSynthesisTask describes one task.
func (s *Service) GetSpeechSynthesisTask(ctx context.Context, in *GetSpeechSynthesisTaskInput) (*GetSpeechSynthesisTaskOutput, error) {
	if !reTaskID.MatchString(in.TaskId) {
		return nil, awserr.New("InvalidTaskIdException", "The provided Task ID is not valid. Please provide a valid Task ID and try again.")
	}
	info := request.From(ctx)
	var st storedTask
	err := s.kv.View(ctx, func(r storage.Reader) error {
		v, err := r.Get(taskKey(info.Account, info.Region, in.TaskId))
		if errors.Is(err, storage.ErrNotFound) {
			return &awserr.Error{Code: "SynthesisTaskNotFoundException", Message: "Synthesis task not found: " + in.TaskId, Status: 400}
		}
		if err != nil {
			return err
		}
		return json.Unmarshal(v, &st)
	})
	if err != nil {
		return nil, err
	}
	return &GetSpeechSynthesisTaskOutput{SynthesisTask: &st.Task}, nil
}

// ListSpeechSynthesisTasksInput is the request.
type ListSpeechSynthesisTasksInput struct {
	MaxResults *int    `location:"querystring" name:"MaxResults"`
	NextToken  *string `location:"querystring" name:"NextToken"`
	Status     *string `location:"querystring" name:"Status"`
}

// ListSpeechSynthesisTasksOutput is the response.
type ListSpeechSynthesisTasksOutput struct {
	NextToken      *string
	SynthesisTasks []SynthesisTask
}

// ListSpeechSynthesisTasks lists tasks, newest first, optionally by status.
func (s *Service) ListSpeechSynthesisTasks(ctx context.Context, in *ListSpeechSynthesisTasksInput) (*ListSpeechSynthesisTasksOutput, error) {
	limit := tasksPageSize
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 100 {
			return nil, awserr.Newf("ValidationException", "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100", *in.MaxResults).With("reason", "fieldValidationFailed")
		}
		limit = *in.MaxResults
	}
	statuses := []string{"scheduled", "inProgress", "completed", "failed"}
	if in.Status != nil && !oneOf(*in.Status, statuses...) {
		return nil, enumError(*in.Status, "status", statuses)
	}
	skip := 0
	if in.NextToken != nil {
		t, err := decodeToken(*in.NextToken)
		if err != nil {
			return nil, err
		}
		var n int
		if _, err := fmtSscan(t, &n); err != nil || n < 0 {
			return nil, awserr.New("InvalidNextTokenException", "The NextToken is invalid. Specify a valid token.")
		}
		skip = n
	}
	info := request.From(ctx)
	var all []SynthesisTask
	p := []byte("polly/task/" + info.Account + "/" + info.Region + "/")
	err := s.kv.View(ctx, func(r storage.Reader) error {
		it := r.Iter(storage.IterOptions{Lower: p, Upper: prefixEnd(p)})
		defer it.Close()
		for it.Next() {
			var st storedTask
			if err := json.Unmarshal(it.Value(), &st); err != nil {
				return err
			}
			if in.Status == nil || st.Task.TaskStatus == *in.Status {
				all = append(all, st.Task)
			}
		}
		return it.Err()
	})
	if err != nil {
		return nil, err
	}
	sortTasks(all)
	out := &ListSpeechSynthesisTasksOutput{SynthesisTasks: []SynthesisTask{}}
	if skip < len(all) {
		end := min(skip+limit, len(all))
		out.SynthesisTasks = all[skip:end]
		if end < len(all) {
			t := encodeToken(itoa(end))
			out.NextToken = &t
		}
	}
	return out, nil
}

// taskRunner processes tasks in the background, a few at a time.
type taskRunner struct {
	s      *Service
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	closed bool
	slots  chan struct{}
}

func newTaskRunner(s *Service) *taskRunner {
	ctx, cancel := context.WithCancel(context.Background())
	return &taskRunner{s: s, ctx: ctx, cancel: cancel, slots: make(chan struct{}, 2)}
}

func (r *taskRunner) submit(st *storedTask, j *job) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return serviceFailure(errors.New("the service is shutting down"))
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		select {
		case r.slots <- struct{}{}:
		case <-r.ctx.Done():
			return
		}
		defer func() { <-r.slots }()
		r.run(st, j)
	}()
	return nil
}

func (r *taskRunner) run(st *storedTask, j *job) {
	s := r.s
	ctx := request.With(r.ctx, &request.Info{Account: st.Account, Region: st.Region})
	st.Task.TaskStatus = "inProgress"
	if err := s.saveTask(ctx, st); err != nil {
		return
	}
	fail := func(reason string) {
		st.Task.TaskStatus = "failed"
		st.Task.TaskStatusReason = reason
		s.saveTask(context.WithoutCancel(ctx), st)
	}
	if s.objects == nil {
		fail("Error occurred while trying to upload file to S3. Please verify that the S3 bucket exists and you have write access.")
		return
	}
	body, ctype, err := s.render(ctx, j)
	if err != nil {
		if r.ctx.Err() != nil {
			return // shutting down: the task stays inProgress
		}
		var ae *awserr.Error
		if errors.As(err, &ae) {
			fail(ae.Message)
		} else {
			s.log.Error("synthesis task", "task", st.Task.TaskId, "err", err)
			fail("An internal error occurred during synthesis.")
		}
		return
	}
	if _, err := s.objects.PutObject(ctx, st.Account, st.Region, st.Bucket, st.Key, bytes.NewReader(body), ctype); err != nil {
		if r.ctx.Err() != nil {
			return
		}
		var ae *awserr.Error
		if errors.As(err, &ae) && ae.Code == "NoSuchBucket" {
			fail("Error occurred while trying to upload file to S3. Please verify that the S3 bucket exists and you have write access.")
		} else {
			s.log.Warn("synthesis task upload", "task", st.Task.TaskId, "err", err)
			fail("Error occurred while trying to upload file to S3. Please verify that the S3 bucket exists and you have write access.")
		}
		return
	}
	st.Task.TaskStatus = "completed"
	s.saveTask(context.WithoutCancel(ctx), st)
}

func (r *taskRunner) close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.cancel()
	r.wg.Wait()
}

func fmtSscan(s string, n *int) (int, error) { return fmt.Sscan(s, n) }

func sortTasks(t []SynthesisTask) {
	sort.SliceStable(t, func(i, j int) bool {
		if !t[i].CreationTime.Equal(t[j].CreationTime) {
			return t[i].CreationTime.After(t[j].CreationTime)
		}
		return t[i].TaskId < t[j].TaskId
	})
}

// resume restarts the tasks a previous run left scheduled or inProgress
// (nimbus stopped before they finished): their input is stored with them.
// A task whose input no longer prepares (a lexicon was deleted) fails.
func (r *taskRunner) resume() {
	s := r.s
	var pending []*storedTask
	p := []byte("polly/task/")
	err := s.kv.View(r.ctx, func(rd storage.Reader) error {
		it := rd.Iter(storage.IterOptions{Lower: p, Upper: prefixEnd(p)})
		defer it.Close()
		for it.Next() {
			var st storedTask
			if err := json.Unmarshal(it.Value(), &st); err != nil {
				return err
			}
			if st.Task.TaskStatus == "scheduled" || st.Task.TaskStatus == "inProgress" {
				pending = append(pending, &st)
			}
		}
		return it.Err()
	})
	if err != nil {
		if r.ctx.Err() == nil {
			s.log.Error("polly: resuming synthesis tasks", "err", err)
		}
		return
	}
	for _, st := range pending {
		ctx := request.With(r.ctx, &request.Info{Account: st.Account, Region: st.Region})
		t := &st.Task
		var rate *string
		if t.SampleRate != "" {
			rate = &t.SampleRate
		}
		tt := t.TextType
		text := st.Text
		j, err := s.prepare(ctx, st.Engine, st.Lang, t.LexiconNames, t.OutputFormat, rate, t.SpeechMarkTypes, &text, &tt, t.VoiceId, maxTaskChars, maxTaskBilledChars)
		if err != nil {
			t.TaskStatus = "failed"
			t.TaskStatusReason = "The task could not be resumed: " + err.Error()
			s.saveTask(ctx, st)
			continue
		}
		if r.submit(st, j) != nil {
			return
		}
	}
}
