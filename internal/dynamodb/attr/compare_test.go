package attr

import "testing"

func TestEqualCompare(t *testing.T) {
	s := func(x string) Value { return Value{Kind: S, Str: x} }
	n := func(x string) Value { return Value{Kind: N, Str: x} }
	b := func(x string) Value { return Value{Kind: B, Bytes: []byte(x)} }
	eq := []struct {
		a, b Value
		want bool
	}{
		{s("a"), s("a"), true},
		{s("a"), s("b"), false},
		{s("1"), n("1"), false},
		{n("1"), n("1.0"), true},
		{b("x"), b("x"), true},
		{Value{Kind: NULL}, Value{Kind: NULL}, true},
		{Value{Kind: BOOL, Bool: true}, Value{Kind: BOOL}, false},
		{Value{Kind: SS, Strs: []string{"a", "b"}}, Value{Kind: SS, Strs: []string{"b", "a"}}, true},
		{Value{Kind: SS, Strs: []string{"a", "b"}}, Value{Kind: SS, Strs: []string{"b", "c"}}, false},
		{Value{Kind: NS, Strs: []string{"1", "2"}}, Value{Kind: NS, Strs: []string{"2", "1.00"}}, true},
		{Value{Kind: BS, Bins: [][]byte{{1}, {2}}}, Value{Kind: BS, Bins: [][]byte{{2}, {1}}}, true},
		{Value{Kind: L, List: []Value{s("a"), n("1")}}, Value{Kind: L, List: []Value{s("a"), n("1")}}, true},
		{Value{Kind: L, List: []Value{s("a"), n("1")}}, Value{Kind: L, List: []Value{n("1"), s("a")}}, false},
		{Value{Kind: M, Map: map[string]Value{"a": s("x")}}, Value{Kind: M, Map: map[string]Value{"a": s("x")}}, true},
		{Value{Kind: M, Map: map[string]Value{"a": s("x")}}, Value{Kind: M, Map: map[string]Value{"b": s("x")}}, false},
	}
	for _, tt := range eq {
		if got := Equal(tt.a, tt.b); got != tt.want {
			t.Errorf("Equal(%v, %v) = %v", tt.a, tt.b, got)
		}
	}
	big1, big2 := Value{Kind: NS}, Value{Kind: NS}
	for i := range 40 {
		c, _ := ParseNumber(string(rune('0'+i%10)) + "." + string(rune('1'+i/10)))
		big1.Strs = append(big1.Strs, c)
		big2.Strs = append([]string{c + "0"}, big2.Strs...)
	}
	if !Equal(big1, big2) {
		t.Error("big NS sets not equal")
	}
	cmp := []struct {
		a, b Value
		c    int
		ok   bool
	}{
		{s("a"), s("b"), -1, true},
		{s("é"), s("z"), 1, true}, // UTF-8 bytes, not code points... é is 0xC3 > 'z'
		{n("10"), n("9"), 1, true},
		{n("-10"), n("9"), -1, true},
		{b("\xff"), b("\x01"), 1, true},
		{s("1"), n("1"), 0, false},
		{Value{Kind: BOOL}, Value{Kind: BOOL}, 0, false},
		{Value{Kind: SS, Strs: []string{"a"}}, Value{Kind: SS, Strs: []string{"a"}}, 0, false},
	}
	for _, tt := range cmp {
		c, ok := Compare(tt.a, tt.b)
		if c != tt.c || ok != tt.ok {
			t.Errorf("Compare(%v, %v) = %d, %v; want %d, %v", tt.a, tt.b, c, ok, tt.c, tt.ok)
		}
	}
}
