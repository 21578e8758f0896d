package s3

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/protocol/restxml"
	"github.com/nimbus-cloud/nimbus/internal/request"
	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// validBucketName applies S3's general-purpose bucket naming rules.
func validBucketName(b string) bool {
	if len(b) < 3 || len(b) > 63 {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	alnum := func(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }
	if !alnum(b[0]) || !alnum(b[len(b)-1]) || strings.Contains(b, "..") {
		return false
	}
	if _, err := netip.ParseAddr(b); err == nil {
		return false
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(b, p) {
			return false
		}
	}
	for _, suf := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(b, suf) {
			return false
		}
	}
	return true
}

// getBucket reads a bucket the caller may use, or NoSuchBucket. (nimbus has
// no bucket ACLs: a bucket of another account is reachable, as it would be
// with a bucket policy allowing it; IAM decisions are the edge's.)
func getBucket(r storage.Reader, name string) (*bucketRec, error) {
	var b bucketRec
	ok, err := getRec(r, bucketKey(name), &b)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNoSuchBucket(name)
	}
	return &b, nil
}

func (s *Service) viewBucket(ctx context.Context, name string) (*bucketRec, error) {
	var b *bucketRec
	err := s.kv.View(ctx, func(r storage.Reader) error {
		var err error
		b, err = getBucket(r, name)
		return err
	})
	return b, err
}

// updateBucket applies fn to a bucket record and stores it.
func (s *Service) updateBucket(ctx context.Context, name string, fn func(b *bucketRec) error) error {
	return s.kv.Update(ctx, func(tx storage.Tx) error {
		b, err := getBucket(tx, name)
		if err != nil {
			return err
		}
		if err := fn(b); err != nil {
			return err
		}
		return setRec(tx, bucketKey(name), b)
	})
}

type createBucketConfiguration struct {
	XMLName            xml.Name `xml:"CreateBucketConfiguration"`
	LocationConstraint string   `xml:"LocationConstraint"`
}

func (s *Service) createBucket(w http.ResponseWriter, r *http.Request, t target) error {
	info := request.From(r.Context())
	if !validBucketName(t.bucket) {
		return errInvalidBucketName(t.bucket)
	}
	body, err := s.readSmallBody(r, restxml.DefaultMaxXML)
	if err != nil {
		return err
	}
	region := info.Region
	if len(strings.TrimSpace(string(body))) > 0 {
		var c createBucketConfiguration
		if err := restxml.DecodeXML(body, &c, 0); err != nil {
			return err
		}
		lc := c.LocationConstraint
		switch {
		case lc == "" && region != "us-east-1":
			return illegalLocation("The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
		case lc == "us-east-1" || lc != "" && !validRegion(lc):
			return (&awserr.Error{Code: "InvalidLocationConstraint", Message: "The specified location-constraint is not valid", Status: 400}).With("LocationConstraint", lc)
		case lc != "" && lc != region && !(lc == "EU" && region == "eu-west-1"):
			return illegalLocation("The " + lc + " location constraint is incompatible for the region specific endpoint this request was sent to.")
		}
	} else if region != "us-east-1" {
		return illegalLocation("The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
	}
	now := s.now2()
	err = s.kv.Update(r.Context(), func(tx storage.Tx) error {
		var old bucketRec
		ok, err := getRec(tx, bucketKey(t.bucket), &old)
		if err != nil {
			return err
		}
		if ok {
			if old.Account != info.Account {
				return (&awserr.Error{Code: "BucketAlreadyExists", Status: http.StatusConflict,
					Message: "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again."}).With("BucketName", t.bucket)
			}
			if old.Region == "us-east-1" && region == "us-east-1" {
				// us-east-1 keeps S3's legacy answer: success, no change.
				return errAlreadyOwnedLegacy
			}
			return (&awserr.Error{Code: "BucketAlreadyOwnedByYou", Status: http.StatusConflict,
				Message: "Your previous request to create the named bucket succeeded and you already own it."}).With("BucketName", t.bucket)
		}
		return setRec(tx, bucketKey(t.bucket), &bucketRec{Name: t.bucket, Account: info.Account, Region: region, Created: now})
	})
	if err != nil && err != errAlreadyOwnedLegacy {
		return err
	}
	w.Header().Set("Location", "/"+t.bucket)
	return writeEmpty(w, r, http.StatusOK)
}

var errAlreadyOwnedLegacy = &awserr.Error{Code: "nimbus.legacy"}

func illegalLocation(msg string) *awserr.Error {
	return &awserr.Error{Code: "IllegalLocationConstraintException", Message: msg, Status: 400}
}

func validRegion(r string) bool {
	if r == "EU" {
		return true
	}
	parts := strings.Split(r, "-")
	if len(parts) < 3 {
		return false
	}
	for _, p := range parts {
		if p == "" {
			return false
		}
		for i := 0; i < len(p); i++ {
			c := p[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
				return false
			}
		}
	}
	return true
}

func (s *Service) headBucket(w http.ResponseWriter, r *http.Request, t target) error {
	b, err := s.viewBucket(r.Context(), t.bucket)
	if err != nil {
		return err
	}
	w.Header().Set("X-Amz-Bucket-Region", b.Region)
	w.Header().Set("X-Amz-Access-Point-Alias", "false")
	return writeEmpty(w, r, http.StatusOK)
}

type bucketXML struct {
	Name         string    `xml:"Name"`
	CreationDate time.Time `xml:"CreationDate"`
	BucketRegion string    `xml:"BucketRegion,omitempty"`
}

type owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName,omitempty"`
}

func ownerOf(account string) *owner {
	// S3's canonical user ids are 64 hex digits; derive a stable one.
	return &owner{ID: canonicalID(account), DisplayName: "nimbus-" + account}
}

type listAllMyBucketsResult struct {
	XMLName           xml.Name    `xml:"ListAllMyBucketsResult"`
	Owner             *owner      `xml:"Owner"`
	Buckets           []bucketXML `xml:"Buckets>Bucket"`
	ContinuationToken string      `xml:"ContinuationToken,omitempty"`
	Prefix            string      `xml:"Prefix,omitempty"`
}

func (s *Service) listBuckets(w http.ResponseWriter, r *http.Request, t target) error {
	info := request.From(r.Context())
	q := r.URL.Query()
	prefix, region, token := q.Get("prefix"), q.Get("bucket-region"), q.Get("continuation-token")
	max := 10000
	if v := q.Get("max-buckets"); v != "" {
		n, err := parseIntArg(v, "max-buckets")
		if err != nil || n < 1 || n > 10000 {
			return errInvalidArgument("Argument max-buckets must be an integer between 1 and 10000", "max-buckets", v)
		}
		max = n
	}
	out := &listAllMyBucketsResult{Owner: ownerOf(info.Account), Buckets: []bucketXML{}, Prefix: prefix}
	err := s.kv.View(r.Context(), func(rd storage.Reader) error {
		lower := bucketKey(prefix)
		if token != "" && string(bucketKey(token)) > string(lower) {
			lower = append(bucketKey(token), 0)
		}
		it := rd.Iter(storage.IterOptions{Lower: lower, Upper: upperBound(bucketKey(prefix))})
		defer it.Close()
		for it.Next() {
			var b bucketRec
			if err := decodeRec(it.Value(), &b); err != nil {
				return err
			}
			if b.Account != info.Account || region != "" && b.Region != region {
				continue
			}
			if len(out.Buckets) == max {
				out.ContinuationToken = out.Buckets[len(out.Buckets)-1].Name
				break
			}
			out.Buckets = append(out.Buckets, bucketXML{Name: b.Name, CreationDate: b.Created, BucketRegion: b.Region})
		}
		return it.Err()
	})
	if err != nil {
		return err
	}
	return s.writeXML(w, r, out)
}

func (s *Service) deleteBucket(w http.ResponseWriter, r *http.Request, t target) error {
	var freed []string
	err := s.kv.Update(r.Context(), func(tx storage.Tx) error {
		if _, err := getBucket(tx, t.bucket); err != nil {
			return err
		}
		for _, p := range [][]byte{objectPrefix(t.bucket), versionPrefix(t.bucket)} {
			it := tx.Iter(storage.IterOptions{Lower: p, Upper: upperBound(p)})
			has := it.Next()
			it.Close()
			if has {
				return (&awserr.Error{Code: "BucketNotEmpty", Message: "The bucket you tried to delete is not empty", Status: http.StatusConflict}).With("BucketName", t.bucket)
			}
		}
		// Incomplete multipart uploads do not keep a bucket alive: they go
		// with it.
		freed = freed[:0]
		up := uploadPrefix(t.bucket)
		it := tx.Iter(storage.IterOptions{Lower: up, Upper: upperBound(up)})
		var ids []string
		for it.Next() {
			ids = append(ids, string(it.Key()[len(up):]))
		}
		err := it.Err()
		it.Close()
		if err != nil {
			return err
		}
		for _, id := range ids {
			pp := partPrefix(id)
			pit := tx.Iter(storage.IterOptions{Lower: pp, Upper: upperBound(pp)})
			for pit.Next() {
				var p partRec
				if decodeRec(pit.Value(), &p) == nil {
					freed = append(freed, p.File)
				}
			}
			err := pit.Err()
			pit.Close()
			if err != nil {
				return err
			}
			if err := tx.DeleteRange(pp, upperBound(pp)); err != nil {
				return err
			}
		}
		if err := tx.DeleteRange(up, upperBound(up)); err != nil {
			return err
		}
		return tx.Delete(bucketKey(t.bucket))
	})
	if err != nil {
		return err
	}
	s.files.remove(freed...)
	return writeEmpty(w, r, http.StatusNoContent)
}

type locationConstraint struct {
	XMLName xml.Name `xml:"LocationConstraint"`
	Region  string   `xml:",chardata"`
}

func (s *Service) getBucketLocation(w http.ResponseWriter, r *http.Request, t target) error {
	b, err := s.viewBucket(r.Context(), t.bucket)
	if err != nil {
		return err
	}
	lc := b.Region
	if lc == "us-east-1" {
		lc = ""
	}
	return s.writeXML(w, r, &locationConstraint{Region: lc})
}

// ---- versioning ----

type versioningConfiguration struct {
	XMLName   xml.Name `xml:"VersioningConfiguration"`
	Status    string   `xml:"Status,omitempty"`
	MfaDelete string   `xml:"MfaDelete,omitempty"`
}

func (s *Service) putBucketVersioning(w http.ResponseWriter, r *http.Request, t target) error {
	body, err := s.readSmallBody(r, restxml.DefaultMaxXML)
	if err != nil {
		return err
	}
	var c versioningConfiguration
	if err := restxml.DecodeXML(body, &c, 0); err != nil {
		return err
	}
	if c.Status != "Enabled" && c.Status != "Suspended" {
		return errMalformedXML()
	}
	if c.MfaDelete == "Enabled" {
		return errInvalidRequest("DevPay and Mfa are mutually exclusive authorization methods.")
	}
	err = s.updateBucket(r.Context(), t.bucket, func(b *bucketRec) error {
		b.Versioning = c.Status
		return nil
	})
	if err != nil {
		return err
	}
	return writeEmpty(w, r, http.StatusOK)
}

func (s *Service) getBucketVersioning(w http.ResponseWriter, r *http.Request, t target) error {
	b, err := s.viewBucket(r.Context(), t.bucket)
	if err != nil {
		return err
	}
	return s.writeXML(w, r, &versioningConfiguration{Status: b.Versioning})
}

// ---- tagging ----

type tagging struct {
	XMLName xml.Name `xml:"Tagging"`
	TagSet  []tag    `xml:"TagSet>Tag"`
}

// parseTagging validates a Tagging document: at most max tags, keys of
// 1-128 and values of 0-256 characters, no duplicate keys.
func parseTagging(body []byte, max int) ([]tag, error) {
	var tg tagging
	if err := restxml.DecodeXML(body, &tg, 0); err != nil {
		return nil, err
	}
	if err := validateTags(tg.TagSet, max); err != nil {
		return nil, err
	}
	return tg.TagSet, nil
}

func validateTags(tags []tag, max int) error {
	if len(tags) > max {
		if max == 10 {
			return (&awserr.Error{Code: "BadRequest", Message: "Object tags cannot be greater than 10", Status: 400})
		}
		return errInvalidTag("Bucket tag count cannot be greater than 50")
	}
	seen := map[string]bool{}
	for _, t := range tags {
		if len([]rune(t.Key)) < 1 || len([]rune(t.Key)) > 128 {
			return errInvalidTag("The TagKey you have provided is too long, max 128")
		}
		if len([]rune(t.Value)) > 256 {
			return errInvalidTag("The TagValue you have provided is too long, max 256")
		}
		if seen[t.Key] {
			return errInvalidTag("Cannot provide multiple Tags with the same key")
		}
		if strings.HasPrefix(t.Key, "aws:") {
			return errInvalidTag("System tags cannot be added/updated by requester")
		}
		seen[t.Key] = true
	}
	return nil
}

func errInvalidTag(msg string) *awserr.Error {
	return &awserr.Error{Code: "InvalidTag", Message: msg, Status: 400}
}

func (s *Service) putBucketTagging(w http.ResponseWriter, r *http.Request, t target) error {
	body, err := s.readSmallBody(r, restxml.DefaultMaxXML)
	if err != nil {
		return err
	}
	tags, err := parseTagging(body, 50)
	if err != nil {
		return err
	}
	if err := s.updateBucket(r.Context(), t.bucket, func(b *bucketRec) error { b.Tags = tags; return nil }); err != nil {
		return err
	}
	return writeEmpty(w, r, http.StatusNoContent)
}

func (s *Service) getBucketTagging(w http.ResponseWriter, r *http.Request, t target) error {
	b, err := s.viewBucket(r.Context(), t.bucket)
	if err != nil {
		return err
	}
	if len(b.Tags) == 0 {
		return (&awserr.Error{Code: "NoSuchTagSet", Message: "The TagSet does not exist", Status: 404}).With("BucketName", t.bucket)
	}
	return s.writeXML(w, r, &tagging{TagSet: b.Tags})
}

func (s *Service) deleteBucketTagging(w http.ResponseWriter, r *http.Request, t target) error {
	if err := s.updateBucket(r.Context(), t.bucket, func(b *bucketRec) error { b.Tags = nil; return nil }); err != nil {
		return err
	}
	return writeEmpty(w, r, http.StatusNoContent)
}
