package attr

import (
	"testing"
	"unsafe"
)

// Go maps store values of at most 128 bytes inline; bigger values cost an
// allocation per map entry.
func TestValueSize(t *testing.T) {
	if n := unsafe.Sizeof(Value{}); n > 128 {
		t.Fatalf("Value is %d bytes, want at most 128", n)
	}
}

func TestClone(t *testing.T) {
	it := sampleItem()
	c := it.Clone()
	if !Equal(Value{Kind: M, Map: it}, Value{Kind: M, Map: c}) {
		t.Fatal("clone differs")
	}
	c["avatar"].Bytes[0] = 0
	c["tags"].Strs[0] = "x"
	c["address"].Map["geo"].List[0] = Value{Kind: NULL}
	c["address"].Map["zip"] = Value{Kind: NULL}
	if !Equal(Value{Kind: M, Map: it}, Value{Kind: M, Map: sampleItem()}) {
		t.Fatal("mutating the clone changed the original")
	}
	if Item(nil).Clone() != nil {
		t.Fatal("nil clone")
	}
}
