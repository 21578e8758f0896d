package s3

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/protocol/restxml"
)

// ---- CORS ----

type corsRule struct {
	ID             string   `xml:"ID,omitempty" json:"id,omitempty"`
	AllowedHeaders []string `xml:"AllowedHeader" json:"ah,omitempty"`
	AllowedMethods []string `xml:"AllowedMethod" json:"am"`
	AllowedOrigins []string `xml:"AllowedOrigin" json:"ao"`
	ExposeHeaders  []string `xml:"ExposeHeader" json:"eh,omitempty"`
	MaxAgeSeconds  *int     `xml:"MaxAgeSeconds" json:"ma,omitempty"`
}

type corsConfiguration struct {
	XMLName xml.Name   `xml:"CORSConfiguration"`
	Rules   []corsRule `xml:"CORSRule"`
}

func parseCORS(body []byte) (*corsConfiguration, error) {
	var c corsConfiguration
	if err := decodeXML(body, &c); err != nil {
		return nil, err
	}
	if len(c.Rules) == 0 {
		return nil, errMalformedXML()
	}
	if len(c.Rules) > 100 {
		return nil, errInvalidRequest("The number of CORS rules should not exceed allowed limit of 100 rules.")
	}
	for _, r := range c.Rules {
		if len(r.AllowedMethods) == 0 || len(r.AllowedOrigins) == 0 {
			return nil, errMalformedXML()
		}
		for _, m := range r.AllowedMethods {
			switch m {
			case "GET", "PUT", "HEAD", "POST", "DELETE":
			default:
				return nil, errInvalidRequest("Found unsupported HTTP method in CORS config. Unsupported method is " + m)
			}
		}
		for _, o := range r.AllowedOrigins {
			if strings.Count(o, "*") > 1 {
				return nil, errInvalidRequest(`AllowedOrigin "` + o + `" can not have more than one wildcard.`)
			}
		}
		for _, h := range r.AllowedHeaders {
			if strings.Count(h, "*") > 1 {
				return nil, errInvalidRequest(`AllowedHeader "` + h + `" can not have more than one wildcard.`)
			}
		}
	}
	return &c, nil
}

func (s *Service) putBucketCors(w http.ResponseWriter, r *http.Request, t target) error {
	body, err := s.readSmallBody(r, 64<<10)
	if err != nil {
		return err
	}
	c, err := parseCORS(body)
	if err != nil {
		return err
	}
	doc, _ := json.Marshal(c.Rules)
	if err := s.updateBucket(r.Context(), t.bucket, func(b *bucketRec) error { b.CORS = doc; return nil }); err != nil {
		return err
	}
	return writeEmpty(w, r, http.StatusOK)
}

func (b *bucketRec) corsRules() []corsRule {
	if len(b.CORS) == 0 {
		return nil
	}
	var rules []corsRule
	json.Unmarshal(b.CORS, &rules)
	return rules
}

func (s *Service) getBucketCors(w http.ResponseWriter, r *http.Request, t target) error {
	b, err := s.viewBucket(r.Context(), t.bucket)
	if err != nil {
		return err
	}
	rules := b.corsRules()
	if rules == nil {
		return (&awserr.Error{Code: "NoSuchCORSConfiguration", Message: "The CORS configuration does not exist", Status: 404}).With("BucketName", t.bucket)
	}
	return s.writeXML(w, r, &corsConfiguration{Rules: rules})
}

func (s *Service) deleteBucketCors(w http.ResponseWriter, r *http.Request, t target) error {
	if err := s.updateBucket(r.Context(), t.bucket, func(b *bucketRec) error { b.CORS = nil; return nil }); err != nil {
		return err
	}
	return writeEmpty(w, r, http.StatusNoContent)
}

// wildMatch matches s against a pattern with at most one '*'.
func wildMatch(pattern, s string) bool {
	before, after, ok := strings.Cut(pattern, "*")
	if !ok {
		return pattern == s
	}
	return len(s) >= len(before)+len(after) && strings.HasPrefix(s, before) && strings.HasSuffix(s, after)
}

// matchCORS returns the first rule allowing origin, method and the
// requested headers, or nil.
func matchCORS(rules []corsRule, origin, method string, headers []string) *corsRule {
	for i := range rules {
		r := &rules[i]
		ok := false
		for _, o := range r.AllowedOrigins {
			if wildMatch(o, origin) {
				ok = true
				break
			}
		}
		if !ok {
			continue
		}
		ok = false
		for _, m := range r.AllowedMethods {
			if m == method {
				ok = true
				break
			}
		}
		if !ok {
			continue
		}
		all := true
		for _, h := range headers {
			found := false
			for _, a := range r.AllowedHeaders {
				if wildMatch(strings.ToLower(a), strings.ToLower(h)) {
					found = true
					break
				}
			}
			if !found {
				all = false
				break
			}
		}
		if all {
			return r
		}
	}
	return nil
}

// setCORSHeaders writes the response headers rule grants origin.
func setCORSHeaders(h http.Header, rule *corsRule, origin string, requestHeaders []string, preflight bool) {
	wildcard := false
	for _, o := range rule.AllowedOrigins {
		if o == "*" {
			wildcard = true
		}
	}
	if wildcard {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	h.Add("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method")
	h.Set("Access-Control-Allow-Methods", strings.Join(rule.AllowedMethods, ", "))
	if len(rule.ExposeHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(rule.ExposeHeaders, ", "))
	}
	if preflight {
		if len(requestHeaders) > 0 {
			h.Set("Access-Control-Allow-Headers", strings.Join(requestHeaders, ", "))
		}
		if rule.MaxAgeSeconds != nil {
			h.Set("Access-Control-Max-Age", strconv.Itoa(*rule.MaxAgeSeconds))
		}
	}
}

func splitHeaderList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, strings.ToLower(p))
		}
	}
	return out
}

// preflight answers a CORS OPTIONS request from the bucket's rules.
func (s *Service) preflight(w http.ResponseWriter, r *http.Request, t target) error {
	origin := r.Header.Get("Origin")
	method := r.Header.Get("Access-Control-Request-Method")
	if origin == "" {
		return &awserr.Error{Code: "BadRequest", Message: "Insufficient information. Origin request header needed.", Status: 400}
	}
	if method == "" {
		return &awserr.Error{Code: "BadRequest", Message: "Invalid Access-Control-Request-Method: null", Status: 400}
	}
	b, err := s.viewBucket(r.Context(), t.bucket)
	if err != nil {
		return err
	}
	rules := b.corsRules()
	if rules == nil {
		return (&awserr.Error{Code: "CORSResponse", Message: "CORS is not enabled for this bucket.", Status: 403})
	}
	hdrs := splitHeaderList(r.Header.Get("Access-Control-Request-Headers"))
	rule := matchCORS(rules, origin, method, hdrs)
	if rule == nil {
		return (&awserr.Error{Code: "AccessForbidden", Status: 403,
			Message: "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."}).
			With("Method", method).With("ResourceType", resourceType(t))
	}
	setCORSHeaders(w.Header(), rule, origin, hdrs, true)
	return writeEmpty(w, r, http.StatusOK)
}

// corsActual adds CORS headers to a request that carries Origin, when the
// bucket's rules allow it.
func (s *Service) corsActual(w http.ResponseWriter, r *http.Request, t target) {
	origin := r.Header.Get("Origin")
	if origin == "" || t.bucket == "" {
		return
	}
	b, err := s.viewBucket(r.Context(), t.bucket)
	if err != nil {
		return
	}
	if rule := matchCORS(b.corsRules(), origin, r.Method, nil); rule != nil {
		setCORSHeaders(w.Header(), rule, origin, nil, false)
	}
}

// ---- policy ----

func errMalformedPolicy(msg string) *awserr.Error {
	return &awserr.Error{Code: "MalformedPolicy", Message: msg, Status: 400}
}

func validatePolicy(body []byte, bucket string) error {
	if len(body) > 20<<10 {
		return errMalformedPolicy("Policy exceeds the maximum allowed document size.")
	}
	t := bytes.TrimSpace(body)
	if len(t) == 0 || t[0] != '{' {
		return errMalformedPolicy("Policies must be valid JSON and the first byte must be '{'")
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(t, &doc); err != nil {
		return errMalformedPolicy("Policies must be valid JSON and the first byte must be '{'")
	}
	if v, ok := doc["Version"]; ok {
		var ver string
		if json.Unmarshal(v, &ver) != nil || ver != "2012-10-17" && ver != "2008-10-17" {
			return errMalformedPolicy("Invalid policy document version")
		}
	}
	st, ok := doc["Statement"]
	if !ok {
		return errMalformedPolicy("Missing required field Statement")
	}
	var list []map[string]json.RawMessage
	if json.Unmarshal(st, &list) != nil {
		var one map[string]json.RawMessage
		if json.Unmarshal(st, &one) != nil {
			return errMalformedPolicy("Statement is not a list or an object")
		}
		list = append(list, one)
	}
	for _, s := range list {
		if _, ok := s["Effect"]; !ok {
			return errMalformedPolicy("Missing required field Effect")
		}
		var eff string
		if json.Unmarshal(s["Effect"], &eff) != nil || eff != "Allow" && eff != "Deny" {
			return errMalformedPolicy("Invalid effect: " + strings.Trim(string(s["Effect"]), `"`))
		}
		_, p1 := s["Principal"]
		_, p2 := s["NotPrincipal"]
		if !p1 && !p2 {
			return errMalformedPolicy("Missing required field Principal")
		}
		_, a1 := s["Action"]
		_, a2 := s["NotAction"]
		if !a1 && !a2 {
			return errMalformedPolicy("Missing required field Action")
		}
		_, r1 := s["Resource"]
		_, r2 := s["NotResource"]
		if !r1 && !r2 {
			return errMalformedPolicy("Missing required field Resource")
		}
	}
	return nil
}

func (s *Service) putBucketPolicy(w http.ResponseWriter, r *http.Request, t target) error {
	body, err := s.readSmallBody(r, 64<<10)
	if err != nil {
		return err
	}
	if err := validatePolicy(body, t.bucket); err != nil {
		return err
	}
	doc := append([]byte(nil), body...)
	if err := s.updateBucket(r.Context(), t.bucket, func(b *bucketRec) error { b.Policy = doc; return nil }); err != nil {
		return err
	}
	return writeEmpty(w, r, http.StatusNoContent)
}

func (s *Service) getBucketPolicy(w http.ResponseWriter, r *http.Request, t target) error {
	b, err := s.viewBucket(r.Context(), t.bucket)
	if err != nil {
		return err
	}
	if len(b.Policy) == 0 {
		return (&awserr.Error{Code: "NoSuchBucketPolicy", Message: "The bucket policy does not exist", Status: 404}).With("BucketName", t.bucket)
	}
	ids(w, r)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b.Policy)))
	w.WriteHeader(http.StatusOK)
	w.Write(b.Policy)
	return nil
}

func (s *Service) deleteBucketPolicy(w http.ResponseWriter, r *http.Request, t target) error {
	if err := s.updateBucket(r.Context(), t.bucket, func(b *bucketRec) error { b.Policy = nil; return nil }); err != nil {
		return err
	}
	return writeEmpty(w, r, http.StatusNoContent)
}

// ---- lifecycle (stored, not enforced) ----

type lifecycleRule struct {
	ID                             string     `xml:"ID,omitempty"`
	Prefix                         *string    `xml:"Prefix"`
	Filter                         *innerXML  `xml:"Filter"`
	Status                         string     `xml:"Status"`
	Expiration                     *innerXML  `xml:"Expiration"`
	Transition                     []innerXML `xml:"Transition"`
	NoncurrentVersionTransition    []innerXML `xml:"NoncurrentVersionTransition"`
	NoncurrentVersionExpiration    *innerXML  `xml:"NoncurrentVersionExpiration"`
	AbortIncompleteMultipartUpload *innerXML  `xml:"AbortIncompleteMultipartUpload"`
}

type innerXML struct {
	Inner []byte `xml:",innerxml"`
}

type lifecycleConfiguration struct {
	XMLName xml.Name        `xml:"LifecycleConfiguration"`
	Rules   []lifecycleRule `xml:"Rule"`
}

func validateLifecycle(body []byte) error {
	var c lifecycleConfiguration
	if err := decodeXML(body, &c); err != nil {
		return err
	}
	if len(c.Rules) == 0 || len(c.Rules) > 1000 {
		return errMalformedXML()
	}
	ids := map[string]bool{}
	for _, r := range c.Rules {
		if r.Status != "Enabled" && r.Status != "Disabled" {
			return errMalformedXML()
		}
		if len(r.ID) > 255 {
			return errInvalidArgument("ID length should not exceed allowed limit of 255", "ID", r.ID)
		}
		if r.ID != "" {
			if ids[r.ID] {
				return errInvalidArgument("Rule ID must be unique. Found same ID for more than one rule", "ID", r.ID)
			}
			ids[r.ID] = true
		}
		if r.Expiration == nil && len(r.Transition) == 0 && len(r.NoncurrentVersionTransition) == 0 &&
			r.NoncurrentVersionExpiration == nil && r.AbortIncompleteMultipartUpload == nil {
			return errInvalidRequest("At least one action needs to be specified in a rule")
		}
		if r.Prefix != nil && r.Filter != nil {
			return errMalformedXML()
		}
	}
	return nil
}

func (s *Service) putBucketLifecycle(w http.ResponseWriter, r *http.Request, t target) error {
	body, err := s.readSmallBody(r, restxml.DefaultMaxXML)
	if err != nil {
		return err
	}
	if err := validateLifecycle(body); err != nil {
		return err
	}
	doc := append([]byte(nil), body...)
	if err := s.updateBucket(r.Context(), t.bucket, func(b *bucketRec) error { b.Lifecycle = doc; return nil }); err != nil {
		return err
	}
	return writeEmpty(w, r, http.StatusOK)
}

// writeRawXML returns a stored request document as the response.
func writeRawXML(w http.ResponseWriter, r *http.Request, doc []byte) error {
	doc = bytes.TrimSpace(doc)
	if !bytes.HasPrefix(doc, []byte("<?xml")) {
		doc = append([]byte(restxml.Header), doc...)
	}
	ids(w, r)
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
	w.WriteHeader(http.StatusOK)
	w.Write(doc)
	return nil
}

func (s *Service) getBucketLifecycle(w http.ResponseWriter, r *http.Request, t target) error {
	b, err := s.viewBucket(r.Context(), t.bucket)
	if err != nil {
		return err
	}
	if len(b.Lifecycle) == 0 {
		return (&awserr.Error{Code: "NoSuchLifecycleConfiguration", Message: "The lifecycle configuration does not exist", Status: 404}).With("BucketName", t.bucket)
	}
	return writeRawXML(w, r, b.Lifecycle)
}

func (s *Service) deleteBucketLifecycle(w http.ResponseWriter, r *http.Request, t target) error {
	if err := s.updateBucket(r.Context(), t.bucket, func(b *bucketRec) error { b.Lifecycle = nil; return nil }); err != nil {
		return err
	}
	return writeEmpty(w, r, http.StatusNoContent)
}

var _ = fmt.Sprintf
