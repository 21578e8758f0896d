package attr

// Limits on item and key sizes ("Service, account, and table quotas").
const (
	// MaxItemSize is the largest item, names included (400 KB).
	MaxItemSize = 400 * 1024
	// MaxPartitionKeySize is the largest partition key value, in bytes.
	MaxPartitionKeySize = 2048
	// MaxSortKeySize is the largest sort key value, in bytes.
	MaxSortKeySize = 1024
)

// ItemSize returns the item's size as DynamoDB meters it ("Item sizes and
// formats"): for each attribute the UTF-8 length of its name plus Size of its
// value. It is the size checked against MaxItemSize and used for capacity
// units.
func ItemSize(it Item) int {
	n := 0
	for name, v := range it {
		n += len(name) + Size(v)
	}
	return n
}

// Size returns the size of one value, without its name:
//
//   - S: UTF-8 bytes; B: raw bytes; BOOL and NULL: 1.
//   - N: 1 byte plus one per pair of significant digits, as DynamoDB stores
//     numbers in base 100 (the documented "approximately 1 byte per two
//     significant digits, plus 1 byte"): the digits are grouped in pairs
//     aligned on the decimal point, and a negative number takes one byte
//     more. Zero is 1 byte. These are the boundaries DynamoDB meters.
//   - SS, NS, BS: the sum of their members' sizes.
//   - L: 3 bytes plus, per element, 1 byte and its size.
//   - M: 3 bytes plus, per entry, 1 byte, its name's length and its size.
func Size(v Value) int {
	switch v.Kind {
	case S:
		return len(v.Str)
	case N:
		return NumberSize(v.Str)
	case B:
		return len(v.Bytes)
	case BOOL, NULL:
		return 1
	case SS:
		n := 0
		for _, s := range v.Strs {
			n += len(s)
		}
		return n
	case NS:
		n := 0
		for _, s := range v.Strs {
			n += NumberSize(s)
		}
		return n
	case BS:
		n := 0
		for _, b := range v.Bins {
			n += len(b)
		}
		return n
	case L:
		n := 3
		for _, e := range v.List {
			n += 1 + Size(e)
		}
		return n
	case M:
		n := 3
		for name, e := range v.Map {
			n += 1 + len(name) + Size(e)
		}
		return n
	}
	return 0
}

// NumberSize returns the stored size of a number given as text (canonical
// or not; invalid text counts as its length).
func NumberSize(s string) int {
	neg, hi, lo, adj, ok := numberDigits(s)
	if !ok {
		return len(s)
	}
	n := len(hi) + len(lo)
	if n == 0 {
		return 1
	}
	// Base-100 digits: the leading digit sits alone in its pair when its
	// exponent is even (1 → "01", 12 → "12", 1.2 → "01" "20").
	if adj&1 == 0 {
		n++
	}
	size := 1 + (n+1)/2
	if neg {
		size++
	}
	return size
}

// KeySize returns the size of a key value as DynamoDB checks it against
// MaxPartitionKeySize and MaxSortKeySize: bytes for S and B, the stored size
// for N.
func KeySize(v Value) int {
	switch v.Kind {
	case S:
		return len(v.Str)
	case B:
		return len(v.Bytes)
	case N:
		return NumberSize(v.Str)
	}
	return Size(v)
}
