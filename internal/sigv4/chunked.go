package sigv4

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"net/http"
	"strings"
)

// An aws-chunked body (Content-Encoding: aws-chunked) is
//
//	hex-size;chunk-signature=sig \r\n data \r\n   ... repeated ...
//	0;chunk-signature=sig \r\n                    the final, empty chunk
//	name:value \r\n ...                           trailers, if any
//	x-amz-trailer-signature:sig \r\n              signed trailers only
//	\r\n
//
// Each chunk signature is HMAC(signing key, string to sign) with
//
//	AWS4-HMAC-SHA256-PAYLOAD \n timestamp \n scope \n previous signature \n
//	hex(sha256("")) \n hex(sha256(chunk data))
//
// chained from the seed signature (the Authorization header's). The trailer
// signature chains from the final chunk's:
//
//	AWS4-HMAC-SHA256-TRAILER \n timestamp \n scope \n previous signature \n
//	hex(sha256(trailers, each "name:value\n"))
//
// The unsigned variant (STREAMING-UNSIGNED-PAYLOAD-TRAILER) has no
// ";chunk-signature=" extensions and no trailer signature.

const (
	maxChunkLine    = 4096      // a chunk header or trailer line
	maxTrailerBytes = 16 << 10  // all trailers together
	maxChunkSize    = 1<<63 - 1 // sizes are hex int64s
)

// ChunkedReader decodes an aws-chunked body, verifying chunk signatures when
// it was made by NewChunkedReader. It yields the decoded payload.
//
// A chunk's data is yielded as it arrives and its signature checked when the
// chunk ends, so a bad chunk surfaces as an error from a later Read, always
// before io.EOF: store what was read only once Read has returned io.EOF.
type ChunkedReader struct {
	br *bufio.Reader

	signed   bool
	trailers bool // signed: trailers must carry x-amz-trailer-signature
	key      []byte
	amzDate  string
	scope    string
	prev     string // previous signature, hex
	h        hash.Hash
	m        mac
	scratch  []byte // string to sign
	dataSum  [sha256.Size]byte

	inChunk   bool
	remaining int64
	chunkSig  string

	trailer http.Header
	err     error
	n       int64
}

// NewChunkedReader returns a reader that decodes the aws-chunked body of a
// request whose X-Amz-Content-Sha256 is STREAMING-AWS4-HMAC-SHA256-PAYLOAD or
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER (a.PayloadHash says which),
// checking each chunk's signature. seedSignature is the request's own
// signature (a.Signature) once Verify accepted it; signingKey is
// SigningKey(secret, a). A bad chunk or trailer signature fails with an
// *Error of KindSignatureMismatch; a body that is not aws-chunked with
// KindMalformedBody.
func NewChunkedReader(body io.Reader, a *Auth, seedSignature string, signingKey []byte) *ChunkedReader {
	return &ChunkedReader{
		br:       bufio.NewReaderSize(body, maxChunkLine),
		signed:   true,
		trailers: a.PayloadHash == StreamingPayloadTrailer,
		key:      signingKey,
		amzDate:  string(appendAmzDate(nil, a)),
		scope:    string(appendScope(nil, a)),
		prev:     seedSignature,
		h:        sha256.New(),
		m:        mac{h: sha256.New()},
	}
}

// NewUnsignedChunkedReader returns a reader that decodes the aws-chunked
// body of a STREAMING-UNSIGNED-PAYLOAD-TRAILER request. Its trailers (e.g.
// x-amz-checksum-crc32) are available from Trailer after io.EOF.
func NewUnsignedChunkedReader(body io.Reader) *ChunkedReader {
	return &ChunkedReader{br: bufio.NewReaderSize(body, maxChunkLine)}
}

// Trailer returns the trailing headers, once Read has returned io.EOF; nil
// before that or when there were none. x-amz-trailer-signature is not
// included.
func (c *ChunkedReader) Trailer() http.Header { return c.trailer }

// DecodedLen is the number of payload bytes read so far (compare it with
// X-Amz-Decoded-Content-Length after io.EOF).
func (c *ChunkedReader) DecodedLen() int64 { return c.n }

func (c *ChunkedReader) Read(p []byte) (int, error) {
	for c.err == nil {
		if c.remaining > 0 {
			if len(p) == 0 {
				return 0, nil
			}
			if int64(len(p)) > c.remaining {
				p = p[:c.remaining]
			}
			n, err := c.br.Read(p)
			c.remaining -= int64(n)
			c.n += int64(n)
			if c.signed {
				c.h.Write(p[:n])
			}
			if err == io.EOF && c.remaining > 0 {
				err = io.ErrUnexpectedEOF
			}
			if err != nil && err != io.EOF {
				c.err = bodyError(err)
			}
			if n > 0 {
				return n, nil
			}
			continue
		}
		if c.inChunk {
			c.err = c.endChunk()
			continue
		}
		c.err = c.nextChunk()
	}
	return 0, c.err
}

// endChunk consumes the CRLF after a chunk's data and checks its signature.
func (c *ChunkedReader) endChunk() error {
	c.inChunk = false
	var crlf [2]byte
	if _, err := io.ReadFull(c.br, crlf[:]); err != nil {
		return bodyError(err)
	}
	if crlf != [2]byte{'\r', '\n'} {
		return malformedBody("chunk data is not followed by CRLF")
	}
	if c.signed {
		return c.checkChunk(c.h.Sum(c.dataSum[:0]))
	}
	return nil
}

func (c *ChunkedReader) checkChunk(dataHash []byte) error {
	b := append(c.scratch[:0], "AWS4-HMAC-SHA256-PAYLOAD\n"...)
	b = append(b, c.amzDate...)
	b = append(b, '\n')
	b = append(b, c.scope...)
	b = append(b, '\n')
	b = append(b, c.prev...)
	b = append(b, '\n')
	b = append(b, EmptySHA256...)
	b = append(b, '\n')
	b = hex.AppendEncode(b, dataHash)
	c.scratch = b
	sig := c.m.sum(c.key, b)
	if !signatureEqual(&sig, c.chunkSig) {
		return &Error{Kind: KindSignatureMismatch, Msg: msgSignatureMismatch, StringToSign: string(b)}
	}
	c.prev = c.chunkSig
	return nil
}

// nextChunk reads a chunk header. For the final chunk it reads the trailers
// and returns io.EOF.
func (c *ChunkedReader) nextChunk() error {
	line, err := c.readLine()
	if err == io.EOF {
		return malformedBody("body ends before the final chunk")
	}
	if err != nil {
		return err
	}
	sizeStr, ext, _ := strings.Cut(line, ";")
	size, ok := parseHexSize(sizeStr)
	if !ok {
		return malformedBody("invalid chunk size " + quote(sizeStr))
	}
	if c.signed {
		sig, ok := strings.CutPrefix(ext, "chunk-signature=")
		if !ok || strings.IndexByte(sig, ';') >= 0 {
			return malformedBody("chunk header without chunk-signature: " + quote(line))
		}
		c.chunkSig = sig
	}
	if size > 0 {
		c.inChunk, c.remaining = true, size
		if c.signed {
			c.h.Reset()
		}
		return nil
	}
	if c.signed {
		empty := sha256.Sum256(nil)
		if err := c.checkChunk(empty[:]); err != nil {
			return err
		}
	}
	if err := c.readTrailers(); err != nil {
		return err
	}
	return io.EOF
}

// readTrailers reads "name:value" lines up to an empty line or the end of
// the body, checking x-amz-trailer-signature when signed. One empty line
// before the trailers is tolerated: some encoders put the final chunk's CRLF
// there.
func (c *ChunkedReader) readTrailers() error {
	var canon []byte
	var sig string
	var hasSig bool
	total := 0
	for first, eof := true, false; !eof; first = false {
		line, err := c.readLine()
		if err == io.EOF {
			// The last trailer may lack its CRLF; tolerate that.
			eof = true
		} else if err != nil {
			return err
		}
		if line == "" {
			if first {
				if _, err := c.br.Peek(1); err != nil {
					break
				}
				continue
			}
			break
		}
		total += len(line)
		if total > maxTrailerBytes {
			return malformedBody("trailers too long")
		}
		name, value, ok := strings.Cut(line, ":")
		name = strings.ToLower(trimOWS(name))
		value = trimOWS(value)
		if !ok || name == "" {
			return malformedBody("invalid trailer " + quote(line))
		}
		if name == "x-amz-trailer-signature" {
			sig, hasSig = value, true
			continue
		}
		if c.signed && !c.trailers {
			return malformedBody("trailer " + quote(name) + " in a body without trailers")
		}
		if c.trailer == nil {
			c.trailer = make(http.Header)
		}
		c.trailer.Add(name, value)
		canon = append(canon, name...)
		canon = append(canon, ':')
		canon = append(canon, value...)
		canon = append(canon, '\n')
	}
	if !c.signed || c.trailer == nil && !hasSig {
		return nil
	}
	if !hasSig {
		return &Error{Kind: KindSignatureMismatch, Msg: "The trailers are not signed: x-amz-trailer-signature is missing."}
	}
	h := sha256.Sum256(canon)
	b := make([]byte, 0, 256)
	b = append(b, "AWS4-HMAC-SHA256-TRAILER\n"...)
	b = append(b, c.amzDate...)
	b = append(b, '\n')
	b = append(b, c.scope...)
	b = append(b, '\n')
	b = append(b, c.prev...)
	b = append(b, '\n')
	b = hex.AppendEncode(b, h[:])
	want := c.m.sum(c.key, b)
	if !signatureEqual(&want, sig) {
		return &Error{Kind: KindSignatureMismatch, Msg: msgSignatureMismatch, StringToSign: string(b)}
	}
	return nil
}

// readLine reads one CRLF-terminated line (a bare LF is accepted) and
// returns it without the terminator. At the end of the body it returns what
// it read, unterminated, with io.EOF.
func (c *ChunkedReader) readLine() (string, error) {
	line, err := c.br.ReadSlice('\n')
	switch {
	case err == bufio.ErrBufferFull:
		return "", malformedBody("chunk header or trailer line too long")
	case err == io.EOF:
		return strings.TrimSuffix(string(line), "\r"), io.EOF
	case err != nil:
		return "", err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return string(line), nil
}

func parseHexSize(s string) (int64, bool) {
	if s == "" || len(s) > 16 {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		d, ok := unhex(s[i])
		if !ok {
			return 0, false
		}
		n = n<<4 | uint64(d)
	}
	if n > maxChunkSize {
		return 0, false
	}
	return int64(n), true
}

// bodyError turns a truncated body into KindMalformedBody and passes other
// read errors (the connection's) through.
func bodyError(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return malformedBody("body ends inside a chunk")
	}
	return err
}

func malformedBody(msg string) *Error {
	return &Error{Kind: KindMalformedBody, Msg: "Malformed aws-chunked body: " + msg}
}

func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return "'" + s + "'"
}

var _ io.Reader = (*ChunkedReader)(nil)
