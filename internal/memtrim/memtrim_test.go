package memtrim

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// After Trim the process keeps running: code and read-only data fault back in.
func TestTrimIsSafe(t *testing.T) {
	n := Trim()
	if n == 0 {
		t.Skip("nothing trimmed (not Linux, or executable not found)")
	}
	sum := 0
	for i := 0; i < 1000; i++ {
		sum += i
	}
	if sum != 499500 || !strings.Contains(strings.ToUpper("ok"), "OK") {
		t.Fatal("computation broke after Trim")
	}
}

// A dynamically linked (cgo) program must keep working after Trim: its
// relocated, read-only GOT must not be reverted to the file's bytes.
func TestTrimKeepsRelocatedPagesOfCgoBinaries(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("no C compiler: cannot build a cgo program")
	}
	bin := filepath.Join(t.TempDir(), "cgoprog")
	// External linking, as nimbus gets with Pebble's C dependencies: that is
	// what puts relocated data in a read-only (RELRO) segment.
	build := exec.Command("go", "build", "-ldflags=-linkmode=external", "-o", bin, "./testdata/cgoprog")
	build.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "ok 42 64") {
		t.Fatalf("cgo program after Trim: %v\n%s", err, out)
	}
}

// The mappings of a cgo binary as /proc/self/smaps shows them: the one-page
// RELRO mapping holds the relocated GOT (4 kB anonymous) and must be kept.
func TestTrimmableSkipsWrittenMappings(t *testing.T) {
	maps := []mapping{
		{0x400000, 0x402000, "r--p", "/bin/n", 0},
		{0x402000, 0xf10000, "r-xp", "/bin/n", 0},
		{0xf10000, 0x1ab8000, "r--p", "/bin/n", 0},
		{0x1ab8000, 0x1ab9000, "r--p", "/bin/n", 4}, // RELRO
		{0x1ab9000, 0x1b55000, "rw-p", "/bin/n", 124},
		{0x7f00, 0x8f00, "r-xp", "/usr/lib/libc.so.6", 0},
	}
	got := trimmable(maps, "/bin/n")
	if len(got) != 3 {
		t.Fatalf("trimmable: %+v", got)
	}
	for _, m := range got {
		if m.anon != 0 || m.perms[1] == 'w' {
			t.Fatalf("would trim %+v", m)
		}
	}
}
