package s3

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/sigv4"
)

// MaxObjectSize is the largest single PUT (and part) S3 accepts: 5 GiB.
const MaxObjectSize = 5 << 30

// received is a body written to a committed file.
type received struct {
	id       string // the body's file, or "" when data holds it
	data     []byte // a small body kept in memory, to be stored inline
	size     int64
	md5      []byte
	alg      string // checksum algorithm, if any
	checksum string // base64
}

func (rc *received) etag() string { return `"` + hex.EncodeToString(rc.md5) + `"` }

// receive streams r's body into a new file and verifies everything the
// request says about it: its length, X-Amz-Content-Sha256, the aws-chunked
// encoding with its chunk signatures and trailers, Content-MD5 and the
// flexible checksum. defaultAlg is the checksum to compute when the client
// sends none (an upload's algorithm). The file is committed only when every
// check passes; the caller must remove it if it cannot commit the metadata.
func (s *Service) receive(r *http.Request, defaultAlg string, inline bool) (*received, error) {
	if inline && declaredLength(r) <= inlineMax {
		var buf bytes.Buffer
		rc, err := s.copyVerified(r, &buf, defaultAlg, inlineMax)
		if err != nil {
			return nil, err
		}
		rc.data = append(make([]byte, 0, buf.Len()), buf.Bytes()...)
		return rc, nil
	}
	fh, id, err := s.files.create()
	if err != nil {
		return nil, err
	}
	rc, err := s.copyVerified(r, fh, defaultAlg, MaxObjectSize)
	if err != nil {
		s.files.discard(fh, id)
		return nil, err
	}
	if err := s.files.commit(fh, id); err != nil {
		os.Remove(s.files.path(id))
		return nil, err
	}
	rc.id = id
	return rc, nil
}

// copyVerified copies r's decoded body to dst (at most max bytes) and
// verifies it as receive describes.
func (s *Service) copyVerified(r *http.Request, dst io.Writer, defaultAlg string, max int64) (*received, error) {
	h := r.Header
	payload := h.Get("X-Amz-Content-Sha256")
	streaming := strings.HasPrefix(payload, "STREAMING-")
	var body io.Reader = r.Body
	var chunked *sigv4.ChunkedReader
	declared := r.ContentLength
	if streaming {
		dl := h.Get("X-Amz-Decoded-Content-Length")
		if dl == "" {
			return nil, errMissingContentLength()
		}
		n, err := strconv.ParseInt(dl, 10, 64)
		if err != nil || n < 0 {
			return nil, errInvalidArgument("Invalid x-amz-decoded-content-length", "x-amz-decoded-content-length", dl)
		}
		declared = n
		switch payload {
		case sigv4.StreamingPayload, sigv4.StreamingPayloadTrailer:
			chunked = s.signedChunkReader(r, body)
		case sigv4.StreamingUnsignedPayloadTrailer:
			chunked = sigv4.NewUnsignedChunkedReader(body)
		default:
			return nil, errInvalidArgument("x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.", "x-amz-content-sha256", payload)
		}
		body = chunked
	} else if declared < 0 {
		return nil, errMissingContentLength()
	}
	if declared > max {
		if max < MaxObjectSize {
			return nil, errMaxMessageLength()
		}
		return nil, errEntityTooLarge(declared, max)
	}
	var wantSHA []byte
	if payload != "" && !streaming && payload != sigv4.UnsignedPayload {
		b, err := hex.DecodeString(payload)
		if err != nil || len(b) != sha256.Size {
			return nil, (&awserr.Error{Code: "InvalidArgument", Message: "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.", Status: 400}).
				With("ArgumentName", "x-amz-content-sha256").With("ArgumentValue", payload)
		}
		wantSHA = b
	}
	var wantMD5 []byte
	if v, ok := h["Content-Md5"]; ok {
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v[0]))
		if err != nil || len(b) != md5.Size {
			return nil, errInvalidDigest()
		}
		wantMD5 = b
	}
	alg, want, err := checksumInHeaders(h)
	if err != nil {
		return nil, err
	}
	trailerAlg := ""
	if t := h.Get("X-Amz-Trailer"); t != "" {
		name := strings.ToLower(strings.TrimSpace(t))
		a, ok := strings.CutPrefix(name, "x-amz-checksum-")
		if !ok || normAlg(a) == "" || chunked == nil {
			return nil, errInvalidRequest("The value specified in the x-amz-trailer header is not supported")
		}
		if alg != "" {
			return nil, errInvalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
		}
		trailerAlg = normAlg(a)
		alg = trailerAlg
	}
	if alg == "" {
		if a := h.Get("X-Amz-Sdk-Checksum-Algorithm"); a != "" {
			if alg = normAlg(a); alg == "" {
				return nil, errInvalidRequest("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
			}
		} else {
			alg = defaultAlg
		}
	}
	if want != "" && !validChecksum(alg, want) {
		return nil, errInvalidRequest(fmt.Sprintf("Value for %s header is invalid.", checksumHeader(alg)))
	}

	md := md5.New()
	ws := []io.Writer{dst, md}
	var ck, sh hash.Hash
	if alg != "" {
		ck = newChecksum(alg)
		ws = append(ws, ck)
	}
	if wantSHA != nil {
		sh = sha256.New()
		ws = append(ws, sh)
	}
	bufp := copyBufs.Get().(*[]byte)
	n, err := io.CopyBuffer(io.MultiWriter(ws...), io.LimitReader(body, declared+1), *bufp)
	copyBufs.Put(bufp)
	if err != nil {
		var se *sigv4.Error
		if errors.As(err, &se) {
			code, msg, status := se.Response(sigv4.FamilyS3)
			return nil, &awserr.Error{Code: code, Message: msg, Status: status}
		}
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, errIncompleteBody()
		}
		return nil, err
	}
	if n != declared {
		return nil, errIncompleteBody()
	}
	if chunked != nil {
		// Drain to the final chunk so trailers and signatures are checked.
		var one [1]byte
		if m, err := chunked.Read(one[:]); m > 0 || err != io.EOF {
			if err != nil && err != io.EOF {
				var se *sigv4.Error
				if errors.As(err, &se) {
					code, msg, status := se.Response(sigv4.FamilyS3)
					return nil, &awserr.Error{Code: code, Message: msg, Status: status}
				}
				return nil, errIncompleteBody()
			}
			return nil, errIncompleteBody()
		}
		if trailerAlg != "" {
			want = chunked.Trailer().Get(checksumHeader(trailerAlg))
			if want == "" || !validChecksum(trailerAlg, want) {
				return nil, errInvalidRequest(fmt.Sprintf("Value for %s trailing header is invalid.", checksumHeader(trailerAlg)))
			}
		}
	}
	if sh != nil {
		if got := sh.Sum(nil); !bytes.Equal(got, wantSHA) {
			return nil, (&awserr.Error{Code: "XAmzContentSHA256Mismatch", Status: 400,
				Message: "The provided 'x-amz-content-sha256' header does not match what was computed."}).
				With("ClientComputedContentSHA256", payload).With("S3ComputedContentSHA256", hex.EncodeToString(got))
		}
	}
	sum := md.Sum(nil)
	if wantMD5 != nil && !bytes.Equal(sum, wantMD5) {
		return nil, errBadDigest()
	}
	rc := &received{size: n, md5: sum, alg: alg}
	if ck != nil {
		rc.checksum = base64.StdEncoding.EncodeToString(ck.Sum(nil))
		if want != "" && want != rc.checksum {
			return nil, &awserr.Error{Code: "BadDigest", Status: http.StatusBadRequest, Message: fmt.Sprintf("The %s you specified did not match the calculated checksum.", alg)}
		}
	}
	return rc, nil
}

// readSmallBody reads and verifies a request document (XML or JSON) of at
// most max bytes.
func (s *Service) readSmallBody(r *http.Request, max int64) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := s.copyVerified(r, &buf, "", max); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func errMaxMessageLength() *awserr.Error {
	return &awserr.Error{Code: "MaxMessageLengthExceeded", Message: "Your request was too big.", Status: http.StatusBadRequest}
}

// signedChunkReader decodes a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body,
// verifying chunk signatures when nimbus knows the key's secret.
func (s *Service) signedChunkReader(r *http.Request, body io.Reader) *sigv4.ChunkedReader {
	if s.keys != nil {
		if a, err := sigv4.Parse(r); err == nil && !a.Presigned {
			// Chunks are checked only when the request's own signature
			// holds (always so in strict mode, where the edge verified
			// it): in accept mode a client may sign with any secret.
			if k, ok := s.keys.Lookup(a.AccessKey); ok && sigv4.Verify(r, a, k.Secret, a.PayloadHash, s.now()) == nil {
				return sigv4.NewChunkedReader(body, a, a.Signature, sigv4.SigningKey(k.Secret, a))
			}
		}
	}
	return sigv4.NewUnsignedChunkedReader(body)
}

var copyBufs = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// declaredLength is the body length a request announces (decoded, for
// aws-chunked bodies); -1 when unknown, which is never stored inline.
func declaredLength(r *http.Request) int64 {
	if strings.HasPrefix(r.Header.Get("X-Amz-Content-Sha256"), "STREAMING-") {
		n, err := strconv.ParseInt(r.Header.Get("X-Amz-Decoded-Content-Length"), 10, 64)
		if err != nil {
			return 1 << 62
		}
		return n
	}
	if r.ContentLength < 0 {
		return 1 << 62
	}
	return r.ContentLength
}

// setBody points o at the body rc received.
func (o *objectRec) setBody(rc *received) {
	if rc.id == "" {
		o.Inline, o.Parts = rc.data, nil
		if o.Inline == nil {
			o.Inline = []byte{}
		}
		return
	}
	o.Inline, o.Parts = nil, []seg{{ID: rc.id, Size: rc.size}}
}

// openBody reads the bytes [off, off+n) of o's body.
func (s *Service) openBody(o *objectRec, off, n int64) (io.ReadCloser, error) {
	if len(o.Parts) == 0 {
		if off+n > int64(len(o.Inline)) {
			return nil, fmt.Errorf("s3: inline body of %q is %d bytes, not %d", o.Key, len(o.Inline), off+n)
		}
		return io.NopCloser(bytes.NewReader(o.Inline[off : off+n])), nil
	}
	return s.files.open(o.Parts, off, n)
}

// storeBody stores size bytes from rd (inline when small), computing the
// MD5 and alg's checksum.
func (s *Service) storeBody(rd io.Reader, size int64, alg string) (*received, error) {
	if size <= inlineMax {
		var buf bytes.Buffer
		rc, err := hashCopy(&buf, io.LimitReader(rd, size), alg)
		if err != nil {
			return nil, err
		}
		rc.data = buf.Bytes()
		return rc, nil
	}
	return s.writeBody(rd, alg, MaxObjectSize)
}
