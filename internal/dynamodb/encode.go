package dynamodb

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/nimbus-cloud/nimbus/internal/dynamodb/attr"
	"github.com/nimbus-cloud/nimbus/internal/protocol/awsjson"
)

// Hand-written encoders for the responses every read and write returns.
// encoding/json would call attr's MarshalJSON and then re-scan and compact
// its output; appending directly saves most of a Query's encoding time.
// Rare members (consumed capacity, metrics) go through encoding/json. Each
// must mean what json.Marshal produces for the same struct, member for
// member (TestAppendJSONMatchesMarshal); only string escaping may differ
// (encoding/json escapes U+2028, <, > and & where JSON does not require it).

func appendMember(dst []byte, first *bool, name string) []byte {
	if !*first {
		dst = append(dst, ',')
	}
	*first = false
	dst = append(dst, '"')
	dst = append(dst, name...)
	return append(dst, '"', ':')
}

func appendAny(dst []byte, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return append(dst, "null"...)
	}
	return append(dst, b...)
}

// AppendJSON implements awsjson.Appender.
func (o *GetItemOutput) AppendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	first := true
	if o.itemJSON != nil {
		dst = appendMember(dst, &first, "Item")
		dst = append(dst, o.itemJSON...)
	} else if o.Item != nil {
		dst = appendMember(dst, &first, "Item")
		dst = attr.AppendItemJSON(dst, o.Item)
	}
	if o.ConsumedCapacity != nil {
		dst = appendMember(dst, &first, "ConsumedCapacity")
		dst = appendAny(dst, o.ConsumedCapacity)
	}
	return append(dst, '}')
}

// AppendJSON implements awsjson.Appender.
func (o *ItemOutput) AppendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	first := true
	if len(o.Attributes) > 0 {
		dst = appendMember(dst, &first, "Attributes")
		dst = attr.AppendItemJSON(dst, o.Attributes)
	}
	if o.ConsumedCapacity != nil {
		dst = appendMember(dst, &first, "ConsumedCapacity")
		dst = appendAny(dst, o.ConsumedCapacity)
	}
	if o.ItemCollectionMetrics != nil {
		dst = appendMember(dst, &first, "ItemCollectionMetrics")
		dst = appendAny(dst, o.ItemCollectionMetrics)
	}
	return append(dst, '}')
}

// AppendJSON implements awsjson.Appender.
func (o *QueryOutput) AppendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	first := true
	if o.rendered {
		dst = appendMember(dst, &first, "Items")
		dst = append(dst, '[')
		dst = append(dst, o.itemsJSON...)
		dst = append(dst, ']')
	} else if o.Items != nil {
		dst = appendMember(dst, &first, "Items")
		dst = append(dst, '[')
		for i, it := range o.Items {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = attr.AppendItemJSON(dst, it)
		}
		dst = append(dst, ']')
	}
	dst = appendMember(dst, &first, "Count")
	dst = strconv.AppendInt(dst, o.Count, 10)
	dst = appendMember(dst, &first, "ScannedCount")
	dst = strconv.AppendInt(dst, o.ScannedCount, 10)
	if len(o.LastEvaluatedKey) > 0 {
		dst = appendMember(dst, &first, "LastEvaluatedKey")
		dst = attr.AppendItemJSON(dst, o.LastEvaluatedKey)
	}
	if o.ConsumedCapacity != nil {
		dst = appendMember(dst, &first, "ConsumedCapacity")
		dst = appendAny(dst, o.ConsumedCapacity)
	}
	return append(dst, '}')
}

var (
	_ awsjson.Appender = (*GetItemOutput)(nil)
	_ awsjson.Appender = (*ItemOutput)(nil)
	_ awsjson.Appender = (*QueryOutput)(nil)
)

// Wire entry points: requests decoded off the wire only ever have their
// output encoded, so their items may be rendered straight from storage.

func (s *Service) queryWire(ctx context.Context, in *QueryInput) (*QueryOutput, error) {
	in.wire = true
	return s.Query(ctx, in)
}

func (s *Service) scanWire(ctx context.Context, in *QueryInput) (*QueryOutput, error) {
	in.wire = true
	return s.Scan(ctx, in)
}

func (s *Service) getItemWire(ctx context.Context, in *GetItemInput) (*GetItemOutput, error) {
	in.wire = true
	return s.GetItem(ctx, in)
}
