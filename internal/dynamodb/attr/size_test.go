package attr

import (
	"strings"
	"testing"
)

func TestNumberSize(t *testing.T) {
	tests := []struct {
		n    string
		want int
	}{
		{"0", 1},
		{"1", 2},   // 01
		{"12", 2},  // 12
		{"123", 3}, // 01 23
		{"1234", 3},
		{"1.2", 3},   // 01 20
		{"12.34", 3}, // 12 34
		{"1.234", 4}, // 01 23 40
		{"0.1", 2},   // 10
		{"0.01", 2},  // 01
		{"0.012", 3}, // 01 20
		{"100", 2},   // 01 (00)
		{"1000", 2},  // 10 (00)
		{"-1", 3},
		{"-12.34", 4},
		{strings.Repeat("9", 38), 20},
		{"1e125", 2},
		{"1e-130", 2},
		{"1.50", 3},
	}
	for _, tt := range tests {
		if got := NumberSize(tt.n); got != tt.want {
			t.Errorf("NumberSize(%s) = %d, want %d", tt.n, got, tt.want)
		}
	}
}

// Byte costs measured against DynamoDB (eu-west-2, 2026-08-18) by putting
// items exactly at and one byte over the 400 KB limit, as published by the
// dynamodb-conformance suite. The base-100 rule fits all of them.
func TestNumberSizeCaptured(t *testing.T) {
	captured := []struct {
		n    string
		want int
	}{
		{"0", 1}, {"1", 2}, {"12", 2}, {"123", 3}, {"1234", 3},
		{"12345678901234567890123456789012345678", 20},
		{"0042", 2}, {"100", 2}, {"1010", 3}, {"0.0000001", 2},
		{"1E125", 2}, {"1E-100", 2}, {"1.5", 3}, {"15", 2}, {"1.2", 3},
		{"1.200", 3}, {"1.234", 4}, {"3.14159", 5}, {"123456", 4},
		{"100.5", 4}, {"0.15", 2}, {"-42", 3}, {"-0", 1},
	}
	for _, tt := range captured {
		if got := NumberSize(tt.n); got != tt.want {
			t.Errorf("NumberSize(%s) = %d, DynamoDB measured %d", tt.n, got, tt.want)
		}
	}
}

func TestItemSize(t *testing.T) {
	it := Item{
		"s":    {Kind: S, Str: "héllo"},                                      // 1 + 6
		"n":    {Kind: N, Str: "123"},                                        // 1 + 3
		"b":    {Kind: B, Bytes: []byte{1, 2, 3}},                            // 1 + 3
		"t":    {Kind: BOOL, Bool: true},                                     // 1 + 1
		"z":    {Kind: NULL},                                                 // 1 + 1
		"ss":   {Kind: SS, Strs: []string{"a", "bc"}},                        // 2 + 3
		"ns":   {Kind: NS, Strs: []string{"1", "-1"}},                        // 2 + 2 + 3
		"bs":   {Kind: BS, Bins: [][]byte{{1}, {}}},                          // 2 + 1
		"l":    {Kind: L, List: []Value{{Kind: S, Str: "ab"}, {Kind: NULL}}}, // 1 + 3 + (1+2) + (1+1)
		"m":    {Kind: M, Map: map[string]Value{"k": {Kind: S, Str: "v"}}},   // 1 + 3 + (1+1+1)
		"el":   {Kind: L},                                                    // 2 + 3
		"name": {Kind: M, Map: map[string]Value{}},                           // 4 + 3
	}
	want := 7 + 4 + 4 + 2 + 2 + 5 + 7 + 3 + 9 + 7 + 5 + 7
	if got := ItemSize(it); got != want {
		t.Fatalf("ItemSize = %d, want %d", got, want)
	}
	if KeySize(Value{Kind: S, Str: "abc"}) != 3 || KeySize(Value{Kind: N, Str: "-12.34"}) != 4 {
		t.Fatal("KeySize")
	}
}
