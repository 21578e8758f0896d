package main

import (
	"fmt"
	"strconv"
)

// The figures issue #7 asks for, measured on the in-memory server in the
// same run as PutItem and Query:
//
//   - TransactWriteItems of 4 Puts at all workers, as a cost against one
//     PutItem (PutItem ops/s ÷ transaction ops/s; target under 3).
//   - Query of a global secondary index returning the same 20 items as a
//     base-table Query of the same table (p50 ratio; target within 1.3x).
const (
	gsiTable      = "bench_gsi"
	gsiTableItems = 10_000
	txnKeyBase    = 1 << 40 // transaction items never collide with PutItem's
)

func txnBody(i int) []byte {
	b := make([]byte, 0, 4*400)
	b = append(b, `{"TransactItems":[`...)
	for k := 0; k < 4; k++ {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"Put":{"TableName":"`+tableKV+`","Item":`...)
		b = kvItem(b, txnKeyBase+4*i+k)
		b = append(b, `}}`...)
	}
	return append(b, `]}`...)
}

// The GSI table has the Query table's shape plus gpk/gsk copies of pk/sk,
// indexed by a GSI projecting everything: both reads return the same items.
func createGSITableBody() []byte {
	return []byte(`{"TableName":"` + gsiTable + `","BillingMode":"PAY_PER_REQUEST",` +
		`"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"},` +
		`{"AttributeName":"gpk","AttributeType":"S"},{"AttributeName":"gsk","AttributeType":"S"}],` +
		`"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],` +
		`"GlobalSecondaryIndexes":[{"IndexName":"byG","KeySchema":[{"AttributeName":"gpk","KeyType":"HASH"},{"AttributeName":"gsk","KeyType":"RANGE"}],` +
		`"Projection":{"ProjectionType":"ALL"}}]}`)
}

func gsiBatchBody(req int) []byte {
	b := make([]byte, 0, 25*400)
	b = append(b, `{"RequestItems":{"`+gsiTable+`":[`...)
	for n := req * 25; n < (req+1)*25 && n < gsiTableItems; n++ {
		if n > req*25 {
			b = append(b, ',')
		}
		p, s := n/itemsPerPart, n%itemsPerPart
		item := queryItem(nil, gsiTable, p, s)
		// add the GSI key attributes: same values as pk and sk
		item = item[:len(item)-1]
		item = append(item, `,"gpk":{"S":"`+partKey(gsiTable, p)+`"},"gsk":{"S":"`+fmt.Sprintf("item#%04d", s)+`"}}`...)
		b = append(b, `{"PutRequest":{"Item":`...)
		b = append(b, item...)
		b = append(b, `}}`...)
	}
	return append(b, `]}}`...)
}

func gsiQueryBody(p int, index bool) []byte {
	if index {
		return []byte(`{"TableName":"` + gsiTable + `","IndexName":"byG","KeyConditionExpression":"gpk = :p","ExpressionAttributeValues":{":p":{"S":"` +
			partKey(gsiTable, p) + `"}}}`)
	}
	return queryBody(gsiTable, p)
}

// issue7 runs the transaction and index phases and records their figures.
func (b *bench) issue7(c *child, variant string, put *result) error {
	nTxn := 20_000
	reqs, err := buildAll(c.addr, "TransactWriteItems", nTxn, txnBody)
	if err != nil {
		return err
	}
	txn, err := b.measure(c, variant, "TransactWriteItems x4", &phase{pools: split(reqs, b.o.workers)})
	if err != nil {
		return fmt.Errorf("TransactWriteItems: %w", err)
	}
	b.rep.add(opResult{Server: variant, Op: "TransactWriteItems x4", Result: txn})

	if err := createTable(c.addr, gsiTable, createGSITableBody()); err != nil {
		return err
	}
	nReq := (gsiTableItems + 24) / 25
	batches, err := buildAll(c.addr, "BatchWriteItem", nReq, gsiBatchBody)
	if err != nil {
		return err
	}
	if _, err := b.measure(c, variant, "load "+gsiTable, &phase{addr: c.addr, serverPid: c.cmd.Process.Pid, pools: split(batches, b.o.workers), drain: true, check: checkBatch}); err != nil {
		return fmt.Errorf("loading %s: %w", gsiTable, err)
	}
	parts := gsiTableItems / itemsPerPart
	var base, idx *result
	for _, index := range []bool{false, true} {
		reqs, err := buildAll(c.addr, "Query", 5000, func(i int) []byte { return gsiQueryBody(int(mix(uint64(i))%uint64(parts)), index) })
		if err != nil {
			return err
		}
		label := "Query base (gsi table)"
		if index {
			label = "Query GSI"
		}
		res, err := b.measure(c, variant, label, &phase{pools: split(reqs, b.o.workers), cycle: true, check: checkQuery})
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		b.rep.add(opResult{Server: variant, Op: label, Result: res})
		if index {
			idx = res
		} else {
			base = res
		}
	}
	cost := put.OpsPerSec / txn.OpsPerSec
	verdict := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "MISS"
	}
	b.rep.Notes = append(b.rep.Notes,
		"Issue #7 figures ("+variant+"):",
		"  TransactWriteItems of 4 Puts: "+strconv.FormatFloat(txn.OpsPerSec, 'f', 0, 64)+" ops/s, p50 "+txn.P50.String()+
			"; cost of one transaction = "+strconv.FormatFloat(cost, 'f', 2, 64)+"x a PutItem (target < 3)   "+verdict(cost < 3),
		"  GSI Query vs base-table Query (same 20 items): p50 "+idx.P50.String()+" vs "+base.P50.String()+" = "+
			strconv.FormatFloat(float64(idx.P50)/float64(base.P50), 'f', 2, 64)+"x (target <= 1.3x)   "+verdict(float64(idx.P50) <= 1.3*float64(base.P50)),
	)
	return nil
}
