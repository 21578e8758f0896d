package s3

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// MaxKeyLength is S3's limit on an object key, in bytes of UTF-8.
const MaxKeyLength = 1024

// maxUserMetadata bounds the x-amz-meta-* headers (names and values).
const maxUserMetadata = 2 << 10

// The standard headers stored with an object and returned by GET and HEAD.
var storedHeaders = []string{"Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language", "Expires", "X-Amz-Website-Redirect-Location"}

var storageClasses = map[string]bool{"STANDARD": true, "REDUCED_REDUNDANCY": true, "STANDARD_IA": true, "ONEZONE_IA": true,
	"INTELLIGENT_TIERING": true, "GLACIER": true, "DEEP_ARCHIVE": true, "OUTPOSTS": true, "GLACIER_IR": true, "SNOW": true, "EXPRESS_ONEZONE": true}

func checkKey(key string) error {
	if len(key) > MaxKeyLength {
		return (&awserr.Error{Code: "KeyTooLongError", Message: "Your key is too long", Status: 400}).With("MaxSizeAllowed", MaxKeyLength).With("Size", len(key))
	}
	if keyHasNUL(key) {
		return errInvalidArgument("Object key contains an invalid character", "key", "")
	}
	return nil
}

// objectAttrs reads the metadata a PUT, copy (REPLACE) or
// CreateMultipartUpload carries.
func objectAttrs(h http.Header) (ct string, headers, meta map[string]string, sc string, tags []tag, err error) {
	ct = h.Get("Content-Type")
	if ct == "" {
		ct = "binary/octet-stream"
	}
	for _, name := range storedHeaders {
		v := h.Get(name)
		if name == "Content-Encoding" {
			// aws-chunked is the transfer encoding, not the object's.
			var keep []string
			for _, p := range strings.Split(v, ",") {
				if p = strings.TrimSpace(p); p != "" && !strings.EqualFold(p, "aws-chunked") {
					keep = append(keep, p)
				}
			}
			v = strings.Join(keep, ",")
		}
		if v != "" {
			if headers == nil {
				headers = map[string]string{}
			}
			headers[name] = v
		}
	}
	size := 0
	for k, vs := range h {
		lk := strings.ToLower(k)
		if name, ok := strings.CutPrefix(lk, "x-amz-meta-"); ok {
			if meta == nil {
				meta = map[string]string{}
			}
			v := strings.Join(vs, ",")
			meta[name] = v
			size += len(name) + len(v)
		}
	}
	if size > maxUserMetadata {
		return "", nil, nil, "", nil, (&awserr.Error{Code: "MetadataTooLarge", Message: "Your metadata headers exceed the maximum allowed metadata size", Status: 400}).
			With("Size", size).With("MaxSizeAllowed", maxUserMetadata)
	}
	sc = h.Get("X-Amz-Storage-Class")
	if sc != "" && !storageClasses[sc] {
		return "", nil, nil, "", nil, (&awserr.Error{Code: "InvalidStorageClass", Message: "The storage class you specified is not valid", Status: 400}).With("StorageClassRequested", sc)
	}
	if sc == "STANDARD" {
		sc = ""
	}
	if v := h.Get("X-Amz-Tagging"); v != "" {
		tags, err = parseTaggingHeader(v)
		if err != nil {
			return "", nil, nil, "", nil, err
		}
	}
	return ct, headers, meta, sc, tags, nil
}

func parseTaggingHeader(v string) ([]tag, error) {
	var tags []tag
	for _, pair := range strings.Split(v, "&") {
		if pair == "" {
			continue
		}
		k, val, _ := strings.Cut(pair, "=")
		k, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(val)
		if err1 != nil || err2 != nil {
			return nil, errInvalidArgument("The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.", "x-amz-tagging", v)
		}
		tags = append(tags, tag{Key: k, Value: val})
	}
	if err := validateTags(tags, 10); err != nil {
		return nil, err
	}
	return tags, nil
}

// ---- PutObject ----

func (s *Service) putObject(w http.ResponseWriter, r *http.Request, t target) error {
	if err := checkKey(t.key); err != nil {
		return err
	}
	ct, headers, meta, sc, tags, err := objectAttrs(r.Header)
	if err != nil {
		return err
	}
	ifNoneMatch, ifMatch := r.Header.Get("If-None-Match"), r.Header.Get("If-Match")
	if ifNoneMatch != "" && ifNoneMatch != "*" {
		return errNotImplemented("")
	}
	// Fail fast, before reading the body, when the bucket is missing.
	if err := s.kv.View(r.Context(), func(rd storage.Reader) error { return bucketExists(rd, t.bucket) }); err != nil {
		return err
	}
	rc, err := s.receive(r, "", true)
	if err != nil {
		return err
	}
	o := &objectRec{Key: t.key, Size: rc.size, ETag: rc.etag(), Modified: s.now2().Truncate(time.Millisecond),
		ContentType: ct, Headers: headers, Meta: meta, StorageClass: sc, Tags: tags,
		ChecksumAlg: rc.alg, Checksum: rc.checksum}
	o.setBody(rc)
	if rc.alg != "" {
		o.ChecksumType = "FULL_OBJECT"
	}
	b, err := s.commitObject(r.Context(), t.bucket, o, func(cur *objectRec) error {
		if ifNoneMatch == "*" && cur != nil && !cur.DeleteMarker {
			return errPreconditionFailed("If-None-Match")
		}
		if ifMatch != "" {
			if cur == nil || cur.DeleteMarker {
				return errNoSuchKey(t.key)
			}
			if !etagMatches(ifMatch, cur.ETag) {
				return errPreconditionFailed("If-Match")
			}
		}
		return nil
	})
	if err != nil {
		s.files.remove(rc.id)
		return err
	}
	s.notifyObject(r, b, "ObjectCreated:Put", o)
	h := w.Header()
	h.Set("ETag", o.ETag)
	if o.VersionID != "" {
		h.Set("X-Amz-Version-Id", o.VersionID)
	}
	if o.Checksum != "" {
		setChecksumHeader(h, o)
	}
	h.Set("X-Amz-Server-Side-Encryption", "AES256")
	return writeEmpty(w, r, http.StatusOK)
}

// commitObject stores o as the current version of its key, after check
// (given the current record, or nil) passes, and frees what it displaced.
func (s *Service) commitObject(ctx context.Context, bucket string, o *objectRec, check func(cur *objectRec) error) (*bucketRec, error) {
	var b *bucketRec
	var res writeResult
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		var err error
		if b, err = getBucket(tx, bucket); err != nil {
			return err
		}
		if check != nil {
			cur, err := currentObject(tx, bucket, o.Key)
			if err != nil {
				return err
			}
			if err := check(cur); err != nil {
				return err
			}
		}
		res, err = s.storeObject(tx, b, o)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.files.remove(res.freed...)
	return b, nil
}

// PutObject stores body as bucket/key for other services (Polly's speech
// synthesis tasks). It returns NoSuchBucket (an *awserr.Error) when the
// bucket does not exist; the ETag returned is quoted, as S3 sends it.
func (s *Service) PutObject(ctx context.Context, account, region, bucket, key string, body io.Reader, contentType string) (etag string, err error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	if _, err := s.viewBucket(ctx, bucket); err != nil {
		return "", err
	}
	rc, err := s.writeBody(body, "", MaxObjectSize)
	if err != nil {
		return "", err
	}
	if contentType == "" {
		contentType = "binary/octet-stream"
	}
	o := &objectRec{Key: key, Size: rc.size, ETag: rc.etag(), Modified: s.now2().Truncate(time.Millisecond),
		ContentType: contentType, Parts: []seg{{ID: rc.id, Size: rc.size}}}
	b, err := s.commitObject(ctx, bucket, o, nil)
	if err != nil {
		s.files.remove(rc.id)
		return "", err
	}
	s.notify(ctx, account, region, b, "ObjectCreated:Put", o, "")
	return o.ETag, nil
}

// writeBody stores rd (at most max bytes) in a committed file, computing
// its MD5 and, when alg is set, that checksum.
func (s *Service) writeBody(rd io.Reader, alg string, max int64) (*received, error) {
	fh, id, err := s.files.create()
	if err != nil {
		return nil, err
	}
	rc, err := hashCopy(fh, io.LimitReader(rd, max+1), alg)
	if err == nil && rc.size > max {
		err = errEntityTooLarge(rc.size, max)
	}
	if err != nil {
		s.files.discard(fh, id)
		return nil, err
	}
	if err := s.files.commit(fh, id); err != nil {
		s.files.remove(id)
		return nil, err
	}
	rc.id = id
	return rc, nil
}

// ---- GetObject / HeadObject ----

// lookupObject finds the object a GET, HEAD or copy source names. A key
// exists only in an existing bucket (a bucket with objects cannot be
// deleted), so the bucket record is read only when the key is missing.
func (s *Service) lookupObject(ctx context.Context, bucket, key, versionID string) (*objectRec, error) {
	var o *objectRec
	err := s.kv.View(ctx, func(r storage.Reader) error {
		var err error
		if versionID != "" {
			if _, ok := vsortOf(versionID); !ok && versionID != "null" {
				if err := bucketExists(r, bucket); err != nil {
					return err
				}
				return errInvalidArgument("Invalid version id specified", "versionId", versionID)
			}
			o, err = findVersion(r, bucket, key, versionID)
		} else {
			o, err = currentObject(r, bucket, key)
		}
		if err != nil || o != nil {
			return err
		}
		if err := bucketExists(r, bucket); err != nil {
			return err
		}
		if versionID != "" {
			return errNoSuchVersion(key, versionID)
		}
		return errNoSuchKey(key)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// bucketExists returns NoSuchBucket when bucket does not exist.
func bucketExists(r storage.Reader, bucket string) error {
	_, err := r.Get(bucketKey(bucket))
	if errors.Is(err, storage.ErrNotFound) {
		return errNoSuchBucket(bucket)
	}
	return err
}

func (s *Service) getObject(w http.ResponseWriter, r *http.Request, t target) error {
	return s.serveObject(w, r, t, false)
}

func (s *Service) headObject(w http.ResponseWriter, r *http.Request, t target) error {
	return s.serveObject(w, r, t, true)
}

var responseOverrides = map[string]string{
	"response-content-type":        "Content-Type",
	"response-content-language":    "Content-Language",
	"response-expires":             "Expires",
	"response-cache-control":       "Cache-Control",
	"response-content-disposition": "Content-Disposition",
	"response-content-encoding":    "Content-Encoding",
}

func (s *Service) serveObject(w http.ResponseWriter, r *http.Request, t target, head bool) error {
	q := r.URL.Query()
	versionID := q.Get("versionId")
	o, err := s.lookupObject(r.Context(), t.bucket, t.key, versionID)
	if err != nil {
		return err
	}
	h := w.Header()
	if o.DeleteMarker {
		h.Set("X-Amz-Delete-Marker", "true")
		h.Set("X-Amz-Version-Id", o.versionID())
		if versionID != "" {
			h.Set("Last-Modified", o.Modified.UTC().Format(http.TimeFormat))
			return errMethodNotAllowed(r.Method, "DeleteMarker")
		}
		return errNoSuchKey(t.key)
	}
	if status, cond := checkConditions(r.Header, o.ETag, o.Modified); status != 0 {
		if status == http.StatusNotModified {
			h.Set("ETag", o.ETag)
			h.Set("Last-Modified", o.Modified.UTC().Format(http.TimeFormat))
			ids(w, r)
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
		return errPreconditionFailed(cond)
	}
	start, length, partial := int64(0), o.Size, false
	if pn := q.Get("partNumber"); pn != "" {
		n, err := strconv.Atoi(pn)
		if err != nil || n < 1 || n > 10000 {
			return errInvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", pn)
		}
		count := max(o.PartsCount, 1)
		if n > count {
			return (&awserr.Error{Code: "InvalidPartNumber", Message: "The requested partnumber is not satisfiable", Status: http.StatusRequestedRangeNotSatisfiable}).With("PartNumberRequested", n).With("ActualPartCount", count)
		}
		if o.PartsCount > 0 {
			for i := 0; i < n-1; i++ {
				start += o.Parts[i].Size
			}
			length = o.Parts[n-1].Size
			partial = true
		}
		h.Set("X-Amz-Mp-Parts-Count", strconv.Itoa(count))
	} else if rg := r.Header.Get("Range"); rg != "" {
		st, ln, ok, err := parseRange(rg, o.Size)
		if err != nil {
			return err
		}
		if ok {
			start, length, partial = st, ln, true
		}
	}
	h.Set("Accept-Ranges", "bytes")
	h.Set("Last-Modified", o.Modified.UTC().Format(http.TimeFormat))
	h.Set("ETag", o.ETag)
	h.Set("Content-Type", o.ContentType)
	for k, v := range o.Headers {
		h.Set(k, v)
	}
	for k, v := range o.Meta {
		h["X-Amz-Meta-"+k] = []string{v}
	}
	if o.VersionID != "" {
		h.Set("X-Amz-Version-Id", o.VersionID)
	}
	if o.StorageClass != "" {
		h.Set("X-Amz-Storage-Class", o.StorageClass)
	}
	if len(o.Tags) > 0 {
		h.Set("X-Amz-Tagging-Count", strconv.Itoa(len(o.Tags)))
	}
	h.Set("X-Amz-Server-Side-Encryption", "AES256")
	if strings.EqualFold(r.Header.Get("X-Amz-Checksum-Mode"), "ENABLED") && !partial {
		setChecksumHeader(h, o)
	}
	for p, name := range responseOverrides {
		if v := q.Get(p); v != "" {
			h.Set(name, v)
		}
	}
	h.Set("Content-Length", strconv.FormatInt(length, 10))
	status := http.StatusOK
	if partial {
		status = http.StatusPartialContent
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, start+length-1, o.Size))
	}
	if head {
		ids(w, r)
		w.WriteHeader(status)
		return nil
	}
	if len(o.Parts) == 0 {
		ids(w, r)
		w.WriteHeader(status)
		w.Write(o.Inline[start : start+length])
		return nil
	}
	rd, err := s.openBody(o, start, length)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			// Deleted between the lookup and the open.
			return errNoSuchKey(t.key)
		}
		return err
	}
	defer rd.Close()
	if length <= smallBody {
		// Small bodies leave in one write with the headers, cheaper than
		// sendfile's extra system calls.
		bp := smallBufs.Get().(*[]byte)
		defer smallBufs.Put(bp)
		buf := (*bp)[:length]
		if _, err := io.ReadFull(rd, buf); err != nil {
			return err
		}
		ids(w, r)
		w.WriteHeader(status)
		w.Write(buf)
		return nil
	}
	ids(w, r)
	w.WriteHeader(status)
	if _, err := io.Copy(w, rd); err != nil {
		// Headers are gone; the client sees a short body.
		s.log.Debug("s3: writing object", "key", t.key, "err", err)
	}
	return nil
}

// parseRange reads a single "bytes=" range. ok is false when the header
// should be ignored (a syntax S3 ignores, or several ranges).
func parseRange(v string, size int64) (start, length int64, ok bool, err error) {
	spec, found := strings.CutPrefix(strings.TrimSpace(v), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false, nil
	}
	a, b, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, nil
	}
	invalid := func() error {
		return (&awserr.Error{Code: "InvalidRange", Message: "The requested range is not satisfiable", Status: http.StatusRequestedRangeNotSatisfiable}).
			With("RangeRequested", v).With("ActualObjectSize", size)
	}
	if a == "" {
		n, e := strconv.ParseInt(b, 10, 64)
		if e != nil || n < 0 {
			return 0, 0, false, nil
		}
		if n == 0 {
			return 0, 0, false, invalid()
		}
		n = min(n, size)
		if size == 0 {
			return 0, 0, false, nil
		}
		return size - n, n, true, nil
	}
	first, e := strconv.ParseInt(a, 10, 64)
	if e != nil || first < 0 {
		return 0, 0, false, nil
	}
	last := size - 1
	if b != "" {
		l, e := strconv.ParseInt(b, 10, 64)
		if e != nil || l < first {
			return 0, 0, false, nil
		}
		last = min(l, size-1)
	}
	if first >= size {
		return 0, 0, false, invalid()
	}
	return first, last - first + 1, true, nil
}

// etagMatches reports whether an If-Match style list matches etag.
func etagMatches(list, etag string) bool {
	for _, e := range strings.Split(list, ",") {
		e = strings.TrimSpace(e)
		e = strings.TrimPrefix(e, "W/")
		if e == "*" || e == etag || `"`+e+`"` == etag {
			return true
		}
	}
	return false
}

// checkConditions applies If-Match, If-Unmodified-Since, If-None-Match and
// If-Modified-Since in S3's order. It returns 412 or 304 and the condition
// that failed, or 0.
func checkConditions(h http.Header, etag string, modified time.Time) (int, string) {
	return conditions(h.Get("If-Match"), h.Get("If-None-Match"), h.Get("If-Modified-Since"), h.Get("If-Unmodified-Since"), etag, modified, http.StatusNotModified, "")
}

func conditions(ifMatch, ifNoneMatch, ifModSince, ifUnmodSince, etag string, modified time.Time, notModified int, prefix string) (int, string) {
	mod := modified.Truncate(time.Second)
	if ifMatch != "" {
		if !etagMatches(ifMatch, etag) {
			return http.StatusPreconditionFailed, prefix + "If-Match"
		}
	} else if ifUnmodSince != "" {
		if t, err := http.ParseTime(ifUnmodSince); err == nil && mod.After(t) {
			return http.StatusPreconditionFailed, prefix + "If-Unmodified-Since"
		}
	}
	if ifNoneMatch != "" {
		if etagMatches(ifNoneMatch, etag) {
			return notModified, prefix + "If-None-Match"
		}
	} else if ifModSince != "" && ifMatch == "" {
		if t, err := http.ParseTime(ifModSince); err == nil && !mod.After(t) {
			return notModified, prefix + "If-Modified-Since"
		}
	}
	return 0, ""
}

// ---- DeleteObject / DeleteObjects ----

type deleted struct {
	versionID    string
	deleteMarker bool
	markerID     string
}

// deleteKey deletes key (or one version of it) in bucket, returning what
// S3 reports and freeing the bodies no longer referenced.
func (s *Service) deleteKey(ctx context.Context, bucket, key, versionID string) (deleted, *bucketRec, *objectRec, error) {
	var d deleted
	var b *bucketRec
	var gone *objectRec
	var freed []string
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		var err error
		if b, err = getBucket(tx, bucket); err != nil {
			return err
		}
		if versionID != "" {
			if _, ok := vsortOf(versionID); !ok && versionID != "null" {
				return errInvalidArgument("Invalid version id specified", "versionId", versionID)
			}
			o, err := findVersion(tx, bucket, key, versionID)
			if err != nil || o == nil {
				d.versionID = versionID
				return err
			}
			if err := removeVersion(tx, bucket, o); err != nil {
				return err
			}
			d.versionID, d.deleteMarker = versionID, o.DeleteMarker
			freed, gone = segIDs(o), o
			return nil
		}
		cur, err := currentObject(tx, bucket, key)
		if err != nil {
			return err
		}
		if b.Versioning == "" {
			if cur == nil {
				return nil
			}
			freed, gone = segIDs(cur), cur
			return tx.Delete(objectKey(bucket, key))
		}
		m := &objectRec{Key: key, DeleteMarker: true, Modified: s.now2().Truncate(time.Millisecond)}
		res, err := s.storeObject(tx, b, m)
		if err != nil {
			return err
		}
		freed = res.freed
		if cur != nil && !cur.DeleteMarker {
			gone = cur
		}
		d.deleteMarker, d.markerID = true, m.versionID()
		return nil
	})
	if err != nil {
		return d, nil, nil, err
	}
	s.files.remove(freed...)
	return d, b, gone, nil
}

func (s *Service) deleteObject(w http.ResponseWriter, r *http.Request, t target) error {
	d, b, gone, err := s.deleteKey(r.Context(), t.bucket, t.key, r.URL.Query().Get("versionId"))
	if err != nil {
		return err
	}
	h := w.Header()
	if d.deleteMarker {
		h.Set("X-Amz-Delete-Marker", "true")
	}
	if d.markerID != "" {
		h.Set("X-Amz-Version-Id", d.markerID)
	} else if d.versionID != "" {
		h.Set("X-Amz-Version-Id", d.versionID)
	}
	if gone != nil || d.markerID != "" {
		ev := "ObjectRemoved:Delete"
		if d.markerID != "" {
			ev = "ObjectRemoved:DeleteMarkerCreated"
			gone = &objectRec{Key: t.key, VersionID: d.markerID}
		}
		s.notifyObject(r, b, ev, gone)
	}
	return writeEmpty(w, r, http.StatusNoContent)
}

type deleteRequest struct {
	XMLName xml.Name `xml:"Delete"`
	Objects []struct {
		Key       string `xml:"Key"`
		VersionID string `xml:"VersionId"`
	} `xml:"Object"`
	Quiet bool `xml:"Quiet"`
}

type deletedXML struct {
	Key                   string `xml:"Key"`
	VersionID             string `xml:"VersionId,omitempty"`
	DeleteMarker          bool   `xml:"DeleteMarker,omitempty"`
	DeleteMarkerVersionID string `xml:"DeleteMarkerVersionId,omitempty"`
}

type deleteErrorXML struct {
	Key       string `xml:"Key"`
	VersionID string `xml:"VersionId,omitempty"`
	Code      string `xml:"Code"`
	Message   string `xml:"Message"`
}

type deleteResult struct {
	XMLName xml.Name         `xml:"DeleteResult"`
	Deleted []deletedXML     `xml:"Deleted"`
	Errors  []deleteErrorXML `xml:"Error"`
}

func (s *Service) deleteObjects(w http.ResponseWriter, r *http.Request, t target) error {
	if r.Header.Get("Content-Md5") == "" && r.Header.Get("X-Amz-Sdk-Checksum-Algorithm") == "" && r.Header.Get("X-Amz-Trailer") == "" {
		if alg, _, _ := checksumInHeaders(r.Header); alg == "" {
			return errInvalidRequest("Missing required header for this request: Content-Md5 OR x-amz-checksum-*")
		}
	}
	body, err := s.readSmallBody(r, 2<<20)
	if err != nil {
		return err
	}
	var req deleteRequest
	if err := decodeXML(body, &req); err != nil {
		return err
	}
	if len(req.Objects) == 0 || len(req.Objects) > 1000 {
		return errMalformedXML()
	}
	if _, err := s.viewBucket(r.Context(), t.bucket); err != nil {
		return err
	}
	out := &deleteResult{}
	for _, ob := range req.Objects {
		if err := checkKey(ob.Key); err != nil {
			ae, _ := awserr.As(err)
			out.Errors = append(out.Errors, deleteErrorXML{Key: ob.Key, VersionID: ob.VersionID, Code: ae.Code, Message: ae.Message})
			continue
		}
		d, b, gone, err := s.deleteKey(r.Context(), t.bucket, ob.Key, ob.VersionID)
		if err != nil {
			ae, ok := awserr.As(err)
			if !ok {
				s.log.Error("s3: DeleteObjects", "key", ob.Key, "err", err)
				ae = &awserr.Error{Code: "InternalError", Message: "We encountered an internal error. Please try again."}
			}
			out.Errors = append(out.Errors, deleteErrorXML{Key: ob.Key, VersionID: ob.VersionID, Code: ae.Code, Message: ae.Message})
			continue
		}
		if gone != nil || d.markerID != "" {
			ev := "ObjectRemoved:Delete"
			if d.markerID != "" {
				ev = "ObjectRemoved:DeleteMarkerCreated"
				gone = &objectRec{Key: ob.Key, VersionID: d.markerID}
			}
			s.notifyObject(r, b, ev, gone)
		}
		if req.Quiet {
			continue
		}
		dx := deletedXML{Key: ob.Key, VersionID: ob.VersionID}
		if d.deleteMarker {
			dx.DeleteMarker = true
			if d.markerID != "" {
				dx.DeleteMarkerVersionID = d.markerID
			} else {
				dx.DeleteMarkerVersionID = ob.VersionID
			}
		}
		out.Deleted = append(out.Deleted, dx)
	}
	return s.writeXML(w, r, out)
}

// ---- object tagging ----

func (s *Service) putObjectTagging(w http.ResponseWriter, r *http.Request, t target) error {
	body, err := s.readSmallBody(r, 1<<20)
	if err != nil {
		return err
	}
	tags, err := parseTagging(body, 10)
	if err != nil {
		return err
	}
	vid, err := s.updateObject(r.Context(), t, r.URL.Query().Get("versionId"), func(o *objectRec) { o.Tags = tags })
	if err != nil {
		return err
	}
	if vid != "" {
		w.Header().Set("X-Amz-Version-Id", vid)
	}
	return writeEmpty(w, r, http.StatusOK)
}

func (s *Service) deleteObjectTagging(w http.ResponseWriter, r *http.Request, t target) error {
	vid, err := s.updateObject(r.Context(), t, r.URL.Query().Get("versionId"), func(o *objectRec) { o.Tags = nil })
	if err != nil {
		return err
	}
	if vid != "" {
		w.Header().Set("X-Amz-Version-Id", vid)
	}
	return writeEmpty(w, r, http.StatusNoContent)
}

func (s *Service) getObjectTagging(w http.ResponseWriter, r *http.Request, t target) error {
	o, err := s.lookupObject(r.Context(), t.bucket, t.key, r.URL.Query().Get("versionId"))
	if err != nil {
		return err
	}
	if o.DeleteMarker {
		return errNoSuchKey(t.key)
	}
	if o.VersionID != "" {
		w.Header().Set("X-Amz-Version-Id", o.VersionID)
	}
	tags := o.Tags
	if tags == nil {
		tags = []tag{}
	}
	return s.writeXML(w, r, &tagging{TagSet: tags})
}

// updateObject changes a stored object's record in place (its current
// version and, in a versioned bucket, the version record).
func (s *Service) updateObject(ctx context.Context, t target, versionID string, fn func(o *objectRec)) (string, error) {
	var vid string
	err := s.kv.Update(ctx, func(tx storage.Tx) error {
		if _, err := getBucket(tx, t.bucket); err != nil {
			return err
		}
		var o *objectRec
		var err error
		if versionID != "" {
			o, err = findVersion(tx, t.bucket, t.key, versionID)
			if err == nil && o == nil {
				return errNoSuchVersion(t.key, versionID)
			}
		} else {
			o, err = currentObject(tx, t.bucket, t.key)
			if err == nil && (o == nil || o.DeleteMarker) {
				return errNoSuchKey(t.key)
			}
		}
		if err != nil {
			return err
		}
		if o.DeleteMarker {
			return errMethodNotAllowed("PUT", "DeleteMarker")
		}
		fn(o)
		vid = o.VersionID
		if o.VSort != "" {
			if err := setRec(tx, versionKey(t.bucket, t.key, o.VSort), o); err != nil {
				return err
			}
		}
		cur, err := currentObject(tx, t.bucket, t.key)
		if err != nil {
			return err
		}
		if cur != nil && cur.VSort == o.VSort && cur.VersionID == o.VersionID {
			return setRec(tx, objectKey(t.bucket, t.key), o)
		}
		return nil
	})
	return vid, err
}

func requestAccount(r *http.Request) string { return request.From(r.Context()).Account }

// smallBody is the size up to which GetObject reads a body into memory and
// writes it at once.
const smallBody = 64 << 10

var smallBufs = sync.Pool{New: func() any { b := make([]byte, smallBody); return &b }}

// GetObject opens bucket/key's current version for other services (Lambda
// deployment packages in S3). It returns NoSuchBucket or NoSuchKey as
// *awserr.Error when they are missing; the caller closes the reader.
func (s *Service) GetObject(ctx context.Context, account, region, bucket, key string) (io.ReadCloser, int64, error) {
	o, err := s.lookupObject(ctx, bucket, key, "")
	if err != nil {
		return nil, 0, err
	}
	if o.DeleteMarker {
		return nil, 0, errNoSuchKey(key)
	}
	rd, err := s.openBody(o, 0, o.Size)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, errNoSuchKey(key)
	}
	if err != nil {
		return nil, 0, err
	}
	return rd, o.Size, nil
}
