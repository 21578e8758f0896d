// Package s3 is nimbus's Amazon S3: buckets and objects whose bodies live
// in files on disk and whose metadata lives in the storage.KV.
//
// Requests arrive through the edge as a streaming route (the body is not
// buffered): the service parses the bucket and key from the Host (virtual
// host style, {bucket}.s3.localhost or {bucket}.localhost) or the path
// (path style), chooses the operation by method and query sub-resource as
// S3 does, and answers in S3's REST-XML with restxml's encoder and error
// shape.
//
// Object bodies are streamed to a temporary file under Options.Dir/tmp,
// hashed on the way (MD5 for the ETag, the flexible checksum the client
// asked for, SHA-256 when X-Amz-Content-Sha256 names one), fsynced,
// checked, renamed into Options.Dir/data under a random content id (never
// the object key, so no key can name a path outside the directory), and only
// then is the metadata committed. A crash at any point leaves either the old
// object or the new one; files that no metadata references are removed on
// startup. A multipart object is the list of its parts' files, so completing
// an upload copies nothing.
//
// Key layout in the KV (all under the "S3" prefix, which no other service
// uses):
//
//	S3 0x00 'b' bucket                         bucket record (JSON)
//	S3 0x00 'o' bucket 0x00 key                current object (or delete marker)
//	S3 0x00 'v' bucket 0x00 key 0x00 vsort      one version (versioned buckets)
//	S3 0x00 'u' bucket 0x00 uploadId           multipart upload
//	S3 0x00 'p' uploadId 0x00 part(4 bytes)    uploaded part
//
// Bucket names cannot contain 0x00, so bucket prefixes never overlap.
// Version sort keys decrease with time, so a key's versions list newest
// first.
package s3
