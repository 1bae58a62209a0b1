// Package probe checks whether a node's application is available, for the
// agent's heartbeat flag (1 = up, 2 = application unavailable). Kinds:
//
//   - tcp: a TCP connection to Target (host:port) is accepted;
//   - sip: a SIP OPTIONS request over UDP to Target gets any SIP response
//     (any status: the server is alive enough to answer);
//   - rtsp: an RTSP OPTIONS request over TCP to Target gets any RTSP
//     response;
//   - command: Command exits with status 0;
//   - none: always up.
//
// Every probe is bounded by Timeout. Probes are run by the agent's probe
// goroutine, one at a time.
package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"time"
)

// Errors.
var (
	ErrConfig = errors.New("probe: invalid config")
	ErrDown   = errors.New("probe: application down")
)

// Config selects and parameterises a probe (the agent's `probe:` keys).
type Config struct {
	Kind     string        `mapstructure:"kind"`     // none, tcp, sip, rtsp, command
	Target   string        `mapstructure:"target"`   // host:port for tcp, sip, rtsp
	Command  []string      `mapstructure:"command"`  // argv for command
	Interval time.Duration `mapstructure:"interval"` // how often to probe
	Timeout  time.Duration `mapstructure:"timeout"`  // per probe
}

// Defaults: kind none, every second, 500 ms timeout.
func Defaults() Config {
	return Config{Kind: "none", Interval: time.Second, Timeout: 500 * time.Millisecond}
}

// Validate reports every problem as "field: problem".
func (c Config) Validate() error {
	var errs []error
	switch c.Kind {
	case "none":
	case "tcp", "sip", "rtsp":
		if _, _, err := net.SplitHostPort(c.Target); err != nil {
			errs = append(errs, fmt.Errorf("%w: target: %q is not host:port", ErrConfig, c.Target))
		}
	case "command":
		if len(c.Command) == 0 {
			errs = append(errs, fmt.Errorf("%w: command: required for kind command", ErrConfig))
		}
	default:
		errs = append(errs, fmt.Errorf("%w: kind: %q (want none, tcp, sip, rtsp or command)", ErrConfig, c.Kind))
	}
	if c.Interval <= 0 {
		errs = append(errs, fmt.Errorf("%w: interval: must be > 0", ErrConfig))
	}
	if c.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("%w: timeout: must be > 0", ErrConfig))
	}
	return errors.Join(errs...)
}

// Prober runs one probe; nil means the application is up.
type Prober interface {
	Probe(ctx context.Context) error
}

// ProberFunc adapts a function to Prober.
type ProberFunc func(ctx context.Context) error

// Probe calls f.
func (f ProberFunc) Probe(ctx context.Context) error { return f(ctx) }

// New returns the Prober for c (validated). Each Probe call applies c.Timeout.
func New(c Config) (Prober, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var p func(context.Context) error
	switch c.Kind {
	case "none":
		return ProberFunc(func(context.Context) error { return nil }), nil
	case "tcp":
		p = func(ctx context.Context) error { return tcpProbe(ctx, c.Target) }
	case "sip":
		p = func(ctx context.Context) error { return sipProbe(ctx, c.Target) }
	case "rtsp":
		p = func(ctx context.Context) error { return rtspProbe(ctx, c.Target) }
	case "command":
		p = func(ctx context.Context) error { return commandProbe(ctx, c.Command) }
	}
	return ProberFunc(func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, c.Timeout)
		defer cancel()
		if err := p(ctx); err != nil {
			return fmt.Errorf("%w: %s %s: %w", ErrDown, c.Kind, c.Target, err)
		}
		return nil
	}), nil
}

func tcpProbe(ctx context.Context, target string) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", target)
	if err != nil {
		return err
	}
	return c.Close()
}

func commandProbe(ctx context.Context, argv []string) error {
	return exec.CommandContext(ctx, argv[0], argv[1:]...).Run()
}
