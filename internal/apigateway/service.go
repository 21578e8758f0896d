package apigateway

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/credentials"
	"github.com/nimbus-cloud/nimbus/internal/protocol/restjson"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// FunctionCall is one Lambda invocation on behalf of an API.
type FunctionCall struct {
	Account, Region string
	// FunctionName is the function's ARN (possibly with a qualifier).
	FunctionName string
	Payload      []byte
	// SourceARN is arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/{path},
	// which the function's resource policy is checked against.
	SourceARN string
}

// FunctionResult is a synchronous invocation's outcome.
type FunctionResult struct {
	Payload []byte
	// FunctionError is non-empty ("Unhandled") when the function failed;
	// Payload then holds the error document.
	FunctionError string
}

// InvokeFunc invokes a Lambda function synchronously as the principal
// apigateway.amazonaws.com. It returns an *awserr.Error with code
// AccessDeniedException when the function's resource policy does not allow
// API Gateway, ResourceNotFoundException when the function does not exist;
// a function's own failure is reported in FunctionResult.FunctionError.
type InvokeFunc func(ctx context.Context, c FunctionCall) (*FunctionResult, error)

// Options configure the service.
type Options struct {
	KV  storage.KV
	Log *slog.Logger
	// Lambda invokes functions for AWS and AWS_PROXY integrations; nil
	// answers those integrations with 500 Internal server error.
	Lambda InvokeFunc
	// Logs receives execution logs and access logs when a stage enables
	// them; nil writes none.
	Logs LogSink
	// Keys issues the temporary credentials AWS integrations with other
	// services (DynamoDB actions, S3 paths) sign their requests with, and
	// Endpoint is nimbus's own base URL they are sent to; without both,
	// those integrations answer 500.
	Keys     *credentials.Store
	Endpoint func() string
	// HTTPClient sends HTTP and HTTP_PROXY integration requests;
	// a client without redirects when nil.
	HTTPClient *http.Client
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Service is API Gateway (REST APIs): the control plane and the
// invocation endpoint.
type Service struct {
	kv     storage.KV
	log    *slog.Logger
	lambda InvokeFunc
	client *http.Client
	now    func() time.Time
	h      *restjson.Handler
	logs   *logger
	// keys and endpoint serve AWS integrations with other services.
	keys     *serviceKeys
	endpoint func() string

	// deployments caches compiled snapshots by account/region/api/deployment:
	// a deployment never changes once created.
	mu          sync.Mutex
	deployments map[string]*compiled
	templates   templateCache
	// auth caches Lambda authorizer results by identity, for their TTL.
	auth authCache
	// quota counts requests per API key and usage plan.
	quota quotaCounter
}

// New returns the service.
func New(o Options) *Service {
	s := &Service{kv: o.KV, log: o.Log, lambda: o.Lambda, client: o.HTTPClient, now: o.Now,
		deployments: map[string]*compiled{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.client == nil {
		s.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if o.Keys != nil {
		s.keys = &serviceKeys{store: o.Keys}
	}
	s.endpoint = o.Endpoint
	if o.Logs != nil {
		s.logs = newLogger(o.Logs, s.log)
	}
	s.h = &restjson.Handler{Codec: restjson.Codec{BadRequest: badRequest}, Log: s.log}
	s.routes()
	return s
}

// Handler serves the control plane (restJson1, signing name apigateway).
func (s *Service) Handler() http.Handler { return s.h }

// WriteError encodes an error the edge raises, in API Gateway's shape.
func (s *Service) WriteError(w http.ResponseWriter, r *http.Request, e *awserr.Error) {
	s.h.WriteError(w, r, "", e)
}

func badRequest(msg string) *awserr.Error {
	return &awserr.Error{Code: "BadRequestException", Message: msg, Status: http.StatusBadRequest}
}

func notFound(msg string) *awserr.Error {
	return &awserr.Error{Code: "NotFoundException", Message: msg, Status: http.StatusNotFound}
}

func conflict(msg string) *awserr.Error {
	return &awserr.Error{Code: "ConflictException", Message: msg, Status: http.StatusConflict}
}

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// newID returns n characters from API Gateway's id alphabet.
func newID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}

// Keys. Every key starts with "apigateway/". An API's document lives under
// its account and region; the id index lets the invocation endpoint find
// an API from its id alone, as execute-api host names do.
func apiKey(account, region, id string) []byte {
	return []byte("apigateway/api/" + account + "/" + region + "/" + id)
}
func apiPrefix(account, region string) []byte {
	return []byte("apigateway/api/" + account + "/" + region + "/")
}
func idKey(id string) []byte { return []byte("apigateway/id/" + id) }
func deploymentKey(account, region, api, id string) []byte {
	return []byte("apigateway/dep/" + account + "/" + region + "/" + api + "/" + id)
}
func deploymentPrefix(account, region, api string) []byte {
	return []byte("apigateway/dep/" + account + "/" + region + "/" + api + "/")
}
func stageKey(account, region, api, name string) []byte {
	return []byte("apigateway/stage/" + account + "/" + region + "/" + api + "/" + name)
}
func stagePrefix(account, region, api string) []byte {
	return []byte("apigateway/stage/" + account + "/" + region + "/" + api + "/")
}

// prefixEnd is the smallest key after every key with prefix p.
func prefixEnd(p []byte) []byte {
	e := append([]byte(nil), p...)
	e[len(e)-1]++
	return e
}

func getJSON(r storage.Reader, key []byte, v any) (bool, error) {
	b, err := r.Get(key)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, json.Unmarshal(b, v)
}

func setJSON(tx storage.Tx, key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.Set(key, b)
}

// scan decodes every value under prefix into a new T, in key order.
func scan[T any](r storage.Reader, prefix []byte) ([]*T, error) {
	it := r.Iter(storage.IterOptions{Lower: prefix, Upper: prefixEnd(prefix)})
	defer it.Close()
	var out []*T
	for it.Next() {
		v := new(T)
		if err := json.Unmarshal(it.Value(), v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, it.Err()
}

func apiNotFound(account, id string) *awserr.Error {
	return notFound("Invalid API identifier specified " + account + ":" + id)
}

// loadAPI reads an API's document or returns NotFoundException.
func loadAPI(r storage.Reader, account, region, id string) (*apiDoc, error) {
	doc := new(apiDoc)
	ok, err := getJSON(r, apiKey(account, region, id), doc)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apiNotFound(account, id)
	}
	return doc, nil
}

// viewAPI runs fn on a read-only copy of the API's document.
func (s *Service) viewAPI(ctx context.Context, account, region, id string, fn func(*apiDoc) error) error {
	return s.kv.View(ctx, func(r storage.Reader) error {
		doc, err := loadAPI(r, account, region, id)
		if err != nil {
			return err
		}
		return fn(doc)
	})
}

// updateAPI runs fn on the API's document and stores it if fn succeeds.
func (s *Service) updateAPI(ctx context.Context, account, region, id string, fn func(*apiDoc) error) error {
	return s.kv.Update(ctx, func(tx storage.Tx) error {
		doc, err := loadAPI(tx, account, region, id)
		if err != nil {
			return err
		}
		if err := fn(doc); err != nil {
			return err
		}
		return setJSON(tx, apiKey(account, region, id), doc)
	})
}

// page applies API Gateway's position/limit paging to items (already in
// order): position is the index to start from, as a decimal string.
func page[T any](items []T, position *string, limit *int) ([]T, *string, error) {
	n := 25
	if limit != nil {
		if *limit < 1 || *limit > 500 {
			return nil, nil, badRequest("1 validation error detected: Value '" + itoa(*limit) + "' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 500")
		}
		n = *limit
	}
	start := 0
	if position != nil && *position != "" {
		p, err := atoi(*position)
		if err != nil || p < 0 {
			return nil, nil, badRequest("Invalid position parameter")
		}
		start = p
	}
	if start > len(items) {
		start = len(items)
	}
	end := min(start+n, len(items))
	var next *string
	if end < len(items) {
		p := itoa(end)
		next = &p
	}
	out := items[start:end]
	if out == nil {
		out = []T{}
	}
	return out, next, nil
}
