package partiql

import (
	"strconv"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
)

// Schema describes the key of the table, or of the index named in FROM,
// that a statement targets. RangeKey is "" when there is no sort key.
// HashType and RangeType, when set (attr.S, attr.N or attr.B), let Plan
// refuse key values of the wrong type as DynamoDB's PartiQL layer does;
// left zero, the service's own key checks apply.
type Schema struct {
	HashKey, RangeKey   string
	HashType, RangeType attr.Kind
}

// checkKeyType reports a key value whose type differs from the schema's.
func (s Schema) checkKeyType(name string, v attr.Value) error {
	want := s.HashType
	if name != s.HashKey {
		want = s.RangeType
	}
	if want != 0 && v.Kind != want {
		return validation(msgKeyType, name)
	}
	return nil
}

// Plan is the DynamoDB request equivalent to a statement with its
// parameters bound. Expressions are in DynamoDB's expression language,
// with every attribute name behind a #pN placeholder and every value
// behind a :pN placeholder, so reserved words never matter.
type Plan struct {
	// Op is "GetItem", "Query", "Scan", "PutItem", "UpdateItem",
	// "DeleteItem" or, for EXISTS, "ConditionCheck".
	Op string
	// Key is the primary key for GetItem, UpdateItem, DeleteItem and
	// ConditionCheck.
	Key attr.Item
	// Item is PutItem's item.
	Item attr.Item

	KeyConditionExpression string
	FilterExpression       string
	ProjectionExpression   string
	ConditionExpression    string
	UpdateExpression       string

	Names  map[string]string     // ExpressionAttributeNames; nil when none
	Values map[string]attr.Value // ExpressionAttributeValues; nil when none

	// ScanIndexForward is set when ORDER BY names the sort key.
	ScanIndexForward *bool
	// ReturnValues is what RETURNING asks for ("" without RETURNING).
	ReturnValues string
}

// Plan binds params (the request's Parameters, in order) to the statement
// and translates it for schema. Errors are ValidationExceptions worded as
// DynamoDB words them.
//
// The translation follows DynamoDB:
//   - SELECT with an equality on the partition key among the WHERE
//     clause's top-level AND terms is a Query, with one sort-key condition
//     as part of the key condition and the other terms as the filter; with
//     equalities on the whole primary key of a table and nothing else, a
//     GetItem; any other SELECT is a Scan filtered by the WHERE clause.
//   - INSERT is a PutItem conditioned on the item not existing; the caller
//     reports that failure as DuplicateItemException.
//   - UPDATE and DELETE need an equality on every key attribute; the other
//     terms become the ConditionExpression. UPDATE is also conditioned on
//     the item existing (DynamoDB fails an UPDATE of a missing item with
//     ConditionalCheckFailedException); DELETE of a missing item succeeds.
//   - EXISTS(SELECT ...) needs the full key, like UPDATE, and is a
//     ConditionCheck on the item existing and matching the other terms.
func (s *Statement) Plan(schema Schema, params []attr.Value) (*Plan, error) {
	if len(params) != s.params {
		return nil, validation(msgParamCount)
	}
	b := &builder{params: params}
	var (
		p   *Plan
		err error
	)
	switch s.kind {
	case Select:
		p, err = s.planSelect(b, schema)
	case Insert:
		p, err = s.planInsert(b, schema)
	case Update:
		p, err = s.planUpdate(b, schema)
	case Delete:
		p, err = s.planDelete(b, schema)
	case Exists:
		p, err = s.planExists(b, schema)
	}
	if err != nil {
		return nil, err
	}
	p.Names, p.Values = b.names, b.values
	p.ReturnValues = s.returning
	return p, nil
}

// builder renders expressions, allocating placeholders.
type builder struct {
	params  []attr.Value
	names   map[string]string // #pN → name
	byName  map[string]string // name → #pN
	values  map[string]attr.Value
	nValues int
}

func (b *builder) name(n string) string {
	if ph, ok := b.byName[n]; ok {
		return ph
	}
	if b.names == nil {
		b.names, b.byName = map[string]string{}, map[string]string{}
	}
	ph := "#p" + strconv.Itoa(len(b.names))
	b.names[ph], b.byName[n] = n, ph
	return ph
}

func (b *builder) value(v attr.Value) string {
	if b.values == nil {
		b.values = map[string]attr.Value{}
	}
	ph := ":p" + strconv.Itoa(b.nValues)
	b.nValues++
	b.values[ph] = v
	return ph
}

func (b *builder) path(p *pathNode) string {
	var sb strings.Builder
	for i, s := range p.segs {
		switch {
		case s.isIdx:
			sb.WriteString("[" + strconv.Itoa(s.index) + "]")
		default:
			if i > 0 {
				sb.WriteByte('.')
			}
			sb.WriteString(b.name(s.name))
		}
	}
	return sb.String()
}

// conjuncts flattens the top-level ANDs of n.
func conjuncts(n node) []node {
	if bn, ok := n.(*binNode); ok && bn.op == "AND" {
		return append(conjuncts(bn.l), conjuncts(bn.r)...)
	}
	if n == nil {
		return nil
	}
	return []node{n}
}

// keyEquality returns the attribute and value of a term "name = value"
// (either way round) on a top-level attribute.
func keyEquality(n node) (string, node, bool) {
	bn, ok := n.(*binNode)
	if !ok || bn.op != "=" {
		return "", nil, false
	}
	l, r := bn.l, bn.r
	if isValue(l) {
		l, r = r, l
	}
	path, ok := l.(*pathNode)
	if !ok || !isValue(r) {
		return "", nil, false
	}
	name, ok := path.simple()
	return name, r, ok
}

// mentions reports whether n refers to the top-level attribute name.
func mentions(n node, name string) bool {
	switch n := n.(type) {
	case *pathNode:
		return n.segs[0].name == name
	case *binNode:
		return mentions(n.l, name) || mentions(n.r, name)
	case *notNode:
		return mentions(n.x, name)
	case *betweenNode:
		return mentions(n.x, name) || mentions(n.lo, name) || mentions(n.hi, name)
	case *inNode:
		if mentions(n.x, name) {
			return true
		}
		for _, x := range n.items {
			if mentions(x, name) {
				return true
			}
		}
	case *isNode:
		return mentions(n.x, name)
	case *callNode:
		for _, x := range n.args {
			if mentions(x, name) {
				return true
			}
		}
	}
	return false
}

// fullKey splits the WHERE clause of an UPDATE, DELETE or EXISTS into the
// equalities on the key attributes and the remaining terms.
func (s *Statement) fullKey(b *builder, schema Schema, incomplete string) (attr.Item, []node, error) {
	key := attr.Item{}
	var rest []node
	for _, c := range conjuncts(s.where) {
		name, val, ok := keyEquality(c)
		if ok && (name == schema.HashKey || name == schema.RangeKey && name != "") {
			v, err := b.eval(val, "root")
			if err != nil {
				return nil, nil, err
			}
			// A repeated equality with the same value is harmless; with
			// another value it names no single item.
			if old, dup := key[name]; dup && !attr.Equal(old, v) {
				return nil, nil, validation(msgMultipleOnKey, name)
			}
			key[name] = v
			continue
		}
		rest = append(rest, c)
	}
	if _, ok := key[schema.HashKey]; !ok {
		return nil, nil, awserr.New("ValidationException", incomplete)
	}
	if _, ok := key[schema.RangeKey]; schema.RangeKey != "" && !ok {
		return nil, nil, awserr.New("ValidationException", incomplete)
	}
	for _, k := range []string{schema.HashKey, schema.RangeKey} {
		if v, ok := key[k]; ok {
			if err := schema.checkKeyType(k, v); err != nil {
				return nil, nil, err
			}
		}
	}
	return key, rest, nil
}

// and renders terms joined by AND.
func (b *builder) and(terms []node) (string, error) {
	parts := make([]string, 0, len(terms))
	for _, t := range terms {
		s, err := b.cond(t, precAnd)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " AND "), nil
}

func (s *Statement) planSelect(b *builder, schema Schema) (*Plan, error) {
	p := &Plan{}
	if len(s.order) > 0 {
		if s.where == nil {
			return nil, validation(msgOrderByNoWhere)
		}
		for _, t := range s.order {
			if t.name != schema.HashKey && (schema.RangeKey == "" || t.name != schema.RangeKey) {
				return nil, validation(msgOrderByNotKey, t.name)
			}
		}
	}
	terms := conjuncts(s.where)
	// Find the partition-key equality and at most one sort-key condition
	// that a Query can take as its key condition; the sort key may not
	// appear in the filter, so any further term on a key attribute makes
	// this a Scan.
	hash, rng := -1, -1
	query := s.where != nil
	for i, t := range terms {
		if name, _, ok := keyEquality(t); ok && name == schema.HashKey && hash < 0 {
			hash = i
			continue
		}
		if mentions(t, schema.HashKey) {
			query = false
		}
		if schema.RangeKey != "" && mentions(t, schema.RangeKey) {
			if rng >= 0 || !rangeCondition(t, schema.RangeKey) {
				query = false
			}
			rng = i
		}
	}
	if hash < 0 {
		query = false
	}
	if len(s.order) > 0 && !hashBound(s.where, schema.HashKey) {
		return nil, validation(msgOrderByNoHash)
	}
	if !s.star {
		var parts []string
		for _, path := range s.proj {
			parts = append(parts, b.path(path))
		}
		p.ProjectionExpression = strings.Join(parts, ", ")
	}
	if !query {
		p.Op = "Scan"
		if s.where != nil {
			f, err := b.cond(s.where, precOr)
			if err != nil {
				return nil, err
			}
			p.FilterExpression = f
		}
		return p, nil
	}
	// A GetItem when the terms are exactly the table's key equalities.
	if s.index == "" && len(s.order) == 0 && len(terms) == 1+btoi(schema.RangeKey != "") && (rng < 0 || isEquality(terms[rng])) && (schema.RangeKey == "" || rng >= 0) {
		key, _, err := s.fullKey(b, schema, msgIncompleteKey)
		if err != nil {
			return nil, err
		}
		p.Op, p.Key = "GetItem", key
		return p, nil
	}
	if err := keyTypes(b, schema, terms[hash], rangeTerm(terms, rng)); err != nil {
		return nil, err
	}
	p.Op = "Query"
	kc, err := b.cond(terms[hash], precAnd)
	if err != nil {
		return nil, err
	}
	if rng >= 0 {
		rc, err := b.cond(terms[rng], precAnd)
		if err != nil {
			return nil, err
		}
		kc += " AND " + rc
	}
	p.KeyConditionExpression = kc
	var rest []node
	for i, t := range terms {
		if i != hash && i != rng {
			rest = append(rest, t)
		}
	}
	if p.FilterExpression, err = b.and(rest); err != nil {
		return nil, err
	}
	for _, t := range s.order {
		if t.name == schema.RangeKey {
			fwd := !t.desc
			p.ScanIndexForward = &fwd
		}
	}
	return p, nil
}

// hashBound reports whether every way n can be true compares the partition
// key with a value, which DynamoDB requires of a WHERE clause with ORDER BY:
// a term on the key binds it, AND binds it if either side does, OR only if
// both do.
func hashBound(n node, hash string) bool {
	switch n := n.(type) {
	case *binNode:
		switch n.op {
		case "AND":
			return hashBound(n.l, hash) || hashBound(n.r, hash)
		case "OR":
			return hashBound(n.l, hash) && hashBound(n.r, hash)
		}
		return onKey(n.l, hash) && isValue(n.r) || onKey(n.r, hash) && isValue(n.l)
	case *betweenNode:
		return !n.not && onKey(n.x, hash)
	case *inNode:
		return !n.not && onKey(n.x, hash) && len(n.items) > 0
	case *callNode:
		return len(n.args) == 2 && onKey(n.args[0], hash) && isValue(n.args[1])
	}
	return false
}

// onKey reports whether n is the top-level attribute name.
func onKey(n node, name string) bool {
	p, ok := n.(*pathNode)
	if !ok {
		return false
	}
	s, ok := p.simple()
	return ok && s == name
}

func rangeTerm(terms []node, i int) node {
	if i < 0 {
		return nil
	}
	return terms[i]
}

// keyTypes checks the values a Query's key condition compares the keys
// with against the schema's key types.
func keyTypes(b *builder, schema Schema, hash, rng node) error {
	check := func(name string, n node) error {
		if !isValue(n) {
			return nil
		}
		v, err := b.eval(n, "root")
		if err != nil {
			return err
		}
		return schema.checkKeyType(name, v)
	}
	_, hv, _ := keyEquality(hash)
	if err := check(schema.HashKey, hv); err != nil {
		return err
	}
	var vals []node
	switch n := rng.(type) {
	case *binNode:
		vals = []node{n.l, n.r}
	case *betweenNode:
		vals = []node{n.lo, n.hi}
	case *callNode:
		vals = n.args
	}
	for _, v := range vals {
		if err := check(schema.RangeKey, v); err != nil {
			return err
		}
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func isEquality(n node) bool {
	_, _, ok := keyEquality(n)
	return ok
}

// rangeCondition reports whether n is a condition a KeyConditionExpression
// accepts on the sort key: a comparison with a value, BETWEEN values, or
// begins_with.
func rangeCondition(n node, name string) bool {
	isKey := func(x node) bool { return onKey(x, name) }
	switch n := n.(type) {
	case *binNode:
		switch n.op {
		case "=", "<", "<=", ">", ">=":
			return isKey(n.l) && isValue(n.r) || isKey(n.r) && isValue(n.l)
		}
	case *betweenNode:
		return !n.not && isKey(n.x) && isValue(n.lo) && isValue(n.hi)
	case *callNode:
		return n.name == "BEGINS_WITH" && len(n.args) == 2 && isKey(n.args[0]) && isValue(n.args[1])
	}
	return false
}

func (s *Statement) planInsert(b *builder, schema Schema) (*Plan, error) {
	// Each attribute's value is a root of its own in DynamoDB's messages:
	// {'m': {'x': 1e126}} fails "under root.x".
	tuple := s.item.(*tupleNode)
	item := make(attr.Item, len(tuple.keys))
	for i, k := range tuple.keys {
		if _, dup := item[k]; dup {
			return nil, validation(msgDuplicateKey, k, "root")
		}
		if path, ok := tuple.vals[i].(*pathNode); ok {
			return nil, validation(msgUnsupportedType, path.String(), "root")
		}
		v, err := b.eval(tuple.vals[i], "root")
		if err != nil {
			return nil, err
		}
		item[k] = v
	}
	for _, k := range []string{schema.HashKey, schema.RangeKey} {
		if k == "" {
			continue
		}
		kv, ok := item[k]
		if !ok {
			return nil, validation(msgMissingKey, k)
		}
		if err := schema.checkKeyType(k, kv); err != nil {
			return nil, err
		}
	}
	return &Plan{
		Op:                  "PutItem",
		Item:                item,
		ConditionExpression: "attribute_not_exists(" + b.name(schema.HashKey) + ")",
	}, nil
}

func (s *Statement) planDelete(b *builder, schema Schema) (*Plan, error) {
	key, rest, err := s.fullKey(b, schema, msgIncompleteKey)
	if err != nil {
		return nil, err
	}
	cond, err := b.and(rest)
	if err != nil {
		return nil, err
	}
	return &Plan{Op: "DeleteItem", Key: key, ConditionExpression: cond}, nil
}

func (s *Statement) planExists(b *builder, schema Schema) (*Plan, error) {
	if s.index != "" {
		return nil, validation(msgExistsIndex)
	}
	key, rest, err := s.fullKey(b, schema, msgExistsKey)
	if err != nil {
		return nil, err
	}
	cond := "attribute_exists(" + b.name(schema.HashKey) + ")"
	if len(rest) > 0 {
		more, err := b.and(rest)
		if err != nil {
			return nil, err
		}
		cond += " AND " + more
	}
	return &Plan{Op: "ConditionCheck", Key: key, ConditionExpression: cond}, nil
}

func (s *Statement) planUpdate(b *builder, schema Schema) (*Plan, error) {
	key, rest, err := s.fullKey(b, schema, msgIncompleteKey)
	if err != nil {
		return nil, err
	}
	upd, err := b.update(s.actions)
	if err != nil {
		return nil, err
	}
	cond := "attribute_exists(" + b.name(schema.HashKey) + ")"
	if len(rest) > 0 {
		more, err := b.and(rest)
		if err != nil {
			return nil, err
		}
		cond += " AND " + more
	}
	return &Plan{Op: "UpdateItem", Key: key, UpdateExpression: upd, ConditionExpression: cond}, nil
}
