package s3

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"net/http"
	"strings"
)

// The flexible checksums S3 accepts, by the name in x-amz-checksum-<name>.
var checksumAlgs = []string{"CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"}

var (
	crc32cTable = crc32.MakeTable(crc32.Castagnoli)
	// The NVMe polynomial, bit-reversed as crc64.MakeTable wants it.
	crc64nvmeTable = crc64.MakeTable(0x9a6c9329ac4bc9b5)
)

func newChecksum(alg string) hash.Hash {
	switch alg {
	case "CRC32":
		return crc32.NewIEEE()
	case "CRC32C":
		return crc32.New(crc32cTable)
	case "SHA1":
		return sha1.New()
	case "SHA256":
		return sha256.New()
	case "CRC64NVME":
		return crc64.New(crc64nvmeTable)
	}
	return nil
}

// checksumHeader is the header carrying alg's value.
func checksumHeader(alg string) string { return "x-amz-checksum-" + strings.ToLower(alg) }

// normAlg returns the canonical algorithm name, or "".
func normAlg(s string) string {
	u := strings.ToUpper(strings.TrimSpace(s))
	for _, a := range checksumAlgs {
		if a == u {
			return a
		}
	}
	return ""
}

// validChecksum reports whether v is a base64 value of alg's size.
func validChecksum(alg, v string) bool {
	b, err := base64.StdEncoding.DecodeString(v)
	return err == nil && len(b) == newChecksum(alg).Size()
}

// checksumInHeaders returns the one x-amz-checksum-* header a request has.
func checksumInHeaders(h http.Header) (alg, value string, err error) {
	for _, a := range checksumAlgs {
		if v := h.Get(checksumHeader(a)); v != "" {
			if alg != "" {
				return "", "", errInvalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
			}
			alg, value = a, v
		}
	}
	return alg, value, nil
}

// setChecksumHeader writes an object's checksum as GetObject and HeadObject
// do with ChecksumMode=ENABLED.
func setChecksumHeader(h http.Header, o *objectRec) {
	if o.ChecksumAlg == "" || o.Checksum == "" {
		return
	}
	h.Set(checksumHeader(o.ChecksumAlg), o.Checksum)
	if o.ChecksumType != "" {
		h.Set("X-Amz-Checksum-Type", o.ChecksumType)
	}
}
