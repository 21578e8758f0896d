package sigv4

import (
	"net/http"
	"strconv"
	"time"
)

// Kind classifies why a request failed authentication. The edge turns a Kind
// into each protocol family's error code with [Error.Response]; see the table
// in the package documentation.
type Kind uint8

const (
	// KindMissingAuth: the request carries neither an Authorization header nor
	// presigned query parameters. [ErrNoAuth] is the one value of this kind.
	KindMissingAuth Kind = iota + 1
	// KindMalformed: the Authorization header or the presigned query is
	// incomplete or invalid (missing parameters, a credential without five
	// parts, an unsupported algorithm, a date that is not ISO 8601 basic
	// format, X-Amz-Expires out of range, both header and query auth).
	KindMalformed
	// KindMissingDate: neither X-Amz-Date nor Date is present.
	KindMissingDate
	// KindScopeMismatch: the credential scope disagrees with the request
	// (scope date is not the X-Amz-Date day, terminator is not aws4_request).
	// Callers that enforce a region or service build one with [NewError].
	KindScopeMismatch
	// KindSignatureMismatch: the signature (or a chunk or trailer signature)
	// is not the one the secret key produces.
	KindSignatureMismatch
	// KindSkewed: a header-signed request whose time is more than 15 minutes
	// from the server's clock, in either direction.
	KindSkewed
	// KindExpired: a presigned URL used after X-Amz-Date + X-Amz-Expires.
	KindExpired
	// KindNotYetValid: a presigned URL dated more than 15 minutes in the
	// future.
	KindNotYetValid
	// KindUnsignedHeaders: host is not a signed header, or (S3 only) an
	// x-amz-* header was sent without being signed; see
	// [Error.HeadersNotSigned].
	KindUnsignedHeaders
	// KindMalformedBody: an aws-chunked body that does not follow the
	// format (see ChunkedReader), including one cut short.
	KindMalformedBody
	// KindInvalidAccessKey: the access key is unknown. This package never
	// returns it (it does not know the keys); the edge builds it with
	// [NewError] so the code mapping lives in one place.
	KindInvalidAccessKey
)

var kindNames = [...]string{
	KindMissingAuth:       "MissingAuth",
	KindMalformed:         "Malformed",
	KindMissingDate:       "MissingDate",
	KindScopeMismatch:     "ScopeMismatch",
	KindSignatureMismatch: "SignatureMismatch",
	KindSkewed:            "Skewed",
	KindExpired:           "Expired",
	KindNotYetValid:       "NotYetValid",
	KindUnsignedHeaders:   "UnsignedHeaders",
	KindMalformedBody:     "MalformedBody",
	KindInvalidAccessKey:  "InvalidAccessKey",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Error is an authentication failure. Msg is AWS's wording where AWS has one
// (DynamoDB's for header problems, S3's for presigned-URL problems); the other
// fields carry what S3 echoes in its error documents.
type Error struct {
	Kind Kind
	Msg  string

	// Presigned is true when the failure concerns query-string (presigned)
	// authentication; S3 uses different codes for the two.
	Presigned bool

	// CanonicalRequest and StringToSign are what the server computed, set
	// for KindSignatureMismatch of a whole request (S3 returns them as
	// <CanonicalRequest> and <StringToSign>).
	CanonicalRequest, StringToSign string

	// RequestTime and ServerTime are set for KindSkewed, KindExpired and
	// KindNotYetValid (S3's <RequestTime>/<ServerTime>, <Expires>).
	RequestTime, ServerTime time.Time

	// HeadersNotSigned lists, for KindUnsignedHeaders, the headers that
	// should have been signed (S3's <HeadersNotSigned>).
	HeadersNotSigned []string
}

// ErrNoAuth is returned by Parse for a request without any SigV4 auth.
// errors.Is(err, ErrNoAuth) matches any *Error of KindMissingAuth.
var ErrNoAuth error = &Error{Kind: KindMissingAuth, Msg: "Request is missing Authentication Token"}

// NewError returns an *Error of the given kind, for failures the caller
// detects (unknown access key, wrong region or service).
func NewError(kind Kind, msg string) *Error { return &Error{Kind: kind, Msg: msg} }

func (e *Error) Error() string { return "sigv4: " + e.Kind.String() + ": " + e.Msg }

// Is reports whether target is an *Error of the same Kind, so
// errors.Is(err, &sigv4.Error{Kind: sigv4.KindExpired}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind
}

// Family is a protocol family: services of one family word their
// authentication errors the same way.
type Family uint8

const (
	// FamilyJSON is awsJson 1.0/1.1: DynamoDB, DAX, CloudWatch Logs,
	// EventBridge. Authentication errors are 400.
	FamilyJSON Family = iota + 1
	// FamilyRESTJSON is restJson: Lambda, API Gateway, Polly. Authentication
	// errors are 403.
	FamilyRESTJSON
	// FamilyQuery is awsQuery: IAM, STS, ElastiCache.
	FamilyQuery
	// FamilyS3 is S3's restXml.
	FamilyS3
)

// Messages AWS uses for the same failure in several families.
const (
	msgSignatureMismatch   = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgS3SignatureMismatch = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
	msgInvalidToken        = "The security token included in the request is invalid."
	msgS3InvalidAccessKey  = "The AWS Access Key Id you provided does not exist in our records."
	msgS3Skewed            = "The difference between the request time and the current time is too large."
	msgS3MissingDate       = "AWS authentication requires a valid Date or x-amz-date header"
	msgS3UnsignedHeaders   = "There were headers present in the request which were not signed"
	msgExpired             = "Request has expired"
	msgNotYetValid         = "Request is not valid yet"
)

// Response returns the error code, message and HTTP status AWS answers with
// for e in family f. The message is e.Msg unless the family words the failure
// differently (S3's skew, signature-mismatch and unknown-key messages, API
// Gateway's "Missing Authentication Token").
func (e *Error) Response(f Family) (code, msg string, status int) {
	msg = e.Msg
	switch f {
	case FamilyS3:
		return e.s3Response()
	case FamilyQuery:
		status = http.StatusForbidden
		switch e.Kind {
		case KindMissingAuth:
			code = "MissingAuthenticationToken"
		case KindMalformed, KindMissingDate, KindMalformedBody:
			code, status = "IncompleteSignature", http.StatusBadRequest
		case KindInvalidAccessKey:
			code, msg = "InvalidClientTokenId", msgInvalidToken
		default:
			code = "SignatureDoesNotMatch"
		}
		return code, msg, status
	}
	status = http.StatusBadRequest
	if f == FamilyRESTJSON {
		status = http.StatusForbidden
	}
	switch e.Kind {
	case KindMissingAuth:
		code = "MissingAuthenticationTokenException"
		if f == FamilyRESTJSON {
			msg = "Missing Authentication Token"
		}
	case KindMalformed, KindMissingDate, KindMalformedBody:
		code = "IncompleteSignatureException"
	case KindInvalidAccessKey:
		code, msg = "UnrecognizedClientException", msgInvalidToken
	default:
		code = "InvalidSignatureException"
	}
	return code, msg, status
}

func (e *Error) s3Response() (code, msg string, status int) {
	msg, status = e.Msg, http.StatusForbidden
	switch e.Kind {
	case KindMissingAuth:
		return "AccessDenied", "Access Denied", status
	case KindMalformed, KindScopeMismatch:
		if e.Presigned {
			return "AuthorizationQueryParametersError", msg, http.StatusBadRequest
		}
		return "AuthorizationHeaderMalformed", msg, http.StatusBadRequest
	case KindMissingDate:
		return "AccessDenied", msgS3MissingDate, status
	case KindSignatureMismatch:
		return "SignatureDoesNotMatch", msgS3SignatureMismatch, status
	case KindSkewed:
		return "RequestTimeTooSkewed", msgS3Skewed, status
	case KindExpired, KindNotYetValid:
		return "AccessDenied", msg, status
	case KindUnsignedHeaders:
		return "AccessDenied", msgS3UnsignedHeaders, status
	case KindMalformedBody:
		return "IncompleteBody", msg, http.StatusBadRequest
	case KindInvalidAccessKey:
		return "InvalidAccessKeyId", msgS3InvalidAccessKey, status
	}
	return "AccessDenied", "Access Denied", status
}

var _ error = (*Error)(nil)
