package s3

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/storage"
)

// ---- KV keys (see doc.go) ----

var kvPrefix = []byte("S3\x00")

func bucketKey(bucket string) []byte {
	return append(append(append([]byte(nil), kvPrefix...), 'b'), bucket...)
}

func objectPrefix(bucket string) []byte {
	k := append(append([]byte(nil), kvPrefix...), 'o')
	k = append(k, bucket...)
	return append(k, 0)
}

func objectKey(bucket, key string) []byte { return append(objectPrefix(bucket), key...) }

func versionPrefix(bucket string) []byte {
	k := append(append([]byte(nil), kvPrefix...), 'v')
	k = append(k, bucket...)
	return append(k, 0)
}

func versionKeyPrefix(bucket, key string) []byte {
	return append(append(versionPrefix(bucket), key...), 0)
}

func versionKey(bucket, key, vsort string) []byte {
	return append(versionKeyPrefix(bucket, key), vsort...)
}

func uploadPrefix(bucket string) []byte {
	k := append(append([]byte(nil), kvPrefix...), 'u')
	k = append(k, bucket...)
	return append(k, 0)
}

func uploadKey(bucket, id string) []byte { return append(uploadPrefix(bucket), id...) }

func partPrefix(uploadID string) []byte {
	k := append(append([]byte(nil), kvPrefix...), 'p')
	k = append(k, uploadID...)
	return append(k, 0)
}

func partKey(uploadID string, n int) []byte {
	return binary.BigEndian.AppendUint32(partPrefix(uploadID), uint32(n))
}

// upperBound is the smallest key greater than every key with prefix p.
func upperBound(p []byte) []byte {
	u := append([]byte(nil), p...)
	for i := len(u) - 1; i >= 0; i-- {
		if u[i] < 0xff {
			u[i]++
			return u[:i+1]
		}
	}
	return nil
}

// ---- records ----

type bucketRec struct {
	Name       string    `json:"name"`
	Account    string    `json:"account"`
	Region     string    `json:"region"`
	Created    time.Time `json:"created"`
	Versioning string    `json:"versioning,omitempty"` // "", Enabled, Suspended
	// Sub-resource documents as the client sent them (validated).
	CORS         []byte `json:"cors,omitempty"`
	Policy       []byte `json:"policy,omitempty"`
	Lifecycle    []byte `json:"lifecycle,omitempty"`
	Notification []byte `json:"notification,omitempty"`
	Tags         []tag  `json:"tags,omitempty"`
}

type tag struct {
	Key   string `json:"k" xml:"Key"`
	Value string `json:"v" xml:"Value"`
}

// seg is one file of an object's body: a simple object has one, a
// multipart object one per part.
type seg struct {
	ID   string `json:"id"`
	Size int64  `json:"n"`
}

type objectRec struct {
	Key          string            `json:"key"`
	VersionID    string            `json:"vid,omitempty"` // "" = null version
	VSort        string            `json:"vs,omitempty"`  // version sort key in a versioned bucket
	DeleteMarker bool              `json:"dm,omitempty"`
	Size         int64             `json:"size"`
	ETag         string            `json:"etag"` // quoted
	Modified     time.Time         `json:"mod"`
	ContentType  string            `json:"ct,omitempty"`
	Headers      map[string]string `json:"h,omitempty"` // Cache-Control, Content-Disposition, ...
	Meta         map[string]string `json:"meta,omitempty"`
	ChecksumAlg  string            `json:"ca,omitempty"` // CRC32, CRC32C, SHA1, SHA256, CRC64NVME
	Checksum     string            `json:"cv,omitempty"` // base64, "-N" suffix for composite
	ChecksumType string            `json:"cty,omitempty"`
	Parts        []seg             `json:"segs,omitempty"`
	PartsCount   int               `json:"pc,omitempty"`
	Tags         []tag             `json:"tags,omitempty"`
	StorageClass string            `json:"sc,omitempty"`
	// Inline is the body of a small object (at most inlineMax bytes),
	// kept in the record itself when Parts is empty: one KV commit instead
	// of a file, its fsyncs and, on GET, its open/read/close.
	Inline []byte `json:"in,omitempty"`
}

// inlineMax is the largest body kept in its object record.
const inlineMax = 8 << 10

func (o *objectRec) versionID() string {
	if o.VersionID == "" {
		return "null"
	}
	return o.VersionID
}

type uploadRec struct {
	ID           string            `json:"id"`
	Bucket       string            `json:"bucket"`
	Key          string            `json:"key"`
	Initiated    time.Time         `json:"init"`
	ContentType  string            `json:"ct,omitempty"`
	Headers      map[string]string `json:"h,omitempty"`
	Meta         map[string]string `json:"meta,omitempty"`
	ChecksumAlg  string            `json:"ca,omitempty"`
	ChecksumType string            `json:"cty,omitempty"`
	Tags         []tag             `json:"tags,omitempty"`
	StorageClass string            `json:"sc,omitempty"`
	Account      string            `json:"account"`
}

type partRec struct {
	N        int       `json:"n"`
	Size     int64     `json:"size"`
	ETag     string    `json:"etag"`
	Modified time.Time `json:"mod"`
	File     string    `json:"file"`
	Checksum string    `json:"cv,omitempty"`
}

func getRec(r storage.Reader, key []byte, v any) (bool, error) {
	b, err := r.Get(key)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, decodeRec(b, v)
}

func setRec(tx storage.Tx, key []byte, v any) error {
	b, err := encodeRec(v)
	if err != nil {
		return err
	}
	return tx.Set(key, b)
}

// ---- files ----

// files stores object bodies under dir: data/xx/<id> for complete bodies,
// tmp/<id> while they are written.
type files struct{ dir string }

func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func (f *files) path(id string) string {
	if !validID(id) {
		// Never reached with ids we made; refuse rather than build a path.
		return filepath.Join(f.dir, "invalid")
	}
	return filepath.Join(f.dir, "data", id[:2], id)
}

func (f *files) init() error {
	for _, d := range []string{"data", "tmp"} {
		if err := os.MkdirAll(filepath.Join(f.dir, d), 0o700); err != nil {
			return err
		}
	}
	return nil
}

// create returns a temporary file to write a body into.
func (f *files) create() (*os.File, string, error) {
	id := newID()
	fh, err := os.OpenFile(filepath.Join(f.dir, "tmp", id), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	return fh, id, err
}

// commit fsyncs and closes the temporary file id and moves it into place.
func (f *files) commit(fh *os.File, id string) error {
	if err := fh.Sync(); err != nil {
		fh.Close()
		return err
	}
	if err := fh.Close(); err != nil {
		return err
	}
	dst := f.path(id)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	if err := os.Rename(filepath.Join(f.dir, "tmp", id), dst); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(dst)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// discard removes an uncommitted temporary file.
func (f *files) discard(fh *os.File, id string) {
	fh.Close()
	os.Remove(filepath.Join(f.dir, "tmp", id))
}

func (f *files) remove(ids ...string) {
	for _, id := range ids {
		if validID(id) {
			os.Remove(f.path(id))
		}
	}
}

// cleanup removes temporary files and bodies no record references: what a
// crash between writing a file and committing (or after deleting) its
// metadata leaves behind.
func (f *files) cleanup(ctx context.Context, kv storage.KV) error {
	os.RemoveAll(filepath.Join(f.dir, "tmp"))
	if err := f.init(); err != nil {
		return err
	}
	live := map[string]bool{}
	err := kv.View(ctx, func(r storage.Reader) error {
		it := r.Iter(storage.IterOptions{Lower: kvPrefix, Upper: upperBound(kvPrefix)})
		defer it.Close()
		for it.Next() {
			k := it.Key()
			switch k[len(kvPrefix)] {
			case 'o', 'v':
				var o objectRec
				if err := decodeRec(it.Value(), &o); err != nil {
					return fmt.Errorf("s3: record %q: %w", k, err)
				}
				for _, s := range o.Parts {
					live[s.ID] = true
				}
			case 'p':
				var p partRec
				if err := decodeRec(it.Value(), &p); err != nil {
					return fmt.Errorf("s3: record %q: %w", k, err)
				}
				live[p.File] = true
			}
		}
		return it.Err()
	})
	if err != nil {
		return err
	}
	return filepath.WalkDir(filepath.Join(f.dir, "data"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if !live[d.Name()] {
			os.Remove(p)
		}
		return nil
	})
}

// segReader reads the bytes [off, off+n) of an object made of segs.
type segReader struct {
	f    *files
	segs []seg
	off  int64 // offset into the current segment
	left int64
	cur  *os.File
	i    int
}

func (f *files) open(segs []seg, off, n int64) (*segReader, error) {
	r := &segReader{f: f, segs: segs, left: n}
	for r.i < len(segs) && off >= segs[r.i].Size && segs[r.i].Size >= 0 {
		off -= segs[r.i].Size
		r.i++
		if r.i == len(segs) {
			break
		}
	}
	r.off = off
	// Open the first file now, so a missing body is an error before any
	// byte is sent.
	if n > 0 && r.i < len(segs) {
		if err := r.openCur(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (r *segReader) openCur() error {
	fh, err := os.Open(r.f.path(r.segs[r.i].ID))
	if err != nil {
		return err
	}
	if r.off > 0 {
		if _, err := fh.Seek(r.off, io.SeekStart); err != nil {
			fh.Close()
			return err
		}
	}
	r.cur = fh
	return nil
}

func (r *segReader) Read(p []byte) (int, error) {
	for {
		if r.left <= 0 {
			return 0, io.EOF
		}
		if r.cur == nil {
			if r.i >= len(r.segs) {
				return 0, io.ErrUnexpectedEOF
			}
			if err := r.openCur(); err != nil {
				return 0, err
			}
		}
		if int64(len(p)) > r.left {
			p = p[:r.left]
		}
		n, err := r.cur.Read(p)
		r.left -= int64(n)
		if err == io.EOF {
			r.cur.Close()
			r.cur = nil
			r.i++
			r.off = 0
			if n > 0 {
				return n, nil
			}
			continue
		}
		return n, err
	}
}

// WriteTo lets io.Copy use sendfile for each segment.
func (r *segReader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for r.left > 0 {
		if r.cur == nil {
			if r.i >= len(r.segs) {
				return total, io.ErrUnexpectedEOF
			}
			if err := r.openCur(); err != nil {
				return total, err
			}
		}
		want := min(r.left, r.segs[r.i].Size-r.off)
		n, err := io.Copy(w, io.LimitReader(r.cur, want))
		total += n
		r.left -= n
		r.cur.Close()
		r.cur = nil
		if err != nil {
			return total, err
		}
		if n < want {
			return total, io.ErrUnexpectedEOF
		}
		r.i++
		r.off = 0
	}
	return total, nil
}

func (r *segReader) Close() error {
	if r.cur != nil {
		return r.cur.Close()
	}
	return nil
}

// keyHasNUL reports keys S3 cannot store in XML and our layout cannot order.
func keyHasNUL(k string) bool { return strings.IndexByte(k, 0) >= 0 }

var _ = bytes.Compare
