package vtl

import (
	"fmt"
	"strings"
	"testing"
)

const getNotesTemplate = `#set($inputRoot = $input.path('$'))
[
#foreach($elem in $inputRoot)
    {
    "NoteId" : "$elem.NoteId",
    "Note" : "$elem.Note"
    }#if($foreach.hasNext),#end
#end
]`

func notesBody(n int) []byte {
	var b strings.Builder
	b.WriteString("[")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"UserId":"student","NoteId":%d,"Note":"note number %d, a sentence of moderate length"}`, i+1, i+1)
	}
	b.WriteString("]")
	return []byte(b.String())
}

// BenchmarkGetNotes renders the course's GET /notes response template over
// 20 notes with a template parsed once, as the gateway caches it.
func BenchmarkGetNotes(b *testing.B) {
	t, err := Parse(getNotesTemplate)
	if err != nil {
		b.Fatal(err)
	}
	in := &Input{Body: notesBody(20)}
	ctx := Context{"requestId": "r", "stage": "Prod"}
	b.ReportAllocs()
	b.SetBytes(int64(len(in.Body)))
	for b.Loop() {
		if _, _, err := t.Execute(in, ctx, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMockTemplate is a small MOCK integration request template.
func BenchmarkMockTemplate(b *testing.B) {
	t, err := Parse(`{"statusCode": 200}`)
	if err != nil {
		b.Fatal(err)
	}
	in := &Input{}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := t.Execute(in, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseGetNotes(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(getNotesTemplate); err != nil {
			b.Fatal(err)
		}
	}
}

func TestGetNotesTwentyIsValidJSON(t *testing.T) {
	out, _, err := Render(getNotesTemplate, &Input{Body: notesBody(20)}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var notes []map[string]string
	if err := jsonUnmarshal(out, &notes); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(notes) != 20 || notes[19]["NoteId"] != "20" {
		t.Fatalf("got %v", notes)
	}
}
