package expr

import "testing"

const benchFilter = "#st = :active AND price BETWEEN :lo AND :hi AND contains(tags, :tag) AND attribute_not_exists(deletedAt)"

func benchItem(b *testing.B) (map[string]string, map[string]attrValue, map[string]attrValue) {
	names := map[string]string{"#st": "status"}
	vals := item(b, `{":active": {"S": "active"}, ":lo": {"N": "10"}, ":hi": {"N": "100"}, ":tag": {"S": "red"}, ":one": {"N": "1"}}`)
	it := item(b, `{
		"pk": {"S": "user#1234"}, "sk": {"S": "order#2024-01-01"}, "status": {"S": "active"},
		"price": {"N": "42.5"}, "tags": {"SS": ["blue", "red"]}, "n": {"N": "41"},
		"title": {"S": "a fairly ordinary title"}, "addr": {"M": {"city": {"S": "Paris"}, "zip": {"S": "75001"}}},
		"items": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}]}, "flag": {"BOOL": true}
	}`)
	return names, vals, it
}

// BenchmarkFilterParseEval is the per-request cost of a typical filter:
// parse once, evaluate on one item.
func BenchmarkFilterParseEval(b *testing.B) {
	names, vals, it := benchItem(b)
	b.ReportAllocs()
	for b.Loop() {
		c, err := NewEnv(names, vals).Condition("FilterExpression", benchFilter)
		if err != nil {
			b.Fatal(err)
		}
		if ok, _ := c.Eval(it); !ok {
			b.Fatal("no match")
		}
	}
}

// BenchmarkFilterEval is the per-item cost of a parsed filter.
func BenchmarkFilterEval(b *testing.B) {
	names, vals, it := benchItem(b)
	c, err := NewEnv(names, vals).Condition("FilterExpression", benchFilter)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, _ := c.Eval(it); !ok {
			b.Fatal("no match")
		}
	}
}

// BenchmarkUpdateApply is Apply of a counter increment.
func BenchmarkUpdateApply(b *testing.B) {
	names, vals, it := benchItem(b)
	_ = names
	u, err := NewEnv(nil, vals).Update("SET n = n + :one")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := u.Apply(it); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdateParseApply is the per-request cost of a counter increment.
func BenchmarkUpdateParseApply(b *testing.B) {
	_, vals, it := benchItem(b)
	b.ReportAllocs()
	for b.Loop() {
		u, err := NewEnv(nil, vals).Update("SET n = n + :one")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := u.Apply(it); err != nil {
			b.Fatal(err)
		}
	}
}
