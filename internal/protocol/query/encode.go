package query

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strconv"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/protocol/restxml"
	"github.com/nimbus-cloud/nimbus/internal/request"
)

// Namespaces of the services nimbus speaks awsQuery for.
const (
	IAMNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"
	STSNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"
	SNSNamespace = "http://sns.amazonaws.com/doc/2010-03-31/"
	SQSNamespace = "http://queue.amazonaws.com/doc/2012-11-05/"
)

// Codec encodes one awsQuery service's responses.
type Codec struct {
	// Namespace is the xmlns of every response, e.g. IAMNamespace.
	Namespace string
}

// WriteResponse writes a 200 response for action:
//
//	<{Action}Response xmlns="{Namespace}">
//	  <{Action}Result>...result's members...</{Action}Result>
//	  <ResponseMetadata><RequestId>...</RequestId></ResponseMetadata>
//	</{Action}Response>
//
// result's members are encoded by restxml's encoder, so lists need the
// awsQuery wrapper spelled out: `xml:"Users>member"`. A nil result (an
// operation with no output, like IAM's DeleteUser) writes no Result element.
// requestID "" takes the x-amzn-RequestId header the edge set. Nothing is
// written when it returns an error.
func (c Codec) WriteResponse(w http.ResponseWriter, requestID, action string, result any) error {
	if requestID == "" {
		requestID = w.Header().Get("X-Amzn-Requestid")
	}
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	root := xml.StartElement{Name: xml.Name{Local: action + "Response"}}
	if c.Namespace != "" {
		root.Attr = []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: c.Namespace}}
	}
	err := enc.EncodeToken(root)
	if err == nil && !isNil(result) {
		err = restxml.EncodeElement(enc, action+"Result", result)
	}
	if err == nil {
		err = writeMetadata(enc, requestID)
	}
	if err == nil {
		err = errors.Join(enc.EncodeToken(root.End()), enc.Flush())
	}
	if err != nil {
		return fmt.Errorf("query: encoding %s result: %w", action, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	if requestID != "" {
		h.Set("X-Amzn-Requestid", requestID)
	}
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(buf.Bytes())
	return err
}

func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

func writeMetadata(enc *xml.Encoder, requestID string) error {
	md := xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}}
	id := xml.StartElement{Name: xml.Name{Local: "RequestId"}}
	return errors.Join(enc.EncodeToken(md), enc.EncodeToken(id), enc.EncodeToken(xml.CharData(requestID)),
		enc.EncodeToken(id.End()), enc.EncodeToken(md.End()))
}

// WriteError writes e in awsQuery's shape:
//
//	<ErrorResponse xmlns="{Namespace}">
//	  <Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>...</Message>...Fields...</Error>
//	  <RequestId>...</RequestId>
//	</ErrorResponse>
//
// Type is Receiver for faults. e.Fields go inside <Error>, sorted, where
// botocore and aws-sdk-go-v2 read a modeled error's members. requestID ""
// takes the id the edge put in the request's context.
func (c Codec) WriteError(w http.ResponseWriter, r *http.Request, requestID string, e *awserr.Error) {
	if requestID == "" && r != nil {
		requestID = request.From(r.Context()).ID
	}
	body, err := c.errorBody(e, requestID)
	if err != nil {
		body, _ = c.errorBody(&awserr.Error{Code: e.Code, Message: e.Message, Status: e.Status, Fault: e.Fault}, requestID)
	}
	h := w.Header()
	for k, vs := range e.Header {
		h[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	h.Del("Content-Encoding")
	h.Set("Content-Type", "text/xml")
	if requestID != "" {
		h.Set("X-Amzn-Requestid", requestID)
	}
	if r != nil && r.Method == http.MethodHead {
		w.WriteHeader(e.HTTPStatus())
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.HTTPStatus())
	w.Write(body)
}

func (c Codec) errorBody(e *awserr.Error, requestID string) ([]byte, error) {
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	root := xml.StartElement{Name: xml.Name{Local: "ErrorResponse"}}
	if c.Namespace != "" {
		root.Attr = []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: c.Namespace}}
	}
	typ := "Sender"
	if e.Fault || e.HTTPStatus() >= 500 {
		typ = "Receiver"
	}
	errEl := xml.StartElement{Name: xml.Name{Local: "Error"}}
	err := errors.Join(enc.EncodeToken(root), enc.EncodeToken(errEl),
		restxml.EncodeElement(enc, "Type", typ), restxml.EncodeElement(enc, "Code", e.Code),
		restxml.EncodeElement(enc, "Message", e.Message))
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err == nil {
			err = restxml.EncodeElement(enc, k, e.Fields[k])
		}
	}
	if err == nil {
		err = errors.Join(enc.EncodeToken(errEl.End()), restxml.EncodeElement(enc, "RequestId", requestID),
			enc.EncodeToken(root.End()), enc.Flush())
	}
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
