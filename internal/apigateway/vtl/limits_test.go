package vtl

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestForeachLimit(t *testing.T) {
	items := make([]string, 1001)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	body := []byte("[" + strings.Join(items, ",") + "]")
	tmpl := `#foreach($x in $input.path('$'))$x,#end`
	_, _, err := Render(tmpl, &Input{Body: body}, nil, nil)
	if !errors.Is(err, ErrForeachLimit) {
		t.Fatalf("1001 items: err = %v, want ErrForeachLimit", err)
	}
	var ve *Error
	if !errors.As(err, &ve) || ve.Line != 1 || ve.Column != 1 {
		t.Fatalf("error position: %#v", err)
	}
	// exactly 1,000 is allowed
	body = []byte("[" + strings.Join(items[:1000], ",") + "]")
	out, _, err := Render(tmpl, &Input{Body: body}, nil, nil)
	if err != nil || strings.Count(out, ",") != 1000 {
		t.Fatalf("1000 items: %v, %d commas", err, strings.Count(out, ","))
	}
	// ranges count too
	if _, _, err := Render(`#foreach($i in [1..1001])#end`, nil, nil, nil); !errors.Is(err, ErrForeachLimit) {
		t.Fatalf("range: err = %v", err)
	}
}

func TestWorkLimits(t *testing.T) {
	cases := []struct {
		name, tmpl string
		want       error
	}{
		{"nested loops", `#foreach($a in [1..1000])#foreach($b in [1..1000])#foreach($c in [1..1000])#end#end#end`, ErrStepLimit},
		{"doubling string", `#set($s = "xxxxxxxxxxxxxxxx")#foreach($i in [1..40])#set($s = "$s$s")#end`, ErrOutputLimit},
		{"doubling with +", `#set($s = "xxxxxxxxxxxxxxxx")#foreach($i in [1..40])#set($s = $s + $s)#end`, ErrOutputLimit},
		{"output", `#set($s = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")#foreach($i in [1..16])#set($s = "$s$s")#end#foreach($i in [1..1000])$s#end`, ErrOutputLimit},
		{"huge range", `#set($r = [1..100000000])`, ErrStepLimit},
		{"macro recursion", `#macro(m)#m()#end#m()`, ErrRecursionLimit},
		{"define recursion", `#define($d)$d#end$d`, ErrRecursionLimit},
		{"syntax", `#if(`, ErrSyntax},
		{"unclosed if", `#if(true) x`, ErrSyntax},
		{"stray end", `x #end`, ErrSyntax},
		{"unterminated string", `#set($a = "abc)`, ErrSyntax},
		{"unterminated comment", `#* never closed`, ErrSyntax},
		{"deep parens", `#set($a = ` + strings.Repeat("(", 500) + `1` + strings.Repeat(")", 500) + `)`, ErrSyntax},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := Render(c.tmpl, &Input{}, nil, nil)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}

func TestSyntaxErrorPosition(t *testing.T) {
	_, err := Parse("line one\n  #set($a 1)")
	var ve *Error
	if !errors.As(err, &ve) || ve.Line != 2 || !errors.Is(err, ErrSyntax) {
		t.Fatalf("err = %#v", err)
	}
}

// A parsed template is shared by concurrent requests; run with -race.
func TestConcurrentExecute(t *testing.T) {
	tmpl, err := Parse(`#set($m = $input.path('$'))#set($dummy = $m.put("k", $context.requestId))$m.k $s.replaceAll("a+", "b")#set($context.responseOverride.status = 201)`)
	if err != nil {
		t.Fatal(err)
	}
	ctx := Context{"requestId": "r", "identity": map[string]any{"sourceIp": "1.2.3.4"}}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				out, o, err := tmpl.Execute(&Input{Body: []byte(`{"x":1}`)}, ctx, nil)
				if err != nil || out != "r $s.replaceAll(\"a+\", \"b\")" || o.Response.Status != 201 {
					t.Errorf("got %q %v %v", out, o, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if _, ok := ctx["responseOverride"]; ok {
		t.Fatal("Execute modified the caller's context")
	}
}

func TestJavaDouble(t *testing.T) {
	for f, want := range map[float64]string{1.5: "1.5", 2: "2.0", 1e7: "1.0E7", 1.25e-5: "1.25E-5", 0.001: "0.001", -3.5: "-3.5", 123456.789: "123456.789"} {
		if got := javaDouble(f); got != want {
			t.Errorf("javaDouble(%v) = %q, want %q", f, got, want)
		}
	}
}

func TestSelfReferencingValues(t *testing.T) {
	cases := map[string]string{
		"direct":   `#set($l = [])#set($d = $l.add($l))#set($d = $l.add($l))$l $l.contains("x") #if($l == $l)eq#end`,
		"map":      `#set($m = {})#set($d = $m.put("self", $m))$m`,
		"indirect": `#set($a = [])#set($b = [$a, $a])#set($d = $a.add($b))#set($d = $a.add($b))#foreach($i in [1..50])#if($a == $b)#end#set($s = "$a")#end`,
	}
	for name, tmpl := range cases {
		t.Run(name, func(t *testing.T) {
			out, _, err := Render(tmpl, nil, nil, nil)
			if err != nil && !errors.Is(err, ErrStepLimit) && !errors.Is(err, ErrOutputLimit) {
				t.Fatalf("err = %v", err)
			}
			if name == "direct" && out != "[(this Collection), (this Collection)] false eq" {
				t.Fatalf("out = %q", out)
			}
			if name == "map" && out != "{self=(this Map)}" {
				t.Fatalf("out = %q", out)
			}
		})
	}
}

func TestContextValues(t *testing.T) {
	type claims map[string]string
	ctx := Context{
		"requestId": "r",
		"authorizer": map[string]any{
			"claims":      claims{"sub": "u1", "email": "a@b"},
			"principalId": "p",
			"n":           uint8(7),
			"groups":      []map[string]any{{"name": "g1"}},
		},
		"requestTimeEpoch": int64(1700000000000),
	}
	out, _, err := Render(`$context.authorizer.claims.email $context.authorizer.n $context.authorizer.groups[0].name $context.requestTimeEpoch`, nil, ctx, nil)
	if err != nil || out != "a@b 7 g1 1700000000000" {
		t.Fatalf("got %q, %v", out, err)
	}
}
