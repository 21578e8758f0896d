package apigateway

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// LogSink receives execution and access log lines (CloudWatch Logs): it
// appends events to group/stream, creating both when missing; ms are Unix
// milliseconds, one per message.
type LogSink interface {
	AppendLogEvents(ctx context.Context, account, region, group, stream string, ms []int64, messages []string) error
}

// logEntry is one batch of lines for one stream.
type logEntry struct {
	account, region, group, stream string
	ms                             []int64
	lines                          []string
}

// logger writes log lines in the background, so that requests never wait
// for the log store (AWS delivers these logs asynchronously too).
type logger struct {
	sink LogSink
	ch   chan logEntry
	wg   sync.WaitGroup
	once sync.Once
}

func newLogger(sink LogSink, log interface {
	Warn(string, ...any)
}) *logger {
	l := &logger{sink: sink, ch: make(chan logEntry, 4096)}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		for e := range l.ch {
			if err := sink.AppendLogEvents(context.Background(), e.account, e.region, e.group, e.stream, e.ms, e.lines); err != nil {
				log.Warn("writing API Gateway logs", "group", e.group, "err", err)
			}
		}
	}()
	return l
}

// send queues an entry; when the queue is full the entry is dropped
// rather than slowing requests down.
func (l *logger) send(e logEntry) {
	select {
	case l.ch <- e:
	default:
	}
}

func (l *logger) close() {
	l.once.Do(func() { close(l.ch) })
	l.wg.Wait()
}

// Close stops the log writer after it has written what is queued.
func (s *Service) Close() {
	if s.logs != nil {
		s.logs.close()
	}
}

// recorder remembers the status and size of the answer for the logs.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(p)
	r.bytes += n
	return n, err
}

// logGroupRE reads the group name from a destination ARN.
var logGroupRE = regexp.MustCompile(`^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:([^:]+)(:\*)?$`)

// contextVarRE finds $context.a.b references in an access log format.
var contextVarRE = regexp.MustCompile(`\$context\.([A-Za-z0-9_.]+)`)

// methodSetting returns the stage's setting for the method, falling back
// to */*.
func methodSetting(st *Stage, resourcePath, method string) *MethodSetting {
	if ms := st.MethodSettings[strings.TrimPrefix(resourcePath, "/")+"/"+method]; ms != nil {
		return ms
	}
	return st.MethodSettings["*/*"]
}

// writeLogs sends the request's access log line and, when the stage's
// logging level asks for them, its execution log lines.
func (c *call) writeLogs(rec *recorder) {
	l := c.s.logs
	if l == nil || c.t == nil {
		return
	}
	end := time.Now()
	c.ctx["status"] = strconv.Itoa(rec.status)
	c.ctx["responseLength"] = strconv.Itoa(rec.bytes)
	c.ctx["responseLatency"] = strconv.FormatInt(end.Sub(c.start).Milliseconds(), 10)
	c.ctx["error"] = map[string]any{"message": c.errorMsg}
	st := c.t.stage
	if als := st.AccessLogSettings; als != nil && als.DestinationArn != "" && als.Format != "" {
		if m := logGroupRE.FindStringSubmatch(als.DestinationArn); m != nil {
			line := contextVarRE.ReplaceAllStringFunc(als.Format, func(ref string) string {
				v, ok := c.paramValue(ref[1:])
				if !ok || v == "" {
					return "-"
				}
				return v
			})
			l.send(logEntry{account: c.t.c.account, region: c.t.c.region, group: m[1], stream: c.apiID + "-" + c.stage,
				ms: []int64{end.UnixMilli()}, lines: []string{line}})
		}
	}
	path := ""
	verb := c.r.Method
	if c.res != nil {
		path = c.res.Path
	}
	ms := methodSetting(st, path, verb)
	if ms == nil || (ms.LoggingLevel != "INFO" && ms.LoggingLevel != "ERROR") {
		return
	}
	if ms.LoggingLevel == "ERROR" && rec.status < 400 {
		return
	}
	id := c.info.ID
	lines := []string{
		"(" + id + ") Extended Request Id: " + id,
		"(" + id + ") Verifying Usage Plan for request: " + id + ". API Key:  API Stage: " + c.apiID + "/" + c.stage,
		"(" + id + ") Starting execution for request: " + id,
		"(" + id + ") HTTP Method: " + verb + ", Resource Path: " + c.path,
	}
	if ms.DataTraceEnabled {
		lines = append(lines, "("+id+") Method request body before transformations: "+string(c.body))
	}
	if c.errorMsg != "" {
		lines = append(lines, "("+id+") "+c.errorMsg)
	}
	lines = append(lines, "("+id+") Method completed with status: "+strconv.Itoa(rec.status))
	stamps := make([]int64, len(lines))
	for i := range stamps {
		stamps[i] = end.UnixMilli()
	}
	l.send(logEntry{account: c.t.c.account, region: c.t.c.region, group: "API-Gateway-Execution-Logs_" + c.apiID + "/" + c.stage,
		stream: c.t.c.deploymentID, ms: stamps, lines: lines})
}
