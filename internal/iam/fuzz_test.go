package iam

import (
	"strings"
	"testing"
)

// FuzzSplitPolicyARN: any string either is refused with InvalidInput or
// splits into parts that rebuild it.
func FuzzSplitPolicyARN(f *testing.F) {
	for _, s := range []string{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
		"arn:aws:iam::123456789012:policy/a/b/c", "arn:aws:iam::12345678901:policy/x", "arn:aws:iam::aws:policy/", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arn string) {
		account, path, name, err := splitPolicyARN(arn)
		if err != nil {
			if ae, ok := err.(interface{ Error() string }); !ok || !strings.Contains(ae.Error(), "InvalidInput") {
				t.Fatalf("error %v", err)
			}
			return
		}
		if got := "arn:aws:iam::" + account + ":policy" + path + name; got != arn {
			t.Fatalf("rebuilt %q from %q", got, arn)
		}
		if !strings.HasPrefix(path, "/") || !strings.HasSuffix(path, "/") || name == "" || strings.Contains(name, "/") {
			t.Fatalf("path %q name %q", path, name)
		}
	})
}

// FuzzMarker: markers round-trip, and garbage is InvalidInput, never a panic.
func FuzzMarker(f *testing.F) {
	f.Add("role-1")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		m := encodeMarker(s)
		got, err := decodeMarker(&m)
		if s == "" {
			if err == nil {
				t.Fatal("empty marker accepted")
			}
		} else if err != nil || got != s {
			t.Fatalf("round trip %q: %q %v", s, got, err)
		}
		decodeMarker(&s)
	})
}
