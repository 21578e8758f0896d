package dynamodb

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

const (
	maxLSI = 5
	maxGSI = 20
)

// defineIndexes validates CreateTable's LSIs and GSIs and checks that the
// attribute definitions are exactly the key attributes in use.
func (t *table) defineIndexes(in *CreateTableInput) error {
	types := map[string]string{}
	for _, d := range in.AttributeDefinitions {
		types[*d.AttributeName] = *d.AttributeType
	}
	if len(in.LocalSecondaryIndexes) > maxLSI {
		return invalidParam(fmt.Sprintf("Number of LocalSecondaryIndexes exceeds per-table limit of %d", maxLSI))
	}
	if len(in.GlobalSecondaryIndexes) > maxGSI {
		return &awserr.Error{Code: "LimitExceededException", Message: fmt.Sprintf("Subscriber limit exceeded: The number of global secondary indexes in the request (%d) exceeds the limit (%d)", len(in.GlobalSecondaryIndexes), maxGSI)}
	}
	if in.LocalSecondaryIndexes != nil && len(in.LocalSecondaryIndexes) == 0 {
		return invalidParam("List of LocalSecondaryIndexes is empty")
	}
	if in.GlobalSecondaryIndexes != nil && len(in.GlobalSecondaryIndexes) == 0 {
		return invalidParam("List of GlobalSecondaryIndexes is empty")
	}
	seen := map[string]bool{}
	add := func(si SecondaryIndex, global bool) error {
		ix, err := t.defineIndex(si, global, types, t.BillingMode)
		if err != nil {
			return err
		}
		if seen[ix.Name] {
			return invalidParam("Duplicate index name: " + ix.Name)
		}
		seen[ix.Name] = true
		ix.ID = t.NextIndexID + 1
		t.NextIndexID++
		t.Indexes = append(t.Indexes, ix)
		return nil
	}
	for _, si := range in.LocalSecondaryIndexes {
		if err := add(si, false); err != nil {
			return err
		}
	}
	for _, si := range in.GlobalSecondaryIndexes {
		if err := add(si, true); err != nil {
			return err
		}
	}
	used := map[string]bool{t.HashKey: true}
	if t.RangeKey != "" {
		used[t.RangeKey] = true
	}
	for _, ix := range t.Indexes {
		used[ix.HashKey] = true
		if ix.RangeKey != "" {
			used[ix.RangeKey] = true
		}
	}
	if len(used) != len(types) {
		if len(t.Indexes) == 0 {
			return invalidParam("Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions")
		}
		keys := make([]string, 0, len(used))
		for k := range used {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return invalidParam(fmt.Sprintf("Some AttributeDefinitions are not used. AttributeDefinitions: [%s], keys used: [%s]",
			strings.Join(sortedTables(types), ", "), strings.Join(keys, ", ")))
	}
	return nil
}

// updateIndexes applies UpdateTable's GlobalSecondaryIndexUpdates inside the
// transaction: a created index is backfilled at once, a deleted one's
// entries removed. It returns the name of the index created, if any.
func (t *table) updateIndexes(tx storage.Tx, in *UpdateTableInput) (string, error) {
	types := map[string]string{}
	for _, d := range t.AttrDefs {
		types[*d.AttributeName] = *d.AttributeType
	}
	for _, d := range in.AttributeDefinitions {
		if d.AttributeName == nil || d.AttributeType == nil {
			return "", validation("1 validation error detected: Value null at 'attributeDefinitions.member.attributeName' failed to satisfy constraint: Member must not be null")
		}
		if old, ok := types[*d.AttributeName]; ok && old != *d.AttributeType {
			return "", invalidParam("Cannot change the type of attribute " + *d.AttributeName + " which is used by an existing key schema")
		}
		types[*d.AttributeName] = *d.AttributeType
	}
	created := ""
	if len(in.GlobalSecondaryIndexUpdates) == 0 {
		return "", nil
	}
	for _, u := range in.GlobalSecondaryIndexUpdates {
		switch {
		case u.Create != nil:
			if u.Create.IndexName != nil && t.indexNamed(*u.Create.IndexName) != nil {
				return "", invalidParam("Index already exists: " + *u.Create.IndexName)
			}
			if n := countGlobal(t); n >= maxGSI {
				return "", &awserr.Error{Code: "LimitExceededException", Message: fmt.Sprintf("Subscriber limit exceeded: The number of global secondary indexes on the table (%d) is at the limit (%d)", n, maxGSI)}
			}
			ix, err := t.defineIndex(*u.Create, true, types, t.BillingMode)
			if err != nil {
				return "", err
			}
			t.NextIndexID++
			ix.ID = t.NextIndexID
			t.Indexes = append(t.Indexes, ix)
			if err := t.backfill(tx, ix); err != nil {
				return "", err
			}
			created = ix.Name
		case u.Delete != nil:
			name := str(u.Delete.IndexName)
			ix := t.indexNamed(name)
			if ix == nil || !ix.Global {
				return "", &awserr.Error{Code: "ResourceNotFoundException", Message: "Requested resource not found: Index: " + name + " not found for table: " + t.Name}
			}
			lo, hi := ix.rangeOf(t)
			if err := tx.DeleteRange(lo, hi); err != nil {
				return "", err
			}
			keep := t.Indexes[:0:0]
			for _, o := range t.Indexes {
				if o != ix {
					keep = append(keep, o)
				}
			}
			t.Indexes = keep
		case u.Update != nil:
			name := str(u.Update.IndexName)
			ix := t.indexNamed(name)
			if ix == nil || !ix.Global {
				return "", &awserr.Error{Code: "ResourceNotFoundException", Message: "Requested resource not found: Index: " + name + " not found for table: " + t.Name}
			}
			c := *ix
			if pt := u.Update.ProvisionedThroughput; pt != nil {
				if t.BillingMode != "PROVISIONED" || pt.ReadCapacityUnits == nil || pt.WriteCapacityUnits == nil {
					return "", invalidParam("ProvisionedThroughput can only be updated for a PROVISIONED table, with both ReadCapacityUnits and WriteCapacityUnits")
				}
				c.RCU, c.WCU = *pt.ReadCapacityUnits, *pt.WriteCapacityUnits
			}
			if u.Update.OnDemandThroughput != nil {
				c.OnDemand = u.Update.OnDemandThroughput
			}
			for i := range t.Indexes {
				if t.Indexes[i] == ix {
					t.Indexes[i] = &c
				}
			}
		default:
			return "", invalidParam("One of Create, Update or Delete must be specified in a GlobalSecondaryIndexUpdate")
		}
	}
	// Keep exactly the attribute definitions the key schemas use.
	used := map[string]bool{t.HashKey: true, t.RangeKey: true}
	for _, ix := range t.Indexes {
		used[ix.HashKey], used[ix.RangeKey] = true, true
	}
	var defs []AttributeDefinition
	for _, n := range sortedTables(types) {
		if used[n] {
			defs = append(defs, AttributeDefinition{AttributeName: ptr(n), AttributeType: ptr(types[n])})
		}
	}
	t.AttrDefs = defs
	return created, nil
}

func countGlobal(t *table) int {
	n := 0
	for _, ix := range t.Indexes {
		if ix.Global {
			n++
		}
	}
	return n
}
