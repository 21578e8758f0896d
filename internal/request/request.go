// Package request carries what the edge learned about a request (its id,
// account, region and caller) to the services, through the context.
package request

import (
	"context"
	"time"
)

// Info describes one request.
type Info struct {
	// ID is the request id sent back in x-amzn-RequestId.
	ID string
	// Account is the 12-digit account the request acts in.
	Account string
	// Region is the region from the SigV4 credential scope (or the default).
	Region string
	// AccessKey is the caller's access key id ("" when unsigned).
	AccessKey string
	// Service is the signing name the request was routed by.
	Service string
	// Operation is filled in by the codec once it knows it (for the access log).
	Operation string
	// Received is when the edge accepted the request.
	Received time.Time
	// Body is the whole request body, already read (and gunzipped) by the
	// edge for protocols that need it in memory; nil for streaming routes.
	Body []byte
}

type ctxKey struct{}

// With returns ctx carrying info.
func With(ctx context.Context, info *Info) context.Context {
	return context.WithValue(ctx, ctxKey{}, info)
}

// From returns the request's Info. Outside a request (in tests of a service
// alone) it returns a default in account 000000000000, region us-east-1.
func From(ctx context.Context) *Info {
	if i, ok := ctx.Value(ctxKey{}).(*Info); ok {
		return i
	}
	return &Info{Account: DefaultAccount, Region: DefaultRegion, Received: time.Now()}
}

// Defaults used when a request does not say.
const (
	DefaultAccount = "000000000000"
	DefaultRegion  = "us-east-1"
)
