package session

import (
	"errors"
	"fmt"
	"time"
)

// Timeouts are the inactivity timeouts per role and protocol (DESIGN §4).
// A flow or session becomes inactive after its timeout without a packet
// and is purged at twice its timeout.
type Timeouts struct {
	UDP   time.Duration // plain UDP flows (no session)
	TCP   time.Duration // plain TCP flows (no session)
	SIP   time.Duration // SIP signalling flows and SIP sessions
	RTSP  time.Duration // RTSP signalling flows and RTSP sessions
	Media time.Duration // announced media flows and unmatched expectations
}

// DefaultTimeouts are the configuration defaults.
func DefaultTimeouts() Timeouts {
	return Timeouts{UDP: 30 * time.Second, TCP: 60 * time.Second, SIP: 60 * time.Second,
		RTSP: 60 * time.Second, Media: 30 * time.Second}
}

// Config configures a Tracker. Zero fields take DefaultConfig's values.
type Config struct {
	Timeouts Timeouts
	// Linger is how long an ended session (BYE, CANCEL, TEARDOWN) keeps its
	// association and flows, so that late in-dialog messages (the ACK of a
	// 487 after CANCEL, retransmissions) still reach its server. Default:
	// 5 s (SIP's T4, the time a UDP transaction lingers, RFC 3261 §17).
	Linger          time.Duration
	MaxFlows        int           // flow table capacity
	MaxSessions     int           // session table capacity
	MaxExpectations int           // expectation table capacity
	Tick            time.Duration // timer wheel resolution (default 1 s)
	Listener        Listener      // hears every change; nil: none
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{Timeouts: DefaultTimeouts(), Linger: 5 * time.Second,
		MaxFlows: 1 << 20, MaxSessions: 1 << 18, MaxExpectations: 1 << 19, Tick: time.Second}
}

// withDefaults fills zero fields.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	t := &c.Timeouts
	for _, p := range []struct{ v, d *time.Duration }{{&t.UDP, &d.Timeouts.UDP}, {&t.TCP, &d.Timeouts.TCP},
		{&t.SIP, &d.Timeouts.SIP}, {&t.RTSP, &d.Timeouts.RTSP}, {&t.Media, &d.Timeouts.Media},
		{&c.Linger, &d.Linger}, {&c.Tick, &d.Tick}} {
		if *p.v == 0 {
			*p.v = *p.d
		}
	}
	if c.MaxFlows == 0 {
		c.MaxFlows = d.MaxFlows
	}
	if c.MaxSessions == 0 {
		c.MaxSessions = d.MaxSessions
	}
	if c.MaxExpectations == 0 {
		c.MaxExpectations = d.MaxExpectations
	}
	return c
}

// validate reports every invalid field at once.
func (c Config) validate() error {
	var errs []error
	t := c.Timeouts
	for name, v := range map[string]time.Duration{"udp": t.UDP, "tcp": t.TCP, "sip": t.SIP,
		"rtsp": t.RTSP, "media": t.Media, "linger": c.Linger, "tick": c.Tick} {
		if v < 0 {
			errs = append(errs, fmt.Errorf("%w: timeout %s is negative (%v)", ErrConfig, name, v))
		}
	}
	if c.Tick > 0 && min(t.UDP, t.TCP, t.SIP, t.RTSP, t.Media) > 0 &&
		c.Tick > min(t.UDP, t.TCP, t.SIP, t.RTSP, t.Media) {
		errs = append(errs, fmt.Errorf("%w: tick %v longer than the shortest timeout", ErrConfig, c.Tick))
	}
	if c.MaxFlows < 0 || c.MaxSessions < 0 || c.MaxExpectations < 0 {
		errs = append(errs, fmt.Errorf("%w: negative table capacity", ErrConfig))
	}
	return errors.Join(errs...)
}
