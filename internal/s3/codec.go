package s3

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"sort"
	"time"
)

// Object records are read on every GET and listed by the thousand, so they
// have a compact binary encoding (encoding/json's reflection was a quarter
// of a small GET's server time); the rarer records stay JSON.
//
// Format: version byte 1, then the fields of objectRec in declaration
// order: strings and byte counts as uvarint length + bytes, integers as
// varints, the time as Unix nanoseconds, maps as a count and sorted pairs.

const objectCodecVersion = 1

var errBadRecord = errors.New("s3: malformed object record")

// encodeRec encodes a record for the KV.
func encodeRec(v any) ([]byte, error) {
	if o, ok := v.(*objectRec); ok {
		return o.marshal(), nil
	}
	return json.Marshal(v)
}

// decodeRec decodes a record written by encodeRec.
func decodeRec(b []byte, v any) error {
	if o, ok := v.(*objectRec); ok {
		return o.unmarshal(b)
	}
	return json.Unmarshal(b, v)
}

func (o *objectRec) marshal() []byte {
	b := make([]byte, 0, 128+len(o.Key)+len(o.Parts)*40)
	b = append(b, objectCodecVersion)
	str := func(s string) { b = binary.AppendUvarint(b, uint64(len(s))); b = append(b, s...) }
	kvs := func(m map[string]string) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = binary.AppendUvarint(b, uint64(len(keys)))
		for _, k := range keys {
			str(k)
			str(m[k])
		}
	}
	str(o.Key)
	str(o.VersionID)
	str(o.VSort)
	if o.DeleteMarker {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = binary.AppendVarint(b, o.Size)
	str(o.ETag)
	b = binary.AppendVarint(b, o.Modified.UnixNano())
	str(o.ContentType)
	kvs(o.Headers)
	kvs(o.Meta)
	str(o.ChecksumAlg)
	str(o.Checksum)
	str(o.ChecksumType)
	b = binary.AppendUvarint(b, uint64(len(o.Parts)))
	for _, p := range o.Parts {
		str(p.ID)
		b = binary.AppendVarint(b, p.Size)
	}
	b = binary.AppendUvarint(b, uint64(o.PartsCount))
	b = binary.AppendUvarint(b, uint64(len(o.Tags)))
	for _, t := range o.Tags {
		str(t.Key)
		str(t.Value)
	}
	str(o.StorageClass)
	b = binary.AppendUvarint(b, uint64(len(o.Inline)))
	return append(b, o.Inline...)
}

type recReader struct {
	b   []byte
	err error
}

func (r *recReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errBadRecord
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *recReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errBadRecord
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *recReader) str() string {
	n := r.uvarint()
	if r.err != nil {
		return ""
	}
	if n > uint64(len(r.b)) {
		r.err = errBadRecord
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *recReader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.b)) { // every element takes at least a byte
		r.err = errBadRecord
		return 0
	}
	return int(n)
}

func (r *recReader) kvs() map[string]string {
	n := r.count()
	if n == 0 {
		return nil
	}
	m := make(map[string]string, n)
	for i := 0; i < n && r.err == nil; i++ {
		k := r.str()
		m[k] = r.str()
	}
	return m
}

func (o *objectRec) unmarshal(b []byte) error {
	if len(b) == 0 || b[0] != objectCodecVersion {
		return errBadRecord
	}
	r := &recReader{b: b[1:]}
	*o = objectRec{}
	o.Key = r.str()
	o.VersionID = r.str()
	o.VSort = r.str()
	if len(r.b) == 0 {
		return errBadRecord
	}
	o.DeleteMarker = r.b[0] == 1
	r.b = r.b[1:]
	o.Size = r.varint()
	o.ETag = r.str()
	o.Modified = time.Unix(0, r.varint()).UTC()
	o.ContentType = r.str()
	o.Headers = r.kvs()
	o.Meta = r.kvs()
	o.ChecksumAlg = r.str()
	o.Checksum = r.str()
	o.ChecksumType = r.str()
	if n := r.count(); n > 0 {
		o.Parts = make([]seg, n)
		for i := range o.Parts {
			o.Parts[i] = seg{ID: r.str(), Size: r.varint()}
		}
	}
	o.PartsCount = int(r.uvarint())
	if n := r.count(); n > 0 {
		o.Tags = make([]tag, n)
		for i := range o.Tags {
			o.Tags[i] = tag{Key: r.str(), Value: r.str()}
		}
	}
	o.StorageClass = r.str()
	if n := r.count(); n > 0 && r.err == nil {
		o.Inline = append([]byte(nil), r.b[:n]...)
		r.b = r.b[n:]
	}
	if r.err == nil && len(r.b) != 0 {
		return errBadRecord
	}
	return r.err
}
