package config

import (
	"fmt"
	"math"

	"github.com/sara-lb/sara/engine/cluster"
)

// MaxVIPs is the largest number of VIPs one dispatcher serves.
const MaxVIPs = 64

// Validate checks the whole configuration and returns nil or ErrInvalid
// joined with one FieldError per problem.
func (c *Config) Validate() error { return c.validate(nil) }

// validate is Validate that skips paths which already failed to decode.
func (c *Config) validate(skip map[string]bool) error {
	p := &problems{skip: skip}
	c.validateVIPs(p)
	c.validateServers(p)
	for _, s := range c.sections() {
		p.addSection(s.key, s.sec.Validate())
	}
	return p.err()
}

func (c *Config) validateVIPs(p *problems) {
	switch {
	case len(c.VIPs) == 0:
		p.addf("vips", "empty VIP list")
		return
	case len(c.VIPs) > MaxVIPs:
		p.addf("vips", "%d VIPs, at most %d allowed", len(c.VIPs), MaxVIPs)
	}
	seen := make(map[string]int, len(c.VIPs))
	for i, a := range c.VIPs {
		path := fmt.Sprintf("vips[%d]", i)
		switch {
		case !a.IsValid():
			p.addf(path, "missing address")
			continue
		case a.Zone() != "":
			p.addf(path, "zoned address %s not allowed", a)
		case a.IsUnspecified(), a.IsMulticast():
			p.addf(path, "%s is not a unicast address", a)
		}
		key := a.Unmap().String()
		if j, dup := seen[key]; dup {
			p.addf(path, "duplicate VIP %s (vips[%d])", a, j)
		}
		seen[key] = i
	}
}

func (c *Config) validateServers(p *problems) {
	switch {
	case len(c.Servers) == 0:
		p.addf("servers", "empty server list")
		return
	case len(c.Servers) > cluster.MaxServers:
		p.addf("servers", "%d servers, at most %d allowed", len(c.Servers), cluster.MaxServers)
	}
	names := map[string]int{}
	macs := map[MAC]int{}
	ids := map[uint32]int{}
	for i, s := range c.Servers {
		at := func(f string) string { return fmt.Sprintf("servers[%d].%s", i, f) }
		if s.Name == "" {
			p.addf(at("name"), "required")
		} else if j, dup := names[s.Name]; dup {
			p.addf(at("name"), "duplicate server %q (servers[%d])", s.Name, j)
		} else {
			names[s.Name] = i
		}
		switch j, dup := macs[s.MAC]; {
		case s.MAC.IsZero():
			p.addf(at("mac"), "required (not 00:00:00:00:00:00)")
		case s.MAC.IsMulticast():
			p.addf(at("mac"), "%s is not a unicast MAC", s.MAC)
		case dup:
			p.addf(at("mac"), "duplicate MAC %s (servers[%d])", s.MAC, j)
		default:
			macs[s.MAC] = i
		}
		if s.IP.IsValid() && (s.IP.IsUnspecified() || s.IP.IsMulticast()) {
			p.addf(at("ip"), "%s is not a unicast address", s.IP)
		}
		switch j, dup := ids[s.HostID]; {
		case s.HostID == 0:
			p.addf(at("host_id"), "must be non-zero")
		case dup:
			p.addf(at("host_id"), "duplicate host_id %d (servers[%d])", s.HostID, j)
		default:
			ids[s.HostID] = i
		}
		if !(s.Weight > 0) || math.IsInf(s.Weight, 0) {
			p.addf(at("weight"), "must be a finite number > 0, got %v", s.Weight)
		}
	}
}
