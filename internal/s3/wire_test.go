package s3_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func hmacSHA(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

// signedChunkedPut builds a STREAMING-AWS4-HMAC-SHA256-PAYLOAD request as
// the Java SDK and older clients send it; corrupt flips a byte of the second
// chunk after signing.
func signedChunkedPut(t *testing.T, url string, chunks [][]byte, secret string, corrupt bool) *http.Request {
	t.Helper()
	return signedChunkedPutKey(t, url, chunks, "test", secret, corrupt)
}

func signedChunkedPutKey(t *testing.T, url string, chunks [][]byte, keyID, secret string, corrupt bool) *http.Request {
	t.Helper()
	var decoded int
	for _, c := range chunks {
		decoded += len(c)
	}
	now := time.Now().UTC()
	amzDate := now.Format("20060102T150405Z")
	scope := now.Format("20060102") + "/us-east-1/s3/aws4_request"
	// The body length depends only on the chunk sizes: sign with a
	// placeholder, then build the real body.
	sigLen := 64
	var n int
	for _, c := range append(chunks, nil) {
		n += len(strconv.FormatInt(int64(len(c)), 16)) + len(";chunk-signature=") + sigLen + 2 + len(c) + 2
	}
	req, _ := http.NewRequest(http.MethodPut, url, nil)
	req.Header.Set("X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
	req.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(decoded))
	req.Header.Set("Content-Encoding", "aws-chunked")
	req.ContentLength = int64(n)
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret},
		req, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "s3", "us-east-1", now)
	if err != nil {
		t.Fatal(err)
	}
	auth := req.Header.Get("Authorization")
	prev := auth[strings.Index(auth, "Signature=")+len("Signature="):]
	key := hmacSHA([]byte("AWS4"+secret), now.Format("20060102"))
	key = hmacSHA(key, "us-east-1")
	key = hmacSHA(key, "s3")
	key = hmacSHA(key, "aws4_request")
	empty := sha256.Sum256(nil)
	var body bytes.Buffer
	for i, c := range append(chunks, nil) {
		h := sha256.Sum256(c)
		sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + amzDate + "\n" + scope + "\n" + prev + "\n" + hex.EncodeToString(empty[:]) + "\n" + hex.EncodeToString(h[:])
		sig := hex.EncodeToString(hmacSHA(key, sts))
		data := append([]byte(nil), c...)
		if corrupt && i == 1 {
			data[0] ^= 1
		}
		fmt.Fprintf(&body, "%x;chunk-signature=%s\r\n", len(c), sig)
		body.Write(data)
		body.WriteString("\r\n")
		prev = sig
	}
	if body.Len() != n {
		t.Fatalf("body length %d, computed %d", body.Len(), n)
	}
	req.Body = io.NopCloser(bytes.NewReader(body.Bytes()))
	return req
}

func do(t *testing.T, req *http.Request) (int, string, http.Header) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestSignedChunkedBody(t *testing.T) {
	e := start(t)
	c := e.client(t)
	mustBucket(t, c, "chk")
	chunks := [][]byte{bytes.Repeat([]byte("a"), 65536), bytes.Repeat([]byte("b"), 1000)}
	st, body, _ := do(t, signedChunkedPut(t, e.URL+"/chk/good", chunks, "test", false))
	if st != 200 {
		t.Fatalf("signed chunks: %d %s", st, body)
	}
	g, err := c.GetObject(ctx(t), &awss3.GetObjectInput{Bucket: aws.String("chk"), Key: aws.String("good")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(g.Body)
	if !bytes.Equal(b, bytes.Join(chunks, nil)) || aws.ToString(g.ContentEncoding) != "" {
		t.Fatalf("decoded body: %d bytes, encoding %q", len(b), aws.ToString(g.ContentEncoding))
	}
	st, body, _ = do(t, signedChunkedPut(t, e.URL+"/chk/bad", chunks, "test", true))
	if st != 403 || !strings.Contains(body, "<Code>SignatureDoesNotMatch</Code>") {
		t.Fatalf("tampered chunk: %d %s", st, body)
	}
	if _, err := c.HeadObject(ctx(t), &awss3.HeadObjectInput{Bucket: aws.String("chk"), Key: aws.String("bad")}); err == nil {
		t.Fatal("a tampered chunked body was stored")
	}
	// x-amz-content-sha256 that does not match the body.
	req, _ := http.NewRequest(http.MethodPut, e.URL+"/chk/sha", strings.NewReader("payload"))
	sum := sha256.Sum256([]byte("other"))
	req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}, req, hex.EncodeToString(sum[:]), "s3", "us-east-1", time.Now())
	st, body, _ = do(t, req)
	if st != 400 || !strings.Contains(body, "<Code>XAmzContentSHA256Mismatch</Code>") {
		t.Fatalf("sha mismatch: %d %s", st, body)
	}
	// A body shorter than its Content-Length is never stored.
	st, body, _ = do(t, signedChunkedPut(t, e.URL+"/chk/short", [][]byte{[]byte("x")}, "test", false))
	if st != 200 {
		t.Fatalf("small chunked: %d %s", st, body)
	}
}

func TestAddressing(t *testing.T) {
	e := start(t)
	c := e.client(t)
	mustBucket(t, c, "vhost")
	port := e.URL[strings.LastIndexByte(e.URL, ':')+1:]
	for _, host := range []string{"vhost.s3.localhost:" + port, "vhost.localhost:" + port} {
		req, _ := http.NewRequest(http.MethodPut, e.URL+"/dir/obj.txt", strings.NewReader("virtual "+host))
		req.Host = host
		if st, body, _ := do(t, req); st != 200 {
			t.Fatalf("%s: %d %s", host, st, body)
		}
		req, _ = http.NewRequest(http.MethodGet, e.URL+"/dir/obj.txt", nil)
		req.Host = host
		if st, body, _ := do(t, req); st != 200 || body != "virtual "+host {
			t.Fatalf("%s GET: %d %s", host, st, body)
		}
	}
	// The SDK's virtual-host addressing against s3.localhost.
	vc := awss3.New(awss3.Options{BaseEndpoint: aws.String("http://s3.localhost:" + port), Region: "us-east-1",
		Credentials: c.Options().Credentials, HTTPClient: &http.Client{Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, network, "127.0.0.1:"+port)
			}}}})
	if _, err := vc.PutObject(ctx(t), &awss3.PutObjectInput{Bucket: aws.String("vhost"), Key: aws.String("sdk"), Body: strings.NewReader("v")}); err != nil {
		t.Fatal(err)
	}
	out, err := vc.ListObjectsV2(ctx(t), &awss3.ListObjectsV2Input{Bucket: aws.String("vhost")})
	if err != nil || aws.ToInt32(out.KeyCount) != 2 {
		t.Fatalf("virtual-host list: %v %v", out, err)
	}
	// GET / without a bucket stays DynamoDB's health check.
	st, body, _ := do(t, mustReq(http.NewRequest(http.MethodGet, e.URL+"/", nil)))
	if st != 200 || !strings.Contains(body, "healthy") {
		t.Fatalf("GET /: %d %s", st, body)
	}
}

func mustReq(r *http.Request, err error) *http.Request {
	if err != nil {
		panic(err)
	}
	return r
}

// Keys S3 allows that would be dangerous as paths stay names in the KV:
// bodies live under random ids, so nothing escapes the data directory.
func TestHostileKeys(t *testing.T) {
	e := start(t)
	c := e.client(t)
	mustBucket(t, c, "keys")
	keys := []string{"../../../etc/passwd", "a//b///c", "./.", "..", "日本語/ключ/🙂", strings.Repeat("k", 1024), " leading space", "%2F..%2F", "a?b#c&d"}
	for _, k := range keys {
		if _, err := c.PutObject(ctx(t), &awss3.PutObjectInput{Bucket: aws.String("keys"), Key: aws.String(k), Body: strings.NewReader("v:" + k)}); err != nil {
			t.Fatalf("put %q: %v", k, err)
		}
	}
	for _, k := range keys {
		g, err := c.GetObject(ctx(t), &awss3.GetObjectInput{Bucket: aws.String("keys"), Key: aws.String(k)})
		if err != nil {
			t.Fatalf("get %q: %v", k, err)
		}
		b, _ := io.ReadAll(g.Body)
		if string(b) != "v:"+k {
			t.Fatalf("get %q: %q", k, b)
		}
	}
	_, err := c.PutObject(ctx(t), &awss3.PutObjectInput{Bucket: aws.String("keys"), Key: aws.String(strings.Repeat("k", 1025)), Body: strings.NewReader("x")})
	if apiCode(err) != "KeyTooLongError" {
		t.Fatalf("1025-byte key: %v", err)
	}
	// Every file under the data directory is a content id.
	filepath.WalkDir(e.Dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && len(d.Name()) != 32 {
			t.Errorf("unexpected file %s", p)
		}
		return nil
	})
	out, err := c.ListObjectsV2(ctx(t), &awss3.ListObjectsV2Input{Bucket: aws.String("keys")})
	if err != nil || len(out.Contents) != len(keys) {
		t.Fatalf("list: %v %v", len(out.Contents), err)
	}
}

func TestNotifications(t *testing.T) {
	e := start(t)
	c := e.client(t)
	mustBucket(t, c, "events")
	fn := "arn:aws:lambda:us-east-1:000000000000:function:thumbs"
	_, err := c.PutBucketNotificationConfiguration(ctx(t), &awss3.PutBucketNotificationConfigurationInput{Bucket: aws.String("events"),
		NotificationConfiguration: &types.NotificationConfiguration{LambdaFunctionConfigurations: []types.LambdaFunctionConfiguration{{
			LambdaFunctionArn: aws.String(fn), Events: []types.Event{"s3:ObjectCreated:*", "s3:ObjectRemoved:*"},
			Filter: &types.NotificationConfigurationFilter{Key: &types.S3KeyFilter{FilterRules: []types.FilterRule{
				{Name: types.FilterRuleNamePrefix, Value: aws.String("uploads/")}, {Name: types.FilterRuleNameSuffix, Value: aws.String(".mp3")}}}},
		}}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetBucketNotificationConfiguration(ctx(t), &awss3.GetBucketNotificationConfigurationInput{Bucket: aws.String("events")})
	if err != nil || len(got.LambdaFunctionConfigurations) != 1 || aws.ToString(got.LambdaFunctionConfigurations[0].Id) == "" {
		t.Fatalf("get config: %+v %v", got, err)
	}
	c.PutObject(ctx(t), &awss3.PutObjectInput{Bucket: aws.String("events"), Key: aws.String("other/x.mp3"), Body: strings.NewReader("no")})
	c.PutObject(ctx(t), &awss3.PutObjectInput{Bucket: aws.String("events"), Key: aws.String("uploads/my song.mp3"), Body: strings.NewReader("yes")})
	inv := <-e.inv.ch
	var ev struct {
		Records []struct {
			EventVersion, EventSource, EventName, AwsRegion string
			S3                                              struct {
				Bucket struct{ Name, Arn string }
				Object struct {
					Key       string
					Size      int64
					ETag      string
					Sequencer string
				}
			}
		}
	}
	if err := json.Unmarshal(inv.Payload, &ev); err != nil {
		t.Fatal(err)
	}
	r := ev.Records[0]
	if inv.ARN != fn || inv.SourceARN != "arn:aws:s3:::events" || r.EventVersion != "2.1" || r.EventSource != "aws:s3" ||
		r.EventName != "ObjectCreated:Put" || r.S3.Object.Key != "uploads/my+song.mp3" || r.S3.Object.Size != 3 || len(r.S3.Object.ETag) != 32 || r.S3.Object.Sequencer == "" {
		t.Fatalf("event: %s", inv.Payload)
	}
	c.DeleteObject(ctx(t), &awss3.DeleteObjectInput{Bucket: aws.String("events"), Key: aws.String("uploads/my song.mp3")})
	inv = <-e.inv.ch
	json.Unmarshal(inv.Payload, &ev)
	if ev.Records[0].EventName != "ObjectRemoved:Delete" {
		t.Fatalf("delete event: %s", inv.Payload)
	}
	select {
	case extra := <-e.inv.ch:
		t.Fatalf("unexpected event %s", extra.Payload)
	default:
	}
	// Bad configurations.
	for _, bad := range []types.LambdaFunctionConfiguration{
		{LambdaFunctionArn: aws.String("arn:aws:sqs:us-east-1:000000000000:q"), Events: []types.Event{"s3:ObjectCreated:*"}},
		{LambdaFunctionArn: aws.String(fn), Events: []types.Event{"s3:ObjectEaten:*"}},
	} {
		_, err := c.PutBucketNotificationConfiguration(ctx(t), &awss3.PutBucketNotificationConfigurationInput{Bucket: aws.String("events"),
			NotificationConfiguration: &types.NotificationConfiguration{LambdaFunctionConfigurations: []types.LambdaFunctionConfiguration{bad}}})
		if apiCode(err) != "InvalidArgument" {
			t.Errorf("bad config %v: %v", bad.Events, err)
		}
	}
}

func TestBucketConfigs(t *testing.T) {
	e := start(t)
	c := e.client(t)
	mustBucket(t, c, "cfg")
	_, err := c.PutBucketCors(ctx(t), &awss3.PutBucketCorsInput{Bucket: aws.String("cfg"), CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{{
		AllowedMethods: []string{"GET", "PUT"}, AllowedOrigins: []string{"https://*.example.com"}, AllowedHeaders: []string{"*"},
		ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: aws.Int32(600)}}}})
	if err != nil {
		t.Fatal(err)
	}
	gc, err := c.GetBucketCors(ctx(t), &awss3.GetBucketCorsInput{Bucket: aws.String("cfg")})
	if err != nil || len(gc.CORSRules) != 1 || aws.ToInt32(gc.CORSRules[0].MaxAgeSeconds) != 600 {
		t.Fatalf("get cors: %+v %v", gc, err)
	}
	pre := func(origin, method string) (int, http.Header, string) {
		req, _ := http.NewRequest(http.MethodOptions, e.URL+"/cfg/file.txt", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", method)
		req.Header.Set("Access-Control-Request-Headers", "content-type, x-amz-meta-a")
		st, body, h := do(t, req)
		return st, h, body
	}
	st, h, body := pre("https://app.example.com", "PUT")
	if st != 200 || h.Get("Access-Control-Allow-Origin") != "https://app.example.com" || h.Get("Access-Control-Allow-Methods") != "GET, PUT" || h.Get("Access-Control-Max-Age") != "600" {
		t.Fatalf("preflight: %d %v %s", st, h, body)
	}
	if st, _, body := pre("https://evil.test", "PUT"); st != 403 || !strings.Contains(body, "AccessForbidden") {
		t.Fatalf("preflight from a foreign origin: %d %s", st, body)
	}
	if st, _, _ := pre("https://app.example.com", "DELETE"); st != 403 {
		t.Fatalf("preflight for a method not allowed: %d", st)
	}
	_, err = c.PutBucketCors(ctx(t), &awss3.PutBucketCorsInput{Bucket: aws.String("cfg"), CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{{
		AllowedMethods: []string{"PATCH"}, AllowedOrigins: []string{"*"}}}}})
	if apiCode(err) != "InvalidRequest" {
		t.Fatalf("bad method: %v", err)
	}
	// Policy.
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::cfg/*"}]}`
	if _, err := c.PutBucketPolicy(ctx(t), &awss3.PutBucketPolicyInput{Bucket: aws.String("cfg"), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	gp, err := c.GetBucketPolicy(ctx(t), &awss3.GetBucketPolicyInput{Bucket: aws.String("cfg")})
	if err != nil || aws.ToString(gp.Policy) != policy {
		t.Fatalf("get policy: %v %v", gp, err)
	}
	_, err = c.PutBucketPolicy(ctx(t), &awss3.PutBucketPolicyInput{Bucket: aws.String("cfg"), Policy: aws.String("not json")})
	if apiCode(err) != "MalformedPolicy" {
		t.Fatalf("bad policy: %v", err)
	}
	c.DeleteBucketPolicy(ctx(t), &awss3.DeleteBucketPolicyInput{Bucket: aws.String("cfg")})
	_, err = c.GetBucketPolicy(ctx(t), &awss3.GetBucketPolicyInput{Bucket: aws.String("cfg")})
	if apiCode(err) != "NoSuchBucketPolicy" {
		t.Fatalf("deleted policy: %v", err)
	}
	// Lifecycle.
	_, err = c.PutBucketLifecycleConfiguration(ctx(t), &awss3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("cfg"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{ID: aws.String("expire-tmp"), Status: types.ExpirationStatusEnabled,
			Filter: &types.LifecycleRuleFilter{Prefix: aws.String("tmp/")}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(7)}}}}})
	if err != nil {
		t.Fatal(err)
	}
	gl, err := c.GetBucketLifecycleConfiguration(ctx(t), &awss3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("cfg")})
	if err != nil || len(gl.Rules) != 1 || aws.ToInt32(gl.Rules[0].Expiration.Days) != 7 || aws.ToString(gl.Rules[0].Filter.Prefix) != "tmp/" {
		t.Fatalf("get lifecycle: %+v %v", gl, err)
	}
	// Tagging.
	if _, err := c.PutBucketTagging(ctx(t), &awss3.PutBucketTaggingInput{Bucket: aws.String("cfg"), Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("team"), Value: aws.String("core")}}}}); err != nil {
		t.Fatal(err)
	}
	gt, err := c.GetBucketTagging(ctx(t), &awss3.GetBucketTaggingInput{Bucket: aws.String("cfg")})
	if err != nil || len(gt.TagSet) != 1 {
		t.Fatalf("bucket tags: %v %v", gt, err)
	}
}

// In strict mode every request is verified; presigned URLs too.
func TestStrictMode(t *testing.T) {
	e := start(t, envOpts{strict: true})
	c := awss3.New(awss3.Options{BaseEndpoint: aws.String(e.URL), Region: "us-east-1", UsePathStyle: true,
		Credentials: aws.NewCredentialsCache(staticCreds{"AKIDSTRICT", "strict-secret"})})
	mustBucket(t, c, "strict")
	bad := awss3.New(awss3.Options{BaseEndpoint: aws.String(e.URL), Region: "us-east-1", UsePathStyle: true,
		Credentials: aws.NewCredentialsCache(staticCreds{"AKIDSTRICT", "wrong"}), Retryer: aws.NopRetryer{}})
	_, err := bad.ListObjectsV2(ctx(t), &awss3.ListObjectsV2Input{Bucket: aws.String("strict")})
	if apiCode(err) != "SignatureDoesNotMatch" {
		t.Fatalf("wrong secret: %v", err)
	}
	st, body, _ := do(t, mustReq(http.NewRequest(http.MethodGet, e.URL+"/strict/x", nil)))
	if st != 403 || !strings.Contains(body, "<Code>AccessDenied</Code>") {
		t.Fatalf("unsigned in strict mode: %d %s", st, body)
	}
	// Signed chunks are checked with the key's real secret.
	cr := signedChunkedPutKey(t, e.URL+"/strict/chunked", [][]byte{[]byte("hello")}, "AKIDSTRICT", "strict-secret", false)
	if st, body, _ := do(t, cr); st != 200 {
		t.Fatalf("strict chunked: %d %s", st, body)
	}
}

type staticCreds struct{ id, secret string }

func (s staticCreds) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: s.id, SecretAccessKey: s.secret}, nil
}

// SigV2 query authentication, as `aws s3 presign` (CLI v1) makes it.
func TestPresignedV2(t *testing.T) {
	e := start(t)
	c := e.client(t)
	mustBucket(t, c, "sigv2")
	c.PutObject(ctx(t), &awss3.PutObjectInput{Bucket: aws.String("sigv2"), Key: aws.String("a b.txt"), Body: strings.NewReader("v2 body")})
	sign := func(path string, expires int64, secret string) string {
		sts := fmt.Sprintf("GET\n\n\n%d\n%s", expires, path)
		m := hmac.New(sha1.New, []byte(secret))
		m.Write([]byte(sts))
		return fmt.Sprintf("%s%s?AWSAccessKeyId=test&Expires=%d&Signature=%s", e.URL, path, expires, url.QueryEscape(base64.StdEncoding.EncodeToString(m.Sum(nil))))
	}
	get := func(u string) (int, string) {
		st, body, _ := do(t, mustReq(http.NewRequest(http.MethodGet, u, nil)))
		return st, body
	}
	future := time.Now().Add(time.Hour).Unix()
	if st, body := get(sign("/sigv2/a%20b.txt", future, "test")); st != 200 || body != "v2 body" {
		t.Fatalf("valid: %d %s", st, body)
	}
	if st, body := get(sign("/sigv2/a%20b.txt", future, "wrong")); st != 403 || !strings.Contains(body, "SignatureDoesNotMatch") {
		t.Fatalf("bad signature: %d %s", st, body)
	}
	if st, body := get(sign("/sigv2/a%20b.txt", time.Now().Add(-time.Minute).Unix(), "test")); st != 403 || !strings.Contains(body, "Request has expired") {
		t.Fatalf("expired: %d %s", st, body)
	}
	// Temporary credentials (boto3 in Lambda): botocore signs
	// x-amz-security-token as a header, then moves it to the query.
	tok := "nimbus/token+="
	m := hmac.New(sha1.New, []byte("test"))
	fmt.Fprintf(m, "GET\n\n\n%d\nx-amz-security-token:%s\n/sigv2/a%%20b.txt", future, tok)
	u := fmt.Sprintf("%s/sigv2/a%%20b.txt?AWSAccessKeyId=test&Expires=%d&Signature=%s&x-amz-security-token=%s", e.URL, future,
		url.QueryEscape(base64.StdEncoding.EncodeToString(m.Sum(nil))), url.QueryEscape(tok))
	if st, body := get(u); st != 200 || body != "v2 body" {
		t.Fatalf("with a session token: %d %s", st, body)
	}
	if st, body := get(sign("/sigv2/a%20b.txt", future, "test") + "&x-amz-security-token=x"); st != 403 || !strings.Contains(body, "SignatureDoesNotMatch") {
		t.Fatalf("a token the signature does not cover: %d %s", st, body)
	}
}

// A client that disconnects in the middle of a PUT leaves nothing behind:
// no object, no temporary file.
func TestInterruptedPut(t *testing.T) {
	e := start(t)
	c := e.client(t)
	mustBucket(t, c, "intr")
	addr := strings.TrimPrefix(e.URL, "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "PUT /intr/partial HTTP/1.1\r\nHost: %s\r\nContent-Length: 1048576\r\n\r\n", addr)
	conn.Write(bytes.Repeat([]byte("x"), 100000))
	// The server is now writing the body to a temporary file and waiting
	// for the rest; wait for that file (a condition, not a duration).
	deadline := time.Now().Add(10 * time.Second)
	for {
		ents, _ := os.ReadDir(filepath.Join(e.Dir, "tmp"))
		if len(ents) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no temporary file while the body arrives: %v", ents)
		}
		time.Sleep(5 * time.Millisecond)
	}
	conn.Close()
	// Then for the server to notice the disconnection.
	for {
		ents, _ := os.ReadDir(filepath.Join(e.Dir, "tmp"))
		if len(ents) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("temporary files remain: %v", ents)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := c.HeadObject(ctx(t), &awss3.HeadObjectInput{Bucket: aws.String("intr"), Key: aws.String("partial")}); err == nil {
		t.Fatal("a partial PUT is visible")
	}
}
