package s3

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/protocol/restxml"
	"github.com/nimbus-cloud/nimbus/internal/request"
)

// The event types S3 accepts in a notification configuration.
var eventTypes = map[string]bool{
	"s3:ReducedRedundancyLostObject": true, "s3:ObjectCreated:*": true, "s3:ObjectCreated:Put": true,
	"s3:ObjectCreated:Post": true, "s3:ObjectCreated:Copy": true, "s3:ObjectCreated:CompleteMultipartUpload": true,
	"s3:ObjectRemoved:*": true, "s3:ObjectRemoved:Delete": true, "s3:ObjectRemoved:DeleteMarkerCreated": true,
	"s3:ObjectRestore:*": true, "s3:ObjectRestore:Post": true, "s3:ObjectRestore:Completed": true,
	"s3:ObjectRestore:Delete": true, "s3:Replication:*": true, "s3:LifecycleExpiration:*": true,
	"s3:LifecycleExpiration:Delete": true, "s3:LifecycleExpiration:DeleteMarkerCreated": true,
	"s3:LifecycleTransition": true, "s3:IntelligentTiering": true, "s3:ObjectTagging:*": true,
	"s3:ObjectTagging:Put": true, "s3:ObjectTagging:Delete": true, "s3:ObjectAcl:Put": true,
}

type filterRule struct {
	Name  string `xml:"Name" json:"n"`
	Value string `xml:"Value" json:"v"`
}

type notificationFilter struct {
	Rules []filterRule `xml:"S3Key>FilterRule" json:"r,omitempty"`
}

type lambdaConfig struct {
	ID       string              `xml:"Id,omitempty" json:"id"`
	Function string              `xml:"CloudFunction" json:"fn"`
	Events   []string            `xml:"Event" json:"ev"`
	Filter   *notificationFilter `xml:"Filter" json:"f,omitempty"`
}

type destConfig struct {
	ID     string              `xml:"Id,omitempty"`
	Arn    string              `xml:"Topic"`
	Queue  string              `xml:"Queue"`
	Events []string            `xml:"Event"`
	Filter *notificationFilter `xml:"Filter"`
}

type notificationConfiguration struct {
	XMLName     xml.Name       `xml:"NotificationConfiguration"`
	Lambda      []lambdaConfig `xml:"CloudFunctionConfiguration"`
	Topics      []destConfig   `xml:"TopicConfiguration"`
	Queues      []destConfig   `xml:"QueueConfiguration"`
	EventBridge *struct{}      `xml:"EventBridgeConfiguration"`
}

func errNotificationArgument(msg, name, value string) *awserr.Error {
	return errInvalidArgument(msg, name, value)
}

// validLambdaARN accepts arn:aws:lambda:region:account:function:name[:qualifier].
func validLambdaARN(a string) bool {
	p := strings.Split(a, ":")
	if len(p) < 7 || len(p) > 8 || p[0] != "arn" || p[2] != "lambda" || p[5] != "function" || p[6] == "" || p[3] == "" {
		return false
	}
	if len(p[4]) != 12 {
		return false
	}
	for _, c := range p[4] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func parseNotification(body []byte) (*notificationConfiguration, error) {
	var c notificationConfiguration
	if err := decodeXML(body, &c); err != nil {
		return nil, err
	}
	if len(c.Topics) > 0 || len(c.Queues) > 0 {
		var arn string
		if len(c.Topics) > 0 {
			arn = c.Topics[0].Arn
		} else {
			arn = c.Queues[0].Queue
		}
		return nil, errNotificationArgument("Unable to validate the following destination configurations", arn, "nimbus has no SNS or SQS to deliver to")
	}
	ids := map[string]bool{}
	for i := range c.Lambda {
		l := &c.Lambda[i]
		if l.ID == "" {
			l.ID = newID()
		}
		if ids[l.ID] {
			return nil, errNotificationArgument("Configuration Id must be unique", "Id", l.ID)
		}
		ids[l.ID] = true
		if !validLambdaARN(l.Function) {
			return nil, errNotificationArgument("Unable to validate the following destination configurations", l.Function, "The destination ARN is not a Lambda function ARN")
		}
		if len(l.Events) == 0 {
			return nil, errMalformedXML()
		}
		for _, e := range l.Events {
			if !eventTypes[e] {
				return nil, errNotificationArgument("The event is not supported for notifications", "Event", e)
			}
		}
		if l.Filter != nil {
			var pre, suf bool
			for j := range l.Filter.Rules {
				fr := &l.Filter.Rules[j]
				switch strings.ToLower(fr.Name) {
				case "prefix":
					if pre {
						return nil, errNotificationArgument("Cannot specify more than one prefix rule in a filter.", "FilterRule", fr.Name)
					}
					pre, fr.Name = true, "Prefix"
				case "suffix":
					if suf {
						return nil, errNotificationArgument("Cannot specify more than one suffix rule in a filter.", "FilterRule", fr.Name)
					}
					suf, fr.Name = true, "Suffix"
				default:
					return nil, errNotificationArgument("filter rule name must be either prefix or suffix", "FilterRule", fr.Name)
				}
				if len(fr.Value) > 1024 {
					return nil, errNotificationArgument("The value of a filter rule cannot exceed 1024 characters", "FilterRule", fr.Value)
				}
			}
		}
	}
	// Two configurations overlap when they share an event type and their
	// prefixes and suffixes could both match one key.
	for i := range c.Lambda {
		for j := i + 1; j < len(c.Lambda); j++ {
			if overlap(&c.Lambda[i], &c.Lambda[j]) {
				return nil, errNotificationArgument("Configurations overlap. Configurations on the same bucket cannot share a common event type.", "Event", c.Lambda[j].Events[0])
			}
		}
	}
	return &c, nil
}

func (l *lambdaConfig) affixes() (prefix, suffix string) {
	if l.Filter != nil {
		for _, r := range l.Filter.Rules {
			if r.Name == "Prefix" {
				prefix = r.Value
			} else {
				suffix = r.Value
			}
		}
	}
	return
}

func overlap(a, b *lambdaConfig) bool {
	shared := false
	for _, x := range a.Events {
		for _, y := range b.Events {
			xs, ys := strings.TrimSuffix(x, "*"), strings.TrimSuffix(y, "*")
			if x == y || strings.HasSuffix(x, "*") && strings.HasPrefix(y, xs) || strings.HasSuffix(y, "*") && strings.HasPrefix(x, ys) {
				shared = true
			}
		}
	}
	if !shared {
		return false
	}
	ap, as := a.affixes()
	bp, bs := b.affixes()
	prefixesOverlap := strings.HasPrefix(ap, bp) || strings.HasPrefix(bp, ap)
	suffixesOverlap := strings.HasSuffix(as, bs) || strings.HasSuffix(bs, as)
	return prefixesOverlap && suffixesOverlap
}

func (s *Service) putBucketNotification(w http.ResponseWriter, r *http.Request, t target) error {
	body, err := s.readSmallBody(r, restxml.DefaultMaxXML)
	if err != nil {
		return err
	}
	c, err := parseNotification(body)
	if err != nil {
		return err
	}
	var doc []byte
	if len(c.Lambda) > 0 {
		doc, _ = json.Marshal(c.Lambda)
	}
	if err := s.updateBucket(r.Context(), t.bucket, func(b *bucketRec) error { b.Notification = doc; return nil }); err != nil {
		return err
	}
	return writeEmpty(w, r, http.StatusOK)
}

func (b *bucketRec) lambdaConfigs() []lambdaConfig {
	if len(b.Notification) == 0 {
		return nil
	}
	var ls []lambdaConfig
	json.Unmarshal(b.Notification, &ls)
	return ls
}

func (s *Service) getBucketNotification(w http.ResponseWriter, r *http.Request, t target) error {
	b, err := s.viewBucket(r.Context(), t.bucket)
	if err != nil {
		return err
	}
	return s.writeXML(w, r, &notificationConfiguration{Lambda: b.lambdaConfigs()})
}

// ---- delivery ----

// eventKey encodes a key as S3 does in event records: form encoding
// (spaces as '+'), with '/' kept.
func eventKey(k string) string {
	return strings.ReplaceAll(url.QueryEscape(k), "%2F", "/")
}

func eventMatches(pattern, name string) bool {
	p := strings.TrimPrefix(pattern, "s3:")
	if strings.HasSuffix(p, ":*") {
		return strings.HasPrefix(name, strings.TrimSuffix(p, "*"))
	}
	return p == name
}

// notifyObject sends the event for a request's change to o.
func (s *Service) notifyObject(r *http.Request, b *bucketRec, event string, o *objectRec) {
	if b == nil || len(b.Notification) == 0 {
		return
	}
	info := request.From(r.Context())
	host, _, _ := strings.Cut(r.RemoteAddr, ":")
	if i := strings.LastIndexByte(r.RemoteAddr, ':'); i > 0 {
		host = strings.Trim(r.RemoteAddr[:i], "[]")
	}
	s.deliver(b, event, o, info.ID, info.AccessKey, host)
}

// notify is notifyObject for changes made through the Go API.
func (s *Service) notify(ctx context.Context, account, region string, b *bucketRec, event string, o *objectRec, requestID string) {
	if b == nil || len(b.Notification) == 0 {
		return
	}
	if requestID == "" {
		requestID = strings.ToUpper(newID()[:16])
	}
	s.deliver(b, event, o, requestID, "", "127.0.0.1")
}

type s3Event struct {
	Records []eventRecord `json:"Records"`
}

type eventRecord struct {
	EventVersion      string            `json:"eventVersion"`
	EventSource       string            `json:"eventSource"`
	AwsRegion         string            `json:"awsRegion"`
	EventTime         string            `json:"eventTime"`
	EventName         string            `json:"eventName"`
	UserIdentity      map[string]string `json:"userIdentity"`
	RequestParameters map[string]string `json:"requestParameters"`
	ResponseElements  map[string]string `json:"responseElements"`
	S3                eventS3           `json:"s3"`
}

type eventS3 struct {
	SchemaVersion   string      `json:"s3SchemaVersion"`
	ConfigurationID string      `json:"configurationId"`
	Bucket          eventBucket `json:"bucket"`
	Object          eventObject `json:"object"`
}

type eventBucket struct {
	Name          string            `json:"name"`
	OwnerIdentity map[string]string `json:"ownerIdentity"`
	Arn           string            `json:"arn"`
}

type eventObject struct {
	Key       string `json:"key"`
	Size      *int64 `json:"size,omitempty"`
	ETag      string `json:"eTag,omitempty"`
	VersionID string `json:"versionId,omitempty"`
	Sequencer string `json:"sequencer"`
}

// deliver invokes every matching function with the event, in the
// background, after the change has committed.
func (s *Service) deliver(b *bucketRec, event string, o *objectRec, requestID, accessKey, sourceIP string) {
	configs := b.lambdaConfigs()
	now := s.now2()
	seq := strings.ToUpper(strconv.FormatInt(now.UnixNano(), 16))
	principal := "AWS:" + accessKey
	if accessKey == "" {
		principal = "AWS:" + b.Account
	}
	for _, c := range configs {
		match := false
		for _, e := range c.Events {
			if eventMatches(e, event) {
				match = true
			}
		}
		pre, suf := c.affixes()
		if !match || !strings.HasPrefix(o.Key, pre) || !strings.HasSuffix(o.Key, suf) {
			continue
		}
		rec := eventRecord{
			EventVersion: "2.1", EventSource: "aws:s3", AwsRegion: b.Region,
			EventTime: now.Format("2006-01-02T15:04:05.000Z"), EventName: event,
			UserIdentity:      map[string]string{"principalId": principal},
			RequestParameters: map[string]string{"sourceIPAddress": sourceIP},
			ResponseElements:  map[string]string{"x-amz-request-id": requestID, "x-amz-id-2": restxml.HostID(requestID)},
			S3: eventS3{SchemaVersion: "1.0", ConfigurationID: c.ID,
				Bucket: eventBucket{Name: b.Name, OwnerIdentity: map[string]string{"principalId": canonicalID(b.Account)[:14]}, Arn: "arn:aws:s3:::" + b.Name},
				Object: eventObject{Key: eventKey(o.Key), VersionID: o.VersionID, Sequencer: seq}},
		}
		if strings.HasPrefix(event, "ObjectCreated:") {
			size := o.Size
			rec.S3.Object.Size = &size
			rec.S3.Object.ETag = strings.Trim(o.ETag, `"`)
		}
		payload, _ := json.Marshal(s3Event{Records: []eventRecord{rec}})
		if s.invoker == nil {
			s.log.Debug("s3: notification not delivered (no Lambda)", "bucket", b.Name, "function", c.Function)
			continue
		}
		fn := c.Function
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := s.invoker.InvokeAsync(ctx, b.Account, b.Region, fn, payload, "arn:aws:s3:::"+b.Name, b.Account); err != nil {
				s.log.Warn("s3: delivering notification", "bucket", b.Name, "function", fn, "event", event, "err", err)
			}
		}()
	}
}
