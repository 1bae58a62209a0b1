package offline

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
)

// ErrConfig reports an invalid Config; ErrCapture a capture that cannot be read.
var (
	ErrConfig  = errors.New("offline: invalid config")
	ErrCapture = errors.New("offline: unreadable capture")
)

// Config says which ports carry which signalling and, optionally, which
// address is the cluster's (the VIP).
type Config struct {
	SIPPorts  []uint16 // UDP and TCP ports carrying SIP (default 5060)
	RTSPPorts []uint16 // TCP ports carrying RTSP (default 554, 8554)
	// VIP, when valid, is the cluster's address: packets to it travel from
	// the client. Otherwise a signalling packet's direction comes from its
	// ports, and between two signalling ports (a SIP trunk, 5060 → 5060)
	// the destination of the first packet seen is taken as the server.
	VIP netip.Addr
}

// DefaultConfig returns the default ports.
func DefaultConfig() Config {
	return Config{SIPPorts: []uint16{5060}, RTSPPorts: []uint16{554, 8554}}
}

func (c Config) validate() error {
	var errs []error
	for _, p := range c.SIPPorts {
		if p == 0 {
			errs = append(errs, fmt.Errorf("%w: SIP port 0", ErrConfig))
		}
		if slices.Contains(c.RTSPPorts, p) {
			errs = append(errs, fmt.Errorf("%w: port %d is both SIP and RTSP", ErrConfig, p))
		}
	}
	for _, p := range c.RTSPPorts {
		if p == 0 {
			errs = append(errs, fmt.Errorf("%w: RTSP port 0", ErrConfig))
		}
	}
	if len(c.SIPPorts)+len(c.RTSPPorts) == 0 {
		errs = append(errs, fmt.Errorf("%w: no signalling port", ErrConfig))
	}
	return errors.Join(errs...)
}
