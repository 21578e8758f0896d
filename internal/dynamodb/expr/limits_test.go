package expr

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestLimits(t *testing.T) {
	long := func(n int) string { // a condition of exactly n bytes
		return "a = :s" + strings.Repeat(" ", n-6)
	}
	cmps := func(n int) string { // n comparisons joined by AND: 2n-1 operators
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf("a%d = :n", i)
		}
		return strings.Join(parts, " AND ")
	}
	in := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf(":v%d", i)
		}
		return "a IN (" + strings.Join(parts, ", ") + ")"
	}
	path := func(n int) string { return "a" + strings.Repeat(".a", n-1) + " = :s" }
	nested := func(n int) string { // n levels of necessary parentheses
		return strings.Repeat("(a = :s AND ", n) + "a = :s" + strings.Repeat(")", n)
	}
	tests := []struct {
		name, src, err string
	}{
		{"4096 bytes", long(4096), ""},
		{"4097 bytes", long(4097), "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4097"},
		{"1 MB", long(1 << 20), "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 1048576"},
		{"299 operators", cmps(150), ""},
		{"301 operators", cmps(151), "Invalid ConditionExpression: The expression contains too many operators; operator count: 301"},
		{"IN 100", in(100), ""},
		{"IN 101", in(101), "Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101"},
		{"depth 32", path(32), ""},
		{"depth 33", path(33), "Invalid ConditionExpression: The document path has too many nesting levels; nesting levels: 33"},
		{"149 necessary parentheses", nested(149), ""},
		{"151 necessary parentheses", nested(151), "Invalid ConditionExpression: The expression contains too many operators; operator count: 301"},
		{"149 redundant parentheses", strings.Repeat("(", 149) + "a = :s" + strings.Repeat(")", 149), "Invalid ConditionExpression: The expression has redundant parentheses;"},
		{"2000 open parentheses", strings.Repeat("(", 2000), "Invalid ConditionExpression: The expression has redundant parentheses;"},
		{"2000 spaced parentheses", strings.Repeat("( ", 2000), "Invalid ConditionExpression: The expression has redundant parentheses;"},
		{"2000 NOTs", strings.Repeat("NOT ", 1000) + "a = :s", "Invalid ConditionExpression: The expression contains too many operators; operator count: 301"},
		{"deep size", strings.Repeat("size(", 600) + "a" + strings.Repeat(")", 600) + " = :n", "Invalid ConditionExpression: The expression contains too many operators; operator count: 301"},
		{"deep operand parentheses", "a = " + strings.Repeat("(", 2000) + ":s", "Invalid ConditionExpression: The expression has redundant parentheses;"},
		{"unbalanced brackets", "a" + strings.Repeat("[", 2000), `Invalid ConditionExpression: Syntax error; token: "[", near: "[[["`},
		{"closing parentheses", strings.Repeat(")", 2000), `Invalid ConditionExpression: Syntax error; token: ")", near: "))"`},
		{"NUL", "a = \x00", "Invalid ConditionExpression: Syntax error; token: \"\x00\", near: \"= \x00\""},
		{"invalid UTF-8", "a = \xff\xfe", "Invalid ConditionExpression: Syntax error; token: \"\xff\", near: \"= \xff\xfe\""},
		{"many commas", "a IN (" + strings.Repeat(",", 3000) + ")", `Invalid ConditionExpression: Syntax error; token: ",", near: "(,,"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			env := testEnv()
			_, err := env.Condition("ConditionExpression", tc.src)
			if d := time.Since(start); d > 200*time.Millisecond {
				t.Errorf("took %v", d)
			}
			got := ""
			if err != nil {
				got = strings.TrimPrefix(err.Error(), "ValidationException: ")
			}
			if got != tc.err {
				t.Errorf("got %q\nwant %q", got, tc.err)
			}
		})
	}
}

func TestUpdateAndProjectionLimits(t *testing.T) {
	env := testEnv()
	if _, err := env.Update("SET " + strings.Repeat("a", 4092)); err == nil || !strings.Contains(err.Error(), "Syntax error") {
		t.Error(err)
	}
	if _, err := env.Update("SET a = " + strings.Repeat("(", 3000)); err == nil {
		t.Error("deep update parsed")
	}
	if _, err := env.Update("SET a = " + strings.Repeat("if_not_exists(", 290)); err == nil || !strings.Contains(err.Error(), "Syntax error") {
		t.Error(err)
	}
	var sets []string
	for i := range 301 {
		sets = append(sets, fmt.Sprintf("a%d=:n+:n", i))
	}
	if _, err := env.Update("SET " + strings.Join(sets, ",")); err == nil || err.Error() != "ValidationException: Invalid UpdateExpression: Expression size has exceeded the maximum allowed size; expression size: 3789" && !strings.Contains(err.Error(), "too many operators; operator count: 301") {
		t.Error(err)
	}
	if _, err := env.Projection(strings.Repeat("a.", 32) + "a"); err == nil || err.Error() != "ValidationException: Invalid ProjectionExpression: The document path has too many nesting levels; nesting levels: 33" {
		t.Error(err)
	}
	if _, err := env.Projection("a" + strings.Repeat("[0]", 1000)); err == nil || !strings.Contains(err.Error(), "nesting levels: 1001") {
		t.Error(err)
	}
}
