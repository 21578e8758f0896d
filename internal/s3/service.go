package s3

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/credentials"
	"github.com/nimbus-cloud/nimbus/internal/protocol/restxml"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// FunctionInvoker invokes a Lambda function asynchronously (InvocationType
// Event): it queues payload and returns. It returns an error when the
// function does not exist or cannot be queued.
type FunctionInvoker interface {
	InvokeAsync(ctx context.Context, account, region, functionARN string, payload []byte, sourceARN, sourceAccount string) error
}

// Options configure the service.
type Options struct {
	KV storage.KV
	// Dir holds object bodies; it is created if missing.
	Dir string
	// Keys are the access keys whose secrets nimbus knows, used to verify
	// aws-chunked chunk signatures; nil verifies none.
	Keys *credentials.Store
	// Invoker delivers event notifications to Lambda; nil stores and
	// validates notification configurations but delivers nothing.
	Invoker FunctionInvoker
	Log     *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Service is S3.
type Service struct {
	kv      storage.KV
	files   *files
	keys    *credentials.Store
	invoker FunctionInvoker
	log     *slog.Logger
	now     func() time.Time

	// notifications in flight, waited for by Close.
	wg     sync.WaitGroup
	closed chan struct{}
	seqMu  sync.Mutex
	seq    uint64
}

// New returns S3 over o.KV and o.Dir, removing body files that no record
// references (left by a crash).
func New(o Options) (*Service, error) {
	s := &Service{kv: o.KV, files: &files{dir: o.Dir}, keys: o.Keys, invoker: o.Invoker, log: o.Log, now: o.Now, closed: make(chan struct{})}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if o.Dir == "" {
		return nil, errors.New("s3: Options.Dir is required")
	}
	if err := s.files.init(); err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	if err := s.files.cleanup(context.Background(), s.kv); err != nil {
		return nil, fmt.Errorf("s3: removing orphan files: %w", err)
	}
	return s, nil
}

// Close waits for notifications being delivered.
func (s *Service) Close() error {
	select {
	case <-s.closed:
	default:
		close(s.closed)
	}
	s.wg.Wait()
	return nil
}

// Handler serves S3's REST API.
func (s *Service) Handler() http.Handler { return http.HandlerFunc(s.serve) }

// WriteError encodes an error the edge raises in S3's XML shape.
func (s *Service) WriteError(w http.ResponseWriter, r *http.Request, e *awserr.Error) {
	restxml.WriteError(w, r, "", e)
}

// ---- addressing ----

// hostBucket returns the bucket a virtual-host-style Host names:
// {bucket}.s3.localhost, {bucket}.localhost, {bucket}.s3.amazonaws.com and
// the regional forms.
func hostBucket(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(host)
	for _, suf := range []string{".s3.localhost", ".localhost", ".s3.amazonaws.com"} {
		if b, ok := strings.CutSuffix(host, suf); ok && b != "" && b != "s3" && !strings.HasSuffix(b, ".execute-api") {
			return b
		}
	}
	if i := strings.Index(host, ".s3."); i > 0 && strings.HasSuffix(host, ".amazonaws.com") {
		return host[:i]
	}
	if i := strings.Index(host, ".s3-"); i > 0 && strings.HasSuffix(host, ".amazonaws.com") {
		return host[:i]
	}
	return ""
}

// Match claims requests for S3 that carry no SigV4 scope: any request to a
// bucket's virtual host, and path-style requests no other service claims.
// It never claims GET / without a host bucket (DynamoDB's health check) nor
// the paths other services own.
func Match(r *http.Request) bool {
	if hostBucket(r.Host) != "" {
		return true
	}
	p := r.URL.Path
	if p == "/" || p == "" || strings.HasPrefix(p, "/_nimbus/") || strings.HasPrefix(p, "/restapis/") ||
		strings.HasPrefix(p, "/2015-03-31/") || strings.HasPrefix(p, "/2018-06-01/") || strings.HasPrefix(p, "/v1/") {
		return false
	}
	if r.Header.Get("X-Amz-Target") != "" {
		return false
	}
	return true
}

// target is the bucket and key a request addresses.
type target struct {
	bucket, key string
	hasKey      bool
}

func parseTarget(r *http.Request) target {
	p := r.URL.Path
	if b := hostBucket(r.Host); b != "" {
		k := strings.TrimPrefix(p, "/")
		return target{bucket: b, key: k, hasKey: k != ""}
	}
	p = strings.TrimPrefix(p, "/")
	b, k, _ := strings.Cut(p, "/")
	return target{bucket: b, key: k, hasKey: k != ""}
}

// ---- dispatch ----

type handler func(w http.ResponseWriter, r *http.Request, t target) error

func (s *Service) serve(w http.ResponseWriter, r *http.Request) {
	t := parseTarget(r)
	q := r.URL.Query()
	name, h := s.route(r.Method, t, q, r.Header)
	request.From(r.Context()).Operation = name
	if presignedV2(q) {
		if err := s.checkPresignedV2(r, q, t); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if h == nil {
		s.fail(w, r, errMethodNotAllowed(r.Method, resourceType(t)))
		return
	}
	if r.Method != http.MethodOptions && r.Header.Get("Origin") != "" {
		s.corsActual(w, r, t)
	}
	if err := h(w, r, t); err != nil {
		s.fail(w, r, err)
	}
}

func resourceType(t target) string {
	switch {
	case t.hasKey:
		return "OBJECT"
	case t.bucket != "":
		return "BUCKET"
	}
	return "SERVICE"
}

func (s *Service) route(method string, t target, q url.Values, h http.Header) (string, handler) {
	has := func(k string) bool { _, ok := q[k]; return ok }
	if method == http.MethodOptions && t.bucket != "" {
		return "PreflightRequest", s.preflight
	}
	if t.bucket == "" {
		if method == http.MethodGet {
			return "ListBuckets", s.listBuckets
		}
		return "", nil
	}
	if !t.hasKey {
		switch method {
		case http.MethodPut:
			switch {
			case has("versioning"):
				return "PutBucketVersioning", s.putBucketVersioning
			case has("cors"):
				return "PutBucketCors", s.putBucketCors
			case has("policy"):
				return "PutBucketPolicy", s.putBucketPolicy
			case has("lifecycle"):
				return "PutBucketLifecycleConfiguration", s.putBucketLifecycle
			case has("notification"):
				return "PutBucketNotificationConfiguration", s.putBucketNotification
			case has("tagging"):
				return "PutBucketTagging", s.putBucketTagging
			case unsupportedSub(q):
				return "Unsupported", s.unsupported
			}
			return "CreateBucket", s.createBucket
		case http.MethodGet:
			switch {
			case has("location"):
				return "GetBucketLocation", s.getBucketLocation
			case has("versioning"):
				return "GetBucketVersioning", s.getBucketVersioning
			case has("cors"):
				return "GetBucketCors", s.getBucketCors
			case has("policy"):
				return "GetBucketPolicy", s.getBucketPolicy
			case has("lifecycle"):
				return "GetBucketLifecycleConfiguration", s.getBucketLifecycle
			case has("notification"):
				return "GetBucketNotificationConfiguration", s.getBucketNotification
			case has("tagging"):
				return "GetBucketTagging", s.getBucketTagging
			case has("uploads"):
				return "ListMultipartUploads", s.listMultipartUploads
			case has("versions"):
				return "ListObjectVersions", s.listObjectVersions
			case unsupportedSub(q):
				return "Unsupported", s.unsupported
			case q.Get("list-type") == "2":
				return "ListObjectsV2", s.listObjectsV2
			}
			return "ListObjects", s.listObjects
		case http.MethodHead:
			return "HeadBucket", s.headBucket
		case http.MethodDelete:
			switch {
			case has("cors"):
				return "DeleteBucketCors", s.deleteBucketCors
			case has("policy"):
				return "DeleteBucketPolicy", s.deleteBucketPolicy
			case has("lifecycle"):
				return "DeleteBucketLifecycle", s.deleteBucketLifecycle
			case has("tagging"):
				return "DeleteBucketTagging", s.deleteBucketTagging
			case unsupportedSub(q):
				return "Unsupported", s.unsupported
			}
			return "DeleteBucket", s.deleteBucket
		case http.MethodPost:
			if has("delete") {
				return "DeleteObjects", s.deleteObjects
			}
		}
		return "", nil
	}
	switch method {
	case http.MethodPut:
		switch {
		case has("tagging"):
			return "PutObjectTagging", s.putObjectTagging
		case has("uploadId") || has("partNumber"):
			if h.Get("X-Amz-Copy-Source") != "" {
				return "UploadPartCopy", s.uploadPartCopy
			}
			return "UploadPart", s.uploadPart
		case unsupportedSub(q):
			return "Unsupported", s.unsupported
		case h.Get("X-Amz-Copy-Source") != "":
			return "CopyObject", s.copyObject
		}
		return "PutObject", s.putObject
	case http.MethodGet:
		switch {
		case has("tagging"):
			return "GetObjectTagging", s.getObjectTagging
		case has("uploadId"):
			return "ListParts", s.listParts
		case unsupportedSub(q):
			return "Unsupported", s.unsupported
		}
		return "GetObject", s.getObject
	case http.MethodHead:
		return "HeadObject", s.headObject
	case http.MethodDelete:
		switch {
		case has("tagging"):
			return "DeleteObjectTagging", s.deleteObjectTagging
		case has("uploadId"):
			return "AbortMultipartUpload", s.abortMultipartUpload
		}
		return "DeleteObject", s.deleteObject
	case http.MethodPost:
		switch {
		case has("uploads"):
			return "CreateMultipartUpload", s.createMultipartUpload
		case has("uploadId"):
			return "CompleteMultipartUpload", s.completeMultipartUpload
		}
	}
	return "", nil
}

// Sub-resources nimbus does not implement: answered with NotImplemented
// rather than mistaken for the plain operation.
var unsupported = []string{"acl", "accelerate", "analytics", "encryption", "intelligent-tiering", "inventory",
	"logging", "metrics", "object-lock", "ownershipControls", "policyStatus", "publicAccessBlock", "replication",
	"requestPayment", "website", "legal-hold", "retention", "restore", "select", "torrent", "attributes", "renameObject"}

func unsupportedSub(q url.Values) bool {
	for _, k := range unsupported {
		if _, ok := q[k]; ok {
			return true
		}
	}
	return false
}

func (s *Service) unsupported(w http.ResponseWriter, r *http.Request, t target) error {
	return errNotImplemented("nimbus does not implement this S3 sub-resource")
}

// ---- responses ----

func (s *Service) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ae *awserr.Error
	if !errors.As(err, &ae) {
		if errors.Is(err, context.Canceled) {
			return
		}
		info := request.From(r.Context())
		s.log.Error("internal error", "request_id", info.ID, "operation", info.Operation, "err", err)
		ae = &awserr.Error{Code: "InternalError", Message: "We encountered an internal error. Please try again.", Status: 500, Fault: true}
	}
	restxml.WriteError(w, r, "", ae)
}

// ids sets S3's request id headers in place of the edge's.
func ids(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	id := request.From(r.Context()).ID
	h.Del("X-Amzn-Requestid")
	h.Set("X-Amz-Request-Id", id)
	h.Set("X-Amz-Id-2", restxml.HostID(id))
}

// writeXML writes v as an S3 document with status 200.
func (s *Service) writeXML(w http.ResponseWriter, r *http.Request, v any) error {
	b, err := restxml.Marshal(v, restxml.Namespace)
	if err != nil {
		return err
	}
	ids(w, r)
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
	return nil
}

// writeEmpty answers with status and no body.
func writeEmpty(w http.ResponseWriter, r *http.Request, status int) error {
	ids(w, r)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(status)
	return nil
}

func (s *Service) now2() time.Time { return s.now().UTC() }
