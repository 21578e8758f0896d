package s3

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"hash"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/protocol/restxml"
)

// hashCopy copies src to dst computing the MD5 and, if alg is set, that
// checksum.
func hashCopy(dst io.Writer, src io.Reader, alg string) (*received, error) {
	md := md5.New()
	ws := []io.Writer{dst, md}
	var ck hash.Hash
	if alg != "" {
		ck = newChecksum(alg)
		ws = append(ws, ck)
	}
	bufp := copyBufs.Get().(*[]byte)
	n, err := io.CopyBuffer(io.MultiWriter(ws...), src, *bufp)
	copyBufs.Put(bufp)
	if err != nil {
		return nil, err
	}
	rc := &received{size: n, md5: md.Sum(nil), alg: alg}
	if ck != nil {
		rc.checksum = base64.StdEncoding.EncodeToString(ck.Sum(nil))
	}
	return rc, nil
}

func decodeXML(body []byte, v any) error { return restxml.DecodeXML(body, v, 0) }

// copySource parses x-amz-copy-source: "bucket/key" or "/bucket/key",
// URL-encoded, optionally with "?versionId=".
func copySource(v string) (bucket, key, versionID string, err error) {
	bad := errInvalidArgument("Invalid copy source object key", "x-amz-copy-source", v)
	path, query, _ := strings.Cut(v, "?")
	path, perr := url.PathUnescape(path)
	if perr != nil {
		return "", "", "", bad
	}
	path = strings.TrimPrefix(path, "/")
	bucket, key, ok := strings.Cut(path, "/")
	if !ok || bucket == "" || key == "" {
		return "", "", "", errInvalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey", "x-amz-copy-source", v)
	}
	if query != "" {
		qv, qerr := url.ParseQuery(query)
		if qerr != nil {
			return "", "", "", bad
		}
		versionID = qv.Get("versionId")
		if _, has := qv["versionId"]; has && versionID == "" {
			return "", "", "", errInvalidArgument("Version id cannot be the empty string", "versionId", "")
		}
	}
	return bucket, key, versionID, nil
}

// copySourceObject resolves and checks the source of a copy.
func (s *Service) copySourceObject(r *http.Request) (*objectRec, string, string, error) {
	sb, sk, sv, err := copySource(r.Header.Get("X-Amz-Copy-Source"))
	if err != nil {
		return nil, "", "", err
	}
	src, err := s.lookupObject(r.Context(), sb, sk, sv)
	if err != nil {
		return nil, "", "", err
	}
	if src.DeleteMarker {
		if sv != "" {
			return nil, "", "", errInvalidRequest("The source of a copy request may not specifically refer to a delete marker by version id.")
		}
		return nil, "", "", errNoSuchKey(sk)
	}
	h := r.Header
	if status, cond := conditions(h.Get("X-Amz-Copy-Source-If-Match"), h.Get("X-Amz-Copy-Source-If-None-Match"),
		h.Get("X-Amz-Copy-Source-If-Modified-Since"), h.Get("X-Amz-Copy-Source-If-Unmodified-Since"),
		src.ETag, src.Modified, http.StatusPreconditionFailed, "x-amz-copy-source-"); status != 0 {
		return nil, "", "", errPreconditionFailed(strings.ReplaceAll(cond, "x-amz-copy-source-If", "x-amz-copy-source-If"))
	}
	return src, sb, sk, nil
}

type copyObjectResult struct {
	XMLName           xml.Name  `xml:"CopyObjectResult"`
	ETag              string    `xml:"ETag"`
	LastModified      time.Time `xml:"LastModified"`
	ChecksumType      string    `xml:"ChecksumType,omitempty"`
	ChecksumCRC32     string    `xml:"ChecksumCRC32,omitempty"`
	ChecksumCRC32C    string    `xml:"ChecksumCRC32C,omitempty"`
	ChecksumCRC64NVME string    `xml:"ChecksumCRC64NVME,omitempty"`
	ChecksumSHA1      string    `xml:"ChecksumSHA1,omitempty"`
	ChecksumSHA256    string    `xml:"ChecksumSHA256,omitempty"`
}

func (c *copyObjectResult) setChecksum(alg, v string) {
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

func (s *Service) copyObject(w http.ResponseWriter, r *http.Request, t target) error {
	if err := checkKey(t.key); err != nil {
		return err
	}
	h := r.Header
	directive := h.Get("X-Amz-Metadata-Directive")
	if directive != "" && directive != "COPY" && directive != "REPLACE" {
		return errInvalidArgument("Unknown metadata directive.", "x-amz-metadata-directive", directive)
	}
	tagDirective := h.Get("X-Amz-Tagging-Directive")
	if tagDirective != "" && tagDirective != "COPY" && tagDirective != "REPLACE" {
		return errInvalidArgument("Unknown tagging directive.", "x-amz-tagging-directive", tagDirective)
	}
	alg := ""
	if a := h.Get("X-Amz-Checksum-Algorithm"); a != "" {
		if alg = normAlg(a); alg == "" {
			return errInvalidRequest("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
		}
	}
	src, sb, sk, err := s.copySourceObject(r)
	if err != nil {
		return err
	}
	if src.Size > MaxObjectSize {
		return errInvalidRequest("The specified copy source is larger than the maximum allowable size for a copy source: 5368709120")
	}
	if _, err := s.viewBucket(r.Context(), t.bucket); err != nil {
		return err
	}
	ct, headers, meta, sc, tags, err := objectAttrs(h)
	if err != nil {
		return err
	}
	if sb == t.bucket && sk == t.key && directive != "REPLACE" && sc == "" && alg == "" && h.Get("X-Amz-Website-Redirect-Location") == "" {
		return errInvalidRequest("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
	}
	if directive != "REPLACE" {
		ct, headers, meta = src.ContentType, src.Headers, src.Meta
	}
	if tagDirective != "REPLACE" {
		tags = src.Tags
	}
	if alg == "" && src.ChecksumType == "FULL_OBJECT" {
		alg = src.ChecksumAlg
	}
	rd, err := s.openBody(src, 0, src.Size)
	if err != nil {
		return err
	}
	rc, err := s.storeBody(rd, src.Size, alg)
	rd.Close()
	if err != nil {
		return err
	}
	if rc.size != src.Size {
		s.files.remove(rc.id)
		return awserr.Internal()
	}
	o := &objectRec{Key: t.key, Size: rc.size, ETag: rc.etag(), Modified: s.now2().Truncate(time.Millisecond),
		ContentType: ct, Headers: headers, Meta: meta, StorageClass: sc, Tags: tags,
		ChecksumAlg: rc.alg, Checksum: rc.checksum}
	o.setBody(rc)
	if rc.alg != "" {
		o.ChecksumType = "FULL_OBJECT"
	}
	b, err := s.commitObject(r.Context(), t.bucket, o, nil)
	if err != nil {
		s.files.remove(rc.id)
		return err
	}
	s.notifyObject(r, b, "ObjectCreated:Copy", o)
	if src.VersionID != "" {
		w.Header().Set("X-Amz-Copy-Source-Version-Id", src.VersionID)
	}
	if o.VersionID != "" {
		w.Header().Set("X-Amz-Version-Id", o.VersionID)
	}
	out := &copyObjectResult{ETag: o.ETag, LastModified: o.Modified}
	if o.Checksum != "" {
		out.ChecksumType = o.ChecksumType
		out.setChecksum(o.ChecksumAlg, o.Checksum)
	}
	return s.writeXML(w, r, out)
}
