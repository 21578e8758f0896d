package s3_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// boto3 as a course Lambda function uses it: upload, then hand out a
// pre-signed URL (both SigV2 and SigV4 forms), which must work untampered
// and fail tampered or expired (signed with botocore's clock set back).
const boto3Script = `
import sys, time, datetime, types, urllib.request, urllib.error
import boto3, botocore.auth
from botocore.config import Config
endpoint = sys.argv[1]
def client(sig):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(signature_version=sig, s3={"addressing_style": "path"}))
s3 = client("s3v4")
s3.create_bucket(Bucket="dictation")
s3.put_object(Bucket="dictation", Key="notes/a b.mp3", Body=b"ID3 mp3 bytes", ContentType="audio/mpeg")
def fetch(url):
    try:
        with urllib.request.urlopen(url) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
for sig in ("s3v4", "s3"):
    c = client(sig)
    url = c.generate_presigned_url("get_object", Params={"Bucket": "dictation", "Key": "notes/a b.mp3"}, ExpiresIn=300)
    st, body = fetch(url)
    assert st == 200 and body == b"ID3 mp3 bytes", (sig, st, body)
    st, body = fetch(url.replace("a%20b", "a%20c"))
    assert st == 403 and b"SignatureDoesNotMatch" in body, (sig, st, body)
    # A fake clock an hour behind signs a URL that expired half an hour ago.
    real_now, real_time = botocore.auth.get_current_datetime, botocore.auth.time
    botocore.auth.get_current_datetime = lambda *a, **k: real_now(*a, **k) - datetime.timedelta(hours=1)
    botocore.auth.time = types.SimpleNamespace(time=lambda: real_time.time() - 3600, gmtime=real_time.gmtime)
    try:
        url = c.generate_presigned_url("get_object", Params={"Bucket": "dictation", "Key": "notes/a b.mp3"}, ExpiresIn=1800)
    finally:
        botocore.auth.get_current_datetime, botocore.auth.time = real_now, real_time
    st, body = fetch(url)
    assert st == 403 and b"Request has expired" in body, (sig, st, body)
print("ok")
`

func TestBoto3(t *testing.T) {
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("python3 with boto3 not installed; skipping the boto3 test")
	}
	e := start(t)
	cmd := exec.Command("python3", "-c", boto3Script, e.URL)
	cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE=/nonexistent", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ok") {
		t.Fatalf("boto3: %v\n%s", err, out)
	}
}
