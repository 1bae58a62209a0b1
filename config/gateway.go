package config

import "github.com/sara-lb/sara/mgmt/gateway"

// The gateway: section (gateway inspector: capture interface, announcement
// addresses, identity and key); its schema, defaults and validation live
// in package mgmt/gateway.
var _ Section = (*gateway.Config)(nil)

// GatewayConfig returns the gateway: section with its empty signalling
// port lists taken from the signalling: section.
func (c *Config) GatewayConfig() gateway.Config {
	g := c.Gateway
	if len(g.SIPUDPPorts) == 0 {
		g.SIPUDPPorts = c.Signalling.SIPUDPPorts
	}
	if len(g.SIPTCPPorts) == 0 {
		g.SIPTCPPorts = c.Signalling.SIPTCPPorts
	}
	if len(g.RTSPTCPPorts) == 0 {
		g.RTSPTCPPorts = c.Signalling.RTSPTCPPorts
	}
	return g
}

// ServerHostIDs maps each server's MAC to its host id: how the gateway
// names the real server of a reply (its Ethernet source).
func (c *Config) ServerHostIDs() map[[6]byte]uint32 {
	m := make(map[[6]byte]uint32, len(c.Servers))
	for _, s := range c.Servers {
		m[[6]byte(s.MAC)] = s.HostID
	}
	return m
}
