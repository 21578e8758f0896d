package partiql

import (
	"strings"
	"testing"
)

func TestPlanIn(t *testing.T) {
	tests := []struct {
		name string
		ctx  Context
		stmt string
		want string // "" for success
	}{
		{"exists in statement", InStatement, `EXISTS(SELECT * FROM t WHERE id = 'a')`, "EXISTS can only be used in ExecuteTransaction write requests."},
		{"exists in batch", InBatch, `EXISTS(SELECT * FROM t WHERE id = 'a')`, "EXISTS can only be used in ExecuteTransaction write requests."},
		{"exists in transaction", InTransaction, `EXISTS(SELECT * FROM t WHERE id = 'a' AND n > 1)`, ""},
		{"batch get", InBatch, `SELECT * FROM t WHERE id = 'a'`, ""},
		{"batch query", InBatch, `SELECT * FROM t WHERE id = 'a' AND n = 1`, "Select statements within BatchExecuteStatement must specify the primary key in the where clause."},
		{"batch index", InBatch, `SELECT * FROM "t"."i" WHERE id = 'a'`, "Select statements within BatchExecuteStatement must specify the primary key in the where clause."},
		{"batch scan", InBatch, `SELECT * FROM t`, "Select statements within BatchExecuteStatement must specify the primary key in the where clause."},
		{"transaction get", InTransaction, `SELECT a FROM t WHERE id = 'a'`, ""},
		{"transaction scan", InTransaction, `SELECT * FROM t WHERE n = 1`, "Select statements within ExecuteTransaction must specify the primary key in the where clause."},
		{"transaction index", InTransaction, `SELECT * FROM "t"."i" WHERE id = 'a'`, "Reads on indices are not supported within transactions."},
		{"transaction returning", InTransaction, `UPDATE t SET a = 1 WHERE id = 'a' RETURNING ALL NEW *`, "RETURNING clause is not supported in ExecuteTransaction."},
		{"transaction write", InTransaction, `DELETE FROM t WHERE id = 'a'`, ""},
		{"statement scan", InStatement, `SELECT * FROM t`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Parse(tt.stmt)
			if err != nil {
				t.Fatal(err)
			}
			p, err := st.PlanIn(tt.ctx, hashOnly, nil)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("PlanIn: %v", err)
				}
				checkExpressions(t, p, hashOnly)
				return
			}
			wantValidation(t, err, tt.want)
		})
	}
}

// TestLongStatements checks that statements at DynamoDB's 8 KB limit, and
// far beyond it, parse in linear time without exhausting anything: long
// AND chains are iterated, not nested.
func TestLongStatements(t *testing.T) {
	for _, n := range []int{800, 20000} {
		var b strings.Builder
		b.WriteString("SELECT * FROM t WHERE id = 'a'")
		for i := 0; i < n; i++ {
			b.WriteString(" AND x = 1")
		}
		st, err := Parse(b.String())
		if err != nil {
			t.Fatal(err)
		}
		p, err := st.Plan(hashOnly, nil)
		if err != nil {
			t.Fatal(err)
		}
		if p.Op != "Query" || strings.Count(p.FilterExpression, " AND ") != n-1 {
			t.Fatalf("%d terms: plan %s with %d ANDs", n, p.Op, strings.Count(p.FilterExpression, " AND "))
		}
	}
}
