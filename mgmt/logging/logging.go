// Package logging builds SARA's zap loggers from the log section of the
// configuration: a console or JSON encoder, ISO8601 timestamps, the caller,
// and a fixed vocabulary of field names (fields.go) shared by every package.
package logging

import (
	"errors"
	"fmt"
	"io"
	"os"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Sentinel errors of New.
var (
	ErrLevel  = errors.New("logging: unknown level")
	ErrFormat = errors.New("logging: unknown format")
)

// New returns a logger writing to standard error at level (debug, info, warn
// or error) in format (console or json). Callers derive one named logger per
// package with Named ("dataplane", "shell", ...).
func New(level, format string) (*zap.Logger, error) {
	return NewTo(os.Stderr, level, format)
}

// NewTo is New writing to w (serialised with a mutex).
func NewTo(w io.Writer, level, format string) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil || lvl < zapcore.DebugLevel || lvl > zapcore.ErrorLevel || level == "" {
		return nil, fmt.Errorf("%w %q (want debug, info, warn or error)", ErrLevel, level)
	}
	ec := zapcore.EncoderConfig{
		TimeKey:        "ts",
		LevelKey:       "level",
		NameKey:        "logger",
		CallerKey:      "caller",
		MessageKey:     "msg",
		StacktraceKey:  "stacktrace",
		LineEnding:     zapcore.DefaultLineEnding,
		EncodeTime:     zapcore.ISO8601TimeEncoder,
		EncodeDuration: zapcore.StringDurationEncoder,
		EncodeCaller:   zapcore.ShortCallerEncoder,
	}
	var enc zapcore.Encoder
	switch format {
	case "json":
		ec.EncodeLevel = zapcore.LowercaseLevelEncoder
		enc = zapcore.NewJSONEncoder(ec)
	case "console":
		ec.EncodeLevel = zapcore.CapitalLevelEncoder
		enc = zapcore.NewConsoleEncoder(ec)
	default:
		return nil, fmt.Errorf("%w %q (want console or json)", ErrFormat, format)
	}
	core := zapcore.NewCore(enc, zapcore.Lock(zapcore.AddSync(w)), lvl)
	return zap.New(core, zap.AddCaller(), zap.AddStacktrace(zapcore.ErrorLevel)), nil
}
