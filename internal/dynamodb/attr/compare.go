package attr

import (
	"bytes"
	"slices"
	"strings"
)

// Equal reports whether a and b are the same DynamoDB value, as the = and <>
// comparators of condition expressions decide: same type and deep equality.
// Sets are equal when they hold the same members in any order; lists compare
// element by element; maps compare by name. Numbers compare by value, so
// canonical and non-canonical text of the same number are equal.
func Equal(a, b Value) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case S:
		return a.Str == b.Str
	case N:
		return a.Str == b.Str || numEqual(a.Str, b.Str)
	case B:
		return bytes.Equal(a.Bytes, b.Bytes)
	case BOOL:
		return a.Bool == b.Bool
	case NULL:
		return true
	case SS:
		return sameStrings(a.Strs, b.Strs, false)
	case NS:
		return sameStrings(a.Strs, b.Strs, true)
	case BS:
		return sameBins(a.Bins, b.Bins)
	case L:
		if len(a.List) != len(b.List) {
			return false
		}
		for i := range a.List {
			if !Equal(a.List[i], b.List[i]) {
				return false
			}
		}
		return true
	case M:
		if len(a.Map) != len(b.Map) {
			return false
		}
		for k, av := range a.Map {
			bv, ok := b.Map[k]
			if !ok || !Equal(av, bv) {
				return false
			}
		}
		return true
	}
	return false
}

// numEqual compares number text by value; it falls back to text equality
// for text that is not a number.
func numEqual(a, b string) bool {
	if a == b {
		return true
	}
	ca, err1 := ParseNumber(a)
	cb, err2 := ParseNumber(b)
	if err1 != nil || err2 != nil {
		return false
	}
	return ca == cb
}

func sameStrings(a, b []string, numeric bool) bool {
	if len(a) != len(b) {
		return false
	}
	eq := func(x, y string) bool { return x == y }
	if numeric {
		eq = numEqual
	}
	if len(a) <= 16 {
		return sameSmall(a, b, eq)
	}
	x, y := slices.Clone(a), slices.Clone(b)
	if numeric {
		for i := range x {
			if c, err := ParseNumber(x[i]); err == nil {
				x[i] = c
			}
			if c, err := ParseNumber(y[i]); err == nil {
				y[i] = c
			}
		}
	}
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

func sameBins(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) <= 16 {
		return sameSmall(a, b, bytes.Equal)
	}
	x, y := slices.Clone(a), slices.Clone(b)
	slices.SortFunc(x, bytes.Compare)
	slices.SortFunc(y, bytes.Compare)
	return slices.EqualFunc(x, y, bytes.Equal)
}

// sameSmall reports whether every member of a is in b, for sets of equal
// length without duplicates, pairwise: cheaper than sorting for the small
// sets most items hold.
func sameSmall[T any](a, b []T, eq func(x, y T) bool) bool {
outer:
	for _, x := range a {
		for _, y := range b {
			if eq(x, y) {
				continue outer
			}
		}
		return false
	}
	return true
}

// Compare orders a and b as the <, <=, >, >= and BETWEEN comparators of
// condition and key expressions do. Only two values of the same scalar type
// S, N or B compare: strings by their UTF-8 bytes, binaries by unsigned
// bytes, numbers numerically. For any other pair ok is false (DynamoDB's
// comparison then evaluates to false rather than failing).
func Compare(a, b Value) (c int, ok bool) {
	if a.Kind != b.Kind {
		return 0, false
	}
	switch a.Kind {
	case S:
		return strings.Compare(a.Str, b.Str), true
	case N:
		return CompareNumbers(a.Str, b.Str), true
	case B:
		return bytes.Compare(a.Bytes, b.Bytes), true
	}
	return 0, false
}
