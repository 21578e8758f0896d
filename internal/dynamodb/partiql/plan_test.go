package partiql

import (
	"strings"
	"testing"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
)

var (
	composite = Schema{HashKey: "pk", RangeKey: "sk"}
	hashOnly  = Schema{HashKey: "id"}

	typed          = Schema{HashKey: "id", HashType: attr.S}
	typedComposite = Schema{HashKey: "pk", RangeKey: "sk", HashType: attr.S, RangeType: attr.N}
)

func TestPlan(t *testing.T) {
	tests := []struct {
		name   string
		stmt   string
		schema Schema
		params []attr.Value
		want   string
	}{
		// SELECT
		{"scan all", `SELECT * FROM "t"`, composite, nil, "op: Scan"},
		{"scan unquoted table", `select * from Music;`, composite, nil, "op: Scan"},
		{"projection", `SELECT a, "b c", d.e[2].f, m['k'] FROM t`, composite, nil,
			"op: Scan\nprojection: a, b c, d.e[2].f, m.k"},
		{"get item", `SELECT * FROM "t" WHERE pk = 'a' AND sk = 3`, composite, nil,
			`op: GetItem` + "\n" + `key: {"pk":{"S":"a"},"sk":{"N":"3"}}`},
		{"get item reversed and params", `SELECT title FROM "t" WHERE ? = sk AND pk = ?`, composite, []attr.Value{N("1"), S("x")},
			`op: GetItem` + "\n" + `key: {"pk":{"S":"x"},"sk":{"N":"1"}}` + "\nprojection: title"},
		{"get item hash only", `SELECT * FROM t WHERE id = 7`, hashOnly, nil,
			`op: GetItem` + "\n" + `key: {"id":{"N":"7"}}`},
		{"query on hash", `SELECT * FROM t WHERE pk = 'a'`, composite, nil,
			"op: Query\nkeycond: pk = 'a'"},
		{"query with filter", `SELECT * FROM t WHERE pk = 'a' AND price > 10 AND (color = 'red' OR color = 'blue')`, composite, nil,
			"op: Query\nkeycond: pk = 'a'\nfilter: price > 10 AND (color = 'red' OR color = 'blue')"},
		{"query sort range", `SELECT * FROM t WHERE pk = 'a' AND sk BETWEEN 1 AND 5`, composite, nil,
			"op: Query\nkeycond: pk = 'a' AND sk BETWEEN 1 AND 5"},
		{"query begins_with", `SELECT * FROM t WHERE begins_with(sk, 'x#') AND pk = 'a' AND active = TRUE`, composite, nil,
			"op: Query\nkeycond: pk = 'a' AND begins_with(sk, 'x#')\nfilter: active = {\"BOOL\":true}"},
		{"query sort compare reversed", `SELECT * FROM t WHERE pk = 'a' AND 5 > sk`, composite, nil,
			"op: Query\nkeycond: pk = 'a' AND 5 > sk"},
		{"query full key with filter", `SELECT * FROM t WHERE pk = 'a' AND sk = 1 AND n <> NULL`, composite, nil,
			"op: Query\nkeycond: pk = 'a' AND sk = 1\nfilter: n <> {\"NULL\":true}"},
		{"query index", `SELECT * FROM "t"."byColor" WHERE color = 'red'`, Schema{HashKey: "color"}, nil,
			"op: Query\nkeycond: color = 'red'"},
		{"index full key is a query", `SELECT * FROM "t"."i" WHERE color = 'red' AND "size" = 3`, Schema{HashKey: "color", RangeKey: "size"}, nil,
			"op: Query\nkeycond: color = 'red' AND size = 3"},
		{"order by desc", `SELECT * FROM t WHERE pk = 'a' ORDER BY sk DESC`, composite, nil,
			"op: Query\nkeycond: pk = 'a'\nforward: false"},
		{"order by full key", `SELECT * FROM t WHERE pk = 'a' AND sk = 1 ORDER BY pk, sk ASC`, composite, nil,
			"op: Query\nkeycond: pk = 'a' AND sk = 1\nforward: true"},
		{"two sort conditions scan", `SELECT * FROM t WHERE pk = 'a' AND sk > 1 AND sk < 5`, composite, nil,
			"op: Scan\nfilter: pk = 'a' AND sk > 1 AND sk < 5"},
		{"sort key non-key condition scan", `SELECT * FROM t WHERE pk = 'a' AND sk <> 1`, composite, nil,
			"op: Scan\nfilter: pk = 'a' AND sk <> 1"},
		{"or scan", `SELECT * FROM t WHERE pk = 'a' OR pk = 'b'`, composite, nil,
			"op: Scan\nfilter: pk = 'a' OR pk = 'b'"},
		{"in scan", `SELECT * FROM t WHERE pk IN ['a', 'b'] AND x NOT IN (1, 2)`, composite, nil,
			"op: Scan\nfilter: pk IN ('a', 'b') AND NOT x IN (1, 2)"},
		{"hash inequality scan", `SELECT * FROM t WHERE pk > 'a'`, composite, nil,
			"op: Scan\nfilter: pk > 'a'"},
		{"functions", `SELECT * FROM t WHERE contains(tags, 'x') AND attribute_type(a, 'N') AND size(l) >= 2 AND EXISTS(b) AND c IS MISSING`, composite, nil,
			"op: Scan\nfilter: contains(tags, 'x') AND attribute_type(a, 'N') AND size(l) >= 2 AND attribute_exists(b) AND attribute_not_exists(c)"},
		{"is missing", `SELECT * FROM t WHERE a IS MISSING AND b IS NOT MISSING AND c IS NULL AND d IS NOT STRING`, composite, nil,
			"op: Scan\nfilter: attribute_not_exists(a) AND attribute_exists(b) AND attribute_type(c, 'NULL') AND NOT attribute_type(d, 'S')"},
		{"not and nesting", `SELECT * FROM t WHERE NOT (a = 1 OR b = 2) AND NOT c BETWEEN 1 AND 2 AND x NOT BETWEEN 3 AND 4`, composite, nil,
			"op: Scan\nfilter: NOT (a = 1 OR b = 2) AND NOT c BETWEEN 1 AND 2 AND NOT x BETWEEN 3 AND 4"},
		{"or of ands", `SELECT * FROM t WHERE (a = 1 AND b = 2) OR c = 3`, composite, nil,
			"op: Scan\nfilter: a = 1 AND b = 2 OR c = 3"},
		{"composite literals", `SELECT * FROM t WHERE m = {'a': [1, 'x', <<'p','q'>>], 'b': NULL} AND n != -1.50`, composite, nil,
			`op: Scan` + "\n" + `filter: m = {"M":{"a":{"L":[{"N":"1"},{"S":"x"},{"SS":["p","q"]}]},"b":{"NULL":true}}} AND n <> -1.5`},
		{"reserved words need no quoting", `SELECT "name", "size" FROM t WHERE "comment" = 'x'`, composite, nil,
			"op: Scan\nfilter: comment = 'x'\nprojection: name, size"},
		{"escaped quotes", `SELECT * FROM "my""table" WHERE "a""b" = 'it''s'`, composite, nil,
			"op: Scan\nfilter: a\"b = 'it's'"},
		{"comments", "SELECT * -- all\nFROM t /* the table */ WHERE pk = 'a'", composite, nil,
			"op: Query\nkeycond: pk = 'a'"},

		// INSERT
		{"insert", `INSERT INTO "t" VALUE {'pk': 'a', 'sk': 1, 'tags': <<'x', 'y', 'x'>>, 'n': <<1, 2>>, 'ok': true, 'm': {'l': []}}`, composite, nil,
			`op: PutItem` + "\n" + `item: {"m":{"M":{"l":{"L":[]}}},"n":{"NS":["1","2"]},"ok":{"BOOL":true},"pk":{"S":"a"},"sk":{"N":"1"},"tags":{"SS":["x","y"]}}` + "\ncondition: attribute_not_exists(pk)"},
		{"insert params", `INSERT INTO t VALUE {'id': ?, 'b': ?}`, hashOnly, []attr.Value{S("k"), {Kind: attr.B, Bytes: []byte("hi")}},
			`op: PutItem` + "\n" + `item: {"b":{"B":"aGk="},"id":{"S":"k"}}` + "\ncondition: attribute_not_exists(id)"},

		// UPDATE
		{"update set", `UPDATE "t" SET a = 1, b.c[0] = 'x' SET d = ? WHERE pk = 'p' AND sk = 2`, composite, []attr.Value{S("v")},
			`op: UpdateItem` + "\n" + `key: {"pk":{"S":"p"},"sk":{"N":"2"}}` + "\ncondition: attribute_exists(pk)\nupdate: SET a = 1, b.c[0] = 'x', d = 'v'"},
		{"update remove and arithmetic", `UPDATE t SET n = n + 1 REMOVE prev REMOVE m.x SET l = list_append(l, [1]) WHERE id = 'k'`, hashOnly, nil,
			`op: UpdateItem` + "\n" + `key: {"id":{"S":"k"}}` + "\ncondition: attribute_exists(id)\nupdate: SET n = n + 1, l = list_append(l, {\"L\":[{\"N\":\"1\"}]}) REMOVE prev, m.x"},
		{"update sets", `UPDATE t SET s = set_add(s, <<'x'>>) SET r = SET_DELETE(r, <<1, 2>>) WHERE id = 'k'`, hashOnly, nil,
			`op: UpdateItem` + "\n" + `key: {"id":{"S":"k"}}` + "\ncondition: attribute_exists(id)\nupdate: ADD s {\"SS\":[\"x\"]} DELETE r {\"NS\":[\"1\",\"2\"]}"},
		{"update with condition and returning", `UPDATE t SET a = 'x' WHERE id = 'k' AND (v = 1 OR v IS MISSING) RETURNING ALL NEW *`, hashOnly, nil,
			`op: UpdateItem` + "\n" + `key: {"id":{"S":"k"}}` + "\ncondition: attribute_exists(id) AND (v = 1 OR attribute_not_exists(v))\nupdate: SET a = 'x'\nreturn: ALL_NEW"},
		{"update modified old", `UPDATE t SET a = 'x' WHERE id = 'k' RETURNING MODIFIED OLD *`, hashOnly, nil,
			`op: UpdateItem` + "\n" + `key: {"id":{"S":"k"}}` + "\ncondition: attribute_exists(id)\nupdate: SET a = 'x'\nreturn: UPDATED_OLD"},

		// DELETE
		{"delete", `DELETE FROM "t" WHERE pk = 'a' AND sk = 1`, composite, nil,
			`op: DeleteItem` + "\n" + `key: {"pk":{"S":"a"},"sk":{"N":"1"}}`},
		{"delete with condition", `DELETE FROM t WHERE id = ? AND version < ? RETURNING ALL OLD *`, hashOnly, []attr.Value{S("k"), N("3")},
			`op: DeleteItem` + "\n" + `key: {"id":{"S":"k"}}` + "\ncondition: version < 3\nreturn: ALL_OLD"},

		{"repeated equal key", `DELETE FROM t WHERE id = 'a' AND id = 'a'`, hashOnly, nil,
			`op: DeleteItem` + "\n" + `key: {"id":{"S":"a"}}`},
		{"order by with hash in both branches", `SELECT * FROM t WHERE pk = 'a' OR pk = 'b' ORDER BY pk`, composite, nil,
			"op: Scan\nfilter: pk = 'a' OR pk = 'b'"},
		{"typed schema accepts right types", `SELECT * FROM t WHERE pk = 'a' AND sk BETWEEN 1 AND 2`, typedComposite, nil,
			"op: Query\nkeycond: pk = 'a' AND sk BETWEEN 1 AND 2"},

		{"from form", `FROM "t" WHERE id = 'k' AND v = 1 SET a = 2 REMOVE b RETURNING ALL OLD *`, hashOnly, nil,
			`op: UpdateItem` + "\n" + `key: {"id":{"S":"k"}}` + "\ncondition: attribute_exists(id) AND v = 1\nupdate: SET a = 2 REMOVE b\nreturn: ALL_OLD"},
		{"keywords quoted and after functions", `SELECT "date", "value".x FROM "user" WHERE "key" = 'a' AND size("list") > 1`, hashOnly, nil,
			"op: Scan\nfilter: key = 'a' AND size(list) > 1\nprojection: date, value.x"},

		// EXISTS
		{"exists", `EXISTS(SELECT * FROM "t" WHERE pk = 'a' AND sk = 1 AND qty > 0)`, composite, nil,
			`op: ConditionCheck` + "\n" + `key: {"pk":{"S":"a"},"sk":{"N":"1"}}` + "\ncondition: attribute_exists(pk) AND qty > 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Parse(tt.stmt)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.stmt, err)
			}
			p, err := st.Plan(tt.schema, tt.params)
			if err != nil {
				t.Fatalf("Plan(%q): %v", tt.stmt, err)
			}
			if got := summary(p); got != tt.want {
				t.Errorf("Plan(%q):\n%s\nwant:\n%s", tt.stmt, got, tt.want)
			}
			checkExpressions(t, p, tt.schema)
		})
	}
}

func TestStatementAccessors(t *testing.T) {
	tests := []struct {
		stmt         string
		kind         Kind
		table, index string
		params       int
	}{
		{`SELECT * FROM "Music"."ArtistIndex" WHERE Artist = ?`, Select, "Music", "ArtistIndex", 1},
		{`INSERT INTO Music VALUE {'a': ?, 'b': [?, ?]}`, Insert, "Music", "", 3},
		{`UPDATE "my-table.v2" SET x = 'it''s ?' WHERE id = ?`, Update, "my-table.v2", "", 1},
		{`DELETE FROM "t" WHERE id = 1`, Delete, "t", "", 0},
		{`EXISTS (SELECT * FROM "t" WHERE id = 1)`, Exists, "t", "", 0},
	}
	for _, tt := range tests {
		st, err := Parse(tt.stmt)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.stmt, err)
		}
		if st.Kind() != tt.kind || st.Table() != tt.table || st.Index() != tt.index || st.Params() != tt.params {
			t.Errorf("Parse(%q) = %v %q %q %d, want %v %q %q %d", tt.stmt,
				st.Kind(), st.Table(), st.Index(), st.Params(), tt.kind, tt.table, tt.index, tt.params)
		}
	}
}

func TestErrors(t *testing.T) {
	malformedMsg := func(d string) string { return "Statement wasn't well formed, can't be processed: " + d }
	tests := []struct {
		name   string
		stmt   string
		schema Schema
		params []attr.Value
		want   string
	}{
		{"not dml", `CREATE TABLE t`, composite, nil, malformedMsg("Expected data manipulation")},
		{"empty", ``, composite, nil, malformedMsg("Expected data manipulation")},
		{"trailing", `UPDATE "t" SET t=1 WHERE pk='a' AND sk='1' garbage`, composite, nil, malformedMsg("Unexpected token after expression")},
		{"two statements", `SELECT * FROM t; SELECT * FROM u`, composite, nil, malformedMsg("Unexpected token after semicolon. (Only one query is allowed.)")},
		{"unterminated string", `SELECT * FROM t WHERE a = 'x`, composite, nil, malformedMsg("")},
		{"bad char", `SELECT * FROM t WHERE a = #x`, composite, nil, malformedMsg("")},
		{"missing from", `SELECT *`, composite, nil, malformedMsg("Expected FROM after SELECT list")},
		{"keyword as name", `SELECT * FROM t WHERE select = 1`, composite, nil, malformedMsg("Unexpected keyword")},
		{"dot without name", `SELECT a. FROM t`, composite, nil, malformedMsg("Invalid path dot component")},
		{"too deep", `SELECT * FROM t WHERE ` + strings.Repeat("(", 100) + "a = 1" + strings.Repeat(")", 100), composite, nil, malformedMsg("Expression nested too deeply")},
		{"star and others", `SELECT *, a FROM t`, composite, nil, "Other attributes should not be present in the projection when '*' is used."},
		{"three part from", `SELECT * FROM a.b.c`, composite, nil, "A path may contain at most 2 components in the FROM clause"},
		{"params too few", `SELECT * FROM t WHERE pk = ?`, composite, nil, "Number of parameters in request and statement don't match."},
		{"params too many", `SELECT * FROM t WHERE pk = 'a'`, composite, []attr.Value{S("x")}, "Number of parameters in request and statement don't match."},
		{"update without sort key", `UPDATE t SET a = 1 WHERE pk = 'a'`, composite, nil, "Where clause does not contain a mandatory equality on all key attributes"},
		{"update without ops", `UPDATE t WHERE id = 'a'`, hashOnly, nil, malformedMsg("Expected data manipulation")},
		{"update without where", `UPDATE t SET a = 1`, composite, nil, "Where clause does not contain a mandatory equality on all key attributes"},
		{"update or", `UPDATE t SET a = 1 WHERE id = 'a' OR id = 'b'`, hashOnly, nil, "Where clause does not contain a mandatory equality on all key attributes"},
		{"update key twice", `UPDATE t SET a = 1 WHERE id = 'a' AND id = 'b'`, hashOnly, nil, "Multiple conditions on same key id. Only single item Update/Insert/Delete are supported"},
		{"update index", `UPDATE "t"."i" SET a = 1 WHERE id = 'a'`, hashOnly, nil, "This operation is not supported on an index"},
		{"delete without sort key", `DELETE FROM t WHERE pk = 'a'`, composite, nil, "Where clause does not contain a mandatory equality on all key attributes"},
		{"delete non-key", `DELETE FROM t WHERE name = 'alpha'`, hashOnly, nil, "Where clause does not contain a mandatory equality on all key attributes"},
		{"delete returning new", `DELETE FROM t WHERE id = 'a' RETURNING ALL NEW *`, hashOnly, nil, "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements."},
		{"returning without star", `UPDATE t SET a = 1 WHERE id = 'a' RETURNING ALL NEW`, hashOnly, nil, "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause"},
		{"insert without sort key", `INSERT INTO t VALUE {'pk': 'a'}`, composite, nil, "Key attribute should be present in the item: Key sk"},
		{"insert values", `INSERT INTO t VALUES ('a')`, composite, nil, `Unsupported operation: Inserting multiple items in a single statement is not supported, use "INSERT INTO tableName VALUE item" instead`},
		{"insert bag", `INSERT INTO t << {'id': 'a'} >>`, hashOnly, nil, `Unsupported operation: Inserting multiple items in a single statement is not supported, use "INSERT INTO tableName VALUE item" instead`},
		{"insert list", `INSERT INTO t VALUE ['a']`, hashOnly, nil, "Unsupported format in item expression. Please use struct format {...} to express item values for insert statement."},
		{"insert param item", `INSERT INTO t VALUE ?`, hashOnly, []attr.Value{{Kind: attr.M, Map: map[string]attr.Value{"id": S("z")}}}, "Unsupported format in item expression. Please use struct format {...} to express item values for insert statement."},
		{"insert on conflict", `INSERT INTO t VALUE {'id': 'a'} ON CONFLICT DO NOTHING`, hashOnly, nil, "Unsupported clause: ON CONFLICT"},
		{"insert key type", `INSERT INTO t VALUE {'id': 1}`, typed, nil, "Key attribute's data type should match its data type in table's schema: Key id"},
		{"update key type", `UPDATE t SET a = 1 WHERE id = 1`, typed, nil, "Key attribute's data type should match its data type in table's schema: Key id"},
		{"get key type", `SELECT * FROM t WHERE id = ?`, typed, []attr.Value{N("1")}, "Key attribute's data type should match its data type in table's schema: Key id"},
		{"query range key type", `SELECT * FROM t WHERE pk = 'a' AND sk > 'x'`, typedComposite, nil, "Key attribute's data type should match its data type in table's schema: Key sk"},
		{"distinct", `SELECT DISTINCT a FROM t`, hashOnly, nil, "Unsupported token in expression: DISTINCT"},
		{"limit", `SELECT * FROM t WHERE id = 'a' LIMIT 1`, hashOnly, nil, "Unsupported clause: LIMIT"},
		{"group by", `SELECT * FROM t GROUP BY a`, hashOnly, nil, "Unsupported clause: GROUP BY"},
		{"insert returning", `INSERT INTO t VALUE {'id': 'a'} RETURNING ALL OLD *`, hashOnly, nil, "RETURNING is not supported in INSERT"},
		{"insert index", `INSERT INTO "t"."i" VALUE {'id': 'a'}`, hashOnly, nil, "This operation is not supported on an index"},
		{"duplicate tuple key", `INSERT INTO t VALUE {'id': 'a', 'id': 'b'}`, hashOnly, nil, "Duplicate keys in tuple. Key: id under root"},
		{"empty bag", `UPDATE t SET s = <<>> WHERE id = 'a'`, hashOnly, nil, "Empty bags are not supported"},
		{"mixed bag", `UPDATE t SET s = <<'a', 1>> WHERE id = 'a'`, hashOnly, nil, "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"},
		{"set_add arity", `UPDATE t SET s = set_add(s) WHERE id = 'a'`, hashOnly, nil, "SET_ADD must have exactly two arguments"},
		{"set_add other path", `UPDATE t SET s = set_add(x, <<'a'>>) WHERE id = 'a'`, hashOnly, nil, "The first argument to SET_ADD must equal the assignment value"},
		{"set_delete not a set", `UPDATE t SET s = set_delete(s, 'a') WHERE id = 'a'`, hashOnly, nil, "The second argument to SET_DELETE must be a value with type SET"},
		{"unknown function", `SELECT * FROM t WHERE frobnicate(a)`, hashOnly, nil, "Unrecognized function: frobnicate"},
		{"unknown update function", `UPDATE t SET a = upper(b) WHERE id = 'a'`, hashOnly, nil, "Unrecognized function: upper"},
		{"missing compared", `SELECT * FROM t WHERE a = MISSING`, hashOnly, nil, "MISSING must be compared using IS operator"},
		{"is on literal", `SELECT * FROM t WHERE 'a' IS MISSING`, hashOnly, nil, "The left hand side argument to IS must be a Variable Reference, Literal, or Path"},
		{"is bad type", `SELECT * FROM t WHERE a IS DATE`, hashOnly, nil, "Unsupported data type for IS operator: DATE. Supported data types are [MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]"},
		{"is in update", `UPDATE t SET a = b IS MISSING WHERE id = 'a'`, hashOnly, nil, "IS operator is not supported in update expressions"},
		{"in empty", `SELECT * FROM t WHERE a IN []`, hashOnly, nil, "IN operator must have a left hand argument of type Variable Reference and right hand argument of type Seq with at least one member"},
		{"arithmetic in where", `SELECT * FROM t WHERE a + 1 = 2`, hashOnly, nil, "Unsupported operator in Condition Expression. Operator: +"},
		{"bare path where", `SELECT * FROM t WHERE a`, hashOnly, nil, "WHERE clause must contain an expression that resolves to a boolean"},
		{"order by without where", `SELECT * FROM t ORDER BY pk`, composite, nil, "Must have WHERE clause in the statement when using ORDER BY clause."},
		{"order by without hash", `SELECT * FROM t WHERE sk = 1 ORDER BY sk`, composite, nil, "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause."},
		{"order by non-key", `SELECT * FROM t WHERE pk = 'a' ORDER BY price`, composite, nil, "Variable reference price in ORDER BY clause must be part of the primary key"},
		{"exists without key", `EXISTS(SELECT * FROM t WHERE a = 1)`, hashOnly, nil, "EXISTS() must contain a single item read with additional condition"},
		{"exists on index", `EXISTS(SELECT * FROM "t"."i" WHERE id = 1)`, hashOnly, nil, "Operations on indices are not supported in transactions"},
		{"empty path component", `SELECT "" FROM t`, hashOnly, nil, "Path component cannot be an empty string"},
		{"path starts with index", `UPDATE t REMOVE [0] WHERE id = 'a'`, hashOnly, nil, "A path cannot start with a list index"},
		{"projection not a path", `SELECT [0] FROM t`, hashOnly, nil, "Unexpected path component"},
		// Messages pinned against DynamoDB by other emulators' test suites.
		{"bad number", `SELECT * FROM t WHERE a = 1e500`, hashOnly, nil, "Number overflow. Attempting to store a number with magnitude larger than supported range under root"},
		{"number underflow in set", `UPDATE t SET a = 1e-131 WHERE id = 'a'`, hashOnly, nil, "Number underflow. Attempting to store a number with magnitude smaller than supported range under root"},
		{"number digits", `SELECT * FROM t WHERE id = 123456789012345678901234567890123456789`, hashOnly, nil, "Attempting to store more than 38 significant digits in a Number under root"},
		{"number in map", `INSERT INTO t VALUE {'id': 1, 'm': {'x': 1e126}}`, hashOnly, nil, "Number overflow. Attempting to store a number with magnitude larger than supported range under root.x"},
		{"number in list", `INSERT INTO t VALUE {'id': 1, 'l': [1, 1e126]}`, hashOnly, nil, "Number overflow. Attempting to store a number with magnitude larger than supported range under root[1]"},
		{"exponent beyond int32", `SELECT * FROM t WHERE id = 1e2147483648`, hashOnly, nil, malformedMsg("")},
		{"scale beyond int32", `SELECT * FROM t WHERE id = 1.5e-2147483647`, hashOnly, nil, malformedMsg("")},
		{"hash comment", `SELECT * FROM t WHERE id = 1 # note`, hashOnly, nil, malformedMsg("")},
		{"unterminated comment", `SELECT * FROM t WHERE id = 1 /* note`, hashOnly, nil, malformedMsg("")},
		{"leftover after where", `SELECT * FROM t WHERE id = 1 foo`, hashOnly, nil, malformedMsg("Unexpected token after expression")},
		{"split exponent", `SELECT * FROM t WHERE id = 1 e5`, hashOnly, nil, malformedMsg("Unexpected token after expression")},
		{"leftover after insert", `INSERT INTO t VALUE {'id': 1} foo`, hashOnly, nil, malformedMsg("Unexpected token after expression")},
		{"stray parenthesis", `SELECT * FROM t WHERE id = 1)`, hashOnly, nil, malformedMsg("Unexpected token after expression")},
		{"order by on delete", `DELETE FROM t WHERE id = 1 ORDER BY id`, hashOnly, nil, malformedMsg("Unexpected token after expression")},
		{"order by before where", `SELECT * FROM t ORDER BY id WHERE id = 1`, hashOnly, nil, malformedMsg("Unexpected token after expression")},
		{"alias", `SELECT * FROM "t" t WHERE id = 'x'`, hashOnly, nil, "Aliasing is not supported"},
		{"as alias", `SELECT * FROM "t" AS t WHERE id = 'x'`, hashOnly, nil, "Aliasing is not supported"},
		{"update alias", `UPDATE "t" t SET a = 3 WHERE id = 'x'`, hashOnly, nil, "Aliasing is not supported"},
		{"delete alias", `DELETE FROM "t" t WHERE id = 'x'`, hashOnly, nil, "Aliasing is not supported"},
		{"insert alias", `INSERT INTO "t" t VALUE {'id': 'x'}`, hashOnly, nil, malformedMsg("Unexpected token after expression")},
		{"empty where", `SELECT * FROM t WHERE`, hashOnly, nil, malformedMsg("Unexpected term")},
		{"where semicolon", `SELECT * FROM t WHERE;`, hashOnly, nil, malformedMsg("Unexpected term")},
		{"update empty where", `UPDATE t SET a = 1 WHERE`, hashOnly, nil, malformedMsg("Unexpected term")},
		{"delete empty where", `DELETE FROM t WHERE`, hashOnly, nil, malformedMsg("Unexpected term")},
		{"where not", `SELECT * FROM t WHERE NOT`, hashOnly, nil, malformedMsg("Unexpected term")},
		{"where paren", `SELECT * FROM t WHERE (`, hashOnly, nil, malformedMsg("Unexpected term")},
		{"ends in and", `SELECT * FROM t WHERE id = 'p1' AND`, hashOnly, nil, malformedMsg("Missing right-hand side expression of infix operator")},
		{"ends in or", `SELECT * FROM t WHERE id = 'p1' OR`, hashOnly, nil, malformedMsg("Missing right-hand side expression of infix operator")},
		{"where order by", `SELECT * FROM t WHERE ORDER BY id`, hashOnly, nil, malformedMsg("Unexpected keyword")},
		{"is not a type", `SELECT * FROM t WHERE id = 'a' AND x IS FOO`, hashOnly, nil, malformedMsg("Expected type name")},
		{"is where a term starts", `SELECT * FROM t WHERE IS NULL`, hashOnly, nil, malformedMsg("Unexpected operator")},
		{"like where a term starts", `SELECT * FROM t WHERE id = LIKE`, hashOnly, nil, malformedMsg("Unexpected operator")},
		{"delete from nothing", `DELETE FROM`, hashOnly, nil, malformedMsg("Expected identifier for simple path")},
		{"delete from semicolon", `DELETE FROM;`, hashOnly, nil, malformedMsg("Expected identifier for simple path")},
		{"delete from where", `DELETE FROM WHERE id = 'a'`, hashOnly, nil, malformedMsg("Expected identifier for simple path")},
		{"select from nothing", `SELECT * FROM`, hashOnly, nil, malformedMsg("Unexpected term")},
		{"from set without where", `FROM "t" SET c = 1`, hashOnly, nil, "Where clause does not contain a mandatory equality on all key attributes"},
		{"from remove without where", `FROM "t" REMOVE a`, hashOnly, nil, "Where clause does not contain a mandatory equality on all key attributes"},
		{"from where non-key", `FROM "t" WHERE a = 1 SET c = 1`, hashOnly, nil, "Where clause does not contain a mandatory equality on all key attributes"},
		{"from set then where", `FROM "t" SET c = 1 WHERE id = 'x'`, hashOnly, nil, malformedMsg("Unexpected token after expression")},
		{"keyword as attribute", `SELECT * FROM t WHERE date = 1`, hashOnly, nil, malformedMsg("Unexpected keyword")},
		{"remove list", `UPDATE t REMOVE a, b WHERE id = 'x'`, hashOnly, nil, malformedMsg("Unexpected token after expression")},
		{"delete without from", `DELETE t WHERE id = 'x'`, hashOnly, nil, malformedMsg("Expected FROM after DELETE")},
		{"select value", `SELECT VALUE a FROM t`, hashOnly, nil, "Select projection doesn't support value or pivot keywords"},
		{"projection alias", `SELECT a AS b FROM t`, hashOnly, nil, "Aliasing is not supported"},
		{"empty group", `SELECT * FROM t WHERE ()`, hashOnly, nil, malformedMsg("Expression group cannot be empty")},
		{"count star", `SELECT COUNT(*) FROM t`, hashOnly, nil, "Unexpected path component"},
		{"insert path value", `INSERT INTO t VALUE {'id': 'a', 'b': c}`, hashOnly, nil, "Unsupported data type: c under key root"},
		{"insert at", `INSERT INTO t VALUE {'id': 'a'} AT 1`, hashOnly, nil, "AT is not supported in insert statements."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Parse(tt.stmt)
			if err == nil {
				_, err = st.Plan(tt.schema, tt.params)
			}
			wantValidation(t, err, tt.want)
		})
	}
}
