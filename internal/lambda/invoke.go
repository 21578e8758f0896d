package lambda

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/lambda/runtimeapi"
	"github.com/nimbus-cloud/nimbus/internal/lambda/sandbox"
	"github.com/nimbus-cloud/nimbus/internal/request"
)

// Payload limits.
const (
	maxSyncPayload  = 6291456 // 6 MB, RequestResponse
	maxAsyncPayload = 262144  // 256 KB, Event
	logTailBytes    = 4096
)

// InvokeRequest is an invocation from another service or from the API.
type InvokeRequest struct {
	Account, Region string
	// FunctionName is a name, partial ARN or ARN, optionally with :qualifier.
	FunctionName string
	Qualifier    string
	Payload      []byte
	// InvocationType is RequestResponse (default), Event or DryRun.
	InvocationType string
	// LogType Tail returns the log tail in InvokeResult.LogResult.
	LogType       string
	ClientContext string
	// Principal is the calling service's principal (s3.amazonaws.com,
	// apigateway.amazonaws.com, events.amazonaws.com). When set, the
	// function's resource policy must allow it (with SourceARN and
	// SourceAccount), as AWS checks for service invocations; "" is an
	// IAM caller in the function's own account, which needs no policy.
	Principal     string
	SourceARN     string
	SourceAccount string
}

// InvokeResult is an invocation's outcome.
type InvokeResult struct {
	// StatusCode is 200 (RequestResponse), 202 (Event) or 204 (DryRun).
	StatusCode int
	Payload    []byte
	// FunctionError is "Unhandled" when the function failed (its error,
	// a timeout, a crash); Payload then holds the error document.
	FunctionError string
	// LogResult is the base64 of the last 4 KB of the log (LogType Tail).
	LogResult       string
	ExecutedVersion string
}

// Invoke runs a function for another service. Errors are *awserr.Error:
// ResourceNotFoundException (no such function or qualifier),
// AccessDeniedException (a service principal the resource policy does not
// allow), TooManyRequestsException (concurrency), RequestTooLargeException,
// InvalidRequestContentException (payload not JSON). A function's own
// failure is not an error: it is reported in FunctionError.
func (s *Service) Invoke(ctx context.Context, req InvokeRequest) (*InvokeResult, error) {
	typ := req.InvocationType
	if typ == "" {
		typ = "RequestResponse"
	}
	switch typ {
	case "RequestResponse":
		if len(req.Payload) > maxSyncPayload {
			return nil, &awserr.Error{Code: "RequestTooLargeException", Status: 413, Fields: userType,
				Message: fmt.Sprintf("Request must be smaller than %d bytes for the InvokeFunction operation", maxSyncPayload)}
		}
	case "Event":
		if len(req.Payload) > maxAsyncPayload {
			return nil, &awserr.Error{Code: "RequestTooLargeException", Status: 413, Fields: userType,
				Message: fmt.Sprintf("Request must be smaller than %d bytes for the InvokeFunction operation", maxAsyncPayload)}
		}
	case "DryRun":
	default:
		return nil, validationOne(fmt.Sprintf("Value '%s' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]", typ))
	}
	if req.LogType != "" && req.LogType != "None" && req.LogType != "Tail" {
		return nil, validationOne(fmt.Sprintf("Value '%s' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [None, Tail]", req.LogType))
	}
	payload := req.Payload
	if len(bytes.TrimSpace(payload)) == 0 {
		payload = []byte("{}")
	} else if !json.Valid(payload) {
		return nil, invalidRequestContent("Could not parse request body into json: Could not parse payload into json: " + jsonProblem(payload))
	}
	ctx = request.With(ctx, &request.Info{Account: req.Account, Region: req.Region, Received: time.Now()})

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, &awserr.Error{Code: "ServiceException", Status: 500, Fault: true, Message: "nimbus is shutting down"}
	}
	f, q, err := s.lookup(ctx, req.FunctionName)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if req.Qualifier != "" {
		q = req.Qualifier
	}
	ver, err := f.resolve(q)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if req.Principal != "" && !f.allowed(req.Principal, q, req.SourceARN, req.SourceAccount) {
		s.mu.Unlock()
		resource := f.arn()
		if q != "" {
			resource += ":" + q
		}
		return nil, &awserr.Error{Code: "AccessDeniedException", Status: 403,
			Message: fmt.Sprintf("User: %s is not authorized to perform: lambda:InvokeFunction on resource: %s because no resource-based policy allows the lambda:InvokeFunction action", req.Principal, resource)}
	}
	fc, vc := *f, *ver
	invokedARN := f.arn()
	if q != "" {
		invokedARN += ":" + q
	}
	s.mu.Unlock()

	switch typ {
	case "DryRun":
		return &InvokeResult{StatusCode: 204}, nil
	case "Event":
		s.enqueue(&fc, &vc, invokedARN, payload)
		return &InvokeResult{StatusCode: 202}, nil
	}
	res, err := s.run(ctx, &fc, &vc, invokedARN, payload, req.ClientContext)
	if err != nil {
		return nil, err
	}
	out := &InvokeResult{StatusCode: 200, Payload: res.payload, FunctionError: res.functionError, ExecutedVersion: vc.Version}
	if req.LogType == "Tail" {
		tail := res.log
		if len(tail) > logTailBytes {
			tail = tail[len(tail)-logTailBytes:]
		}
		out.LogResult = base64.StdEncoding.EncodeToString(tail)
	}
	return out, nil
}

// InvokeAsync queues an Event invocation from S3 (principal
// s3.amazonaws.com), checking the resource policy against sourceARN and
// sourceAccount.
func (s *Service) InvokeAsync(ctx context.Context, account, region, functionARN string, payload []byte, sourceARN, sourceAccount string) error {
	_, err := s.Invoke(ctx, InvokeRequest{Account: account, Region: region, FunctionName: functionARN, Payload: payload,
		InvocationType: "Event", Principal: "s3.amazonaws.com", SourceARN: sourceARN, SourceAccount: sourceAccount})
	return err
}

func jsonProblem(b []byte) string {
	var v any
	err := json.Unmarshal(b, &v)
	if err == nil {
		return "invalid JSON"
	}
	tok := string(b)
	if i := strings.IndexAny(tok, " \t\r\n,:{}[]"); i > 0 {
		tok = tok[:i]
	}
	if len(tok) > 40 {
		tok = tok[:40]
	}
	return fmt.Sprintf("Unrecognized token '%s': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", tok)
}

// runResult is one finished invocation.
type runResult struct {
	payload       []byte
	functionError string
	log           []byte
}

func newRequestID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// acquire reserves concurrency and takes a warm sandbox (or nil, meaning
// start one).
func (s *Service) acquire(f *function, v *version) (*sandboxRef, string, error) {
	key := s.poolKey(f, v)
	s.mu.Lock()
	defer s.mu.Unlock()
	fk := f.key()
	if cur := s.funcs[fk]; cur != nil && cur.Reserved != nil && s.running[fk] >= *cur.Reserved {
		return nil, "", tooManyRequests("ReservedFunctionConcurrentInvocationLimitExceeded")
	}
	if s.total[f.Account] >= s.o.AccountConcurrency {
		return nil, "", tooManyRequests("ConcurrentInvocationLimitExceeded")
	}
	s.running[fk]++
	s.total[f.Account]++
	p := s.pools[key]
	if p == nil {
		if v.HotReload {
			// The folder changed: older sandboxes of this version are stale.
			for k, old := range s.pools {
				if strings.HasPrefix(k, poolPrefix(f, v.Version)) {
					delete(s.pools, k)
					old.retired = true
					for _, r := range old.idle {
						go r.close()
					}
					old.idle = nil
				}
			}
		}
		p = &pool{key: key}
		s.pools[key] = p
	}
	for len(p.idle) > 0 {
		r := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		if r.sb.Alive() {
			return r, key, nil
		}
		go r.close()
	}
	return nil, key, nil
}

// release returns a sandbox to its pool (or closes it) and frees the concurrency.
func (s *Service) release(f *function, key string, r *sandboxRef) {
	s.mu.Lock()
	fk := f.key()
	s.running[fk]--
	s.total[f.Account]--
	close(s.freed) // wake Event invocations waiting for concurrency
	s.freed = make(chan struct{})
	p := s.pools[key]
	keep := r != nil && r.sb.Alive() && p != nil && !p.retired && !s.closed
	if keep {
		r.lastUsed = time.Now()
		p.idle = append(p.idle, r)
	}
	s.mu.Unlock()
	if r != nil && !keep {
		r.close()
	}
}

// run performs one RequestResponse invocation in a sandbox.
func (s *Service) run(ctx context.Context, f *function, v *version, invokedARN string, payload []byte, clientContext string) (*runResult, error) {
	ref, key, err := s.acquire(f, v)
	if err != nil {
		return nil, err
	}
	id := newRequestID()
	start := time.Now()
	if ref == nil {
		ref, err = s.startSandbox(f, v)
		if err != nil {
			s.release(f, key, nil)
			return s.startFailure(ctx, f, v, id, err)
		}
	}
	inv := runtimeapi.NewInvocation(id, payload)
	inv.FunctionARN = invokedARN
	inv.TraceID = fmt.Sprintf("Root=1-%08x-%s;Parent=%s;Sampled=0", start.Unix(), id[:8]+id[9:13]+id[14:18]+id[19:23]+id[24:28], id[24:])
	if clientContext != "" {
		if b, err := base64.StdEncoding.DecodeString(clientContext); err == nil {
			inv.ClientContext = string(b)
		}
	}
	rctx := s.ctx
	res := ref.sb.Invoke(rctx, inv, time.Duration(v.Timeout)*time.Second)
	elapsed := time.Since(start) - res.Init
	s.release(f, key, ref)

	out := &runResult{}
	var extra []string
	switch res.Outcome {
	case sandbox.OK:
		out.payload = res.Payload
	case sandbox.FunctionError, sandbox.InitError:
		out.functionError = "Unhandled"
		out.payload = res.Payload
		if len(out.payload) == 0 {
			out.payload = errorDoc("Runtime.ExitError", fmt.Sprintf("RequestId: %s Error: Runtime exited with error: %s", id, res.ExitStatus))
		}
		if res.Outcome == sandbox.InitError {
			st := "error"
			extra = append(extra, fmt.Sprintf("INIT_REPORT Init Duration: %.2f ms\tPhase: init\tStatus: %s\tError Type: %s", ms(time.Since(start)), st, errorType(out.payload)))
		}
	case sandbox.Timeout:
		out.functionError = "Unhandled"
		secs := fmt.Sprintf("%.2f", float64(v.Timeout))
		out.payload = errorDoc("Sandbox.Timedout", fmt.Sprintf("RequestId: %s Error: Task timed out after %s seconds", id, secs))
		extra = append(extra, fmt.Sprintf("%s %s Task timed out after %s seconds", time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), id, secs))
	case sandbox.Exited:
		out.functionError = "Unhandled"
		typ := "Runtime.ExitError"
		if res.OutOfMemory {
			typ = "Runtime.OutOfMemory"
		}
		out.payload = errorDoc(typ, fmt.Sprintf("RequestId: %s Error: Runtime exited with error: %s", id, res.ExitStatus))
		extra = append(extra, fmt.Sprintf("RequestId: %s Error: Runtime exited with error: %s\n%s", id, res.ExitStatus, typ))
	}
	lines := make([]string, 0, len(res.InitLogs)+len(res.Logs)+5)
	if res.Init > 0 || res.Outcome == sandbox.InitError {
		lines = append(lines, fmt.Sprintf("INIT_START Runtime Version: %s.nimbus\tRuntime Version ARN: arn:aws:lambda:%s::runtime:nimbus-%s",
			strings.Replace(v.Runtime, "python", "python:", 1), f.Region, v.Runtime))
	}
	lines = append(lines, res.InitLogs...)
	lines = append(lines, fmt.Sprintf("START RequestId: %s Version: %s", id, v.Version))
	lines = append(lines, res.Logs...)
	lines = append(lines, extra...)
	lines = append(lines, fmt.Sprintf("END RequestId: %s", id))
	report := fmt.Sprintf("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB\t",
		id, ms(elapsed), int(math.Ceil(ms(elapsed))), v.MemorySize, res.MaxMemoryMB)
	if res.Init > 0 {
		report += fmt.Sprintf("Init Duration: %.2f ms\t", ms(res.Init))
	}
	if res.Outcome == sandbox.Timeout {
		report += "Status: timeout"
	} else if res.Outcome == sandbox.Exited {
		report += "Status: error\tError Type: " + errorType(out.payload)
	}
	lines = append(lines, report)
	s.writeLogs(f, ref.stream, lines)
	var buf bytes.Buffer
	for _, l := range lines {
		buf.WriteString(l)
		buf.WriteByte('\n')
	}
	out.log = buf.Bytes()
	return out, nil
}

// startFailure reports a sandbox that could not start as the function
// error AWS gives for a missing bootstrap (or an internal error).
func (s *Service) startFailure(ctx context.Context, f *function, v *version, id string, err error) (*runResult, error) {
	if errors.Is(err, errInvalidEntrypoint) {
		msg := fmt.Sprintf("RequestId: %s Error: Couldn't find valid bootstrap(s): [%s/bootstrap /opt/bootstrap]", id, v.CodeDir)
		lines := []string{fmt.Sprintf("START RequestId: %s Version: %s", id, v.Version), msg + "\nRuntime.InvalidEntrypoint",
			fmt.Sprintf("END RequestId: %s", id), fmt.Sprintf("REPORT RequestId: %s\tDuration: 0.00 ms\tBilled Duration: 0 ms\tMemory Size: %d MB\tMax Memory Used: 0 MB\t", id, v.MemorySize)}
		s.writeLogs(f, "", lines)
		return &runResult{functionError: "Unhandled", payload: errorDoc("Runtime.InvalidEntrypoint", msg), log: []byte(strings.Join(lines, "\n") + "\n")}, nil
	}
	s.log.Error("lambda: starting sandbox", "function", f.arn(), "err", err)
	return nil, &awserr.Error{Code: "ServiceException", Status: 500, Fault: true, Message: "nimbus could not start the function's runtime: " + err.Error()}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func errorDoc(typ, msg string) []byte {
	b, _ := json.Marshal(map[string]string{"errorType": typ, "errorMessage": msg})
	return b
}

func errorType(doc []byte) string {
	var e struct {
		ErrorType string `json:"errorType"`
	}
	json.Unmarshal(doc, &e)
	return e.ErrorType
}

func (s *Service) writeLogs(f *function, stream string, lines []string) {
	if s.o.Logs == nil {
		return
	}
	if stream == "" {
		stream = s.now().UTC().Format("2006/01/02") + "/[$LATEST]" + strings.ReplaceAll(newRequestID(), "-", "")
	}
	now := s.now().UnixMilli()
	ts := make([]int64, len(lines))
	for i := range ts {
		ts[i] = now
	}
	if err := s.o.Logs.AppendLogEvents(context.Background(), f.Account, f.Region, "/aws/lambda/"+f.Name, stream, ts, lines); err != nil {
		s.log.Warn("lambda: writing logs", "function", f.arn(), "err", err)
	}
}

// enqueue runs an Event invocation in the background, retrying twice on
// a function error or throttle, as AWS does.
func (s *Service) enqueue(f *function, v *version, invokedARN string, payload []byte) {
	s.events.Add(1)
	go func() {
		defer s.events.Done()
		for attempt := 0; ; attempt++ {
			s.mu.Lock()
			freed := s.freed
			s.mu.Unlock()
			res, err := s.run(s.ctx, f, v, invokedARN, payload, "")
			if err == nil && res.functionError == "" {
				return
			}
			if ae, ok := awserr.As(err); ok && ae.Code == "TooManyRequestsException" {
				// Throttled: AWS keeps the event queued until concurrency
				// frees up; it is not one of the two retries.
				attempt--
				select {
				case <-freed:
				case <-s.ctx.Done():
					return
				}
				continue
			}
			if attempt >= len(s.o.EventRetryDelays) || s.ctx.Err() != nil {
				if err != nil {
					s.log.Warn("lambda: event invocation dropped", "function", invokedARN, "err", err)
				}
				return
			}
			t := time.NewTimer(s.o.EventRetryDelays[attempt])
			select {
			case <-t.C:
			case <-s.ctx.Done():
				t.Stop()
				return
			}
		}
	}()
}

// prewarm starts n sandboxes for a version (provisioned concurrency).
func (s *Service) prewarm(f *function, v *version, n int) {
	key := s.poolKey(f, v)
	for i := 0; i < n; i++ {
		ref, err := s.startSandbox(f, v)
		if err != nil {
			s.log.Warn("lambda: provisioning", "function", f.arn(), "err", err)
			return
		}
		s.mu.Lock()
		p := s.pools[key]
		if p == nil {
			p = &pool{key: key}
			s.pools[key] = p
		}
		if s.closed {
			s.mu.Unlock()
			ref.close()
			return
		}
		ref.lastUsed = time.Now().Add(24 * time.Hour) // provisioned: not reaped
		p.idle = append(p.idle, ref)
		s.mu.Unlock()
	}
}

// InvokeInput is the Invoke API's request.
type InvokeInput struct {
	FunctionName   string  `location:"uri" name:"FunctionName"`
	InvocationType *string `location:"header" name:"X-Amz-Invocation-Type"`
	LogType        *string `location:"header" name:"X-Amz-Log-Type"`
	ClientContext  *string `location:"header" name:"X-Amz-Client-Context"`
	Qualifier      *string `location:"querystring" name:"Qualifier"`
	Payload        []byte  `location:"payload"`
}

// InvokeOutput is the Invoke API's response.
type InvokeOutput struct {
	StatusCode      int     `location:"statusCode"`
	FunctionError   *string `location:"header" name:"X-Amz-Function-Error"`
	LogResult       *string `location:"header" name:"X-Amz-Log-Result"`
	ExecutedVersion *string `location:"header" name:"X-Amz-Executed-Version"`
	Payload         []byte  `location:"payload"`
}

func (s *Service) invokeHTTP(ctx context.Context, in *InvokeInput) (*InvokeOutput, error) {
	var v validation
	checkFunctionName(&v, in.FunctionName, 170)
	checkQualifier(&v, in.Qualifier)
	if err := v.err(); err != nil {
		return nil, err
	}
	info := request.From(ctx)
	req := InvokeRequest{Account: info.Account, Region: info.Region, FunctionName: in.FunctionName, Payload: in.Payload}
	if in.Qualifier != nil {
		req.Qualifier = *in.Qualifier
	}
	if in.InvocationType != nil {
		req.InvocationType = *in.InvocationType
	}
	if in.LogType != nil {
		req.LogType = *in.LogType
	}
	if in.ClientContext != nil {
		req.ClientContext = *in.ClientContext
	}
	res, err := s.Invoke(ctx, req)
	if err != nil {
		return nil, err
	}
	out := &InvokeOutput{StatusCode: res.StatusCode}
	if res.StatusCode == 200 {
		out.Payload = res.Payload
		if out.Payload == nil {
			out.Payload = []byte{}
		}
		out.ExecutedVersion = &res.ExecutedVersion
	}
	if res.FunctionError != "" {
		out.FunctionError = &res.FunctionError
	}
	if res.LogResult != "" {
		out.LogResult = &res.LogResult
	}
	return out, nil
}
