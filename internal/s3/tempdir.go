package s3

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// TempDir makes the body directory of an in-memory nimbus
// ($TMPDIR/nimbus-s3-<pid>-<random>), first removing those left by
// in-memory processes that were killed before they could clean up (a
// process whose pid no longer exists). The caller removes it on Close.
func TempDir() (string, error) {
	base := os.TempDir()
	if old, err := filepath.Glob(filepath.Join(base, "nimbus-s3-*-*")); err == nil {
		for _, d := range old {
			rest := strings.TrimPrefix(filepath.Base(d), "nimbus-s3-")
			pidStr, _, _ := strings.Cut(rest, "-")
			pid, err := strconv.Atoi(pidStr)
			if err != nil || pid <= 0 || pid == os.Getpid() {
				continue
			}
			if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
				os.RemoveAll(d)
			}
		}
	}
	return os.MkdirTemp(base, fmt.Sprintf("nimbus-s3-%d-*", os.Getpid()))
}
