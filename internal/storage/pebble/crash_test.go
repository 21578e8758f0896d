package pebble_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/storage"
	"github.com/nimbus-cloud/nimbus/internal/storage/pebble"
)

// crashDirEnv tells the re-executed test binary to act as the crashing
// writer of TestCrashSafety, in this directory.
const crashDirEnv = "NIMBUS_STORAGE_CRASH_DIR"

// TestCrashSafety kills a writing process with SIGKILL and checks that every
// Update it acknowledged survived: Update must not return before its commit
// is on disk, even when group commit batches several Updates per fsync.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	t.Parallel()
	const wantAcks = 400

	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	t.Cleanup(func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})

	// Each line is written after its Update returned: an acknowledgement.
	var acked []string
	sc := bufio.NewScanner(stdout)
	for len(acked) < wantAcks && sc.Scan() {
		if k, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
			acked = append(acked, k)
		}
	}
	if len(acked) < wantAcks {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		killed = true
		t.Fatalf("child stopped after %d acks (scan error %v); stderr:\n%s", len(acked), sc.Err(), stderr.String())
	}
	// Kill mid-stream: other writers are between ApplyNoSyncWait and their
	// fsync, and the WAL's tail may hold a torn record.
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	killed = true

	db, err := pebble.Open(dir, pebble.Options{})
	if err != nil {
		t.Fatalf("reopen after crash: %v", err)
	}
	defer db.Close()
	err = db.View(context.Background(), func(r storage.Reader) error {
		for _, k := range acked {
			for _, key := range []string{k, k + "/twin"} {
				v, err := r.Get([]byte(key))
				if err != nil {
					return fmt.Errorf("acknowledged key %q lost: %w", key, err)
				}
				if !bytes.Equal(v, crashValue(k)) {
					return fmt.Errorf("acknowledged key %q: value of %d bytes is wrong", key, len(v))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// crashValue varies in size (up to ~40 KiB) so WAL records span blocks.
func crashValue(key string) []byte {
	n := len(key) * (1 + len(key)*len(key)%97)
	if strings.HasSuffix(key, "7") {
		n *= 20
	}
	return bytes.Repeat([]byte(key), n/len(key)+1)
}

// TestCrashHelper is the child process of TestCrashSafety; it does nothing
// in a normal test run.
func TestCrashHelper(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("helper process for TestCrashSafety")
	}
	db, err := pebble.Open(dir, pebble.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	const writers = 4
	for w := 0; w < writers; w++ {
		go func() {
			// Bounded, in case the parent vanishes without killing us (a
			// write to its closed pipe would kill us first anyway).
			for i := 0; i < 1_000_000; i++ {
				k := fmt.Sprintf("w%d/%07d", w, i)
				err := db.Update(context.Background(), func(tx storage.Tx) error {
					if err := tx.Set([]byte(k), crashValue(k)); err != nil {
						return err
					}
					return tx.Set([]byte(k+"/twin"), crashValue(k))
				})
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(2)
				}
				// One write call per line, so lines from different writers
				// never interleave in the pipe.
				if _, err := os.Stdout.WriteString("ack " + k + "\n"); err != nil {
					os.Exit(2)
				}
			}
		}()
	}
	select {} // until killed
}
