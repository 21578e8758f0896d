package pebble

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/cockroachdb/pebble/v2"
)

// logger adapts Pebble's printf-style Logger to slog. A nil slog.Logger
// discards Pebble's chatter (Pebble's default writes to stderr through the
// standard log package).
type logger struct{ l *slog.Logger }

func (g logger) Infof(format string, args ...any) {
	if g.l != nil && g.l.Enabled(context.Background(), slog.LevelDebug) {
		g.l.Debug(fmt.Sprintf(format, args...), "component", "pebble")
	}
}

// Errorf carries background errors (a failed flush or compaction, a full
// disk); they deserve more than debug level when someone is listening.
func (g logger) Errorf(format string, args ...any) {
	if g.l != nil {
		g.l.Error(fmt.Sprintf(format, args...), "component", "pebble")
	}
}

// Fatalf must not return: Pebble calls it when its state can no longer be
// trusted (a failed WAL write). Pebble's default logger exits the process; we
// panic instead so the message and a stack reach the developer, as Pebble's
// own invariant violations do.
func (g logger) Fatalf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if g.l != nil {
		g.l.Error(msg, "component", "pebble", "fatal", true)
	}
	panic("pebble: fatal: " + msg)
}

var _ pebble.Logger = logger{}
