package s3_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAWSCLI drives S3 with the installed AWS CLI as the course does:
// s3 mb/cp/ls/sync/rm/presign (cp of a large file uses the CLI's automatic
// multipart upload) and s3api calls.
func TestAWSCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not installed; skipping the CLI test (pip install awscli or apt-get install awscli)")
	}
	e := start(t)
	home := t.TempDir()
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("aws", append([]string{"--endpoint-url", e.URL, "--region", "us-east-1", "--output", "json"}, args...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "HOME="+home,
			"AWS_CONFIG_FILE="+home+"/none", "AWS_SHARED_CREDENTIALS_FILE="+home+"/none", "AWS_PAGER=")
		t0 := time.Now()
		out, err := cmd.CombinedOutput()
		t.Logf("aws %s: %v", strings.Join(args[:2], " "), time.Since(t0))
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("s3", "mb", "s3://course")
	src := filepath.Join(t.TempDir(), "src")
	os.MkdirAll(filepath.Join(src, "sub dir"), 0o755)
	big := make([]byte, 9<<20) // over the CLI's 8 MB multipart threshold
	rand.Read(big)
	bigFile := filepath.Join(t.TempDir(), "big.bin")
	os.WriteFile(bigFile, big, 0o644)
	os.WriteFile(filepath.Join(src, "a.txt"), []byte("alpha"), 0o644)
	os.WriteFile(filepath.Join(src, "sub dir", "b.txt"), []byte("beta"), 0o644)

	run("s3", "cp", bigFile, "s3://course/big.bin")
	dst := filepath.Join(t.TempDir(), "big.out")
	run("s3", "cp", "s3://course/big.bin", dst)
	if got, _ := os.ReadFile(dst); !bytes.Equal(got, big) {
		t.Fatal("cp round trip differs")
	}
	var head map[string]any
	json.Unmarshal([]byte(run("s3api", "head-object", "--bucket", "course", "--key", "big.bin")), &head)
	if etag, _ := head["ETag"].(string); !strings.Contains(etag, "-") {
		t.Fatalf("big.bin was not a multipart upload: %v", head)
	}

	run("s3", "sync", src, "s3://course/site")
	ls := run("s3", "ls", "--recursive", "s3://course/site/")
	for _, k := range []string{"site/a.txt", "site/sub dir/b.txt"} {
		if !strings.Contains(ls, k) {
			t.Fatalf("ls missing %s:\n%s", k, ls)
		}
	}
	url := strings.TrimSpace(run("s3", "presign", "s3://course/site/a.txt", "--expires-in", "300"))
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "alpha" {
		t.Fatalf("presigned: %d %s", resp.StatusCode, body)
	}
	resp, _ = http.Get(strings.Replace(url, "a.txt", "b.txt", 1))
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(body), "SignatureDoesNotMatch") {
		t.Fatalf("tampered presigned: %d %s", resp.StatusCode, body)
	}

	run("s3", "rm", "--recursive", "s3://course/")
	if out := run("s3", "ls", "--recursive", "s3://course/"); strings.TrimSpace(out) != "" {
		t.Fatalf("after rm: %s", out)
	}
	run("s3", "rb", "s3://course")
}
