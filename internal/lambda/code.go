package lambda

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/nimbus-cloud/nimbus/internal/awserr"
)

// Deployment package limits, as AWS enforces them.
const (
	maxZipBytes      = 50 << 20  // direct upload, zipped
	maxS3ZipBytes    = 250 << 20 // from S3, zipped
	maxUnzippedBytes = 262144000 // 250 MB, everything extracted
)

// HotReloadBucket is nimbus's extension for development: a function whose
// Code is S3Bucket "hot-reload" with S3Key the absolute path of a local
// folder runs that folder in place, so edits show on the next cold start
// (nimbus retires warm sandboxes whose folder changed).
const HotReloadBucket = "hot-reload"

// Errors a CodeSource returns (wrapped) for missing objects.
var (
	ErrNoSuchBucket = errors.New("NoSuchBucket")
	ErrNoSuchKey    = errors.New("NoSuchKey")
)

var errUnzip = invalidParam("Could not unzip uploaded file. Please check your file, then try to upload again.")

// code is a stored deployment package.
type code struct {
	sha  string // base64 SHA-256 of the zip
	size int64
	dir  string
	hot  bool
}

// fetchCode validates and extracts fc for function name. op names the
// operation in the too-large message.
func (s *Service) fetchCode(ctx context.Context, account, region, name, op string, fc *FunctionCode) (*code, error) {
	var zipBytes []byte
	switch {
	case fc == nil || (fc.ZipFile == nil && fc.S3Bucket == nil && fc.S3Key == nil && fc.ImageUri == nil):
		return nil, invalidParam("Please provide a source for function code.")
	case fc.ImageUri != nil:
		return nil, invalidParam("Please don't provide ImageUri when updating a function with packageType Zip.")
	case fc.ZipFile != nil && (fc.S3Bucket != nil || fc.S3Key != nil):
		return nil, invalidParam("Please do not provide other FunctionCode parameters when providing a ZipFile.")
	case fc.ZipFile != nil:
		if len(fc.ZipFile) > maxZipBytes {
			return nil, &awserr.Error{Code: "RequestEntityTooLargeException", Status: 413, Fields: userType,
				Message: fmt.Sprintf("Request must be smaller than 69905067 bytes for the %s operation", op)}
		}
		zipBytes = fc.ZipFile
	default:
		if fc.S3Bucket == nil || fc.S3Key == nil {
			return nil, invalidParam("Please provide a source for function code.")
		}
		if *fc.S3Bucket == HotReloadBucket {
			return hotReloadCode(*fc.S3Key)
		}
		b, err := s.fromS3(ctx, account, region, *fc.S3Bucket, *fc.S3Key)
		if err != nil {
			return nil, err
		}
		zipBytes = b
	}
	sum := sha256.Sum256(zipBytes)
	c := &code{sha: base64.StdEncoding.EncodeToString(sum[:]), size: int64(len(zipBytes))}
	c.dir = filepath.Join(s.dataDir, account, region, name, hex.EncodeToString(sum[:]))
	if _, err := os.Stat(c.dir); err == nil {
		return c, nil
	}
	if err := extract(zipBytes, c.dir); err != nil {
		return nil, err
	}
	return c, nil
}

func hotReloadCode(dir string) (*code, error) {
	if !filepath.IsAbs(dir) {
		return nil, invalidParam("Hot reload needs S3Key to be an absolute path to a local folder: " + dir)
	}
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil, invalidParam("Hot reload folder does not exist or is not a directory: " + dir)
	}
	sum := sha256.Sum256([]byte(dir))
	return &code{sha: base64.StdEncoding.EncodeToString(sum[:]), dir: filepath.Clean(dir), hot: true}, nil
}

func (s *Service) fromS3(ctx context.Context, account, region, bucket, key string) ([]byte, error) {
	s3err := func(code, msg string) error {
		return invalidParam(fmt.Sprintf("Error occurred while GetObject. S3 Error Code: %s. S3 Error Message: %s", code, msg))
	}
	if s.o.Code == nil {
		return nil, s3err("NoSuchBucket", "The specified bucket does not exist")
	}
	rc, _, err := s.o.Code.GetObject(ctx, account, region, bucket, key)
	if ae, ok := awserr.As(err); ok {
		// An S3 service error carries S3's own code.
		switch ae.Code {
		case "NoSuchBucket":
			err = ErrNoSuchBucket
		case "NoSuchKey":
			err = ErrNoSuchKey
		}
	}
	switch {
	case errors.Is(err, ErrNoSuchBucket):
		return nil, s3err("NoSuchBucket", "The specified bucket does not exist")
	case errors.Is(err, ErrNoSuchKey):
		return nil, s3err("NoSuchKey", "The specified key does not exist.")
	case err != nil:
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxS3ZipBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxS3ZipBytes {
		return nil, invalidParam(fmt.Sprintf("Unzipped size must be smaller than %d bytes", maxUnzippedBytes))
	}
	return b, nil
}

// extract unpacks a zip into dir, atomically (a temporary sibling renamed
// into place). Absolute names, ".." components and symbolic links are
// rejected, and the total extracted size is bounded.
func extract(zipBytes []byte, dir string) error {
	zr, err := zip.NewReader(bytes.NewReader(zipBytes), int64(len(zipBytes)))
	if err != nil {
		return errUnzip
	}
	var declared uint64
	for _, f := range zr.File {
		if _, err := safeName(f.Name); err != nil {
			return err
		}
		if f.Mode()&os.ModeSymlink != 0 || f.Mode()&(os.ModeDevice|os.ModeNamedPipe|os.ModeSocket) != 0 {
			return invalidParam("Could not unzip uploaded file. Symbolic links and special files are not supported: " + f.Name)
		}
		declared += f.UncompressedSize64
	}
	if declared > maxUnzippedBytes {
		return invalidParam(fmt.Sprintf("Unzipped size must be smaller than %d bytes", maxUnzippedBytes))
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	rb := make([]byte, 6)
	rand.Read(rb)
	tmp := dir + ".tmp-" + hex.EncodeToString(rb)
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	var written int64
	for _, f := range zr.File {
		rel, _ := safeName(f.Name)
		if rel == "" {
			continue
		}
		target := filepath.Join(tmp, filepath.FromSlash(rel))
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if f.Mode()&0o111 != 0 {
			mode = 0o755
		}
		n, err := writeEntry(f, target, mode, maxUnzippedBytes-written)
		if err != nil {
			return err
		}
		written += n
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(dir); statErr == nil {
			return nil // extracted concurrently by another request
		}
		return err
	}
	ok = true
	return nil
}

func writeEntry(f *zip.File, target string, mode os.FileMode, budget int64) (int64, error) {
	rc, err := f.Open()
	if err != nil {
		return 0, errUnzip
	}
	defer rc.Close()
	// O_EXCL: a name repeated in the archive must not overwrite.
	out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return 0, errUnzip
	}
	n, err := io.Copy(out, io.LimitReader(rc, budget+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, errUnzip
	}
	if n > budget {
		return n, invalidParam(fmt.Sprintf("Unzipped size must be smaller than %d bytes", maxUnzippedBytes))
	}
	return n, nil
}

// safeName returns an archive entry's cleaned relative path, or an error
// for absolute paths and paths that climb out of the root (zip slip).
func safeName(name string) (string, error) {
	bad := invalidParam("Could not unzip uploaded file. Entry name is not a safe relative path: " + name)
	n := strings.ReplaceAll(name, "\\", "/")
	if strings.HasPrefix(n, "/") || strings.Contains(n, "\x00") || (len(n) > 1 && n[1] == ':') {
		return "", bad
	}
	for _, part := range strings.Split(n, "/") {
		if part == ".." {
			return "", bad
		}
	}
	c := path.Clean(n)
	if c == "." {
		return "", nil
	}
	return c, nil
}

// discardCode removes a deleted function's extracted code. The directory
// is first renamed aside (atomically, under s.mu) so that a function
// created again under the same name extracts afresh, and sandboxes still
// finishing an invocation keep their files until they are gone.
func (s *Service) discardCode(f *function) {
	dir := filepath.Join(s.dataDir, f.Account, f.Region, f.Name)
	rb := make([]byte, 8)
	rand.Read(rb)
	trash := filepath.Join(s.dataDir, "trash", hex.EncodeToString(rb))
	if err := os.MkdirAll(filepath.Dir(trash), 0o755); err != nil {
		return
	}
	if err := os.Rename(dir, trash); err != nil {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		os.RemoveAll(trash)
	}()
}
