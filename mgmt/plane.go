// Package mgmt is the dispatcher side of SARA's management plane: its
// configuration (the `mgmt:` section) and Plane, which wires the
// authenticated UDP listener (mgmt/listener, mgmt/auth) to the availability
// and load monitor (mgmt/health). The node side is mgmt/agent.
package mgmt

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/sara-lb/sara/mgmt/auth"
	"github.com/sara-lb/sara/mgmt/health"
	"github.com/sara-lb/sara/mgmt/listener"
)

// ErrNoKey reports a monitored host for which no key is configured.
var ErrNoKey = errors.New("mgmt: no key for host")

// Options are optional collaborators of a Plane.
type Options struct {
	Log   *zap.Logger
	Clock health.Clock // default: real time
	Tap   func([]byte) // see listener.Options.Tap
}

// Plane is a running management plane: listener + monitor.
type Plane struct {
	Opener   *auth.Opener
	Monitor  *health.Monitor
	Listener *listener.Listener
}

// New validates cfg, registers every server's keys, builds the monitor and
// binds the listener. servers is the cluster's server list (ServerID,
// Host_Identity, name, weight), composed by the caller from the config.
func New(cfg Config, servers []health.Server, opt Options) (*Plane, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("mgmt: %w", err)
	}
	hc, err := cfg.Health()
	if err != nil {
		return nil, err
	}
	if opt.Log == nil {
		opt.Log = zap.NewNop()
	}
	op := auth.NewOpener(cfg.MaxSkew)
	for _, s := range servers {
		ks := cfg.keysFor(s.Host)
		if len(ks) == 0 {
			return nil, fmt.Errorf("%w %d (%s): set mgmt.key or mgmt.host_keys", ErrNoKey, s.Host, s.Name)
		}
		if err := op.AddHost(s.Host, ks...); err != nil {
			return nil, err
		}
	}
	mon, err := health.New(hc, servers, health.Options{Clock: opt.Clock, Log: opt.Log})
	if err != nil {
		return nil, err
	}
	now := time.Now
	if opt.Clock != nil {
		now = opt.Clock.Now
	}
	l, err := listener.Listen(cfg.Listen, op, mon, listener.Options{Now: now, Log: opt.Log, Tap: opt.Tap})
	if err != nil {
		return nil, err
	}
	return &Plane{Opener: op, Monitor: mon, Listener: l}, nil
}

// Run runs the listener and the monitor's ticker until ctx is done and both
// goroutines have returned.
func (p *Plane) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	var monErr error
	wg.Add(1)
	go func() { defer wg.Done(); monErr = p.Monitor.Run(ctx) }()
	lErr := p.Listener.Run(ctx)
	wg.Wait()
	return errors.Join(lErr, monErr)
}
