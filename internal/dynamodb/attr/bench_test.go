package attr

import (
	"encoding/json"
	"testing"
)

// A typical 10-attribute item on the wire.
const benchItemJSON = `{"pk":{"S":"USER#12345"},"sk":{"S":"PROFILE#2024-01-01T00:00:00Z"},` +
	`"age":{"N":"42"},"balance":{"N":"-1234.5678"},"active":{"BOOL":true},` +
	`"avatar":{"B":"iVBORw0KGgpzb21lLWltYWdlLWJ5dGVz"},"tags":{"SS":["admin","beta","eu-west-1"]},` +
	`"scores":{"NS":["1","2.5","100"]},"address":{"M":{"street":{"S":"1 Main St"},"zip":{"S":"12345"},` +
	`"geo":{"L":[{"N":"51.5"},{"N":"-0.12"}]}}},"deleted":{"NULL":true}}`

func BenchmarkUnmarshalItem(b *testing.B) {
	data := []byte(benchItemJSON)
	b.Run("attr", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var it Item
			if err := it.UnmarshalJSON(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("attr-via-encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var it Item
			if err := json.Unmarshal(data, &it); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json-map-any", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var m map[string]any
			if err := json.Unmarshal(data, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkMarshalItem(b *testing.B) {
	var it Item
	if err := it.UnmarshalJSON([]byte(benchItemJSON)); err != nil {
		b.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal([]byte(benchItemJSON), &m)
	b.Run("attr", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 1024)
		for b.Loop() {
			buf = AppendItemJSON(buf[:0], it)
		}
	})
	b.Run("encoding-json-map-any", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkAppendItem(b *testing.B) {
	it := sampleItem()
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendItem(buf[:0], it)
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkDecodeItem(b *testing.B) {
	enc := AppendItem(nil, sampleItem())
	b.SetBytes(int64(len(enc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeItem(enc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkItemSize(b *testing.B) {
	it := sampleItem()
	b.ReportAllocs()
	for b.Loop() {
		_ = ItemSize(it)
	}
}

func BenchmarkParseNumber(b *testing.B) {
	for _, s := range []string{"42", "-1234.5678", "1.50", "1E+2"} {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseNumber(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAppendKeyNumber(b *testing.B) {
	v := Value{Kind: N, Str: "-1234.5678"}
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendKey(buf[:0], v)
	}
}
