package dynamodb

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

func epoch(s *Service) float64 {
	return float64(s.now().UnixMilli()) / 1000
}

func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// nextUID allocates a fresh id for a table or stream.
func nextUID(tx storage.Tx) (uint64, error) {
	var last uint64
	if v, err := tx.Get([]byte{prefixUID}); err == nil && len(v) == 8 {
		last = binary.BigEndian.Uint64(v)
	} else if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return 0, err
	}
	last++
	return last, tx.Set([]byte{prefixUID}, binary.BigEndian.AppendUint64(nil, last))
}

// CreateTable creates a table. The response says CREATING, as DynamoDB's
// does; nimbus has nothing to provision, so the table is ACTIVE for the
// very next request (SDK waiters return at their first poll).
func (s *Service) CreateTable(ctx context.Context, in *CreateTableInput) (*TableOutput, error) {
	info := request.From(ctx)
	var c constraints
	c.notNull(in.AttributeDefinitions == nil, "attributeDefinitions")
	c.tableName(in.TableName, "tableName")
	c.notNull(in.KeySchema == nil, "keySchema")
	if in.KeySchema != nil && len(in.KeySchema) < 1 {
		c.add("'[]'", "keySchema", "Member must have length greater than or equal to 1")
	}
	if len(in.KeySchema) > 2 {
		c.add(fmt.Sprintf("'%s'", keySchemaString(in.KeySchema)), "keySchema", "Member must have length less than or equal to 2")
	}
	for i, k := range in.KeySchema {
		c.notNull(k.AttributeName == nil, fmt.Sprintf("keySchema.%d.member.attributeName", i+1))
		c.notNull(k.KeyType == nil, fmt.Sprintf("keySchema.%d.member.keyType", i+1))
		c.enum(k.KeyType, fmt.Sprintf("keySchema.%d.member.keyType", i+1), "HASH", "RANGE")
	}
	for i, d := range in.AttributeDefinitions {
		c.notNull(d.AttributeName == nil, fmt.Sprintf("attributeDefinitions.%d.member.attributeName", i+1))
		c.notNull(d.AttributeType == nil, fmt.Sprintf("attributeDefinitions.%d.member.attributeType", i+1))
		c.enum(d.AttributeType, fmt.Sprintf("attributeDefinitions.%d.member.attributeType", i+1), "B", "N", "S")
	}
	c.enum(in.BillingMode, "billingMode", "PROVISIONED", "PAY_PER_REQUEST")
	c.enum(in.TableClass, "tableClass", "STANDARD", "STANDARD_INFREQUENT_ACCESS")
	if pt := in.ProvisionedThroughput; pt != nil {
		c.capacity(pt.ReadCapacityUnits, "provisionedThroughput.readCapacityUnits")
		c.capacity(pt.WriteCapacityUnits, "provisionedThroughput.writeCapacityUnits")
	}
	if err := c.err(); err != nil {
		return nil, err
	}

	t := &table{
		ID:      newUUID(),
		Name:    *in.TableName,
		Account: info.Account,
		Region:  info.Region,
		Created: epoch(s),
		Status:  "ACTIVE",
	}
	if err := t.setKeySchema(in.KeySchema, in.AttributeDefinitions); err != nil {
		return nil, err
	}
	if err := t.setBilling(in.BillingMode, in.ProvisionedThroughput, true, s); err != nil {
		return nil, err
	}
	if err := t.defineIndexes(in); err != nil {
		return nil, err
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	t.Tags = in.Tags
	t.SSE = in.SSESpecification
	t.TableClass = str(in.TableClass)
	t.DeletionProtected = boolv(in.DeletionProtectionEnabled)
	t.OnDemand = in.OnDemandThroughput

	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.Get(metaKey(t.Account, t.Region, t.Name)); err == nil {
			return &awserr.Error{Code: "ResourceInUseException", Message: "Table already exists: " + t.Name}
		} else if !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		uid, err := nextUID(tx)
		if err != nil {
			return err
		}
		t.UID = uid
		if err := s.setStream(tx, t, in.StreamSpecification, true); err != nil {
			return err
		}
		return saveTable(tx, t)
	})
	if err != nil {
		return nil, err
	}
	d := s.describe(t, 0, 0)
	d.TableStatus = "CREATING"
	return &TableOutput{TableDescription: d}, nil
}

func (c *constraints) capacity(v *int64, member string) {
	if v == nil {
		c.notNull(true, member)
		return
	}
	if *v < 1 {
		c.add(fmt.Sprintf("'%d'", *v), member, "Member must have value greater than or equal to 1")
	}
}

func keySchemaString(ks []KeySchemaElement) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = fmt.Sprintf("KeySchemaElement(attributeName=%s, keyType=%s)", str(k.AttributeName), str(k.KeyType))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// setKeySchema validates the key schema against the attribute definitions
// with DynamoDB's messages.
func (t *table) setKeySchema(ks []KeySchemaElement, defs []AttributeDefinition) error {
	types := map[string]string{}
	var names []string
	for _, d := range defs {
		n := *d.AttributeName
		if _, dup := types[n]; dup {
			return invalidParam("Duplicate AttributeName found in AttributeDefinitions: " + n)
		}
		types[n] = *d.AttributeType
		names = append(names, n)
	}
	var missing []string
	for _, k := range ks {
		if _, ok := types[*k.AttributeName]; !ok {
			missing = append(missing, *k.AttributeName)
		}
	}
	if len(missing) > 0 {
		return invalidParam(fmt.Sprintf("Some index key attributes are not defined in AttributeDefinitions. Keys: [%s], AttributeDefinitions: [%s]",
			strings.Join(missing, ", "), strings.Join(names, ", ")))
	}
	if *ks[0].KeyType != "HASH" {
		return validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
	}
	if len(ks) == 2 {
		if *ks[1].KeyType != "RANGE" {
			return validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
		}
		if *ks[0].AttributeName == *ks[1].AttributeName {
			return validation("Both the Hash Key and the Range Key element in the KeySchema have the same name")
		}
	}
	t.KeySchema = ks
	t.AttrDefs = defs
	t.HashKey = *ks[0].AttributeName
	t.HashType = kindOf(types[t.HashKey])
	if len(ks) == 2 {
		t.RangeKey = *ks[1].AttributeName
		t.RangeType = kindOf(types[t.RangeKey])
	}
	return nil
}

func (t *table) setBilling(mode *string, pt *ProvisionedThroughput, creating bool, s *Service) error {
	m := str(mode)
	if m == "" {
		if creating {
			m = "PROVISIONED"
		} else {
			m = t.BillingMode
		}
	}
	switch m {
	case "PROVISIONED":
		if pt == nil {
			if creating || t.BillingMode != "PROVISIONED" {
				return invalidParam("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
			}
			return nil
		}
		if pt.ReadCapacityUnits == nil || pt.WriteCapacityUnits == nil {
			return invalidParam("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
		}
		if !creating && t.BillingMode == "PROVISIONED" {
			now := epoch(s)
			if *pt.ReadCapacityUnits > t.RCU || *pt.WriteCapacityUnits > t.WCU {
				t.LastIncrease = now
			}
			if *pt.ReadCapacityUnits < t.RCU || *pt.WriteCapacityUnits < t.WCU {
				t.LastDecrease = now
				t.DecreasesToday++
			}
		}
		t.RCU, t.WCU = *pt.ReadCapacityUnits, *pt.WriteCapacityUnits
	case "PAY_PER_REQUEST":
		if pt != nil {
			return invalidParam("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
		}
		if t.BillingMode != "PAY_PER_REQUEST" {
			t.PayPerRequestTime = epoch(s)
		}
		t.RCU, t.WCU = 0, 0
	}
	t.BillingMode = m
	return nil
}

// describe renders a table's description. count and size are the live
// item count and bytes.
func (s *Service) describe(t *table, count, size int64) *TableDescription {
	d := &TableDescription{
		AttributeDefinitions:      t.AttrDefs,
		CreationDateTime:          t.Created,
		DeletionProtectionEnabled: t.DeletionProtected,
		ItemCount:                 count,
		KeySchema:                 t.KeySchema,
		TableArn:                  t.arn(),
		TableId:                   t.ID,
		TableName:                 t.Name,
		TableSizeBytes:            size,
		TableStatus:               t.Status,
		ProvisionedThroughput: &ProvisionedThroughputDescription{
			NumberOfDecreasesToday: t.DecreasesToday,
			ReadCapacityUnits:      t.RCU,
			WriteCapacityUnits:     t.WCU,
		},
	}
	if t.LastIncrease != 0 {
		v := t.LastIncrease
		d.ProvisionedThroughput.LastIncreaseDateTime = &v
	}
	if t.LastDecrease != 0 {
		v := t.LastDecrease
		d.ProvisionedThroughput.LastDecreaseDateTime = &v
	}
	if t.BillingMode == "PAY_PER_REQUEST" {
		v := t.PayPerRequestTime
		d.BillingModeSummary = &BillingModeSummary{BillingMode: "PAY_PER_REQUEST", LastUpdateToPayPerRequestDateTime: &v}
		d.OnDemandThroughput = &OnDemandThroughput{MaxReadRequestUnits: ptr(int64(-1)), MaxWriteRequestUnits: ptr(int64(-1))}
		if t.OnDemand != nil {
			d.OnDemandThroughput = t.OnDemand
		}
	} else {
		d.BillingModeSummary = &BillingModeSummary{BillingMode: "PROVISIONED"}
	}
	if t.TableClass != "" {
		d.TableClassSummary = &TableClassSummary{TableClass: t.TableClass}
	}
	if t.SSE != nil && boolv(t.SSE.Enabled) {
		d.SSEDescription = &SSEDescription{Status: "ENABLED", SSEType: "KMS",
			KMSMasterKeyArn: "arn:aws:kms:" + t.Region + ":" + t.Account + ":key/" + t.ID}
	}
	if st := t.activeStream(); st != nil {
		d.StreamSpecification = &StreamSpecification{StreamEnabled: ptr(true), StreamViewType: ptr(st.ViewType)}
	}
	if n := len(t.Streams); n > 0 {
		d.LatestStreamArn = t.streamARN(t.Streams[n-1])
		d.LatestStreamLabel = t.Streams[n-1].Label
	}
	d.WarmThroughput = &TableWarmThroughputDescription{ReadUnitsPerSecond: 12000, WriteUnitsPerSecond: 4000, Status: "ACTIVE"}
	t.describeIndexes(d, nil)
	return d
}

func ptr[T any](v T) *T { return &v }

// tableStats counts a table's items and bytes. DynamoDB refreshes these
// about every six hours; nimbus counts them when asked.
func (s *Service) tableStats(r storage.Reader, t *table) (count, size int64, err error) {
	lo, hi := t.itemRange()
	it := r.Iter(storage.IterOptions{Lower: lo, Upper: hi})
	defer it.Close()
	for it.Next() {
		count++
		size += int64(storedItemSize(it.Value()))
	}
	return count, size, it.Err()
}

// DescribeTable returns a table's description.
func (s *Service) DescribeTable(ctx context.Context, in *TableNameInput) (*DescribeTableOutput, error) {
	var c constraints
	c.tableName(in.TableName, "tableName")
	if err := c.err(); err != nil {
		return nil, err
	}
	info := request.From(ctx)
	var out *TableDescription
	err := s.kv.View(ctx, func(r storage.Reader) error {
		t, err := s.loadTable(r, info.Account, info.Region, *in.TableName)
		if err == errTableNotFound {
			return tableNotFound(*in.TableName)
		} else if err != nil {
			return err
		}
		n, size, err := s.tableStats(r, t)
		if err != nil {
			return err
		}
		out = s.describe(t, n, size)
		stats, err := t.indexStats(r)
		if err != nil {
			return err
		}
		out.LocalSecondaryIndexes, out.GlobalSecondaryIndexes = nil, nil
		t.describeIndexes(out, stats)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DescribeTableOutput{Table: out}, nil
}

// ListTables lists table names in order, up to Limit (1..100) per page.
func (s *Service) ListTables(ctx context.Context, in *ListTablesInput) (*ListTablesOutput, error) {
	var c constraints
	limit := int64(100)
	if in.Limit != nil {
		limit = *in.Limit
		if limit < 1 {
			c.add(fmt.Sprintf("'%d'", limit), "limit", "Member must have value greater than or equal to 1")
		}
		if limit > 100 {
			c.add(fmt.Sprintf("'%d'", limit), "limit", "Member must have value less than or equal to 100")
		}
	}
	if in.ExclusiveStartTableName != nil {
		c.tableName(in.ExclusiveStartTableName, "exclusiveStartTableName")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	info := request.From(ctx)
	out := &ListTablesOutput{TableNames: []string{}}
	prefix := metaPrefix(info.Account, info.Region)
	lower := prefix
	if in.ExclusiveStartTableName != nil {
		lower = append(append(append([]byte{}, prefix...), *in.ExclusiveStartTableName...), 0)
	}
	upper := append(append([]byte{}, prefix[:len(prefix)-1]...), '/'+1)
	err := s.kv.View(ctx, func(r storage.Reader) error {
		it := r.Iter(storage.IterOptions{Lower: lower, Upper: upper})
		defer it.Close()
		for it.Next() {
			if int64(len(out.TableNames)) == limit {
				last := out.TableNames[len(out.TableNames)-1]
				out.LastEvaluatedTableName = &last
				break
			}
			out.TableNames = append(out.TableNames, string(it.Key()[len(prefix):]))
		}
		return it.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateTable changes billing, throughput, class and deletion protection.
func (s *Service) UpdateTable(ctx context.Context, in *UpdateTableInput) (*TableOutput, error) {
	var c constraints
	c.tableName(in.TableName, "tableName")
	c.enum(in.BillingMode, "billingMode", "PROVISIONED", "PAY_PER_REQUEST")
	c.enum(in.TableClass, "tableClass", "STANDARD", "STANDARD_INFREQUENT_ACCESS")
	if pt := in.ProvisionedThroughput; pt != nil {
		c.capacity(pt.ReadCapacityUnits, "provisionedThroughput.readCapacityUnits")
		c.capacity(pt.WriteCapacityUnits, "provisionedThroughput.writeCapacityUnits")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	if len(in.GlobalSecondaryIndexUpdates) > 1 {
		n := 0
		for _, u := range in.GlobalSecondaryIndexUpdates {
			if u.Create != nil || u.Delete != nil {
				n++
			}
		}
		if n > 1 {
			return nil, &awserr.Error{Code: "LimitExceededException", Message: "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table"}
		}
	}
	if len(in.ReplicaUpdates) > 0 {
		return nil, validation("nimbus does not support global tables (ReplicaUpdates)")
	}
	if in.BillingMode == nil && in.ProvisionedThroughput == nil && in.TableClass == nil && len(in.GlobalSecondaryIndexUpdates) == 0 && in.DeletionProtectionEnabled == nil &&
		in.SSESpecification == nil && in.StreamSpecification == nil && in.OnDemandThroughput == nil && in.AttributeDefinitions == nil {
		return nil, validation("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required")
	}
	info := request.From(ctx)
	var out *TableDescription
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		cur, err := s.loadTable(tx, info.Account, info.Region, *in.TableName)
		if err == errTableNotFound {
			return tableNotFound(*in.TableName)
		} else if err != nil {
			return err
		}
		t := *cur
		if in.ProvisionedThroughput != nil && str(in.BillingMode) != "PAY_PER_REQUEST" && t.BillingMode == "PROVISIONED" &&
			in.BillingMode == nil && *in.ProvisionedThroughput.ReadCapacityUnits == t.RCU && *in.ProvisionedThroughput.WriteCapacityUnits == t.WCU {
			return validationf("The provisioned throughput for the table will not change. The requested value equals the current value. "+
				"Current ReadCapacityUnitsForTable: %d, Current WriteCapacityUnitsForTable: %d, Requested ReadCapacityUnitsForTable: %d, "+
				"Requested WriteCapacityUnitsForTable: %d. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.",
				t.RCU, t.WCU, t.RCU, t.WCU)
		}
		if in.BillingMode != nil || in.ProvisionedThroughput != nil {
			if err := t.setBilling(in.BillingMode, in.ProvisionedThroughput, false, s); err != nil {
				return err
			}
		}
		if in.TableClass != nil {
			t.TableClass = *in.TableClass
		}
		if in.DeletionProtectionEnabled != nil {
			t.DeletionProtected = *in.DeletionProtectionEnabled
		}
		if in.SSESpecification != nil {
			t.SSE = in.SSESpecification
		}
		if in.OnDemandThroughput != nil {
			t.OnDemand = in.OnDemandThroughput
		}
		t.Indexes = append([]*index(nil), cur.Indexes...)
		t.Streams = append([]*stream(nil), cur.Streams...)
		if err := s.setStream(tx, &t, in.StreamSpecification, false); err != nil {
			return err
		}
		created, err := t.updateIndexes(tx, in)
		if err != nil {
			return err
		}
		if err := saveTable(tx, &t); err != nil {
			return err
		}
		out = s.describe(&t, 0, 0)
		out.TableStatus = "UPDATING"
		for i := range out.GlobalSecondaryIndexes {
			if out.GlobalSecondaryIndexes[i].IndexName == created {
				// The response shows the new index being built, as DynamoDB's
				// does; nimbus has already backfilled it in this transaction.
				out.GlobalSecondaryIndexes[i].IndexStatus = "CREATING"
				out.GlobalSecondaryIndexes[i].Backfilling = ptr(true)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &TableOutput{TableDescription: out}, nil
}

// DeleteTable deletes a table and all its items in one transaction.
func (s *Service) DeleteTable(ctx context.Context, in *TableNameInput) (*TableOutput, error) {
	var c constraints
	c.tableName(in.TableName, "tableName")
	if err := c.err(); err != nil {
		return nil, err
	}
	info := request.From(ctx)
	var out *TableDescription
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		t, err := s.loadTable(tx, info.Account, info.Region, *in.TableName)
		if err == errTableNotFound {
			return tableNotFound(*in.TableName)
		} else if err != nil {
			return err
		}
		if t.DeletionProtected {
			return validation("Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
		}
		n, size, err := s.tableStats(tx, t)
		if err != nil {
			return err
		}
		out = s.describe(t, n, size)
		out.TableStatus = "DELETING"
		lo, hi := t.itemRange()
		if err := tx.DeleteRange(lo, hi); err != nil {
			return err
		}
		ilo := append([]byte{prefixIndex}, lo[1:]...)
		ihi := append([]byte{prefixIndex}, hi[1:]...)
		if err := tx.DeleteRange(ilo, ihi); err != nil {
			return err
		}
		return tx.Delete(metaKey(t.Account, t.Region, t.Name))
	})
	if err != nil {
		return nil, err
	}
	return &TableOutput{TableDescription: out}, nil
}

// DescribeLimits returns DynamoDB's default account quotas.
func (s *Service) DescribeLimits(ctx context.Context, in *Empty) (*DescribeLimitsOutput, error) {
	return &DescribeLimitsOutput{
		AccountMaxReadCapacityUnits:  80000,
		AccountMaxWriteCapacityUnits: 80000,
		TableMaxReadCapacityUnits:    40000,
		TableMaxWriteCapacityUnits:   40000,
	}, nil
}

// DescribeEndpoints names the regional endpoint, as DynamoDB does.
func (s *Service) DescribeEndpoints(ctx context.Context, in *Empty) (*DescribeEndpointsOutput, error) {
	return &DescribeEndpointsOutput{Endpoints: []Endpoint{{
		Address: "dynamodb." + request.From(ctx).Region + ".amazonaws.com", CachePeriodInMinutes: 1440,
	}}}, nil
}

// tableFromARN parses arn:aws:dynamodb:REGION:ACCOUNT:table/NAME.
func tableFromARN(arn string) (region, account, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "dynamodb" {
		return "", "", "", false
	}
	name, found := strings.CutPrefix(parts[5], "table/")
	if !found || name == "" || strings.Contains(name, "/") {
		return "", "", "", false
	}
	return parts[3], parts[4], name, true
}

func validateTags(tags []Tag) error {
	if len(tags) > 50 {
		return validation("One or more parameter values were invalid: The number of tags exceeds the limit of 50")
	}
	for _, t := range tags {
		if t.Key == nil || *t.Key == "" || len(*t.Key) > 128 {
			return validation("One or more parameter values were invalid: Tag keys must be between 1 and 128 characters in length")
		}
		if t.Value == nil || len(*t.Value) > 256 {
			return validation("One or more parameter values were invalid: Tag values must be between 0 and 256 characters in length")
		}
		if strings.HasPrefix(*t.Key, "aws:") {
			return validation("One or more parameter values were invalid: Tag keys cannot begin with aws:")
		}
	}
	return nil
}

// withTaggedTable runs fn on the table an ARN names, in the caller's account.
func (s *Service) withTaggedTable(ctx context.Context, arnp *string, write bool, fn func(t *table) (bool, error)) error {
	var c constraints
	c.notNull(arnp == nil, "resourceArn")
	if err := c.err(); err != nil {
		return err
	}
	info := request.From(ctx)
	region, account, name, ok := tableFromARN(*arnp)
	if !ok {
		return validation("Invalid TableArn: Invalid ResourceArn provided as input " + *arnp)
	}
	notFound := &awserr.Error{Code: "ResourceNotFoundException", Message: "Requested resource not found: ResourcArn: " + *arnp + " not found"}
	if account != info.Account {
		return notFound
	}
	if !write {
		return s.kv.View(ctx, func(r storage.Reader) error {
			t, err := s.loadTable(r, account, region, name)
			if err == errTableNotFound {
				return notFound
			} else if err != nil {
				return err
			}
			_, err = fn(t)
			return err
		})
	}
	return s.kv.Update(ctx, func(tx storage.Tx) error {
		cur, err := s.loadTable(tx, account, region, name)
		if err == errTableNotFound {
			return notFound
		} else if err != nil {
			return err
		}
		t := *cur
		t.Tags = append([]Tag(nil), cur.Tags...)
		changed, err := fn(&t)
		if err != nil || !changed {
			return err
		}
		return saveTable(tx, &t)
	})
}

// TagResource adds or replaces tags.
func (s *Service) TagResource(ctx context.Context, in *TagResourceInput) (*Empty, error) {
	var c constraints
	c.notNull(in.Tags == nil, "tags")
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	err := s.withTaggedTable(ctx, in.ResourceArn, true, func(t *table) (bool, error) {
		for _, nt := range in.Tags {
			replaced := false
			for i := range t.Tags {
				if *t.Tags[i].Key == *nt.Key {
					t.Tags[i] = nt
					replaced = true
				}
			}
			if !replaced {
				t.Tags = append(t.Tags, nt)
			}
		}
		if len(t.Tags) > 50 {
			return false, validation("One or more parameter values were invalid: The number of tags exceeds the limit of 50")
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// UntagResource removes tags by key.
func (s *Service) UntagResource(ctx context.Context, in *TagResourceInput) (*Empty, error) {
	var c constraints
	c.notNull(in.TagKeys == nil, "tagKeys")
	if err := c.err(); err != nil {
		return nil, err
	}
	err := s.withTaggedTable(ctx, in.ResourceArn, true, func(t *table) (bool, error) {
		keep := t.Tags[:0]
		for _, tg := range t.Tags {
			drop := false
			for _, k := range in.TagKeys {
				if *tg.Key == k {
					drop = true
				}
			}
			if !drop {
				keep = append(keep, tg)
			}
		}
		t.Tags = keep
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// ListTagsOfResource lists a table's tags, sorted by key.
func (s *Service) ListTagsOfResource(ctx context.Context, in *ListTagsOfResourceInput) (*ListTagsOfResourceOutput, error) {
	out := &ListTagsOfResourceOutput{Tags: []Tag{}}
	err := s.withTaggedTable(ctx, in.ResourceArn, false, func(t *table) (bool, error) {
		out.Tags = append(out.Tags, t.Tags...)
		sort.Slice(out.Tags, func(i, j int) bool { return *out.Tags[i].Key < *out.Tags[j].Key })
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
