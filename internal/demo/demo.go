// Package demo implements `nimbus demo`: it deploys an example application
// into a nimbus (the one already listening, or one it starts in-process) and
// prints what to try.
//
// The deployment is the example's own deploy.sh run with the installed AWS
// CLI, so what the demo builds is exactly what a student gets by typing the
// course's commands: the script is embedded in the binary
// (examples/polly-notes) and written to a directory the user can keep
// working in (event.json for the lab's `aws lambda invoke` lives there).
package demo

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	pollynotes "github.com/nimbus-cloud/nimbus/examples/polly-notes"
)

// StartFunc starts a nimbus in this process and returns its endpoint and a
// function that stops it. The command line passes one built from its
// default configuration.
type StartFunc func() (endpoint string, stop func() error, err error)

// Options configures Deploy.
type Options struct {
	// Endpoint is nimbus's URL, e.g. "http://127.0.0.1:4566".
	Endpoint string
	// Dir receives the example's files; it must be empty or missing.
	Dir string
	// Env is added to the environment deploy.sh runs in (credentials, a
	// region, AWS_CONFIG_FILE...).
	Env []string
	// Output receives deploy.sh's progress.
	Output io.Writer
}

// Result is what a deployment made.
type Result struct {
	// Dir holds the example's files (deploy.sh, event.json...).
	Dir string
	// InvokeURL is the Prod stage's base URL, without a trailing slash.
	InvokeURL string
	// WebURL is the web front end's index.html.
	WebURL string
}

// Deploy writes the Polly Notes example to o.Dir and runs its deploy.sh
// against o.Endpoint. It needs bash, zip and the AWS CLI on PATH.
func Deploy(ctx context.Context, o Options) (*Result, error) {
	if entries, err := os.ReadDir(o.Dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s is not empty: give the demo an empty or new directory", o.Dir)
	}
	for _, prog := range []string{"bash", "zip", "aws"} {
		if _, err := exec.LookPath(prog); err != nil {
			return nil, fmt.Errorf("the demo runs the course's commands and needs %s on PATH (%s)", prog, installHint(prog))
		}
	}
	if err := extract(pollynotes.Files, o.Dir); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "bash", "deploy.sh")
	cmd.Dir = o.Dir
	cmd.Env = append(append(os.Environ(), "ENDPOINT="+o.Endpoint), o.Env...)
	out := o.Output
	if out == nil {
		out = io.Discard
	}
	// deploy.sh's last lines name the URLs; keep its output to find them.
	// Its standard output and error are copied by two goroutines: one
	// lock keeps their lines whole in out.
	var log strings.Builder
	w := &lockedWriter{w: out}
	cmd.Stdout = io.MultiWriter(w, &log)
	cmd.Stderr = w
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("deploy.sh: %w", err)
	}
	r := &Result{Dir: o.Dir}
	sc := bufio.NewScanner(strings.NewReader(log.String()))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(line, "API invoke URL:"); ok {
			r.InvokeURL = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "Web front end:"); ok {
			r.WebURL = strings.TrimSpace(v)
		}
	}
	if r.InvokeURL == "" || r.WebURL == "" {
		return nil, errors.New("deploy.sh finished without printing the API's invoke URL and the web front end's")
	}
	return r, nil
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func installHint(prog string) string {
	switch prog {
	case "aws":
		return "pip install awscli, or see https://aws.amazon.com/cli/"
	case "zip":
		return "apt-get install zip"
	}
	return "install it with your package manager"
}

// extract writes files to dir, keeping deploy.sh executable.
func extract(files fs.FS, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(path))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := fs.ReadFile(files, path)
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if strings.HasSuffix(path, ".sh") {
			mode = 0o755
		}
		return os.WriteFile(target, data, mode)
	})
}

// Healthy reports whether a nimbus answers at endpoint.
func Healthy(ctx context.Context, endpoint string) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", strings.TrimSuffix(endpoint, "/")+"/_nimbus/health", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

const usage = `Usage: nimbus demo polly-notes [flags]

Deploys the course's Polly Notes application (DynamoDB table, five Lambda
functions, PollyNotesAPI on API Gateway, MP3s through Polly and S3, a web
page) with its deploy.sh and the AWS CLI, into the nimbus listening at
--endpoint, or into one started here when none answers. Then prints what to
try. A nimbus started here runs until interrupted.

Flags:
`

// Main runs `nimbus demo ARGS` and returns the exit code. start starts a
// nimbus in-process when none is listening at the endpoint.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, defaultEndpoint string, start StartFunc) int {
	fset := flag.NewFlagSet("nimbus demo", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() { fmt.Fprint(fset.Output(), usage); fset.PrintDefaults() }
	endpoint := fset.String("endpoint", defaultEndpoint, "the nimbus to deploy into (started here if none answers)")
	dir := fset.String("dir", "", "directory for the example's files (default a new one under the temp directory)")
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fset.Usage()
		return 2
	}
	name := args[0]
	if err := fset.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if name != "polly-notes" {
		fmt.Fprintf(stderr, "nimbus demo: unknown demo %q (there is polly-notes)\n", name)
		return 2
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "nimbus demo: unexpected argument %q\n", fset.Arg(0))
		return 2
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "polly-notes-")
		if err != nil {
			fmt.Fprintln(stderr, "nimbus demo:", err)
			return 1
		}
		*dir = d
	}

	ep := strings.TrimSuffix(*endpoint, "/")
	var stop func() error
	if Healthy(ctx, ep) {
		fmt.Fprintf(stdout, "Using the nimbus at %s.\n", ep)
	} else {
		var err error
		ep, stop, err = start()
		if err != nil {
			fmt.Fprintln(stderr, "nimbus demo: starting nimbus:", err)
			return 1
		}
		fmt.Fprintf(stdout, "Started nimbus at %s.\n", ep)
	}
	code := 0
	r, err := Deploy(ctx, Options{Endpoint: ep, Dir: *dir, Output: stdout})
	if err != nil {
		fmt.Fprintln(stderr, "nimbus demo:", err)
		code = 1
	} else {
		printTry(stdout, ep, r, consoleURL(ctx, ep))
	}
	if stop == nil {
		return code
	}
	if code == 0 {
		fmt.Fprintln(stdout, "\nnimbus keeps running for you to try these; press Ctrl-C to stop it.")
		<-ctx.Done()
	}
	if err := stop(); err != nil {
		fmt.Fprintln(stderr, "nimbus demo: stopping nimbus:", err)
		return 1
	}
	return code
}

// consoleURL is the web console's address when this nimbus serves one.
func consoleURL(ctx context.Context, endpoint string) string {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	u := endpoint + "/_nimbus/"
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return ""
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return ""
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return ""
	}
	return u
}

func printTry(w io.Writer, endpoint string, r *Result, console string) {
	fmt.Fprintf(w, "\nPolly Notes is running.\n\n  Web page:  %s\n  API:       %s\n", r.WebURL, r.InvokeURL)
	if console != "" {
		fmt.Fprintf(w, "  Console:   %s\n", console)
	}
	fmt.Fprintf(w, `
Try the API:
  curl %[1]s/notes
  curl '%[1]s/notes/search?text=DynamoDB'
  curl -X POST %[1]s/notes -H 'Content-Type: application/json' -d '{"UserId":"student","NoteId":6,"Note":"hello from curl"}'
  curl -X POST %[1]s/notes -H 'Content-Type: application/json' -d '{"UserId":"student","Note":"no NoteId"}'   # 400 Invalid request body
  curl -X POST %[1]s/notes/6 -H 'Content-Type: application/json' -d '{"VoiceId":"Joanna"}'   # a pre-signed MP3 URL
  curl -X DELETE %[1]s/notes/6
  curl -i -X OPTIONS %[1]s/notes -H 'Origin: http://example.com' -H 'Access-Control-Request-Method: POST'

The lab's dictate call, from the example's directory (nimbus accepts any
credentials: without a configured CLI, first
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1):
  cd %[2]s
  aws --endpoint-url %[3]s lambda invoke --function-name dictate --payload fileb://event.json response.txt
  cat response.txt

After changing a function, deploy again (it is safe to re-run):
  ENDPOINT=%[3]s %[2]s/deploy.sh
`, r.InvokeURL, r.Dir, endpoint)
}
