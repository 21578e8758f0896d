package main

// #include <stdlib.h>
// static int twice(int x) { return 2 * x; }
import "C"

import (
	"fmt"
	"github.com/nimbus-cloud/nimbus/internal/memtrim"
)

func main() {
	memtrim.Trim()
	p := C.malloc(1 << 20) // through the GOT after Trim
	C.free(p)
	big := make([][]byte, 0)
	for i := 0; i < 64; i++ {
		big = append(big, make([]byte, 4<<20)) // the heap grows: runtime mmap (via cgo's hook)
	}
	fmt.Println("ok", int(C.twice(21)), len(big))
}
