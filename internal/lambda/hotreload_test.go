package lambda_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// TestHotReload: a function whose code is a local folder (S3Bucket
// "hot-reload", S3Key the folder) picks up edits on the next invoke.
func TestHotReload(t *testing.T) {
	needPython(t)
	c := start(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "app.py")
	write := func(body string, mtime time.Time) {
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		// Explicit times: edits within one timestamp tick must still count.
		if err := os.Chtimes(file, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	base := time.Now().Add(-time.Hour)
	write("def handler(e, c):\n    return 'first'\n", base)
	_, err := c.lam.CreateFunction(context.Background(), &lambda.CreateFunctionInput{FunctionName: aws.String("hot"), Runtime: types.RuntimePython312,
		Role: aws.String(role), Handler: aws.String("app.handler"), Code: &types.FunctionCode{S3Bucket: aws.String("hot-reload"), S3Key: aws.String(dir)}})
	if err != nil {
		t.Fatal(err)
	}
	if out := c.invoke(t, "hot", "{}"); string(out.Payload) != `"first"` {
		t.Fatalf("first: %s", out.Payload)
	}
	write("def handler(e, c):\n    return 'second'\n", base.Add(time.Minute))
	if out := c.invoke(t, "hot", "{}"); string(out.Payload) != `"second"` {
		t.Fatalf("after the edit: %s", out.Payload)
	}
	_, err = c.lam.CreateFunction(context.Background(), &lambda.CreateFunctionInput{FunctionName: aws.String("hot2"), Runtime: types.RuntimePython312,
		Role: aws.String(role), Handler: aws.String("app.handler"), Code: &types.FunctionCode{S3Bucket: aws.String("hot-reload"), S3Key: aws.String("relative/path")}})
	var ip *types.InvalidParameterValueException
	if !errorAs(err, &ip) {
		t.Fatalf("relative folder: %v", err)
	}
}
