package config

import (
	"errors"
	"fmt"
)

// Log configures the zap logger built by mgmt/logging.
type Log struct {
	// Level is debug, info, warn or error.
	Level string `mapstructure:"level"`
	// Format is console or json.
	Format string `mapstructure:"format"`
}

// SetDefaults implements Section.
func (l *Log) SetDefaults() { *l = Log{Level: "info", Format: "console"} }

// Validate implements Section.
func (l *Log) Validate() error {
	var errs []error
	switch l.Level {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("level: must be debug, info, warn or error, got %q", l.Level))
	}
	if l.Format != "console" && l.Format != "json" {
		errs = append(errs, fmt.Errorf("format: must be console or json, got %q", l.Format))
	}
	return errors.Join(errs...)
}
