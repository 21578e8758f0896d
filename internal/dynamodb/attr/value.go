package attr

// Kind is a DynamoDB attribute type.
type Kind uint8

// The ten DynamoDB types. The zero Kind is invalid.
const (
	S Kind = iota + 1
	N
	B
	BOOL
	NULL
	SS
	NS
	BS
	L
	M
)

// String returns the type's wire name ("S", "NS", "BOOL", ...).
func (k Kind) String() string {
	switch k {
	case S:
		return "S"
	case N:
		return "N"
	case B:
		return "B"
	case BOOL:
		return "BOOL"
	case NULL:
		return "NULL"
	case SS:
		return "SS"
	case NS:
		return "NS"
	case BS:
		return "BS"
	case L:
		return "L"
	case M:
		return "M"
	}
	return "?"
}

// Value is one attribute value.
//
// Kind and Bool sit together so a Value is 128 bytes: Go maps store values up
// to 128 bytes inline, so an Item's entries need no allocation each.
type Value struct {
	Kind  Kind
	Bool  bool             // BOOL
	Str   string           // S; N in canonical form
	Bytes []byte           // B
	Strs  []string         // SS; NS in canonical form
	Bins  [][]byte         // BS
	List  []Value          // L
	Map   map[string]Value // M
}

// Item is a set of named attributes.
type Item map[string]Value
