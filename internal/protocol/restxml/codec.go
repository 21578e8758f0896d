package restxml

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strconv"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/protocol/restjson/httpbind"
	"github.com/nimbus-cloud/nimbus/internal/request"
)

// Namespace is S3's XML namespace.
const Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// DefaultMaxXML bounds an XML request document when Codec.MaxXMLBytes is 0.
// S3's largest, DeleteObjects with 1,000 keys of 1 KiB, fits well within it.
const DefaultMaxXML = 4 << 20

// MalformedXML is S3's answer to a request document it cannot parse.
func MalformedXML() *awserr.Error {
	return &awserr.Error{Code: "MalformedXML", Status: http.StatusBadRequest,
		Message: "The XML you provided was not well-formed or did not validate against our published schema"}
}

// MaxMessageLengthExceeded is S3's answer to a request document over the limit.
func MaxMessageLengthExceeded() *awserr.Error {
	return &awserr.Error{Code: "MaxMessageLengthExceeded", Message: "Your request was too big.", Status: http.StatusBadRequest}
}

// InvalidArgument is the default Codec.BadRequest: S3's answer to a header
// or query parameter it cannot read.
func InvalidArgument(msg string) *awserr.Error {
	return &awserr.Error{Code: "InvalidArgument", Message: msg, Status: http.StatusBadRequest}
}

// Codec holds one restXml service's choices. The zero value is S3's.
type Codec struct {
	// Namespace is the xmlns of response documents; Namespace (S3's) when
	// empty. Set "-" for none.
	Namespace string
	// BadRequest builds the error for a header, query parameter or path
	// label of the wrong type; InvalidArgument when nil. Malformed XML
	// bodies are always MalformedXML.
	BadRequest func(msg string) *awserr.Error
	// MaxXMLBytes bounds an XML request document; DefaultMaxXML when 0.
	MaxXMLBytes int64
	// MaxBodyBytes bounds any body read into memory (a []byte payload);
	// httpbind.DefaultMaxBody when 0. Object data should be an io.Reader
	// payload, which is streamed and not bounded here.
	MaxBodyBytes int64
}

func (c *Codec) namespace() string {
	switch c.Namespace {
	case "":
		return Namespace
	case "-":
		return ""
	}
	return c.Namespace
}

// DecodeXML decodes a request document into v (a pointer) with
// encoding/xml, within max bytes (DefaultMaxXML when 0). Anything that is
// not one well-formed element of the expected name (v's XMLName tag) is
// MalformedXML; an oversized document is MaxMessageLengthExceeded.
func DecodeXML(body []byte, v any, max int64) error {
	if max <= 0 {
		max = DefaultMaxXML
	}
	if int64(len(body)) > max {
		return MaxMessageLengthExceeded()
	}
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = true
	if err := d.Decode(v); err != nil {
		return MalformedXML()
	}
	// Only whitespace, comments and processing instructions may follow.
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return MalformedXML()
		}
		switch tok := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(tok)) != 0 {
				return MalformedXML()
			}
		case xml.Comment, xml.ProcInst:
		default:
			return MalformedXML()
		}
	}
}

func (c *Codec) options() httpbind.Options {
	bad := c.BadRequest
	if bad == nil {
		bad = InvalidArgument
	}
	max := c.MaxXMLBytes
	return httpbind.Options{
		BadRequest: bad,
		// Only raw bodies reach this limit (documents stop at MaxXMLBytes).
		TooLarge: func(int64) *awserr.Error {
			return &awserr.Error{Code: "EntityTooLarge", Message: "Your proposed upload exceeds the maximum allowed object size.", Status: http.StatusBadRequest}
		},
		MaxBodyBytes: c.MaxBodyBytes,
		DecodeBody:   func(body []byte, dst any) error { return DecodeXML(body, dst, max) },
	}
}

// Decode fills in (a pointer to an input struct) from r with the httpbind
// tags. S3 inputs have no body members; their document is a payload member
// (CreateBucketConfiguration, Delete, CompleteMultipartUpload, Tagging, ...)
// decoded with encoding/xml, or a raw []byte/string payload, or an
// io.Reader payload that gets the body unread (PutObject, UploadPart).
func (c Codec) Decode(r *http.Request, params map[string]string, in any) error {
	return httpbind.Bind(r, params, in, c.options())
}

// WriteResponse encodes out (a pointer to an output struct, or nil): header
// members as headers; the statusCode member (when non-zero) or status as the
// status; then the payload member (raw bytes or stream, or a struct as an
// XML document), or else the body members as a document whose root is
// named by out's XMLName tag. No body members and no payload: no body.
// S3's x-amz-request-id and x-amz-id-2 replace the edge's x-amzn-RequestId.
// Nothing is written when it returns an error.
func (c Codec) WriteResponse(w http.ResponseWriter, status int, out any) error {
	_, err := c.writeResponse(w, status, out, false)
	return err
}

func (c *Codec) writeResponse(w http.ResponseWriter, status int, out any, head bool) (written bool, err error) {
	h := w.Header()
	saved := h.Clone()
	restore := func() {
		for k := range h {
			delete(h, k)
		}
		for k, v := range saved {
			h[k] = v
		}
	}
	resp, err := httpbind.Prepare(h, out, status)
	if err != nil {
		restore()
		return false, err
	}
	var body []byte
	var stream io.Reader
	contentType := "application/xml"
	switch {
	case resp.HasPayload:
		body, stream, contentType, err = c.payload(resp.Payload)
	case resp.HasBody:
		body, err = Marshal(out, c.namespace())
	}
	if err != nil {
		restore()
		return false, err
	}
	if cl, ok := stream.(io.Closer); ok {
		defer cl.Close()
	}
	s3RequestIDs(h, "")
	if (body != nil || stream != nil) && h.Get("Content-Type") == "" {
		h.Set("Content-Type", contentType)
	}
	if body != nil && h.Get("Content-Length") == "" {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(resp.Status)
	if head || resp.Status == http.StatusNoContent || resp.Status == http.StatusNotModified {
		return true, nil
	}
	if stream != nil {
		_, err = io.Copy(w, stream)
		return true, err
	}
	if body != nil {
		_, err = w.Write(body)
	}
	return true, err
}

func (c *Codec) payload(v reflect.Value) (body []byte, stream io.Reader, contentType string, err error) {
	const octets = "binary/octet-stream" // what S3 says for objects stored without a type
	if v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, nil, "", nil
		}
		if r, ok := v.Interface().(io.Reader); ok {
			return nil, r, octets, nil
		}
	}
	e := v
	for e.Kind() == reflect.Interface || e.Kind() == reflect.Pointer {
		e = e.Elem()
	}
	switch {
	case e.Kind() == reflect.Slice && e.Type().Elem().Kind() == reflect.Uint8:
		if e.IsNil() {
			return nil, nil, "", nil
		}
		return e.Bytes(), nil, octets, nil
	case e.Kind() == reflect.String:
		return []byte(e.String()), nil, "text/plain", nil
	}
	b, err := Marshal(v.Interface(), c.namespace())
	return b, nil, "application/xml", err
}

// HostID derives S3's x-amz-id-2 from the request id, so the pair is stable
// for one request and looks like S3's.
func HostID(requestID string) string {
	sum := sha256.Sum256([]byte("nimbus-host-id:" + requestID))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// s3RequestIDs moves the edge's x-amzn-RequestId (or requestID) to S3's
// x-amz-request-id and adds x-amz-id-2, returning the id.
func s3RequestIDs(h http.Header, requestID string) string {
	if requestID == "" {
		requestID = h.Get("X-Amz-Request-Id")
	}
	if requestID == "" {
		requestID = h.Get("X-Amzn-Requestid")
	}
	h.Del("X-Amzn-Requestid")
	if requestID != "" {
		h.Set("X-Amz-Request-Id", requestID)
		h.Set("X-Amz-Id-2", HostID(requestID))
	}
	return requestID
}

// WriteError encodes e in S3's shape:
//
//	<?xml version="1.0" encoding="UTF-8"?>
//	<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>k</Key><RequestId>..</RequestId><HostId>..</HostId></Error>
//
// e.Fields become elements between Message and RequestId (sorted by name),
// e.Header extra headers; the status is e's. requestID "" takes the id the
// edge put in the request's context. Responses to HEAD carry no body, as
// S3's do, so clients see only the status.
func (c Codec) WriteError(w http.ResponseWriter, r *http.Request, requestID string, e *awserr.Error) {
	if requestID == "" && r != nil {
		requestID = request.From(r.Context()).ID
	}
	h := w.Header()
	for k, vs := range e.Header {
		h[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	requestID = s3RequestIDs(h, requestID)
	body, err := errorBody(e, requestID)
	if err != nil {
		body, _ = errorBody(&awserr.Error{Code: e.Code, Message: e.Message}, requestID)
	}
	h.Del("Content-Encoding")
	h.Set("Content-Type", "application/xml")
	if r != nil && r.Method == http.MethodHead {
		h.Del("Content-Length")
		w.WriteHeader(e.HTTPStatus())
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.HTTPStatus())
	w.Write(body)
}

func errorBody(e *awserr.Error, requestID string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(Header)
	enc := xml.NewEncoder(&buf)
	root := xml.StartElement{Name: xml.Name{Local: "Error"}}
	put := func(name, s string) error {
		return writeText(enc, xml.StartElement{Name: xml.Name{Local: name}}, s)
	}
	err := errors.Join(enc.EncodeToken(root), put("Code", e.Code), put("Message", e.Message))
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err == nil {
			err = EncodeElement(enc, k, e.Fields[k])
		}
	}
	if err == nil {
		err = errors.Join(put("RequestId", requestID), put("HostId", HostID(requestID)), enc.EncodeToken(root.End()), enc.Flush())
	}
	if err != nil {
		return nil, fmt.Errorf("restxml: encoding error %s: %w", e.Code, err)
	}
	return buf.Bytes(), nil
}

// Decode is Codec{}.Decode.
func Decode(r *http.Request, params map[string]string, in any) error {
	return Codec{}.Decode(r, params, in)
}

// WriteResponse is Codec{}.WriteResponse.
func WriteResponse(w http.ResponseWriter, status int, out any) error {
	return Codec{}.WriteResponse(w, status, out)
}

// WriteError is Codec{}.WriteError.
func WriteError(w http.ResponseWriter, r *http.Request, requestID string, e *awserr.Error) {
	Codec{}.WriteError(w, r, requestID, e)
}
