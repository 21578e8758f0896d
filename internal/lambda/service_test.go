package lambda

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/credentials"
	"github.com/nimbus-cloud/nimbus/internal/storage/pebble"
)

func newService(t *testing.T, o Options) *Service {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	kv, err := pebble.OpenMem(pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	o.KV = kv
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		kv.Close()
	})
	return s
}

func createPy(t *testing.T, s *Service, name, src string) {
	t.Helper()
	rt, h, role := "python3.12", "app.handler", "arn:aws:iam::000000000000:role/r"
	_, err := s.CreateFunction(context.Background(), &CreateFunctionInput{FunctionName: name, Runtime: &rt, Handler: &h, Role: &role,
		Code: &FunctionCode{ZipFile: zipOf(t, map[string]string{"app.py": src})}})
	if err != nil {
		t.Fatal(err)
	}
}

// dead reports whether pid has exited (gone, or a zombie nobody reaped).
func dead(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	return len(f) > 0 && (f[0] == "Z" || f[0] == "X")
}

// TestCloseKillsSandboxes: no runtime process, nor anything it started,
// outlives Close.
func TestCloseKillsSandboxes(t *testing.T) {
	keys := credentials.NewStore()
	s := newService(t, Options{Keys: keys, Endpoint: func() string { return "http://127.0.0.1:1" }})
	createPy(t, s, "spawner", `
import os, subprocess
def handler(event, context):
    p = subprocess.Popen(["sleep", "300"])
    return {"child": p.pid, "self": os.getpid(), "key": os.environ["AWS_ACCESS_KEY_ID"],
            "token": bool(os.environ.get("AWS_SESSION_TOKEN")), "endpoint": os.environ["AWS_ENDPOINT_URL"],
            "leak": os.environ.get("GOPATH") or os.environ.get("HOSTNAME")}
`)
	res, err := s.Invoke(context.Background(), InvokeRequest{Account: "000000000000", Region: "us-east-1", FunctionName: "spawner", Payload: []byte("{}")})
	if err != nil || res.FunctionError != "" {
		t.Fatalf("%v %s", err, res.Payload)
	}
	var out struct {
		Child, Self int
		Key         string
		Token       bool
		Endpoint    string
		Leak        *string
	}
	json.Unmarshal(res.Payload, &out)
	if out.Child == 0 || out.Self == 0 {
		t.Fatalf("payload %s", res.Payload)
	}
	k, ok := keys.Lookup(out.Key)
	if !ok || !out.Token || k.Principal != "arn:aws:sts::000000000000:assumed-role/r/spawner" || out.Endpoint != "http://127.0.0.1:1" {
		t.Fatalf("credentials %+v %+v", out, k)
	}
	if out.Leak != nil {
		t.Errorf("nimbus's environment leaked: %s", *out.Leak)
	}
	if dead(out.Self) || dead(out.Child) {
		t.Fatal("sandbox not running before Close")
	}
	s.Close()
	if !dead(out.Self) || !dead(out.Child) {
		t.Fatalf("processes survived Close: runtime %v child %v", !dead(out.Self), !dead(out.Child))
	}
	if _, ok := keys.Lookup(out.Key); ok {
		t.Error("the sandbox's credentials outlived it")
	}
}

// TestEventRetries: a failing Event invocation runs three times in all.
func TestEventRetries(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	s := newService(t, Options{EventRetryDelays: []time.Duration{0, 0}})
	createPy(t, s, "flaky", `
import socket
def handler(event, context):
    c = socket.create_connection(("127.0.0.1", event["port"]))
    c.sendall(b"x")
    c.close()
    raise RuntimeError("always fails")
`)
	port := ln.Addr().(*net.TCPAddr).Port
	res, err := s.Invoke(context.Background(), InvokeRequest{Account: "000000000000", Region: "us-east-1", FunctionName: "flaky",
		InvocationType: "Event", Payload: []byte(`{"port": ` + strconv.Itoa(port) + `}`)})
	if err != nil || res.StatusCode != 202 {
		t.Fatalf("%v %+v", err, res)
	}
	for i := 0; i < 3; i++ {
		c, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
	s.events.Wait() // no fourth attempt: the queue drains
	ln.(*net.TCPListener).SetDeadline(time.Now())
	if c, err := ln.Accept(); err == nil {
		c.Close()
		t.Fatal("a fourth attempt")
	}
}

func TestResourcePolicy(t *testing.T) {
	s := newService(t, Options{})
	createPy(t, s, "guarded", "def handler(e, c):\n    return 'ok'\n")
	ctx := context.Background()
	req := InvokeRequest{Account: "000000000000", Region: "us-east-1", FunctionName: "guarded", Principal: "apigateway.amazonaws.com",
		SourceARN: "arn:aws:execute-api:us-east-1:000000000000:abc123/prod/GET/items"}
	if _, err := s.Invoke(ctx, req); err == nil || !strings.Contains(err.Error(), "AccessDeniedException") {
		t.Fatalf("no policy: %v", err)
	}
	src := "arn:aws:execute-api:us-east-1:000000000000:abc123/*/GET/*"
	if _, err := s.AddPermission(ctx, &AddPermissionInput{FunctionName: "guarded", StatementId: "apigw", Action: "lambda:InvokeFunction",
		Principal: "apigateway.amazonaws.com", SourceArn: &src}); err != nil {
		t.Fatal(err)
	}
	res, err := s.Invoke(ctx, req)
	if err != nil || string(res.Payload) != `"ok"` {
		t.Fatalf("allowed: %v %+v", err, res)
	}
	req.SourceARN = "arn:aws:execute-api:us-east-1:000000000000:other/prod/GET/items"
	if _, err := s.Invoke(ctx, req); err == nil {
		t.Fatal("another API was allowed")
	}
	if err := s.InvokeAsync(ctx, "000000000000", "us-east-1", "arn:aws:lambda:us-east-1:000000000000:function:guarded", []byte("{}"),
		"arn:aws:s3:::bucket", "000000000000"); err == nil {
		t.Fatal("S3 was allowed without a statement")
	}
	if _, err := s.AddPermission(ctx, &AddPermissionInput{FunctionName: "guarded", StatementId: "s3", Action: "lambda:InvokeFunction",
		Principal: "s3.amazonaws.com", SourceArn: strPtr("arn:aws:s3:::bucket")}); err != nil {
		t.Fatal(err)
	}
	if err := s.InvokeAsync(ctx, "000000000000", "us-east-1", "arn:aws:lambda:us-east-1:000000000000:function:guarded", []byte("{}"),
		"arn:aws:s3:::bucket", "000000000000"); err != nil {
		t.Fatal(err)
	}
}

func strPtr(s string) *string { return &s }

var _ = syscall.Kill

// TestEventWaitsForConcurrency: Event invocations beyond the reserved
// concurrency wait their turn instead of failing.
func TestEventWaitsForConcurrency(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	s := newService(t, Options{EventRetryDelays: []time.Duration{0, 0}})
	createPy(t, s, "serial", `
import socket
def handler(event, context):
    c = socket.create_connection(("127.0.0.1", event["port"]))
    c.sendall(str(event["i"]).encode())
    c.recv(1)
    c.close()
`)
	one := 1
	if _, err := s.PutFunctionConcurrency(context.Background(), &PutFunctionConcurrencyInput{FunctionName: "serial", ReservedConcurrentExecutions: &one}); err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	for i := 0; i < 3; i++ {
		res, err := s.Invoke(context.Background(), InvokeRequest{Account: "000000000000", Region: "us-east-1", FunctionName: "serial",
			InvocationType: "Event", Payload: []byte(`{"port": ` + port + `, "i": ` + strconv.Itoa(i) + `}`)})
		if err != nil || res.StatusCode != 202 {
			t.Fatalf("%v %+v", err, res)
		}
	}
	seen := map[string]bool{}
	for i := 0; i < 3; i++ {
		c, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 8)
		n, _ := c.Read(b)
		seen[string(b[:n])] = true
		c.Write([]byte("x"))
		c.Close()
	}
	s.events.Wait()
	if len(seen) != 3 {
		t.Fatalf("ran %v", seen)
	}
}

type fakeS3 map[string][]byte

func (f fakeS3) GetObject(ctx context.Context, account, region, bucket, key string) (io.ReadCloser, int64, error) {
	if bucket != "code" {
		return nil, 0, &awserr.Error{Code: "NoSuchBucket", Status: 404}
	}
	b, ok := f[key]
	if !ok {
		return nil, 0, fmt.Errorf("get: %w", ErrNoSuchKey)
	}
	return io.NopCloser(bytes.NewReader(b)), int64(len(b)), nil
}

func TestCodeFromS3(t *testing.T) {
	src := fakeS3{"fn.zip": zipOf(t, map[string]string{"app.py": "def handler(e, c):\n    return 's3'\n"})}
	s := newService(t, Options{Code: src})
	ctx := context.Background()
	rt, h, role := "python3.12", "app.handler", "arn:aws:iam::000000000000:role/r"
	mk := func(bucket, key string) error {
		_, err := s.CreateFunction(ctx, &CreateFunctionInput{FunctionName: "from-s3", Runtime: &rt, Handler: &h, Role: &role,
			Code: &FunctionCode{S3Bucket: &bucket, S3Key: &key}})
		return err
	}
	if err := mk("other", "fn.zip"); err == nil || !strings.Contains(err.Error(), "S3 Error Code: NoSuchBucket") {
		t.Fatalf("missing bucket: %v", err)
	}
	if err := mk("code", "nope.zip"); err == nil || !strings.Contains(err.Error(), "S3 Error Code: NoSuchKey") {
		t.Fatalf("missing key: %v", err)
	}
	if err := mk("code", "fn.zip"); err != nil {
		t.Fatal(err)
	}
	res, err := s.Invoke(ctx, InvokeRequest{Account: "000000000000", Region: "us-east-1", FunctionName: "from-s3"})
	if err != nil || string(res.Payload) != `"s3"` {
		t.Fatalf("%v %+v", err, res)
	}
}

func TestDeleteRemovesCode(t *testing.T) {
	s := newService(t, Options{})
	createPy(t, s, "gone", "def handler(e, c):\n    return 1\n")
	dir := s.dataDir + "/000000000000/us-east-1/gone"
	if _, err := os.Stat(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteFunction(context.Background(), &DeleteFunctionInput{FunctionName: "gone"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Fatal("code left behind")
	}
	createPy(t, s, "gone", "def handler(e, c):\n    return 2\n")
	res, err := s.Invoke(context.Background(), InvokeRequest{Account: "000000000000", Region: "us-east-1", FunctionName: "gone"})
	if err != nil || string(res.Payload) != "2" {
		t.Fatalf("%v %+v", err, res)
	}
}

// TestWarmAndReaped: a sandbox is reused while warm, and a cold start
// follows once the reaper has closed it.
func TestWarmAndReaped(t *testing.T) {
	s := newService(t, Options{})
	createPy(t, s, "warm", "import os\ndef handler(e, c):\n    return os.getpid()\n")
	call := func() (string, string) {
		res, err := s.Invoke(context.Background(), InvokeRequest{Account: "000000000000", Region: "us-east-1", FunctionName: "warm", LogType: "Tail"})
		if err != nil || res.FunctionError != "" {
			t.Fatalf("%v %+v", err, res)
		}
		tail, _ := base64.StdEncoding.DecodeString(res.LogResult)
		return string(res.Payload), string(tail)
	}
	pid1, tail := call()
	if !strings.Contains(tail, "Init Duration") {
		t.Fatalf("first call not a cold start:\n%s", tail)
	}
	pid2, tail := call()
	if pid1 != pid2 || strings.Contains(tail, "Init Duration") {
		t.Fatalf("not reused: %s then %s", pid1, pid2)
	}
	s.reapIdle(time.Now().Add(time.Hour)) // everything is idle "too long"
	n, _ := strconv.Atoi(pid1)
	if !dead(n) {
		t.Fatal("the reaped sandbox's process is alive")
	}
	pid3, _ := call()
	if pid3 == pid1 {
		t.Fatal("reaped sandbox reused")
	}
}
