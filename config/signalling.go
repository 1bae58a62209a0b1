package config

import (
	"errors"
	"fmt"
)

// Signalling lists the ports on which the data plane recognises signalling
// flows and hands their payloads to the inspectors.
type Signalling struct {
	SIPUDPPorts  []uint16 `mapstructure:"sip_udp_ports"`
	SIPTCPPorts  []uint16 `mapstructure:"sip_tcp_ports"`
	RTSPTCPPorts []uint16 `mapstructure:"rtsp_tcp_ports"`
}

// SetDefaults implements Section.
func (s *Signalling) SetDefaults() {
	*s = Signalling{
		SIPUDPPorts:  []uint16{5060},
		SIPTCPPorts:  []uint16{5060},
		RTSPTCPPorts: []uint16{554, 8554},
	}
}

// Validate implements Section. Port values above 65535 are rejected when the
// file is decoded; here a port must be non-zero and unique within its list.
func (s *Signalling) Validate() error {
	var errs []error
	for _, l := range []struct {
		key   string
		ports []uint16
	}{{"sip_udp_ports", s.SIPUDPPorts}, {"sip_tcp_ports", s.SIPTCPPorts}, {"rtsp_tcp_ports", s.RTSPTCPPorts}} {
		seen := map[uint16]int{}
		for i, p := range l.ports {
			if p == 0 {
				errs = append(errs, fmt.Errorf("%s[%d]: port must be in 1..65535, got 0", l.key, i))
				continue
			}
			if j, dup := seen[p]; dup {
				errs = append(errs, fmt.Errorf("%s[%d]: duplicate port %d (%s[%d])", l.key, i, p, l.key, j))
			}
			seen[p] = i
		}
	}
	return errors.Join(errs...)
}
