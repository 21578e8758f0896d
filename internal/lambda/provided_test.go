package lambda_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

const goHandler = `package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type In struct {
	Name string ` + "`json:\"name\"`" + `
	Fail bool   ` + "`json:\"fail\"`" + `
	Hog  bool   ` + "`json:\"hog\"`" + `
}

var keep [][]byte

func handle(ctx context.Context, in In) (map[string]string, error) {
	if in.Fail {
		return nil, errors.New("asked to fail")
	}
	if in.Hog {
		for i := 0; i < 64; i++ {
			b := make([]byte, 16<<20)
			for j := range b {
				b[j] = 1
			}
			keep = append(keep, b)
		}
	}
	lc, _ := lambdacontext.FromContext(ctx)
	fmt.Println("go handler saw", in.Name)
	return map[string]string{"hello": in.Name, "fn": lambdacontext.FunctionName, "arn": lc.InvokedFunctionArn}, nil
}

func main() { lambda.Start(handle) }
`

// TestGoProvided builds a function with aws-lambda-go, unmodified, and runs
// it on provided.al2023.
func TestGoProvided(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not installed")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "internal", "lambda", "testdata", "gofunc-"+filepath.Base(t.TempDir()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(goHandler), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "bootstrap")
	cmd := exec.Command(goTool, "build", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=linux", "CGO_ENABLED=0", "GOFLAGS=-mod=readonly")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	exe, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	c := start(t)
	c.create(t, "go-fn", "provided.al2023", "bootstrap", map[string]string{"bootstrap": string(exe)})
	if _, err := c.lam.PublishVersion(context.Background(), &lambda.PublishVersionInput{FunctionName: aws.String("go-fn")}); err != nil {
		t.Fatal(err)
	}
	out := c.invoke(t, "go-fn", `{"name":"gopher"}`, func(in *lambda.InvokeInput) { in.Qualifier = aws.String("1") })
	if out.FunctionError != nil {
		t.Fatalf("%s: %s", *out.FunctionError, out.Payload)
	}
	want := `{"arn":"arn:aws:lambda:us-east-1:000000000000:function:go-fn:1","fn":"go-fn","hello":"gopher"}`
	if string(out.Payload) != want || *out.ExecutedVersion != "1" {
		t.Errorf("payload %s (version %s)", out.Payload, *out.ExecutedVersion)
	}
	out = c.invoke(t, "go-fn", `{"fail":true}`)
	d := functionError(t, out)
	if d.ErrorType != "errorString" || d.ErrorMessage != "asked to fail" {
		t.Errorf("error %+v", d)
	}
	// Beyond the memory size (128 MB), the function dies.
	d = functionError(t, c.invoke(t, "go-fn", `{"hog":true}`))
	t.Logf("hog: %s: %s", d.ErrorType, d.ErrorMessage)
	if d.ErrorType != "Runtime.ExitError" && d.ErrorType != "Runtime.OutOfMemory" {
		t.Errorf("hog: %+v", d)
	}
	// provided without a bootstrap.
	c.create(t, "go-empty", "provided.al2", "x", map[string]string{"readme.txt": "no bootstrap"})
	d = functionError(t, c.invoke(t, "go-empty", `{}`))
	if d.ErrorType != "Runtime.InvalidEntrypoint" || !strings.Contains(d.ErrorMessage, "Couldn't find valid bootstrap(s)") {
		t.Errorf("missing bootstrap: %+v", d)
	}
	_ = types.LogTypeTail
}
