package s3_test

import (
	"bytes"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestBuckets(t *testing.T) {
	e := start(t)
	c := e.client(t)
	mustBucket(t, c, "alpha")
	mustBucket(t, c, "beta")
	// us-east-1 keeps the legacy answer for an owner re-creating a bucket.
	if _, err := c.CreateBucket(ctx(t), &awss3.CreateBucketInput{Bucket: aws.String("alpha")}); err != nil {
		t.Fatalf("re-create in us-east-1: %v", err)
	}
	for _, bad := range []string{"ab", "UPPER", "a..b", "192.168.1.1", "-abc", "xn--abc", "abc-s3alias", strings.Repeat("a", 64)} {
		_, err := c.CreateBucket(ctx(t), &awss3.CreateBucketInput{Bucket: aws.String(bad)})
		if apiCode(err) != "InvalidBucketName" {
			t.Errorf("bucket %q: %v", bad, err)
		}
	}
	_, err := c.CreateBucket(ctx(t), &awss3.CreateBucketInput{Bucket: aws.String("gamma"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: "us-east-1"}})
	if apiCode(err) != "InvalidLocationConstraint" {
		t.Errorf("us-east-1 constraint: %v", err)
	}
	eu := e.client(t, func(o *awss3.Options) { o.Region = "eu-west-1" })
	_, err = eu.CreateBucket(ctx(t), &awss3.CreateBucketInput{Bucket: aws.String("gamma")})
	if apiCode(err) != "IllegalLocationConstraintException" {
		t.Errorf("no constraint in eu-west-1: %v", err)
	}
	if _, err := eu.CreateBucket(ctx(t), &awss3.CreateBucketInput{Bucket: aws.String("gamma"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}}); err != nil {
		t.Fatal(err)
	}
	_, err = eu.CreateBucket(ctx(t), &awss3.CreateBucketInput{Bucket: aws.String("gamma"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}})
	if apiCode(err) != "BucketAlreadyOwnedByYou" {
		t.Errorf("re-create in eu-west-1: %v", err)
	}
	loc, err := c.GetBucketLocation(ctx(t), &awss3.GetBucketLocationInput{Bucket: aws.String("gamma")})
	if err != nil || loc.LocationConstraint != "eu-west-1" {
		t.Fatalf("location: %v %v", loc, err)
	}
	loc, err = c.GetBucketLocation(ctx(t), &awss3.GetBucketLocationInput{Bucket: aws.String("alpha")})
	if err != nil || loc.LocationConstraint != "" {
		t.Fatalf("location us-east-1: %v %v", loc, err)
	}
	if _, err := c.HeadBucket(ctx(t), &awss3.HeadBucketInput{Bucket: aws.String("alpha")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.HeadBucket(ctx(t), &awss3.HeadBucketInput{Bucket: aws.String("nope")})
	var nf *types.NotFound
	if !errors.As(err, &nf) {
		t.Fatalf("head missing: %v", err)
	}
	lb, err := c.ListBuckets(ctx(t), &awss3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range lb.Buckets {
		names = append(names, aws.ToString(b.Name))
	}
	if strings.Join(names, ",") != "alpha,beta,gamma" {
		t.Fatalf("buckets %v", names)
	}
	c.PutObject(ctx(t), &awss3.PutObjectInput{Bucket: aws.String("beta"), Key: aws.String("k"), Body: strings.NewReader("x")})
	_, err = c.DeleteBucket(ctx(t), &awss3.DeleteBucketInput{Bucket: aws.String("beta")})
	if apiCode(err) != "BucketNotEmpty" {
		t.Fatalf("delete non-empty: %v", err)
	}
	if _, err := c.DeleteBucket(ctx(t), &awss3.DeleteBucketInput{Bucket: aws.String("alpha")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteBucket(ctx(t), &awss3.DeleteBucketInput{Bucket: aws.String("alpha")})
	if apiCode(err) != "NoSuchBucket" {
		t.Fatalf("delete twice: %v", err)
	}
}

// Every flexible checksum the SDK can send, in headers (seekable bodies)
// and in aws-chunked trailers (unseekable ones), stored and returned with
// ChecksumMode=ENABLED and validated by the SDK on GET.
func TestChecksums(t *testing.T) {
	// Over TLS, as the SDK sends trailing checksums only there.
	e := start(t, envOpts{tls: true})
	c := e.client(t)
	mustBucket(t, c, "sums")
	data := bytes.Repeat([]byte("checksum me "), 10000)
	for _, alg := range []types.ChecksumAlgorithm{types.ChecksumAlgorithmCrc32, types.ChecksumAlgorithmCrc32c, types.ChecksumAlgorithmSha1, types.ChecksumAlgorithmSha256, types.ChecksumAlgorithmCrc64nvme} {
		for _, seekable := range []bool{true, false} {
			key := fmt.Sprintf("%s-%v", alg, seekable)
			var body io.Reader = bytes.NewReader(data)
			if !seekable {
				body = io.MultiReader(bytes.NewReader(data))
			}
			in := &awss3.PutObjectInput{Bucket: aws.String("sums"), Key: aws.String(key), Body: body, ChecksumAlgorithm: alg}
			if !seekable {
				in.ContentLength = aws.Int64(int64(len(data)))
			}
			if _, err := c.PutObject(ctx(t), in); err != nil {
				t.Fatalf("%s: put: %v", key, err)
			}
			got, err := c.GetObject(ctx(t), &awss3.GetObjectInput{Bucket: aws.String("sums"), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
			if err != nil {
				t.Fatalf("%s: get: %v", key, err)
			}
			b, err := io.ReadAll(got.Body)
			if err != nil || !bytes.Equal(b, data) {
				t.Fatalf("%s: body: %v", key, err)
			}
			sum := map[types.ChecksumAlgorithm]*string{types.ChecksumAlgorithmCrc32: got.ChecksumCRC32, types.ChecksumAlgorithmCrc32c: got.ChecksumCRC32C,
				types.ChecksumAlgorithmSha1: got.ChecksumSHA1, types.ChecksumAlgorithmSha256: got.ChecksumSHA256, types.ChecksumAlgorithmCrc64nvme: got.ChecksumCRC64NVME}[alg]
			if aws.ToString(sum) == "" {
				t.Fatalf("%s: no checksum returned", key)
			}
			// A range response never carries the full-object checksum.
			rg, err := c.GetObject(ctx(t), &awss3.GetObjectInput{Bucket: aws.String("sums"), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled, Range: aws.String("bytes=0-9")})
			if err != nil {
				t.Fatal(err)
			}
			io.ReadAll(rg.Body)
			if rg.ChecksumCRC32 != nil || rg.ChecksumSHA256 != nil || rg.ChecksumCRC64NVME != nil || rg.ChecksumCRC32C != nil || rg.ChecksumSHA1 != nil {
				t.Fatalf("%s: checksum on a range response", key)
			}
		}
	}
	// A wrong checksum is refused.
	_, err := c.PutObject(ctx(t), &awss3.PutObjectInput{Bucket: aws.String("sums"), Key: aws.String("bad"), Body: bytes.NewReader(data),
		ChecksumCRC32: aws.String("AAAAAA==")})
	if apiCode(err) != "BadDigest" {
		t.Fatalf("bad crc32: %v", err)
	}
	// So is a wrong Content-MD5.
	_, err = c.PutObject(ctx(t), &awss3.PutObjectInput{Bucket: aws.String("sums"), Key: aws.String("bad"), Body: bytes.NewReader(data),
		ContentMD5: aws.String("1B2M2Y8AsgTpgAmY7PhCfg==")})
	if apiCode(err) != "BadDigest" {
		t.Fatalf("bad md5: %v", err)
	}
	if _, err := c.HeadObject(ctx(t), &awss3.HeadObjectInput{Bucket: aws.String("sums"), Key: aws.String("bad")}); err == nil {
		t.Fatal("a refused PUT left an object")
	}
}

func TestMultipartManager(t *testing.T) {
	e := start(t)
	c := e.client(t)
	mustBucket(t, c, "mpu")
	data := make([]byte, 17<<20+12345)
	rand.Read(data)
	up := manager.NewUploader(c, func(u *manager.Uploader) { u.PartSize = 5 << 20; u.Concurrency = 4 })
	res, err := up.Upload(ctx(t), &awss3.PutObjectInput{Bucket: aws.String("mpu"), Key: aws.String("big.bin"), Body: io.MultiReader(bytes.NewReader(data)),
		ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
	if err != nil {
		t.Fatal(err)
	}
	var md []byte
	for off := 0; off < len(data); off += 5 << 20 {
		s := md5.Sum(data[off:min(off+5<<20, len(data))])
		md = append(md, s[:]...)
	}
	all := md5.Sum(md)
	want := fmt.Sprintf(`"%s-4"`, hex.EncodeToString(all[:]))
	if aws.ToString(res.ETag) != want {
		t.Fatalf("etag %s want %s", aws.ToString(res.ETag), want)
	}
	got, err := c.GetObject(ctx(t), &awss3.GetObjectInput{Bucket: aws.String("mpu"), Key: aws.String("big.bin"), ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(got.Body)
	if err != nil || !bytes.Equal(b, data) {
		t.Fatalf("body mismatch: %v", err)
	}
	if !strings.HasSuffix(aws.ToString(got.ChecksumCRC32), "-4") {
		t.Fatalf("composite checksum %q", aws.ToString(got.ChecksumCRC32))
	}
	// Part 2 alone.
	p2, err := c.GetObject(ctx(t), &awss3.GetObjectInput{Bucket: aws.String("mpu"), Key: aws.String("big.bin"), PartNumber: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(p2.Body)
	if !bytes.Equal(b, data[5<<20:10<<20]) || aws.ToInt32(p2.PartsCount) != 4 {
		t.Fatalf("part 2: %d bytes, parts %d", len(b), aws.ToInt32(p2.PartsCount))
	}
	// The downloader uses ranges.
	dl := manager.NewDownloader(c, func(d *manager.Downloader) { d.PartSize = 5 << 20 })
	buf := manager.NewWriteAtBuffer(nil)
	if _, err := dl.Download(ctx(t), buf, &awss3.GetObjectInput{Bucket: aws.String("mpu"), Key: aws.String("big.bin")}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), data) {
		t.Fatal("download mismatch")
	}
}

func TestMultipartErrors(t *testing.T) {
	e := start(t)
	c := e.client(t)
	mustBucket(t, c, "mpu")
	cr, err := c.CreateMultipartUpload(ctx(t), &awss3.CreateMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	id := cr.UploadId
	var etags []string
	for i, body := range []string{"small part", "second"} {
		r, err := c.UploadPart(ctx(t), &awss3.UploadPartInput{Bucket: aws.String("mpu"), Key: aws.String("k"), UploadId: id,
			PartNumber: aws.Int32(int32(i + 1)), Body: strings.NewReader(body)})
		if err != nil {
			t.Fatal(err)
		}
		etags = append(etags, aws.ToString(r.ETag))
	}
	complete := func(parts ...types.CompletedPart) error {
		_, err := c.CompleteMultipartUpload(ctx(t), &awss3.CompleteMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("k"), UploadId: id,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
		return err
	}
	p := func(n int32, etag string) types.CompletedPart {
		return types.CompletedPart{PartNumber: aws.Int32(n), ETag: aws.String(etag)}
	}
	if err := complete(p(1, etags[0]), p(2, etags[1])); apiCode(err) != "EntityTooSmall" {
		t.Fatalf("too small: %v", err)
	}
	if err := complete(p(2, etags[1]), p(1, etags[0])); apiCode(err) != "InvalidPartOrder" {
		t.Fatalf("order: %v", err)
	}
	if err := complete(p(1, etags[1])); apiCode(err) != "InvalidPart" {
		t.Fatalf("wrong etag: %v", err)
	}
	if err := complete(p(3, etags[1])); apiCode(err) != "InvalidPart" {
		t.Fatalf("missing part: %v", err)
	}
	lp, err := c.ListParts(ctx(t), &awss3.ListPartsInput{Bucket: aws.String("mpu"), Key: aws.String("k"), UploadId: id})
	if err != nil || len(lp.Parts) != 2 || aws.ToInt64(lp.Parts[1].Size) != 6 {
		t.Fatalf("list parts: %+v %v", lp, err)
	}
	lu, err := c.ListMultipartUploads(ctx(t), &awss3.ListMultipartUploadsInput{Bucket: aws.String("mpu")})
	if err != nil || len(lu.Uploads) != 1 || aws.ToString(lu.Uploads[0].UploadId) != aws.ToString(id) {
		t.Fatalf("list uploads: %+v %v", lu, err)
	}
	// A single small part is a valid upload: the last part may be small.
	if err := complete(p(1, etags[0])); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetObject(ctx(t), &awss3.GetObjectInput{Bucket: aws.String("mpu"), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(got.Body)
	if string(b) != "small part" || !strings.HasSuffix(aws.ToString(got.ETag), `-1"`) {
		t.Fatalf("got %q etag %s", b, aws.ToString(got.ETag))
	}
	_, err = c.AbortMultipartUpload(ctx(t), &awss3.AbortMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("k"), UploadId: id})
	var nsu *types.NoSuchUpload
	if !errors.As(err, &nsu) {
		t.Fatalf("abort completed: %v", err)
	}
	cr2, _ := c.CreateMultipartUpload(ctx(t), &awss3.CreateMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("k2")})
	if _, err := c.AbortMultipartUpload(ctx(t), &awss3.AbortMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("k2"), UploadId: cr2.UploadId}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UploadPart(ctx(t), &awss3.UploadPartInput{Bucket: aws.String("mpu"), Key: aws.String("k2"), UploadId: cr2.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("x")})
	if apiCode(err) != "NoSuchUpload" {
		t.Fatalf("upload to aborted: %v", err)
	}
	// UploadPartCopy from an existing object.
	cr3, _ := c.CreateMultipartUpload(ctx(t), &awss3.CreateMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("k3")})
	cp, err := c.UploadPartCopy(ctx(t), &awss3.UploadPartCopyInput{Bucket: aws.String("mpu"), Key: aws.String("k3"), UploadId: cr3.UploadId,
		PartNumber: aws.Int32(1), CopySource: aws.String("mpu/k"), CopySourceRange: aws.String("bytes=0-4")})
	if err != nil {
		t.Fatal(err)
	}
	if err := func() error {
		_, err := c.CompleteMultipartUpload(ctx(t), &awss3.CompleteMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("k3"), UploadId: cr3.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: cp.CopyPartResult.ETag}}}})
		return err
	}(); err != nil {
		t.Fatal(err)
	}
	got, _ = c.GetObject(ctx(t), &awss3.GetObjectInput{Bucket: aws.String("mpu"), Key: aws.String("k3")})
	b, _ = io.ReadAll(got.Body)
	if string(b) != "small" {
		t.Fatalf("part copy: %q", b)
	}
}

func TestListing(t *testing.T) {
	e := start(t)
	c := e.client(t)
	mustBucket(t, c, "lst")
	keys := []string{"a.txt", "b/1.txt", "b/2.txt", "b/c/3.txt", "d e+f.txt", "z", "ü/ñ.txt"}
	for _, k := range keys {
		if _, err := c.PutObject(ctx(t), &awss3.PutObjectInput{Bucket: aws.String("lst"), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatal(err)
		}
	}
	var all []string
	p := awss3.NewListObjectsV2Paginator(c, &awss3.ListObjectsV2Input{Bucket: aws.String("lst"), MaxKeys: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, o := range out.Contents {
			all = append(all, aws.ToString(o.Key))
		}
	}
	sorted := append([]string(nil), keys...)
	sort.Strings(sorted)
	if strings.Join(all, "|") != strings.Join(sorted, "|") || pages != 4 {
		t.Fatalf("paged %v in %d pages", all, pages)
	}
	out, err := c.ListObjectsV2(ctx(t), &awss3.ListObjectsV2Input{Bucket: aws.String("lst"), Delimiter: aws.String("/"), EncodingType: types.EncodingTypeUrl})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range out.Contents {
		got = append(got, aws.ToString(o.Key))
	}
	for _, cp := range out.CommonPrefixes {
		got = append(got, "P:"+aws.ToString(cp.Prefix))
	}
	if strings.Join(got, "|") != "a.txt|d%20e%2Bf.txt|z|P:b/|P:%C3%BC/" || aws.ToInt32(out.KeyCount) != 5 {
		t.Fatalf("delimited: %v (%d)", got, aws.ToInt32(out.KeyCount))
	}
	out, err = c.ListObjectsV2(ctx(t), &awss3.ListObjectsV2Input{Bucket: aws.String("lst"), Prefix: aws.String("b/"), Delimiter: aws.String("/"), StartAfter: aws.String("b/1.txt"), FetchOwner: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Contents) != 1 || aws.ToString(out.Contents[0].Key) != "b/2.txt" || len(out.CommonPrefixes) != 1 || out.Contents[0].Owner == nil {
		t.Fatalf("prefix+start-after: %+v", out)
	}
	v1, err := c.ListObjects(ctx(t), &awss3.ListObjectsInput{Bucket: aws.String("lst"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if !aws.ToBool(v1.IsTruncated) || aws.ToString(v1.NextMarker) != "b/" {
		t.Fatalf("v1: truncated %v next %q", aws.ToBool(v1.IsTruncated), aws.ToString(v1.NextMarker))
	}
	v1, err = c.ListObjects(ctx(t), &awss3.ListObjectsInput{Bucket: aws.String("lst"), Delimiter: aws.String("/"), Marker: v1.NextMarker})
	if err != nil {
		t.Fatal(err)
	}
	if len(v1.Contents) != 2 || aws.ToString(v1.Contents[0].Key) != "d e+f.txt" {
		t.Fatalf("v1 page 2: %+v", v1.Contents)
	}
}

func TestConditionalAndCopy(t *testing.T) {
	e := start(t)
	c := e.client(t)
	mustBucket(t, c, "cnd")
	put, err := c.PutObject(ctx(t), &awss3.PutObjectInput{Bucket: aws.String("cnd"), Key: aws.String("k"), Body: strings.NewReader("v1"), IfNoneMatch: aws.String("*")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.PutObject(ctx(t), &awss3.PutObjectInput{Bucket: aws.String("cnd"), Key: aws.String("k"), Body: strings.NewReader("v2"), IfNoneMatch: aws.String("*")})
	if apiCode(err) != "PreconditionFailed" {
		t.Fatalf("if-none-match put: %v", err)
	}
	_, err = c.GetObject(ctx(t), &awss3.GetObjectInput{Bucket: aws.String("cnd"), Key: aws.String("k"), IfMatch: aws.String(`"nope"`)})
	if apiCode(err) != "PreconditionFailed" {
		t.Fatalf("if-match: %v", err)
	}
	_, err = c.GetObject(ctx(t), &awss3.GetObjectInput{Bucket: aws.String("cnd"), Key: aws.String("k"), IfNoneMatch: put.ETag})
	if err == nil || !strings.Contains(err.Error(), "304") {
		t.Fatalf("if-none-match: %v", err)
	}
	_, err = c.GetObject(ctx(t), &awss3.GetObjectInput{Bucket: aws.String("cnd"), Key: aws.String("k"), IfModifiedSince: aws.Time(time.Now().Add(time.Hour))})
	if err == nil || !strings.Contains(err.Error(), "304") {
		t.Fatalf("if-modified-since: %v", err)
	}
	_, err = c.GetObject(ctx(t), &awss3.GetObjectInput{Bucket: aws.String("cnd"), Key: aws.String("k"), IfUnmodifiedSince: aws.Time(time.Now().Add(-time.Hour))})
	if apiCode(err) != "PreconditionFailed" {
		t.Fatalf("if-unmodified-since: %v", err)
	}
	g, err := c.GetObject(ctx(t), &awss3.GetObjectInput{Bucket: aws.String("cnd"), Key: aws.String("k"), IfMatch: put.ETag,
		ResponseContentType: aws.String("application/x-test"), ResponseContentDisposition: aws.String("attachment")})
	if err != nil || aws.ToString(g.ContentType) != "application/x-test" || aws.ToString(g.ContentDisposition) != "attachment" {
		t.Fatalf("overrides: %v", err)
	}
	// Copy, keeping and replacing metadata.
	c.PutObject(ctx(t), &awss3.PutObjectInput{Bucket: aws.String("cnd"), Key: aws.String("src"), Body: strings.NewReader("copy me"),
		Metadata: map[string]string{"a": "1"}, ContentType: aws.String("text/plain"), Tagging: aws.String("t1=v1&t2=v2")})
	if _, err := c.CopyObject(ctx(t), &awss3.CopyObjectInput{Bucket: aws.String("cnd"), Key: aws.String("dst"), CopySource: aws.String("cnd/src")}); err != nil {
		t.Fatal(err)
	}
	h, err := c.HeadObject(ctx(t), &awss3.HeadObjectInput{Bucket: aws.String("cnd"), Key: aws.String("dst")})
	if err != nil || h.Metadata["a"] != "1" || aws.ToString(h.ContentType) != "text/plain" || aws.ToInt64(h.ContentLength) != 7 {
		t.Fatalf("copy: %+v %v", h, err)
	}
	tg, err := c.GetObjectTagging(ctx(t), &awss3.GetObjectTaggingInput{Bucket: aws.String("cnd"), Key: aws.String("dst")})
	if err != nil || len(tg.TagSet) != 2 {
		t.Fatalf("copied tags: %+v %v", tg, err)
	}
	if _, err := c.CopyObject(ctx(t), &awss3.CopyObjectInput{Bucket: aws.String("cnd"), Key: aws.String("dst"), CopySource: aws.String("cnd/src"),
		MetadataDirective: types.MetadataDirectiveReplace, Metadata: map[string]string{"b": "2"}}); err != nil {
		t.Fatal(err)
	}
	h, _ = c.HeadObject(ctx(t), &awss3.HeadObjectInput{Bucket: aws.String("cnd"), Key: aws.String("dst")})
	if h.Metadata["a"] != "" || h.Metadata["b"] != "2" {
		t.Fatalf("replace: %v", h.Metadata)
	}
	_, err = c.CopyObject(ctx(t), &awss3.CopyObjectInput{Bucket: aws.String("cnd"), Key: aws.String("src"), CopySource: aws.String("cnd/src")})
	if apiCode(err) != "InvalidRequest" {
		t.Fatalf("copy to itself: %v", err)
	}
	_, err = c.CopyObject(ctx(t), &awss3.CopyObjectInput{Bucket: aws.String("cnd"), Key: aws.String("d2"), CopySource: aws.String("cnd/src"), CopySourceIfMatch: aws.String(`"x"`)})
	if apiCode(err) != "PreconditionFailed" {
		t.Fatalf("conditional copy: %v", err)
	}
	// DeleteObjects, with one key missing (not an error in S3).
	do, err := c.DeleteObjects(ctx(t), &awss3.DeleteObjectsInput{Bucket: aws.String("cnd"), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("src")}, {Key: aws.String("dst")}, {Key: aws.String("never")}}}})
	if err != nil || len(do.Deleted) != 3 || len(do.Errors) != 0 {
		t.Fatalf("delete objects: %+v %v", do, err)
	}
}

func TestVersioning(t *testing.T) {
	e := start(t)
	c := e.client(t)
	mustBucket(t, c, "ver")
	c.PutObject(ctx(t), &awss3.PutObjectInput{Bucket: aws.String("ver"), Key: aws.String("k"), Body: strings.NewReader("before")})
	if _, err := c.PutBucketVersioning(ctx(t), &awss3.PutBucketVersioningInput{Bucket: aws.String("ver"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	gv, _ := c.GetBucketVersioning(ctx(t), &awss3.GetBucketVersioningInput{Bucket: aws.String("ver")})
	if gv.Status != types.BucketVersioningStatusEnabled {
		t.Fatalf("status %q", gv.Status)
	}
	p1, _ := c.PutObject(ctx(t), &awss3.PutObjectInput{Bucket: aws.String("ver"), Key: aws.String("k"), Body: strings.NewReader("one")})
	p2, _ := c.PutObject(ctx(t), &awss3.PutObjectInput{Bucket: aws.String("ver"), Key: aws.String("k"), Body: strings.NewReader("two")})
	if aws.ToString(p1.VersionId) == "" || aws.ToString(p1.VersionId) == aws.ToString(p2.VersionId) {
		t.Fatalf("version ids %q %q", aws.ToString(p1.VersionId), aws.ToString(p2.VersionId))
	}
	read := func(vid string) string {
		in := &awss3.GetObjectInput{Bucket: aws.String("ver"), Key: aws.String("k")}
		if vid != "" {
			in.VersionId = aws.String(vid)
		}
		g, err := c.GetObject(ctx(t), in)
		if err != nil {
			return "error:" + apiCode(err)
		}
		b, _ := io.ReadAll(g.Body)
		return string(b)
	}
	if read("") != "two" || read(aws.ToString(p1.VersionId)) != "one" || read("null") != "before" {
		t.Fatalf("reads: %q %q %q", read(""), read(aws.ToString(p1.VersionId)), read("null"))
	}
	d, err := c.DeleteObject(ctx(t), &awss3.DeleteObjectInput{Bucket: aws.String("ver"), Key: aws.String("k")})
	if err != nil || !aws.ToBool(d.DeleteMarker) || aws.ToString(d.VersionId) == "" {
		t.Fatalf("delete marker: %+v %v", d, err)
	}
	if got := read(""); got != "error:NoSuchKey" {
		t.Fatalf("after delete: %q", got)
	}
	lv, err := c.ListObjectVersions(ctx(t), &awss3.ListObjectVersionsInput{Bucket: aws.String("ver")})
	if err != nil {
		t.Fatal(err)
	}
	if len(lv.Versions) != 3 || len(lv.DeleteMarkers) != 1 || !aws.ToBool(lv.DeleteMarkers[0].IsLatest) || aws.ToString(lv.Versions[2].VersionId) != "null" {
		t.Fatalf("versions: %d markers: %d", len(lv.Versions), len(lv.DeleteMarkers))
	}
	// Removing the marker brings "two" back.
	if _, err := c.DeleteObject(ctx(t), &awss3.DeleteObjectInput{Bucket: aws.String("ver"), Key: aws.String("k"), VersionId: d.VersionId}); err != nil {
		t.Fatal(err)
	}
	if got := read(""); got != "two" {
		t.Fatalf("after removing marker: %q", got)
	}
	out, _ := c.ListObjectsV2(ctx(t), &awss3.ListObjectsV2Input{Bucket: aws.String("ver")})
	if len(out.Contents) != 1 {
		t.Fatalf("list: %d", len(out.Contents))
	}
	// Paging through versions one at a time.
	var n int
	pg := awss3.NewListObjectVersionsPaginator(c, &awss3.ListObjectVersionsInput{Bucket: aws.String("ver"), MaxKeys: aws.Int32(1)})
	for pg.HasMorePages() {
		o, err := pg.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		n += len(o.Versions) + len(o.DeleteMarkers)
		if n > 10 {
			t.Fatal("pagination does not end")
		}
	}
	if n != 3 {
		t.Fatalf("paged versions: %d", n)
	}
}

// Pre-signed URLs: GET and PUT work with plain net/http; a tampered URL
// is SignatureDoesNotMatch and an expired one "Request has expired", both
// in S3's XML, although header-signed requests are not verified.
func TestPresigned(t *testing.T) {
	e := start(t)
	c := e.client(t)
	mustBucket(t, c, "pre")
	c.PutObject(ctx(t), &awss3.PutObjectInput{Bucket: aws.String("pre"), Key: aws.String("song.mp3"), Body: strings.NewReader("ID3 audio")})
	ps := awss3.NewPresignClient(c)
	req, err := ps.PresignGetObject(ctx(t), &awss3.GetObjectInput{Bucket: aws.String("pre"), Key: aws.String("song.mp3")}, awss3.WithPresignExpires(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	get := func(u string) (int, string) {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, body := get(req.URL); st != 200 || body != "ID3 audio" {
		t.Fatalf("presigned GET: %d %s", st, body)
	}
	tampered := strings.Replace(req.URL, "song.mp3", "song.mp4", 1)
	if st, body := get(tampered); st != 403 || !strings.Contains(body, "<Code>SignatureDoesNotMatch</Code>") {
		t.Fatalf("tampered: %d %s", st, body)
	}
	// Signed an hour and a half ago for an hour: expired.
	old := awss3.NewPresignClient(c, func(o *awss3.PresignOptions) {
		o.Presigner = signerAt{inner: v4.NewSigner(), at: time.Now().Add(-90 * time.Minute)}
	})
	exp, err := old.PresignGetObject(ctx(t), &awss3.GetObjectInput{Bucket: aws.String("pre"), Key: aws.String("song.mp3")}, awss3.WithPresignExpires(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if st, body := get(exp.URL); st != 403 || !strings.Contains(body, "<Code>AccessDenied</Code>") || !strings.Contains(body, "Request has expired") {
		t.Fatalf("expired: %d %s", st, body)
	}
	// Pre-signed PUT.
	pput, err := ps.PresignPutObject(ctx(t), &awss3.PutObjectInput{Bucket: aws.String("pre"), Key: aws.String("up.txt")})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := http.NewRequest(http.MethodPut, pput.URL, strings.NewReader("uploaded"))
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("presigned PUT: %d", resp.StatusCode)
	}
	if st, body := get(e.URL + "/pre/up.txt"); st != 200 || body != "uploaded" {
		t.Fatalf("unsigned read back: %d %q", st, body)
	}
}

func TestListBucketsPaging(t *testing.T) {
	e := start(t)
	c := e.client(t)
	for _, b := range []string{"page-a", "page-b", "page-c", "other"} {
		mustBucket(t, c, b)
	}
	var names []string
	p := awss3.NewListBucketsPaginator(c, &awss3.ListBucketsInput{Prefix: aws.String("page-"), MaxBuckets: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range out.Buckets {
			names = append(names, aws.ToString(b.Name))
			if aws.ToString(b.BucketRegion) != "us-east-1" {
				t.Fatalf("region %q", aws.ToString(b.BucketRegion))
			}
		}
	}
	if strings.Join(names, ",") != "page-a,page-b,page-c" {
		t.Fatalf("paged buckets: %v", names)
	}
	// Another account sees none of them.
	other := e.client(t, func(o *awss3.Options) { o.Credentials = staticCreds{"111122223333", "x"} })
	out, err := other.ListBuckets(ctx(t), &awss3.ListBucketsInput{})
	if err != nil || len(out.Buckets) != 0 {
		t.Fatalf("other account: %v %v", out, err)
	}
	_, err = other.CreateBucket(ctx(t), &awss3.CreateBucketInput{Bucket: aws.String("page-a")})
	if apiCode(err) != "BucketAlreadyExists" {
		t.Fatalf("taken name: %v", err)
	}
}
