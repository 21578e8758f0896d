package s3

import (
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// An entry of a listing walk: a key's current record or a common prefix.
type listEntry struct {
	key    string
	prefix bool
	rec    *objectRec
}

// walkObjects visits the keys of bucket after startAfter (exclusive) with
// prefix, grouping keys that contain delimiter after the prefix into common
// prefixes, skipping delete markers unless markers is set. fn returns
// false to stop.
func walkObjects(r storage.Reader, bucket, prefix, delimiter, startAfter string, markers bool, fn func(e listEntry) bool) error {
	base := objectPrefix(bucket)
	lower := append(append([]byte(nil), base...), prefix...)
	if startAfter != "" && startAfter >= prefix {
		lower = append(append(append([]byte(nil), base...), startAfter...), 0)
	}
	upper := upperBound(append(append([]byte(nil), base...), prefix...))
	if prefix == "" {
		upper = upperBound(base)
	}
	for {
		it := r.Iter(storage.IterOptions{Lower: lower, Upper: upper})
		var seekTo []byte
		for it.Next() {
			key := string(it.Key()[len(base):])
			if delimiter != "" {
				if i := strings.Index(key[len(prefix):], delimiter); i >= 0 {
					cp := key[:len(prefix)+i+len(delimiter)]
					if startAfter != "" && cp <= startAfter && strings.HasPrefix(startAfter, cp) {
						// The marker is inside this prefix: already listed.
					} else if !fn(listEntry{key: cp, prefix: true}) {
						it.Close()
						return nil
					}
					seekTo = upperBound(append(append([]byte(nil), base...), cp...))
					break
				}
			}
			var o objectRec
			if err := decodeRec(it.Value(), &o); err != nil {
				it.Close()
				return err
			}
			if o.DeleteMarker && !markers {
				continue
			}
			if !fn(listEntry{key: key, rec: &o}) {
				it.Close()
				return nil
			}
		}
		err := it.Err()
		it.Close()
		if err != nil || seekTo == nil {
			return err
		}
		lower = seekTo
	}
}

type objectXML struct {
	Key               string    `xml:"Key"`
	LastModified      time.Time `xml:"LastModified"`
	ETag              string    `xml:"ETag"`
	ChecksumAlgorithm string    `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string    `xml:"ChecksumType,omitempty"`
	Size              int64     `xml:"Size"`
	Owner             *owner    `xml:"Owner"`
	StorageClass      string    `xml:"StorageClass"`
}

type commonPrefix struct {
	Prefix string `xml:"Prefix"`
}

func storageClassOf(o *objectRec) string {
	if o.StorageClass == "" {
		return "STANDARD"
	}
	return o.StorageClass
}

// urlEncode is EncodingType=url: percent-encoding that botocore's and the
// SDKs' decoders both undo (spaces as %20, '/' kept).
func urlEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~/", c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(strconv.FormatUint(uint64(c)|0x100, 16)[1:]))
		}
	}
	return b.String()
}

// listArgs are the arguments both ListObjects versions share.
type listArgs struct {
	prefix, delimiter, encoding string
	maxKeys                     int
}

func parseListArgs(q url.Values) (listArgs, error) {
	a := listArgs{prefix: q.Get("prefix"), delimiter: q.Get("delimiter"), encoding: q.Get("encoding-type"), maxKeys: 1000}
	if a.encoding != "" && a.encoding != "url" {
		return a, errInvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", a.encoding)
	}
	if v := q.Get("max-keys"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return a, errInvalidArgument("Provided max-keys not an integer or within integer range", "max-keys", v)
		}
		a.maxKeys = min(n, 1000)
	}
	return a, nil
}

func (a listArgs) enc(s string) string {
	if a.encoding == "url" {
		return urlEncode(s)
	}
	return s
}

type listBucketResultV2 struct {
	XMLName               xml.Name       `xml:"ListBucketResult"`
	Name                  string         `xml:"Name"`
	Prefix                string         `xml:"Prefix"`
	Delimiter             string         `xml:"Delimiter,omitempty"`
	MaxKeys               int            `xml:"MaxKeys"`
	EncodingType          string         `xml:"EncodingType,omitempty"`
	KeyCount              int            `xml:"KeyCount"`
	IsTruncated           bool           `xml:"IsTruncated"`
	ContinuationToken     string         `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string         `xml:"NextContinuationToken,omitempty"`
	StartAfter            string         `xml:"StartAfter,omitempty"`
	Contents              []objectXML    `xml:"Contents"`
	CommonPrefixes        []commonPrefix `xml:"CommonPrefixes"`
}

// list collects up to a.maxKeys entries after startAfter and reports
// whether more follow and the last entry returned.
func (s *Service) list(r *http.Request, bucket string, a listArgs, startAfter string, fetchOwner bool) (contents []objectXML, prefixes []commonPrefix, truncated bool, last string, err error) {
	var ow *owner
	err = s.kv.View(r.Context(), func(rd storage.Reader) error {
		b, err := getBucket(rd, bucket)
		if err != nil {
			return err
		}
		if fetchOwner {
			ow = ownerOf(b.Account)
		}
		n := 0
		return walkObjects(rd, bucket, a.prefix, a.delimiter, startAfter, false, func(e listEntry) bool {
			if n == a.maxKeys {
				truncated = a.maxKeys > 0
				return false
			}
			n++
			last = e.key
			if e.prefix {
				prefixes = append(prefixes, commonPrefix{Prefix: a.enc(e.key)})
				return true
			}
			o := e.rec
			contents = append(contents, objectXML{Key: a.enc(o.Key), LastModified: o.Modified, ETag: o.ETag, Size: o.Size,
				StorageClass: storageClassOf(o), Owner: ow, ChecksumAlgorithm: o.ChecksumAlg, ChecksumType: listChecksumType(o)})
			return true
		})
	})
	return
}

func listChecksumType(o *objectRec) string {
	if o.ChecksumAlg == "" {
		return ""
	}
	return o.ChecksumType
}

func (s *Service) listObjectsV2(w http.ResponseWriter, r *http.Request, t target) error {
	q := r.URL.Query()
	a, err := parseListArgs(q)
	if err != nil {
		return err
	}
	token := q.Get("continuation-token")
	startAfter := q.Get("start-after")
	from := startAfter
	if _, has := q["continuation-token"]; has {
		b, derr := base64.RawURLEncoding.DecodeString(token)
		if derr != nil || token == "" {
			return errInvalidArgument("The continuation token provided is incorrect", "continuation-token", token)
		}
		from = string(b)
	}
	contents, prefixes, truncated, last, err := s.list(r, t.bucket, a, from, q.Get("fetch-owner") == "true")
	if err != nil {
		return err
	}
	out := &listBucketResultV2{Name: t.bucket, Prefix: a.enc(a.prefix), Delimiter: a.enc(a.delimiter), MaxKeys: a.maxKeys,
		EncodingType: a.encoding, KeyCount: len(contents) + len(prefixes), IsTruncated: truncated,
		ContinuationToken: token, StartAfter: a.enc(startAfter), Contents: contents, CommonPrefixes: prefixes}
	if truncated {
		out.NextContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(last))
	}
	return s.writeXML(w, r, out)
}

type listBucketResultV1 struct {
	XMLName        xml.Name       `xml:"ListBucketResult"`
	Name           string         `xml:"Name"`
	Prefix         string         `xml:"Prefix"`
	Marker         string         `xml:"Marker"`
	NextMarker     string         `xml:"NextMarker,omitempty"`
	MaxKeys        int            `xml:"MaxKeys"`
	Delimiter      string         `xml:"Delimiter,omitempty"`
	EncodingType   string         `xml:"EncodingType,omitempty"`
	IsTruncated    bool           `xml:"IsTruncated"`
	Contents       []objectXML    `xml:"Contents"`
	CommonPrefixes []commonPrefix `xml:"CommonPrefixes"`
}

func (s *Service) listObjects(w http.ResponseWriter, r *http.Request, t target) error {
	q := r.URL.Query()
	a, err := parseListArgs(q)
	if err != nil {
		return err
	}
	marker := q.Get("marker")
	contents, prefixes, truncated, last, err := s.list(r, t.bucket, a, marker, true)
	if err != nil {
		return err
	}
	out := &listBucketResultV1{Name: t.bucket, Prefix: a.enc(a.prefix), Marker: a.enc(marker), MaxKeys: a.maxKeys,
		Delimiter: a.enc(a.delimiter), EncodingType: a.encoding, IsTruncated: truncated, Contents: contents, CommonPrefixes: prefixes}
	if truncated && a.delimiter != "" {
		out.NextMarker = a.enc(last)
	}
	return s.writeXML(w, r, out)
}

// ---- ListObjectVersions ----

type versionXML struct {
	Key               string    `xml:"Key"`
	VersionID         string    `xml:"VersionId"`
	IsLatest          bool      `xml:"IsLatest"`
	LastModified      time.Time `xml:"LastModified"`
	ETag              string    `xml:"ETag,omitempty"`
	ChecksumAlgorithm string    `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string    `xml:"ChecksumType,omitempty"`
	Size              *int64    `xml:"Size"`
	StorageClass      string    `xml:"StorageClass,omitempty"`
	Owner             *owner    `xml:"Owner"`
}

type listVersionsResult struct {
	XMLName             xml.Name       `xml:"ListVersionsResult"`
	Name                string         `xml:"Name"`
	Prefix              string         `xml:"Prefix"`
	KeyMarker           string         `xml:"KeyMarker"`
	VersionIDMarker     string         `xml:"VersionIdMarker"`
	NextKeyMarker       string         `xml:"NextKeyMarker,omitempty"`
	NextVersionIDMarker string         `xml:"NextVersionIdMarker,omitempty"`
	MaxKeys             int            `xml:"MaxKeys"`
	Delimiter           string         `xml:"Delimiter,omitempty"`
	EncodingType        string         `xml:"EncodingType,omitempty"`
	IsTruncated         bool           `xml:"IsTruncated"`
	Versions            []versionXML   `xml:"Version"`
	DeleteMarkers       []versionXML   `xml:"DeleteMarker"`
	CommonPrefixes      []commonPrefix `xml:"CommonPrefixes"`
}

func (s *Service) listObjectVersions(w http.ResponseWriter, r *http.Request, t target) error {
	q := r.URL.Query()
	a, err := parseListArgs(q)
	if err != nil {
		return err
	}
	keyMarker, vidMarker := q.Get("key-marker"), q.Get("version-id-marker")
	if vidMarker != "" && keyMarker == "" {
		return errInvalidArgument("A version-id marker cannot be specified without a key marker.", "version-id-marker", vidMarker)
	}
	out := &listVersionsResult{Name: t.bucket, Prefix: a.enc(a.prefix), KeyMarker: a.enc(keyMarker), VersionIDMarker: vidMarker,
		MaxKeys: a.maxKeys, Delimiter: a.enc(a.delimiter), EncodingType: a.encoding}
	err = s.kv.View(r.Context(), func(rd storage.Reader) error {
		b, err := getBucket(rd, t.bucket)
		if err != nil {
			return err
		}
		ow := ownerOf(b.Account)
		n := 0
		var lastKey, lastVID string
		add := func(o *objectRec, latest bool) bool {
			if n == a.maxKeys {
				out.IsTruncated = true
				return false
			}
			n++
			lastKey, lastVID = o.Key, o.versionID()
			v := versionXML{Key: a.enc(o.Key), VersionID: o.versionID(), IsLatest: latest, LastModified: o.Modified, Owner: ow}
			if o.DeleteMarker {
				out.DeleteMarkers = append(out.DeleteMarkers, v)
				return true
			}
			size := o.Size
			v.Size, v.ETag, v.StorageClass = &size, o.ETag, storageClassOf(o)
			v.ChecksumAlgorithm, v.ChecksumType = o.ChecksumAlg, listChecksumType(o)
			out.Versions = append(out.Versions, v)
			return true
		}
		start := keyMarker
		// With a version-id marker, the marker key's remaining versions
		// come first.
		resumeKey := ""
		if vidMarker != "" {
			resumeKey = keyMarker
		}
		var werr error
		err = walkObjects(rd, t.bucket, a.prefix, a.delimiter, "", true, func(e listEntry) bool {
			if start != "" && (e.key < start || e.key == start && resumeKey == "") {
				return true
			}
			if e.prefix {
				if n == a.maxKeys {
					out.IsTruncated = true
					return false
				}
				n++
				lastKey, lastVID = e.key, ""
				out.CommonPrefixes = append(out.CommonPrefixes, commonPrefix{Prefix: a.enc(e.key)})
				return true
			}
			cur := e.rec
			if cur.VSort == "" {
				if e.key == resumeKey {
					return true // its only version was the marker
				}
				return add(cur, true)
			}
			p := versionKeyPrefix(t.bucket, e.key)
			lower := p
			if e.key == resumeKey {
				vs, ok := vsortOf(vidMarker)
				if vidMarker == "null" {
					nv, err := findNullVersion(rd, t.bucket, e.key)
					if err != nil {
						werr = err
						return false
					}
					if nv != nil {
						vs, ok = nv.VSort, true
					}
				}
				if ok {
					lower = append(versionKey(t.bucket, e.key, vs), 0)
				}
			}
			it := rd.Iter(storage.IterOptions{Lower: lower, Upper: upperBound(p)})
			defer it.Close()
			for it.Next() {
				var o objectRec
				if err := decodeRec(it.Value(), &o); err != nil {
					werr = err
					return false
				}
				if !add(&o, o.VSort == cur.VSort) {
					return false
				}
			}
			if err := it.Err(); err != nil {
				werr = err
				return false
			}
			return true
		})
		if err == nil {
			err = werr
		}
		if out.IsTruncated {
			out.NextKeyMarker, out.NextVersionIDMarker = a.enc(lastKey), lastVID
		}
		return err
	})
	if err != nil {
		return err
	}
	return s.writeXML(w, r, out)
}
