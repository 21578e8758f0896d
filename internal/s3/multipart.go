package s3

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// Multipart limits, as S3 enforces them.
const (
	MinPartSize = 5 << 20
	MaxParts    = 10000
)

func validUploadID(id string) bool { return len(id) == 64 && validID(id[:32]) && validID(id[32:]) }

func getUpload(r storage.Reader, bucket, id string) (*uploadRec, error) {
	if !validUploadID(id) {
		return nil, errNoSuchUpload(id)
	}
	var u uploadRec
	ok, err := getRec(r, uploadKey(bucket, id), &u)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNoSuchUpload(id)
	}
	return &u, nil
}

type initiateResult struct {
	XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	UploadID string   `xml:"UploadId"`
}

func (s *Service) createMultipartUpload(w http.ResponseWriter, r *http.Request, t target) error {
	if err := checkKey(t.key); err != nil {
		return err
	}
	ct, headers, meta, sc, tags, err := objectAttrs(r.Header)
	if err != nil {
		return err
	}
	alg, ctype := "", strings.ToUpper(r.Header.Get("X-Amz-Checksum-Type"))
	if a := r.Header.Get("X-Amz-Checksum-Algorithm"); a != "" {
		if alg = normAlg(a); alg == "" {
			return errInvalidRequest("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
		}
	}
	switch ctype {
	case "":
		if alg == "CRC64NVME" {
			ctype = "FULL_OBJECT"
		} else if alg != "" {
			ctype = "COMPOSITE"
		}
	case "COMPOSITE", "FULL_OBJECT":
		if alg == "" {
			return errInvalidRequest("The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.")
		}
		if ctype == "FULL_OBJECT" && (alg == "SHA1" || alg == "SHA256") {
			return errInvalidRequest(fmt.Sprintf("The FULL_OBJECT checksum type cannot be used with the %s checksum algorithm.", strings.ToLower(alg)))
		}
		if ctype == "COMPOSITE" && alg == "CRC64NVME" {
			return errInvalidRequest("The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.")
		}
	default:
		return errInvalidRequest("Value for x-amz-checksum-type header is invalid.")
	}
	u := &uploadRec{ID: newID() + newID(), Bucket: t.bucket, Key: t.key, Initiated: s.now2().Truncate(time.Millisecond),
		ContentType: ct, Headers: headers, Meta: meta, StorageClass: sc, Tags: tags, ChecksumAlg: alg, ChecksumType: ctype,
		Account: requestAccount(r)}
	err = s.kv.Update(r.Context(), func(tx storage.Tx) error {
		if _, err := getBucket(tx, t.bucket); err != nil {
			return err
		}
		return setRec(tx, uploadKey(t.bucket, u.ID), u)
	})
	if err != nil {
		return err
	}
	if alg != "" {
		w.Header().Set("X-Amz-Checksum-Algorithm", alg)
		w.Header().Set("X-Amz-Checksum-Type", ctype)
	}
	return s.writeXML(w, r, &initiateResult{Bucket: t.bucket, Key: t.key, UploadID: u.ID})
}

func partNumber(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > MaxParts {
		return 0, errInvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", v)
	}
	return n, nil
}

// storePart records a part whose body is in rc's file, replacing an
// earlier upload of the same number.
func (s *Service) storePart(r *http.Request, t target, uploadID string, n int, rc *received) (*partRec, error) {
	p := &partRec{N: n, Size: rc.size, ETag: rc.etag(), Modified: s.now2().Truncate(time.Millisecond), File: rc.id, Checksum: rc.checksum}
	var freed string
	err := s.kv.Update(r.Context(), func(tx storage.Tx) error {
		if _, err := getUpload(tx, t.bucket, uploadID); err != nil {
			return err
		}
		var old partRec
		ok, err := getRec(tx, partKey(uploadID, n), &old)
		if err != nil {
			return err
		}
		if ok {
			freed = old.File
		}
		return setRec(tx, partKey(uploadID, n), p)
	})
	if err != nil {
		s.files.remove(rc.id)
		return nil, err
	}
	if freed != "" {
		s.files.remove(freed)
	}
	return p, nil
}

func (s *Service) uploadPart(w http.ResponseWriter, r *http.Request, t target) error {
	q := r.URL.Query()
	n, err := partNumber(q.Get("partNumber"))
	if err != nil {
		return err
	}
	id := q.Get("uploadId")
	var u *uploadRec
	err = s.kv.View(r.Context(), func(rd storage.Reader) error {
		if _, err := getBucket(rd, t.bucket); err != nil {
			return err
		}
		u, err = getUpload(rd, t.bucket, id)
		return err
	})
	if err != nil {
		return err
	}
	if alg, _, _ := checksumInHeaders(r.Header); alg != "" && u.ChecksumAlg != "" && alg != u.ChecksumAlg {
		return errInvalidRequest(fmt.Sprintf("Checksum Type mismatch occurred, expected checksum Type: %s, actual checksum Type: %s", strings.ToLower(u.ChecksumAlg), strings.ToLower(alg)))
	}
	rc, err := s.receive(r, u.ChecksumAlg, false)
	if err != nil {
		return err
	}
	if u.ChecksumAlg != "" && rc.alg != u.ChecksumAlg {
		s.files.remove(rc.id)
		return errInvalidRequest(fmt.Sprintf("Checksum Type mismatch occurred, expected checksum Type: %s, actual checksum Type: %s", strings.ToLower(u.ChecksumAlg), strings.ToLower(rc.alg)))
	}
	p, err := s.storePart(r, t, id, n, rc)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", p.ETag)
	if p.Checksum != "" {
		w.Header().Set(checksumHeader(rc.alg), p.Checksum)
	}
	return writeEmpty(w, r, http.StatusOK)
}

type copyPartResult struct {
	XMLName      xml.Name  `xml:"CopyPartResult"`
	ETag         string    `xml:"ETag"`
	LastModified time.Time `xml:"LastModified"`
	copyChecksums
}

type copyChecksums struct {
	ChecksumCRC32     string `xml:"ChecksumCRC32,omitempty"`
	ChecksumCRC32C    string `xml:"ChecksumCRC32C,omitempty"`
	ChecksumCRC64NVME string `xml:"ChecksumCRC64NVME,omitempty"`
	ChecksumSHA1      string `xml:"ChecksumSHA1,omitempty"`
	ChecksumSHA256    string `xml:"ChecksumSHA256,omitempty"`
}

func (c *copyChecksums) set(alg, v string) {
	switch alg {
	case "CRC32":
		c.ChecksumCRC32 = v
	case "CRC32C":
		c.ChecksumCRC32C = v
	case "CRC64NVME":
		c.ChecksumCRC64NVME = v
	case "SHA1":
		c.ChecksumSHA1 = v
	case "SHA256":
		c.ChecksumSHA256 = v
	}
}

func (s *Service) uploadPartCopy(w http.ResponseWriter, r *http.Request, t target) error {
	q := r.URL.Query()
	n, err := partNumber(q.Get("partNumber"))
	if err != nil {
		return err
	}
	id := q.Get("uploadId")
	var u *uploadRec
	err = s.kv.View(r.Context(), func(rd storage.Reader) error {
		if _, err := getBucket(rd, t.bucket); err != nil {
			return err
		}
		u, err = getUpload(rd, t.bucket, id)
		return err
	})
	if err != nil {
		return err
	}
	src, _, _, err := s.copySourceObject(r)
	if err != nil {
		return err
	}
	start, length := int64(0), src.Size
	if v := r.Header.Get("X-Amz-Copy-Source-Range"); v != "" {
		spec, ok := strings.CutPrefix(v, "bytes=")
		a, b, ok2 := strings.Cut(spec, "-")
		first, e1 := strconv.ParseInt(a, 10, 64)
		last, e2 := strconv.ParseInt(b, 10, 64)
		if !ok || !ok2 || e1 != nil || e2 != nil || first < 0 || last < first {
			return errInvalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy", "x-amz-copy-source-range", v)
		}
		if last >= src.Size {
			return (&awserr.Error{Code: "InvalidRange", Message: "The requested range is not satisfiable", Status: http.StatusRequestedRangeNotSatisfiable}).
				With("RangeRequested", v).With("ActualObjectSize", src.Size)
		}
		start, length = first, last-first+1
	}
	if length > MaxObjectSize {
		return errInvalidRequest("The specified copy source is larger than the maximum allowable size for a copy source: 5368709120")
	}
	rd, err := s.openBody(src, start, length)
	if err != nil {
		return err
	}
	rc, err := s.writeBody(rd, u.ChecksumAlg, MaxObjectSize)
	rd.Close()
	if err != nil {
		return err
	}
	p, err := s.storePart(r, t, id, n, rc)
	if err != nil {
		return err
	}
	if src.VersionID != "" {
		w.Header().Set("X-Amz-Copy-Source-Version-Id", src.VersionID)
	}
	out := &copyPartResult{ETag: p.ETag, LastModified: p.Modified}
	out.set(u.ChecksumAlg, p.Checksum)
	return s.writeXML(w, r, out)
}

type completeRequest struct {
	XMLName xml.Name `xml:"CompleteMultipartUpload"`
	Parts   []struct {
		PartNumber int    `xml:"PartNumber"`
		ETag       string `xml:"ETag"`
		copyChecksums
	} `xml:"Part"`
}

type completeResult struct {
	XMLName      xml.Name `xml:"CompleteMultipartUploadResult"`
	Location     string   `xml:"Location"`
	Bucket       string   `xml:"Bucket"`
	Key          string   `xml:"Key"`
	ETag         string   `xml:"ETag"`
	ChecksumType string   `xml:"ChecksumType,omitempty"`
	copyChecksums
}

func (c *copyChecksums) get(alg string) string {
	switch alg {
	case "CRC32":
		return c.ChecksumCRC32
	case "CRC32C":
		return c.ChecksumCRC32C
	case "CRC64NVME":
		return c.ChecksumCRC64NVME
	case "SHA1":
		return c.ChecksumSHA1
	case "SHA256":
		return c.ChecksumSHA256
	}
	return ""
}

func errInvalidPart(id string, n int, etag string) *awserr.Error {
	return (&awserr.Error{Code: "InvalidPart", Status: 400,
		Message: "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag."}).
		With("UploadId", id).With("PartNumber", n).With("ETag", etag)
}

func normETag(e string) string {
	e = strings.TrimSpace(e)
	if !strings.HasPrefix(e, `"`) {
		e = `"` + e + `"`
	}
	return e
}

func (s *Service) completeMultipartUpload(w http.ResponseWriter, r *http.Request, t target) error {
	id := r.URL.Query().Get("uploadId")
	body, err := s.readSmallBody(r, 4<<20)
	if err != nil {
		return err
	}
	var req completeRequest
	if err := decodeXML(body, &req); err != nil {
		return err
	}
	if len(req.Parts) == 0 {
		return errMalformedXML()
	}
	for i := 1; i < len(req.Parts); i++ {
		if req.Parts[i].PartNumber <= req.Parts[i-1].PartNumber {
			return &awserr.Error{Code: "InvalidPartOrder", Status: 400, Message: "The list of parts was not in ascending order. Parts must be ordered by part number."}
		}
	}
	ifNoneMatch, ifMatch := r.Header.Get("If-None-Match"), r.Header.Get("If-Match")
	// Read and check the parts first; the full-object checksum, when
	// wanted, is computed from the files outside any transaction.
	var u *uploadRec
	var parts []partRec
	err = s.kv.View(r.Context(), func(rd storage.Reader) error {
		if _, err := getBucket(rd, t.bucket); err != nil {
			return err
		}
		var err error
		if u, err = getUpload(rd, t.bucket, id); err != nil {
			return err
		}
		for i, rp := range req.Parts {
			var p partRec
			ok, err := getRec(rd, partKey(id, rp.PartNumber), &p)
			if err != nil {
				return err
			}
			if !ok || rp.PartNumber < 1 || normETag(rp.ETag) != p.ETag {
				return errInvalidPart(id, rp.PartNumber, rp.ETag)
			}
			if c := rp.get(u.ChecksumAlg); c != "" && c != p.Checksum {
				return errInvalidPart(id, rp.PartNumber, rp.ETag)
			}
			if i < len(req.Parts)-1 && p.Size < MinPartSize {
				return (&awserr.Error{Code: "EntityTooSmall", Status: 400, Message: "Your proposed upload is smaller than the minimum allowed size"}).
					With("ProposedSize", p.Size).With("MinSizeAllowed", MinPartSize).With("PartNumber", rp.PartNumber).With("ETag", p.ETag)
			}
			parts = append(parts, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	md := md5.New()
	var size int64
	segs := make([]seg, len(parts))
	var sums []byte
	for i, p := range parts {
		raw, _ := hex.DecodeString(strings.Trim(p.ETag, `"`))
		md.Write(raw)
		size += p.Size
		segs[i] = seg{ID: p.File, Size: p.Size}
		if c, err := base64.StdEncoding.DecodeString(p.Checksum); err == nil {
			sums = append(sums, c...)
		}
	}
	o := &objectRec{Key: t.key, Size: size, ETag: fmt.Sprintf(`"%x-%d"`, md.Sum(nil), len(parts)),
		Modified: s.now2().Truncate(time.Millisecond), ContentType: u.ContentType, Headers: u.Headers, Meta: u.Meta,
		StorageClass: u.StorageClass, Tags: u.Tags, Parts: segs, PartsCount: len(parts)}
	if u.ChecksumAlg != "" {
		o.ChecksumAlg, o.ChecksumType = u.ChecksumAlg, u.ChecksumType
		if u.ChecksumType == "FULL_OBJECT" {
			rd, err := s.files.open(segs, 0, size)
			if err != nil {
				return err
			}
			rc, err := hashCopy(discard{}, rd, u.ChecksumAlg)
			rd.Close()
			if err != nil {
				return err
			}
			o.Checksum = rc.checksum
		} else {
			h := newChecksum(u.ChecksumAlg)
			h.Write(sums)
			o.Checksum = fmt.Sprintf("%s-%d", base64.StdEncoding.EncodeToString(h.Sum(nil)), len(parts))
		}
	}
	var b *bucketRec
	var freed []string
	err = s.kv.Update(r.Context(), func(tx storage.Tx) error {
		var err error
		if b, err = getBucket(tx, t.bucket); err != nil {
			return err
		}
		if _, err := getUpload(tx, t.bucket, id); err != nil {
			return err
		}
		cur, err := currentObject(tx, t.bucket, t.key)
		if err != nil {
			return err
		}
		if ifNoneMatch == "*" && cur != nil && !cur.DeleteMarker {
			return errPreconditionFailed("If-None-Match")
		}
		if ifMatch != "" && (cur == nil || cur.DeleteMarker || !etagMatches(ifMatch, cur.ETag)) {
			if cur == nil || cur.DeleteMarker {
				return errNoSuchKey(t.key)
			}
			return errPreconditionFailed("If-Match")
		}
		// The parts must be the ones checked above, and unused parts go.
		used := map[string]bool{}
		for _, p := range parts {
			used[p.File] = true
		}
		pp := partPrefix(id)
		it := tx.Iter(storage.IterOptions{Lower: pp, Upper: upperBound(pp)})
		for it.Next() {
			var p partRec
			if err := decodeRec(it.Value(), &p); err != nil {
				it.Close()
				return err
			}
			if !used[p.File] {
				freed = append(freed, p.File)
			}
			delete(used, p.File)
		}
		err = it.Err()
		it.Close()
		if err != nil {
			return err
		}
		if len(used) != 0 {
			// A part was replaced after we read it.
			return errInvalidPart(id, 0, "")
		}
		if err := tx.DeleteRange(pp, upperBound(pp)); err != nil {
			return err
		}
		if err := tx.Delete(uploadKey(t.bucket, id)); err != nil {
			return err
		}
		res, err := s.storeObject(tx, b, o)
		freed = append(freed, res.freed...)
		return err
	})
	if err != nil {
		return err
	}
	s.files.remove(freed...)
	s.notifyObject(r, b, "ObjectCreated:CompleteMultipartUpload", o)
	if o.VersionID != "" {
		w.Header().Set("X-Amz-Version-Id", o.VersionID)
	}
	out := &completeResult{Location: "http://" + r.Host + "/" + t.bucket + "/" + urlEncode(t.key), Bucket: t.bucket, Key: t.key, ETag: o.ETag}
	if o.Checksum != "" {
		out.ChecksumType = o.ChecksumType
		out.set(o.ChecksumAlg, o.Checksum)
	}
	return s.writeXML(w, r, out)
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func (s *Service) abortMultipartUpload(w http.ResponseWriter, r *http.Request, t target) error {
	id := r.URL.Query().Get("uploadId")
	var freed []string
	err := s.kv.Update(r.Context(), func(tx storage.Tx) error {
		if _, err := getBucket(tx, t.bucket); err != nil {
			return err
		}
		if _, err := getUpload(tx, t.bucket, id); err != nil {
			return err
		}
		pp := partPrefix(id)
		it := tx.Iter(storage.IterOptions{Lower: pp, Upper: upperBound(pp)})
		for it.Next() {
			var p partRec
			if err := decodeRec(it.Value(), &p); err == nil {
				freed = append(freed, p.File)
			}
		}
		err := it.Err()
		it.Close()
		if err != nil {
			return err
		}
		if err := tx.DeleteRange(pp, upperBound(pp)); err != nil {
			return err
		}
		return tx.Delete(uploadKey(t.bucket, id))
	})
	if err != nil {
		return err
	}
	s.files.remove(freed...)
	return writeEmpty(w, r, http.StatusNoContent)
}

type partXML struct {
	PartNumber   int       `xml:"PartNumber"`
	LastModified time.Time `xml:"LastModified"`
	ETag         string    `xml:"ETag"`
	Size         int64     `xml:"Size"`
	copyChecksums
}

type initiator struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

type listPartsResult struct {
	XMLName              xml.Name   `xml:"ListPartsResult"`
	Bucket               string     `xml:"Bucket"`
	Key                  string     `xml:"Key"`
	UploadID             string     `xml:"UploadId"`
	PartNumberMarker     int        `xml:"PartNumberMarker"`
	NextPartNumberMarker int        `xml:"NextPartNumberMarker"`
	MaxParts             int        `xml:"MaxParts"`
	IsTruncated          bool       `xml:"IsTruncated"`
	Parts                []partXML  `xml:"Part"`
	Initiator            *initiator `xml:"Initiator"`
	Owner                *owner     `xml:"Owner"`
	StorageClass         string     `xml:"StorageClass"`
	ChecksumAlgorithm    string     `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType         string     `xml:"ChecksumType,omitempty"`
}

func (s *Service) listParts(w http.ResponseWriter, r *http.Request, t target) error {
	q := r.URL.Query()
	id := q.Get("uploadId")
	maxParts, marker := 1000, 0
	if v := q.Get("max-parts"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return errInvalidArgument("Provided max-parts not an integer or within integer range", "max-parts", v)
		}
		maxParts = min(n, 1000)
	}
	if v := q.Get("part-number-marker"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return errInvalidArgument("Provided part-number-marker not an integer or within integer range", "part-number-marker", v)
		}
		marker = n
	}
	out := &listPartsResult{Bucket: t.bucket, Key: t.key, UploadID: id, PartNumberMarker: marker, MaxParts: maxParts}
	err := s.kv.View(r.Context(), func(rd storage.Reader) error {
		if _, err := getBucket(rd, t.bucket); err != nil {
			return err
		}
		u, err := getUpload(rd, t.bucket, id)
		if err != nil {
			return err
		}
		if u.Key != t.key {
			return errNoSuchUpload(id)
		}
		out.Owner = ownerOf(u.Account)
		out.Initiator = &initiator{ID: out.Owner.ID, DisplayName: out.Owner.DisplayName}
		out.StorageClass = "STANDARD"
		if u.StorageClass != "" {
			out.StorageClass = u.StorageClass
		}
		out.ChecksumAlgorithm, out.ChecksumType = u.ChecksumAlg, u.ChecksumType
		pp := partPrefix(id)
		it := rd.Iter(storage.IterOptions{Lower: partKey(id, marker+1), Upper: upperBound(pp)})
		defer it.Close()
		for it.Next() {
			var p partRec
			if err := decodeRec(it.Value(), &p); err != nil {
				return err
			}
			if len(out.Parts) == maxParts {
				out.IsTruncated = maxParts > 0
				break
			}
			px := partXML{PartNumber: p.N, LastModified: p.Modified, ETag: p.ETag, Size: p.Size}
			px.set(u.ChecksumAlg, p.Checksum)
			out.Parts = append(out.Parts, px)
			out.NextPartNumberMarker = p.N
		}
		return it.Err()
	})
	if err != nil {
		return err
	}
	return s.writeXML(w, r, out)
}

type uploadXML struct {
	Key               string     `xml:"Key"`
	UploadID          string     `xml:"UploadId"`
	Initiator         *initiator `xml:"Initiator"`
	Owner             *owner     `xml:"Owner"`
	StorageClass      string     `xml:"StorageClass"`
	Initiated         time.Time  `xml:"Initiated"`
	ChecksumAlgorithm string     `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string     `xml:"ChecksumType,omitempty"`
}

type listUploadsResult struct {
	XMLName            xml.Name       `xml:"ListMultipartUploadsResult"`
	Bucket             string         `xml:"Bucket"`
	KeyMarker          string         `xml:"KeyMarker"`
	UploadIDMarker     string         `xml:"UploadIdMarker"`
	NextKeyMarker      string         `xml:"NextKeyMarker"`
	NextUploadIDMarker string         `xml:"NextUploadIdMarker"`
	Prefix             string         `xml:"Prefix"`
	Delimiter          string         `xml:"Delimiter,omitempty"`
	MaxUploads         int            `xml:"MaxUploads"`
	EncodingType       string         `xml:"EncodingType,omitempty"`
	IsTruncated        bool           `xml:"IsTruncated"`
	Uploads            []uploadXML    `xml:"Upload"`
	CommonPrefixes     []commonPrefix `xml:"CommonPrefixes"`
}

func (s *Service) listMultipartUploads(w http.ResponseWriter, r *http.Request, t target) error {
	q := r.URL.Query()
	a, err := parseListArgs(q)
	if err != nil {
		return err
	}
	if v := q.Get("max-uploads"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return errInvalidArgument("Provided max-uploads not an integer or within integer range", "max-uploads", v)
		}
		a.maxKeys = min(n, 1000)
	}
	keyMarker, idMarker := q.Get("key-marker"), q.Get("upload-id-marker")
	var ups []uploadRec
	err = s.kv.View(r.Context(), func(rd storage.Reader) error {
		if _, err := getBucket(rd, t.bucket); err != nil {
			return err
		}
		p := uploadPrefix(t.bucket)
		it := rd.Iter(storage.IterOptions{Lower: p, Upper: upperBound(p)})
		defer it.Close()
		for it.Next() {
			var u uploadRec
			if err := decodeRec(it.Value(), &u); err != nil {
				return err
			}
			if strings.HasPrefix(u.Key, a.prefix) {
				ups = append(ups, u)
			}
		}
		return it.Err()
	})
	if err != nil {
		return err
	}
	sort.Slice(ups, func(i, j int) bool {
		if ups[i].Key != ups[j].Key {
			return ups[i].Key < ups[j].Key
		}
		if !ups[i].Initiated.Equal(ups[j].Initiated) {
			return ups[i].Initiated.Before(ups[j].Initiated)
		}
		return ups[i].ID < ups[j].ID
	})
	out := &listUploadsResult{Bucket: t.bucket, KeyMarker: keyMarker, UploadIDMarker: idMarker, Prefix: a.enc(a.prefix),
		Delimiter: a.enc(a.delimiter), MaxUploads: a.maxKeys, EncodingType: a.encoding}
	n := 0
	seenPrefix := map[string]bool{}
	pastMarker := idMarker == ""
	for _, u := range ups {
		if keyMarker != "" {
			if u.Key < keyMarker || u.Key == keyMarker && idMarker == "" {
				continue
			}
			if u.Key == keyMarker && !pastMarker {
				if u.ID == idMarker {
					pastMarker = true
				}
				continue
			}
		}
		if a.delimiter != "" {
			if i := strings.Index(u.Key[len(a.prefix):], a.delimiter); i >= 0 {
				cp := u.Key[:len(a.prefix)+i+len(a.delimiter)]
				if seenPrefix[cp] {
					continue
				}
				if n == a.maxKeys {
					out.IsTruncated = true
					break
				}
				seenPrefix[cp] = true
				n++
				out.CommonPrefixes = append(out.CommonPrefixes, commonPrefix{Prefix: a.enc(cp)})
				out.NextKeyMarker, out.NextUploadIDMarker = cp, ""
				continue
			}
		}
		if n == a.maxKeys {
			out.IsTruncated = true
			break
		}
		n++
		ow := ownerOf(u.Account)
		sc := u.StorageClass
		if sc == "" {
			sc = "STANDARD"
		}
		out.Uploads = append(out.Uploads, uploadXML{Key: a.enc(u.Key), UploadID: u.ID, Initiator: &initiator{ID: ow.ID, DisplayName: ow.DisplayName},
			Owner: ow, StorageClass: sc, Initiated: u.Initiated, ChecksumAlgorithm: u.ChecksumAlg, ChecksumType: u.ChecksumType})
		out.NextKeyMarker, out.NextUploadIDMarker = a.enc(u.Key), u.ID
	}
	if !out.IsTruncated {
		out.NextKeyMarker, out.NextUploadIDMarker = "", ""
	}
	return s.writeXML(w, r, out)
}

var _ = bytes.Equal
