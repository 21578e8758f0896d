package s3

import (
	"net/http"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
)

// S3's errors, worded as S3 words them.

func errNoSuchBucket(bucket string) *awserr.Error {
	return (&awserr.Error{Code: "NoSuchBucket", Message: "The specified bucket does not exist", Status: http.StatusNotFound}).With("BucketName", bucket)
}

func errNoSuchKey(key string) *awserr.Error {
	return (&awserr.Error{Code: "NoSuchKey", Message: "The specified key does not exist.", Status: http.StatusNotFound}).With("Key", key)
}

func errNoSuchVersion(key, version string) *awserr.Error {
	return (&awserr.Error{Code: "NoSuchVersion", Message: "The specified version does not exist.", Status: http.StatusNotFound}).
		With("Key", key).With("VersionId", version)
}

func errNoSuchUpload(id string) *awserr.Error {
	return (&awserr.Error{Code: "NoSuchUpload", Status: http.StatusNotFound,
		Message: "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."}).With("UploadId", id)
}

func errInvalidBucketName(bucket string) *awserr.Error {
	return (&awserr.Error{Code: "InvalidBucketName", Message: "The specified bucket is not valid.", Status: http.StatusBadRequest}).With("BucketName", bucket)
}

func errInvalidArgument(msg, name, value string) *awserr.Error {
	e := &awserr.Error{Code: "InvalidArgument", Message: msg, Status: http.StatusBadRequest}
	if name != "" {
		e.With("ArgumentName", name).With("ArgumentValue", value)
	}
	return e
}

func errInvalidRequest(msg string) *awserr.Error {
	return &awserr.Error{Code: "InvalidRequest", Message: msg, Status: http.StatusBadRequest}
}

func errPreconditionFailed(cond string) *awserr.Error {
	return (&awserr.Error{Code: "PreconditionFailed", Message: "At least one of the pre-conditions you specified did not hold", Status: http.StatusPreconditionFailed}).With("Condition", cond)
}

func errBadDigest() *awserr.Error {
	return &awserr.Error{Code: "BadDigest", Message: "The Content-MD5 you specified did not match what we received.", Status: http.StatusBadRequest}
}

func errInvalidDigest() *awserr.Error {
	return &awserr.Error{Code: "InvalidDigest", Message: "The Content-MD5 you specified was invalid.", Status: http.StatusBadRequest}
}

func errNotImplemented(msg string) *awserr.Error {
	if msg == "" {
		msg = "A header you provided implies functionality that is not implemented"
	}
	return &awserr.Error{Code: "NotImplemented", Message: msg, Status: http.StatusNotImplemented}
}

func errMethodNotAllowed(method, resource string) *awserr.Error {
	return (&awserr.Error{Code: "MethodNotAllowed", Message: "The specified method is not allowed against this resource.", Status: http.StatusMethodNotAllowed}).
		With("Method", method).With("ResourceType", resource)
}

func errEntityTooLarge(size, max int64) *awserr.Error {
	return (&awserr.Error{Code: "EntityTooLarge", Message: "Your proposed upload exceeds the maximum allowed size", Status: http.StatusBadRequest}).
		With("ProposedSize", size).With("MaxSizeAllowed", max)
}

func errIncompleteBody() *awserr.Error {
	return &awserr.Error{Code: "IncompleteBody", Message: "You did not provide the number of bytes specified by the Content-Length HTTP header", Status: http.StatusBadRequest}
}

func errMissingContentLength() *awserr.Error {
	return &awserr.Error{Code: "MissingContentLength", Message: "You must provide the Content-Length HTTP header.", Status: http.StatusLengthRequired}
}

func errMalformedXML() *awserr.Error {
	return &awserr.Error{Code: "MalformedXML", Status: http.StatusBadRequest,
		Message: "The XML you provided was not well-formed or did not validate against our published schema"}
}

func errAccessDenied() *awserr.Error {
	return &awserr.Error{Code: "AccessDenied", Message: "Access Denied", Status: http.StatusForbidden}
}
