package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

var binary string

// TestMain builds the real binary once; these tests drive it as a user does.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "nimbus-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "nimbus")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building nimbus: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type proc struct {
	cmd      *exec.Cmd
	endpoint string
	out      *bufio.Reader
}

// start runs `nimbus serve args...` on a free port and waits for it to print its endpoint.
func start(t *testing.T, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0", "--no-access-log"}, args...)...)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, out: bufio.NewReader(stdout)}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for {
		line, err := p.out.ReadString('\n')
		if err != nil {
			t.Fatalf("nimbus exited before printing its endpoint: %v", err)
		}
		if ep, ok := strings.CutPrefix(line, "endpoint: "); ok {
			p.endpoint = strings.TrimSpace(ep)
			return p
		}
	}
}

func client(endpoint string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", ""),
		Retryer:     aws.NopRetryer{},
	})
}

func TestVersionAndHelp(t *testing.T) {
	out, err := exec.Command(binary, "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "nimbus ") {
		t.Fatalf("version: %v %q", err, out)
	}
	out, err = exec.Command(binary, "--help").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "-memory") || !strings.Contains(string(out), "nimbus [serve] [flags]") {
		t.Fatalf("--help: %v %s", err, out)
	}
	if err := exec.Command(binary, "bogus").Run(); err == nil {
		t.Fatal("unknown command succeeded")
	}
}

func TestRefusesPublicListenWithoutStrictAuth(t *testing.T) {
	out, err := exec.Command(binary, "serve", "--memory", "--addr", "0.0.0.0:0").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "refusing to listen") {
		t.Fatalf("got %v: %s", err, out)
	}
}

func TestServeHealthAndGracefulStop(t *testing.T) {
	dir := t.TempDir()
	p := start(t, "--data", dir)
	resp, err := http.Get(p.endpoint + "/_nimbus/health")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("health: %v", err)
	}
	resp.Body.Close()
	c := client(p.endpoint)
	createTable(t, c)
	if _, err := c.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String("tbl"),
		Item: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "kept"}}}); err != nil {
		t.Fatal(err)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	rest, _ := io.ReadAll(p.out)
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v (%s)", err, rest)
	}
	if !strings.Contains(string(rest), "shutting down") {
		t.Fatalf("no shutdown message: %q", rest)
	}
	p2 := start(t, "--data", dir)
	out, err := client(p2.endpoint).GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String("tbl"),
		Key: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "kept"}}})
	if err != nil || out.Item == nil {
		t.Fatalf("item lost across restart: %v", err)
	}
}

func createTable(t *testing.T, c *dynamodb.Client) {
	t.Helper()
	_, err := c.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:            aws.String("tbl"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCrashSafety kills nimbus with SIGKILL while clients are being
// acknowledged, restarts it on the same directory, and finds every
// acknowledged item.
func TestCrashSafety(t *testing.T) {
	dir := t.TempDir()
	p := start(t, "--data", dir)
	c := client(p.endpoint)
	createTable(t, c)

	var mu sync.Mutex
	var acked []string
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	enough := make(chan struct{})
	var once sync.Once
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				id := fmt.Sprintf("w%d-%d", w, i)
				_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("tbl"),
					Item: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: id}}})
				if err != nil {
					return // the server died mid-request: not acknowledged
				}
				mu.Lock()
				acked = append(acked, id)
				if len(acked) >= 400 {
					once.Do(func() { close(enough) })
				}
				mu.Unlock()
			}
		}(w)
	}
	select {
	case <-enough:
	case <-time.After(60 * time.Second):
		t.Fatal("writes too slow")
	}
	p.cmd.Process.Signal(syscall.SIGKILL) // while the workers are still writing
	p.cmd.Wait()
	cancel()
	wg.Wait()

	p2 := start(t, "--data", dir)
	c2 := client(p2.endpoint)
	mu.Lock()
	defer mu.Unlock()
	for _, id := range acked {
		out, err := c2.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String("tbl"),
			Key: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: id}}})
		if err != nil {
			t.Fatal(err)
		}
		if out.Item == nil {
			t.Fatalf("acknowledged item %s lost after SIGKILL (%d acknowledged)", id, len(acked))
		}
	}
	t.Logf("%d acknowledged items all survived SIGKILL", len(acked))
}
