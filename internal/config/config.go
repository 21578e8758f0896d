// Package config holds nimbus's one Config struct. Every field documents its
// default; Defaults fills them in, Validate refuses unsafe combinations.
package config

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Auth modes.
const (
	// AuthAccept accepts any credentials (signatures are parsed for the
	// account and region but not verified). The default on loopback.
	AuthAccept = "accept"
	// AuthStrict verifies every SigV4 signature against Credentials.
	AuthStrict = "strict"
)

// Credential is an access key nimbus knows in strict mode.
type Credential struct {
	AccessKey string
	Secret    string
	// Account is the 12-digit account the key acts in; DefaultAccount when empty.
	Account string
}

// Config configures a nimbus server.
type Config struct {
	// Addr is the listen address. Default "127.0.0.1:4566". Port 0 picks a
	// free port (tests).
	Addr string
	// DataDir keeps durable data. Default: $XDG_DATA_HOME/nimbus or
	// ~/.local/share/nimbus. Ignored when Memory is set.
	DataDir string
	// Memory keeps everything in memory; nothing survives Close.
	Memory bool
	// Auth is AuthAccept (default) or AuthStrict.
	Auth string
	// Credentials are the access keys accepted in strict mode.
	Credentials []Credential
	// InsecureListen allows a non-loopback Addr without strict auth.
	InsecureListen bool
	// Region is used when a request names none. Default "us-east-1".
	Region string
	// Account is used for access keys that map to no account. Default "000000000000".
	Account string
	// Logger receives access and error logs. Default: text to stderr at Info.
	Logger *slog.Logger
	// LogFormat is "text" (default) or "json"; used only when Logger is nil.
	LogFormat string
	// LogLevel is "debug", "info" (default), "warn" or "error"; used only when Logger is nil.
	LogLevel string
	// LogOutput is where the default logger writes. Default os.Stderr.
	LogOutput io.Writer
	// AccessLog logs one line per request at Info. Default true (see NoAccessLog).
	NoAccessLog bool
	// MaxRequestBytes limits request bodies for buffered protocols.
	// Default 16 MiB + 64 KiB (DynamoDB's 16 MB request limit plus framing).
	MaxRequestBytes int64
}

// Defaults.
const (
	DefaultAddr            = "127.0.0.1:4566"
	DefaultRegion          = "us-east-1"
	DefaultAccount         = "000000000000"
	DefaultMaxRequestBytes = 16<<20 + 64<<10
)

// WithDefaults returns c with empty fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.Auth == "" {
		c.Auth = AuthAccept
	}
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.Account == "" {
		c.Account = DefaultAccount
	}
	if c.DataDir == "" && !c.Memory {
		c.DataDir = DefaultDataDir()
	}
	if c.MaxRequestBytes == 0 {
		c.MaxRequestBytes = DefaultMaxRequestBytes
	}
	for i := range c.Credentials {
		if c.Credentials[i].Account == "" {
			c.Credentials[i].Account = c.Account
		}
	}
	if c.Logger == nil {
		c.Logger = NewLogger(c.LogFormat, c.LogLevel, c.LogOutput)
	}
	return c
}

// DefaultDataDir is $XDG_DATA_HOME/nimbus, else ~/.local/share/nimbus, else ./nimbus-data.
func DefaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "nimbus")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "share", "nimbus")
	}
	return "nimbus-data"
}

// NewLogger builds the default slog logger.
func NewLogger(format, level string, out io.Writer) *slog.Logger {
	if out == nil {
		out = os.Stderr
	}
	var lv slog.Level
	switch strings.ToLower(level) {
	case "debug":
		lv = slog.LevelDebug
	case "warn", "warning":
		lv = slog.LevelWarn
	case "error":
		lv = slog.LevelError
	default:
		lv = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lv}
	if strings.ToLower(format) == "json" {
		return slog.New(slog.NewJSONHandler(out, opts))
	}
	return slog.New(slog.NewTextHandler(out, opts))
}

var accountRE = regexp.MustCompile(`^[0-9]{12}$`)

// Validate refuses configurations that would be unsafe or cannot work.
func (c Config) Validate() error {
	switch c.Auth {
	case AuthAccept, AuthStrict:
	default:
		return fmt.Errorf("unknown auth mode %q (want %q or %q)", c.Auth, AuthAccept, AuthStrict)
	}
	if c.Auth == AuthStrict && len(c.Credentials) == 0 {
		return errors.New("--auth strict needs at least one access key (--access-key KEY:SECRET or NIMBUS_ACCESS_KEYS)")
	}
	for _, cr := range c.Credentials {
		if cr.AccessKey == "" || cr.Secret == "" {
			return errors.New("an access key needs both a key id and a secret (KEY:SECRET[:ACCOUNT])")
		}
		if !accountRE.MatchString(cr.Account) {
			return fmt.Errorf("account %q for access key %s is not 12 digits", cr.Account, cr.AccessKey)
		}
	}
	if !accountRE.MatchString(c.Account) {
		return fmt.Errorf("account %q is not 12 digits", c.Account)
	}
	if !IsLoopback(c.Addr) && c.Auth != AuthStrict && !c.InsecureListen {
		return fmt.Errorf("refusing to listen on %s without --auth strict: anyone who can reach it could read and change your data; "+
			"use --auth strict with --access-key, listen on 127.0.0.1, or pass --insecure-listen if you really mean it", c.Addr)
	}
	return nil
}

// IsLoopback reports whether addr's host only accepts local connections.
// An empty host (":4566") listens on every interface, so it is not loopback.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ParseCredential parses "KEY:SECRET[:ACCOUNT]".
func ParseCredential(s string) (Credential, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return Credential{}, fmt.Errorf("access key %q: want KEY:SECRET or KEY:SECRET:ACCOUNT", s)
	}
	c := Credential{AccessKey: parts[0], Secret: parts[1]}
	if len(parts) == 3 {
		c.Account = parts[2]
	}
	return c, nil
}
