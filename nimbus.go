package nimbus

import (
	"github.com/nimbus-cloud/nimbus/internal/app"
	"github.com/nimbus-cloud/nimbus/internal/config"
)

// Config configures a Server; the zero value is a sensible default (see each
// field). Set Memory for a throwaway cloud and Addr "127.0.0.1:0" for a free port.
type Config = config.Config

// Credential is an access key accepted in strict auth mode.
type Credential = config.Credential

// Auth modes for Config.Auth.
const (
	AuthAccept = config.AuthAccept
	AuthStrict = config.AuthStrict
)

// Server is an embedded nimbus.
type Server struct {
	app *app.App
}

// New builds a server from cfg: it validates the config and opens storage,
// but does not listen until Start.
func New(cfg Config) (*Server, error) {
	a, err := app.New(cfg)
	if err != nil {
		return nil, err
	}
	return &Server{app: a}, nil
}

// Start listens on Config.Addr and serves in the background; the server is
// ready when Start returns.
func (s *Server) Start() error { return s.app.Start() }

// Endpoint is the URL to give SDKs, e.g. "http://127.0.0.1:4566".
func (s *Server) Endpoint() string { return s.app.Endpoint() }

// Close stops the server gracefully and closes storage; every acknowledged
// write is durable when it returns.
func (s *Server) Close() error { return s.app.Close() }
