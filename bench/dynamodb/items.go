package main

import (
	"bytes"
	"fmt"
	"strconv"
)

// Tables the bench creates on each server.
const (
	tableKV = "bench_kv" // hash key pk: PutItem and GetItem
	// Query tables: hash key pk, range key sk, itemsPerPart items a partition.
	itemsPerPart = 20
)

// mix spreads consecutive integers over the key space (splitmix64), so that
// keys arrive in no particular order, as real ones do.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// kvKey is the partition key of the i-th item of the PutItem/GetItem table:
// every item is its own partition.
func kvKey(i int) string { return fmt.Sprintf("user#%016x", mix(uint64(i))) }

// partKey is the partition key of the p-th partition of a Query table.
func partKey(table string, p int) string {
	return fmt.Sprintf("part#%016x", mix(uint64(p)^uint64(len(table))<<40))
}

// appendAttrs writes the non-key attributes of item i, sized so that the
// whole item is ~200 bytes as DynamoDB counts item size (attribute names plus
// values).
func appendAttrs(b []byte, i int) []byte {
	h := mix(uint64(i) + 7)
	// names+values: name 4+16, email 5+28, city 4+10, age 3+2, score 5+6,
	// active 6+1, bio 3+72 = 165, plus the keys (~30 to ~40)
	b = append(b, `"name":{"S":"`...)
	b = append(b, fmt.Sprintf("Customer %08d", i%100000000)...)
	b = append(b, `"},"email":{"S":"`...)
	b = append(b, fmt.Sprintf("customer%08x@example.com", uint32(h))...)
	b = append(b, `"},"city":{"S":"`...)
	b = append(b, cities[h%uint64(len(cities))]...)
	b = append(b, `"},"age":{"N":"`...)
	b = strconv.AppendInt(b, int64(18+h%70), 10)
	b = append(b, `"},"score":{"N":"`...)
	b = strconv.AppendInt(b, int64(h%9000+1000), 10)
	b = append(b, ".25"...)
	b = append(b, `"},"active":{"BOOL":`...)
	b = strconv.AppendBool(b, h&1 == 1)
	b = append(b, `},"bio":{"S":"`...)
	b = append(b, bio[h%16:h%16+72]...)
	b = append(b, `"}`...)
	return b
}

var cities = []string{"Lisbon    ", "Porto     ", "Amsterdam ", "Berlin    ", "Nairobi   ", "Santiago  ", "Osaka     ", "Toronto   "}

const bio = "Enjoys long walks, short queries and consistent reads; prefers keys that are well distributed across partitions."

func kvItem(b []byte, i int) []byte {
	b = append(b, `{"pk":{"S":"`...)
	b = append(b, kvKey(i)...)
	b = append(b, `"},`...)
	b = appendAttrs(b, i)
	return append(b, '}')
}

func queryItem(b []byte, table string, p, s int) []byte {
	b = append(b, `{"pk":{"S":"`...)
	b = append(b, partKey(table, p)...)
	b = append(b, `"},"sk":{"S":"`...)
	b = append(b, fmt.Sprintf("item#%04d", s)...)
	b = append(b, `"},`...)
	b = appendAttrs(b, p*itemsPerPart+s)
	return append(b, '}')
}

func putBody(i int) []byte {
	b := make([]byte, 0, 400)
	b = append(b, `{"TableName":"`+tableKV+`","Item":`...)
	b = kvItem(b, i)
	return append(b, '}')
}

func getBody(i int) []byte {
	return []byte(`{"TableName":"` + tableKV + `","Key":{"pk":{"S":"` + kvKey(i) + `"}}}`)
}

func queryBody(table string, p int) []byte {
	return []byte(`{"TableName":"` + table + `","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"` +
		partKey(table, p) + `"}}}`)
}

// batchBody is the req-th BatchWriteItem of a Query table's load: items
// req*25 .. req*25+24 of the table, in partition order.
func batchBody(table string, req, items int) []byte {
	b := make([]byte, 0, 25*330)
	b = append(b, `{"RequestItems":{"`...)
	b = append(b, table...)
	b = append(b, `":[`...)
	first := true
	for n := req * 25; n < (req+1)*25 && n < items; n++ {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, `{"PutRequest":{"Item":`...)
		b = queryItem(b, table, n/itemsPerPart, n%itemsPerPart)
		b = append(b, `}}`...)
	}
	return append(b, `]}}`...)
}

func createQueryTableBody(table string) []byte {
	return []byte(`{"TableName":"` + table + `","BillingMode":"PAY_PER_REQUEST",` +
		`"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"}],` +
		`"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]}`)
}

func createKVTableBody() []byte {
	return []byte(`{"TableName":"` + tableKV + `","BillingMode":"PAY_PER_REQUEST",` +
		`"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],` +
		`"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]}`)
}

// Response checks: cheap byte tests, so a fast wrong answer (an empty
// GetItem, a short Query) cannot pass for a fast right one.
var (
	itemTag        = []byte(`"Item":{`)
	countTag       = []byte(`"Count":` + strconv.Itoa(itemsPerPart) + `,`)
	countTagEnd    = []byte(`"Count":` + strconv.Itoa(itemsPerPart) + `}`)
	unprocessedTag = []byte(`"UnprocessedItems":{}`)
)

func checkGet(body []byte) error {
	if !bytes.Contains(body, itemTag) {
		return fmt.Errorf("GetItem returned no item")
	}
	return nil
}

func checkQuery(body []byte) error {
	if !bytes.Contains(body, countTag) && !bytes.Contains(body, countTagEnd) {
		return fmt.Errorf("Query did not return %d items", itemsPerPart)
	}
	return nil
}

func checkBatch(body []byte) error {
	if !bytes.Contains(body, unprocessedTag) {
		return fmt.Errorf("BatchWriteItem left unprocessed items")
	}
	return nil
}
