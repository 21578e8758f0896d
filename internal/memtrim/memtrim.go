//go:build linux

// Package memtrim gives back the pages of nimbus's own executable that only
// start-up touched.
//
// Linking Pebble, Prometheus' client and protobuf makes package
// initialisation touch most of the binary's code and read-only data: about
// 15 MB of a 20 MB executable stays mapped (resident) afterwards, although
// an idle server needs a fraction of it. Those pages are clean, private,
// read-only file mappings, so MADV_DONTNEED on them is safe: it only
// unmaps them from this process (the kernel's page cache keeps them), and
// any page the server touches again is faulted back in from the cache. It
// never applies to writable mappings, whose contents would be lost.
package memtrim

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Trim drops this process's read-only mappings of its own executable and
// returns how many bytes it advised away. Errors are ignored: trimming is
// an optimisation.
func Trim() int64 {
	exe, err := os.Executable()
	if err != nil {
		return 0
	}
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return 0
	}
	defer f.Close()
	var total int64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[5] != exe {
			continue
		}
		perms := fields[1]
		if len(perms) < 4 || perms[1] == 'w' || perms[3] != 'p' {
			continue // writable or shared: never
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		// The raw syscall takes the address as a number: these pages are
		// not Go memory, so no unsafe.Pointer is involved.
		_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, uintptr(start), uintptr(end-start), syscall.MADV_DONTNEED)
		if errno == 0 {
			total += int64(end - start)
		}
	}
	return total
}
