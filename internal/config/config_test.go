package config

import (
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		cfg  Config
		want string // substring of the error, "" for none
	}{
		{Config{}, ""},
		{Config{Addr: "0.0.0.0:4566"}, "refusing to listen on 0.0.0.0:4566 without --auth strict"},
		{Config{Addr: ":4566"}, "refusing to listen"},
		{Config{Addr: "0.0.0.0:4566", InsecureListen: true}, ""},
		{Config{Addr: "0.0.0.0:4566", Auth: AuthStrict, Credentials: []Credential{{AccessKey: "k", Secret: "s"}}}, ""},
		{Config{Auth: AuthStrict}, "needs at least one access key"},
		{Config{Auth: "open"}, "unknown auth mode"},
		{Config{Addr: "[::1]:4566"}, ""},
		{Config{Addr: "localhost:0"}, ""},
		{Config{Credentials: []Credential{{AccessKey: "k", Secret: "s", Account: "12"}}}, "not 12 digits"},
	}
	for _, tc := range cases {
		err := tc.cfg.WithDefaults().Validate()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: got %v, want %q", tc.cfg, err, tc.want)
		}
	}
}

func TestParseCredential(t *testing.T) {
	c, err := ParseCredential("AKID:secret:123456789012")
	if err != nil || c.AccessKey != "AKID" || c.Secret != "secret" || c.Account != "123456789012" {
		t.Fatalf("%+v %v", c, err)
	}
	if _, err := ParseCredential("nosecret"); err == nil {
		t.Fatal("want error")
	}
}
