package s3

import (
	"encoding/hex"
	"math"
	"strconv"

	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// nextVSort returns a version sort key: 16 hex digits that decrease with
// time (and strictly, within this process), so a key's versions iterate
// newest first.
func (s *Service) nextVSort() string {
	s.seqMu.Lock()
	t := uint64(s.now().UnixNano())
	if t <= s.seq {
		t = s.seq + 1
	}
	s.seq = t
	s.seqMu.Unlock()
	return strconv.FormatUint(math.MaxUint64-t, 16)
}

// newVersionID makes a version id whose first 16 characters are its sort
// key, so a version is found from its id without an index.
func (s *Service) newVersionID() (vsort, id string) {
	vsort = s.nextVSort()
	for len(vsort) < 16 {
		vsort = "0" + vsort
	}
	r := newID()
	return vsort, vsort + r[:16]
}

func vsortOf(versionID string) (string, bool) {
	if len(versionID) != 32 {
		return "", false
	}
	if _, err := hex.DecodeString(versionID); err != nil {
		return "", false
	}
	return versionID[:16], true
}

// writeResult is what storing an object displaced.
type writeResult struct {
	freed []string // body files no record references any more
}

func segIDs(o *objectRec) []string {
	ids := make([]string, 0, len(o.Parts))
	for _, p := range o.Parts {
		ids = append(ids, p.ID)
	}
	return ids
}

// currentObject returns the current record of key ('o'), or nil.
func currentObject(r storage.Reader, bucket, key string) (*objectRec, error) {
	var o objectRec
	ok, err := getRec(r, objectKey(bucket, key), &o)
	if err != nil || !ok {
		return nil, err
	}
	return &o, nil
}

// findVersion returns the version of key with id versionID ("null" for the
// null version), or nil.
func findVersion(r storage.Reader, bucket, key, versionID string) (*objectRec, error) {
	if versionID == "null" {
		cur, err := currentObject(r, bucket, key)
		if err != nil {
			return nil, err
		}
		if cur != nil && cur.VersionID == "" {
			return cur, nil
		}
		return findNullVersion(r, bucket, key)
	}
	vs, ok := vsortOf(versionID)
	if !ok {
		return nil, nil
	}
	var o objectRec
	found, err := getRec(r, versionKey(bucket, key, vs), &o)
	if err != nil || !found || o.VersionID != versionID {
		return nil, err
	}
	return &o, nil
}

func findNullVersion(r storage.Reader, bucket, key string) (*objectRec, error) {
	p := versionKeyPrefix(bucket, key)
	it := r.Iter(storage.IterOptions{Lower: p, Upper: upperBound(p)})
	defer it.Close()
	for it.Next() {
		var o objectRec
		if err := decodeRec(it.Value(), &o); err != nil {
			return nil, err
		}
		if o.VersionID == "" {
			return &o, nil
		}
	}
	return nil, it.Err()
}

// storeObject makes o the current version of its key in bucket b,
// following b's versioning state, and returns what it displaced.
func (s *Service) storeObject(tx storage.Tx, b *bucketRec, o *objectRec) (writeResult, error) {
	var res writeResult
	cur, err := currentObject(tx, b.Name, o.Key)
	if err != nil {
		return res, err
	}
	switch b.Versioning {
	case "":
		o.VersionID, o.VSort = "", ""
		if cur != nil {
			res.freed = segIDs(cur)
		}
	default:
		if cur != nil && cur.VSort == "" {
			// An object from before versioning becomes the null version.
			cur.VSort = s.nextVSortFor(cur)
			if err := setRec(tx, versionKey(b.Name, cur.Key, cur.VSort), cur); err != nil {
				return res, err
			}
		}
		if b.Versioning == "Enabled" {
			o.VSort, o.VersionID = s.newVersionID()
		} else {
			// Suspended: the new object is the null version, replacing
			// any earlier one.
			old, err := findNullVersion(tx, b.Name, o.Key)
			if err != nil {
				return res, err
			}
			if old != nil {
				if err := tx.Delete(versionKey(b.Name, o.Key, old.VSort)); err != nil {
					return res, err
				}
				res.freed = segIDs(old)
			}
			o.VSort, _ = s.newVersionID()
			o.VersionID = ""
		}
		if err := setRec(tx, versionKey(b.Name, o.Key, o.VSort), o); err != nil {
			return res, err
		}
	}
	return res, setRec(tx, objectKey(b.Name, o.Key), o)
}

// nextVSortFor is the sort key given to a pre-versioning object when it
// becomes the null version: older than anything written from now on.
func (s *Service) nextVSortFor(o *objectRec) string {
	v := strconv.FormatUint(math.MaxUint64-uint64(o.Modified.UnixNano()), 16)
	for len(v) < 16 {
		v = "0" + v
	}
	return v
}

// removeVersion deletes one version (or the unversioned object) and, when
// it was current, promotes the next newest version.
func removeVersion(tx storage.Tx, bucket string, o *objectRec) error {
	if o.VSort != "" {
		if err := tx.Delete(versionKey(bucket, o.Key, o.VSort)); err != nil {
			return err
		}
	}
	cur, err := currentObject(tx, bucket, o.Key)
	if err != nil {
		return err
	}
	if cur == nil || cur.VSort != o.VSort || cur.VersionID != o.VersionID {
		return nil
	}
	p := versionKeyPrefix(bucket, o.Key)
	it := tx.Iter(storage.IterOptions{Lower: p, Upper: upperBound(p)})
	var next []byte
	if it.Next() {
		next = append([]byte(nil), it.Value()...)
	}
	err = it.Err()
	it.Close()
	if err != nil {
		return err
	}
	if next == nil {
		return tx.Delete(objectKey(bucket, o.Key))
	}
	return tx.Set(objectKey(bucket, o.Key), next)
}
