package s3_test

import (
	"context"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
)

// signerAt presigns as if the clock read at: a fake clock for expiry.
type signerAt struct {
	inner awss3.HTTPPresignerV4
	at    time.Time
}

func (s signerAt) PresignHTTP(ctx context.Context, credentials aws.Credentials, r *http.Request, payloadHash string, service string, region string, signingTime time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return s.inner.PresignHTTP(ctx, credentials, r, payloadHash, service, region, s.at, optFns...)
}
