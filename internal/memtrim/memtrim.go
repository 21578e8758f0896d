//go:build linux

// Package memtrim gives back the pages of nimbus's own executable that only
// start-up touched.
//
// Linking Pebble, Prometheus' client and protobuf makes package
// initialisation touch most of the binary's code and read-only data: about
// 15 MB of a 20 MB executable stays mapped (resident) afterwards, although
// an idle server needs a fraction of it. Pages of a read-only, private file
// mapping that the process never wrote are identical to the file, so
// MADV_DONTNEED on them is safe: it only unmaps them from this process (the
// kernel's page cache keeps them), and any page touched again is faulted
// back in from the cache.
//
// A mapping that holds even one page the process wrote must never be
// trimmed: MADV_DONTNEED would silently revert it to the file's bytes. The
// RELRO segment of a dynamically linked (cgo) binary is exactly that — the
// dynamic linker writes the relocated GOT there and then makes it
// read-only — and reverting it turns function pointers into zeros. So Trim
// reads /proc/self/smaps and skips every mapping with anonymous (written,
// copy-on-write) pages.
package memtrim

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
)

type mapping struct {
	start, end uint64
	perms      string
	path       string
	anon       int64 // kB of anonymous (copy-on-write) pages
}

// Trim drops this process's clean read-only mappings of its own executable
// and returns how many bytes it advised away. Errors are ignored: trimming
// is an optimisation.
func Trim() int64 {
	exe, err := os.Executable()
	if err != nil {
		return 0
	}
	maps, err := readSmaps()
	if err != nil {
		return 0
	}
	var total int64
	for _, m := range trimmable(maps, exe) {
		// The raw syscall takes the address as a number: these pages are
		// not Go memory, so no unsafe.Pointer is involved.
		_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, uintptr(m.start), uintptr(m.end-m.start), syscall.MADV_DONTNEED)
		if errno == 0 {
			total += int64(m.end - m.start)
		}
	}
	return total
}

// trimmable are the mappings Trim may drop: the executable's private,
// read-only mappings that hold no page the process wrote.
func trimmable(maps []mapping, exe string) []mapping {
	var out []mapping
	for _, m := range maps {
		if m.path != exe || len(m.perms) < 4 || m.perms[1] == 'w' || m.perms[3] != 'p' || m.anon != 0 || m.end <= m.start {
			continue
		}
		out = append(out, m)
	}
	return out
}

func readSmaps() ([]mapping, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []mapping
	var cur *mapping
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if lo, hi, ok := strings.Cut(fields[0], "-"); ok && len(fields) >= 5 && !strings.HasSuffix(fields[0], ":") {
			start, err1 := strconv.ParseUint(lo, 16, 64)
			end, err2 := strconv.ParseUint(hi, 16, 64)
			if err1 == nil && err2 == nil {
				m := mapping{start: start, end: end, perms: fields[1]}
				if len(fields) >= 6 {
					m.path = fields[5]
				}
				out = append(out, m)
				cur = &out[len(out)-1]
				continue
			}
		}
		if cur != nil && fields[0] == "Anonymous:" && len(fields) >= 2 {
			cur.anon, _ = strconv.ParseInt(fields[1], 10, 64)
		}
	}
	return out, sc.Err()
}
