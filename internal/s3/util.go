package s3

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// canonicalID derives a stable 64-hex-digit canonical user id for account.
func canonicalID(account string) string {
	sum := sha256.Sum256([]byte("nimbus-canonical-user:" + account))
	return hex.EncodeToString(sum[:])
}

func parseIntArg(v, name string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, errInvalidArgument("Provided "+name+" not an integer or within integer range", name, v)
	}
	return n, nil
}
