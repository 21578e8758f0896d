package app

import (
	"context"
	"io"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
	"github.com/nimbus-cloud/nimbus/internal/s3"
)

// laterS3 lets services built before S3 (Polly's task output, Lambda's code
// from a bucket) reach it: S3 needs Lambda for its notifications, so it is
// built after them, and these calls only happen once nimbus serves.
type laterS3 struct{ s **s3.Service }

func (l laterS3) svc() (*s3.Service, error) {
	if *l.s == nil {
		return nil, &awserr.Error{Code: "ServiceUnavailable", Message: "S3 is not started", Status: 503}
	}
	return *l.s, nil
}

// PutObject implements polly.ObjectWriter.
func (l laterS3) PutObject(ctx context.Context, account, region, bucket, key string, body io.Reader, contentType string) (string, error) {
	s, err := l.svc()
	if err != nil {
		return "", err
	}
	return s.PutObject(ctx, account, region, bucket, key, body, contentType)
}

// GetObject implements lambda.CodeSource.
func (l laterS3) GetObject(ctx context.Context, account, region, bucket, key string) (io.ReadCloser, int64, error) {
	s, err := l.svc()
	if err != nil {
		return nil, 0, err
	}
	return s.GetObject(ctx, account, region, bucket, key)
}
