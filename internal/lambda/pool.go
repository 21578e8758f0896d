package lambda

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/lambda/runtimes"
	"github.com/nimbus-cloud/nimbus/internal/lambda/sandbox"
)

// pythonAddressSlackMB is the address space a Python sandbox gets beyond
// its memory size: the interpreter with boto3 loaded maps about 50 MB, and
// threads add stacks and malloc arenas. RLIMIT_AS counts all of it.
const pythonAddressSlackMB = 128

// sandboxRef is a sandbox in a pool.
type sandboxRef struct {
	sb        *sandbox.Sandbox
	stream    string
	accessKey string
	lastUsed  time.Time
	s         *Service
}

func (r *sandboxRef) close() {
	r.sb.Close()
	if r.accessKey != "" && r.s.o.Keys != nil {
		r.s.o.Keys.Remove(r.accessKey)
	}
}

// pool holds the warm sandboxes of one function version at one revision.
type pool struct {
	key     string
	idle    []*sandboxRef
	retired bool
}

func (p *pool) retire() {
	p.retired = true
	for _, r := range p.idle {
		r.close()
	}
	p.idle = nil
}

// takeIdleBefore removes and returns the sandboxes idle since before cutoff.
func (p *pool) takeIdleBefore(cutoff time.Time) []*sandboxRef {
	var keep, out []*sandboxRef
	for _, r := range p.idle {
		if r.lastUsed.Before(cutoff) {
			out = append(out, r)
		} else {
			keep = append(keep, r)
		}
	}
	p.idle = keep
	return out
}

func poolPrefix(f *function, ver string) string { return f.key() + "/" + ver + "#" }

// retireLocked retires the pools of a function version ("" = all
// versions): idle sandboxes are closed now, busy ones when they finish.
func (s *Service) retireLocked(f *function, ver string) {
	prefix := f.key() + "/"
	if ver != "" {
		prefix = poolPrefix(f, ver)
	}
	var closing []*pool
	for k, p := range s.pools {
		if strings.HasPrefix(k, prefix) {
			delete(s.pools, k)
			closing = append(closing, p)
		}
	}
	for _, p := range closing {
		p.retired = true
	}
	if len(closing) == 0 {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for _, p := range closing {
			for _, r := range p.idle {
				r.close()
			}
		}
	}()
}

// hotStamp summarises a hot-reload folder's state (newest modification
// time and file count), so a change starts fresh sandboxes.
func hotStamp(dir string) string {
	var newest int64
	n := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "__pycache__" || d.Name() == ".git") {
			return filepath.SkipDir
		}
		if info, err := d.Info(); err == nil {
			n++
			if t := info.ModTime().UnixNano(); t > newest {
				newest = t
			}
		}
		if n > 20000 {
			return filepath.SkipAll
		}
		return nil
	})
	return strconv.FormatInt(newest, 36) + "." + strconv.Itoa(n)
}

func (s *Service) poolKey(f *function, v *version) string {
	k := poolPrefix(f, v.Version) + v.RevisionID
	if v.HotReload {
		k += "@" + hotStamp(v.CodeDir)
	}
	return k
}

// interpreters resolves python3 and node once. pyenv-style shims are
// resolved to the real interpreter (sys.executable) so a cold start does
// not pay for a shell script.
func (s *Service) interpreters() {
	s.interpOnce.Do(func() {
		s.python, s.node = s.o.Python, s.o.Node
		if s.python == "" {
			if p, err := exec.LookPath("python3"); err == nil {
				s.python = p
				if out, err := exec.Command(p, "-c", "import sys; print(sys.executable)").Output(); err == nil {
					if real := strings.TrimSpace(string(out)); real != "" {
						s.python = real
					}
				}
			}
		}
		if s.node == "" {
			if p, err := exec.LookPath("node"); err == nil {
				s.node = p
			}
		}
	})
}

var errNoInterpreter = errors.New("interpreter not found")

// startSandbox starts a runtime for f's version v.
func (s *Service) startSandbox(f *function, v *version) (*sandboxRef, error) {
	s.interpreters()
	fam, _ := runtimes.Lookup(v.Runtime)
	cfg := sandbox.Config{Dir: v.CodeDir, MemoryMB: v.MemorySize}
	switch fam {
	case runtimes.Python:
		if s.python == "" {
			return nil, fmt.Errorf("python3: %w", errNoInterpreter)
		}
		cfg.Argv = []string{s.python, "-u", filepath.Join(s.rtDir, "bootstrap.py")}
		cfg.AddressLimit, cfg.AddressSlackMB = true, pythonAddressSlackMB
	case runtimes.Node:
		if s.node == "" {
			return nil, fmt.Errorf("node: %w", errNoInterpreter)
		}
		heap := v.MemorySize * 9 / 10
		cfg.Argv = []string{s.node, "--max-old-space-size=" + strconv.Itoa(heap), filepath.Join(s.rtDir, "bootstrap.js")}
	case runtimes.Provided:
		boot := filepath.Join(v.CodeDir, "bootstrap")
		st, err := os.Stat(boot)
		if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			return nil, errInvalidEntrypoint
		}
		cfg.Argv = []string{boot}
		cfg.AddressLimitAfterInit = true
	default:
		return nil, fmt.Errorf("runtime %s cannot run", v.Runtime)
	}
	rb := make([]byte, 16)
	rand.Read(rb)
	id := hex.EncodeToString(rb)
	stream := s.now().UTC().Format("2006/01/02") + "/[" + v.Version + "]" + id
	cfg.TmpDir = filepath.Join(s.dataDir, "tmp", id)
	ref := &sandboxRef{stream: stream, s: s}
	cfg.Env = s.environment(f, v, stream, ref)
	sb, err := sandbox.Start(cfg)
	if err != nil {
		if ref.accessKey != "" {
			s.o.Keys.Remove(ref.accessKey)
		}
		return nil, err
	}
	ref.sb = sb
	return ref, nil
}

var errInvalidEntrypoint = errors.New("invalid entrypoint")

// environment is the sandbox's complete environment: nothing of nimbus's
// own but PATH and LANG, the reserved Lambda variables, the execution
// role's credentials and the function's variables.
func (s *Service) environment(f *function, v *version, stream string, ref *sandboxRef) []string {
	lang := os.Getenv("LANG")
	if lang == "" {
		lang = "en_US.UTF-8"
	}
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"LANG=" + lang,
		"TZ=:UTC",
		"_HANDLER=" + v.Handler,
		"AWS_REGION=" + f.Region,
		"AWS_DEFAULT_REGION=" + f.Region,
		"AWS_EXECUTION_ENV=" + runtimes.ExecutionEnv(v.Runtime),
		"AWS_LAMBDA_FUNCTION_NAME=" + f.Name,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + strconv.Itoa(v.MemorySize),
		"AWS_LAMBDA_FUNCTION_VERSION=" + v.Version,
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + f.Name,
		"AWS_LAMBDA_LOG_STREAM_NAME=" + stream,
		"LAMBDA_TASK_ROOT=" + v.CodeDir,
		"LAMBDA_RUNTIME_DIR=" + s.rtDir,
	}
	if s.o.Endpoint != nil {
		env = append(env, "AWS_ENDPOINT_URL="+s.o.Endpoint())
	}
	if s.o.Keys != nil {
		roleName := v.Role[strings.LastIndex(v.Role, "/")+1:]
		k := s.o.Keys.Issue(f.Account, fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", f.Account, roleName, f.Name), 12*time.Hour)
		ref.accessKey = k.AccessKey
		env = append(env, "AWS_ACCESS_KEY_ID="+k.AccessKey, "AWS_SECRET_ACCESS_KEY="+k.Secret, "AWS_SESSION_TOKEN="+k.SessionToken)
	}
	for k, val := range v.Env {
		env = append(env, k+"="+val)
	}
	return env
}
