// Package nimbustest starts an in-memory nimbus for a test.
package nimbustest

import (
	"io"
	"testing"

	"github.com/nimbus-cloud/nimbus"
)

// Server is a nimbus started for one test.
type Server struct {
	*nimbus.Server
	// URL is the endpoint, e.g. http://127.0.0.1:41234.
	URL string
}

// Start starts an in-memory nimbus on a random loopback port and closes it
// when the test ends. cfg, if given, is used instead of the default (its
// Addr and Memory are still forced unless set).
func Start(t testing.TB, cfg ...nimbus.Config) *Server {
	t.Helper()
	var c nimbus.Config
	if len(cfg) > 0 {
		c = cfg[0]
	}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:0"
	}
	if c.DataDir == "" {
		c.Memory = true
	}
	if c.Logger == nil && c.LogOutput == nil {
		c.LogOutput = io.Discard
	}
	srv, err := nimbus.New(c)
	if err != nil {
		t.Fatalf("nimbustest: %v", err)
	}
	if err := srv.Start(); err != nil {
		t.Fatalf("nimbustest: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("nimbustest: close: %v", err)
		}
	})
	return &Server{Server: srv, URL: srv.Endpoint()}
}
