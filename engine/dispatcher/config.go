// Package dispatcher assembles the appliance: it turns the operator's
// configuration into the EAL arguments and the data-plane configuration,
// starts the data plane, publishes the selection policy and reports
// counters until it is stopped.
package dispatcher

import (
	"github.com/sara-lb/sara/config"
	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/dpdk/eal"
	"github.com/sara-lb/sara/engine/admission"
	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/control"
	"github.com/sara-lb/sara/engine/session"
	"github.com/sara-lb/sara/engine/shell"
	"github.com/sara-lb/sara/engine/sigpath"
	"github.com/sara-lb/sara/mgmt/health"
)

// DataplaneConfig maps the configuration file onto the data plane's Config.
func DataplaneConfig(c *config.Config) dataplane.Config {
	d := c.Dataplane
	dc := dataplane.Config{
		VIPs:           c.VIPs,
		Workers:        d.Workers,
		Burst:          d.Burst,
		FlowTableSize:  d.FlowTableSize,
		Mbufs:          d.MempoolMbufs,
		MbufCache:      d.MempoolCache,
		TCPSynOnly:     d.TCPOpen != "any",
		IdlePolls:      d.IdlePolls,
		IdleSleep:      d.IdleSleep,
		SelectionSlots: int(d.SelectionSlots),
		SIPPortsUDP:    c.Signalling.SIPUDPPorts,
		SIPPortsTCP:    c.Signalling.SIPTCPPorts,
		RTSPPortsTCP:   c.Signalling.RTSPTCPPorts,
		Timeouts: dataplane.Timeouts{UDP: c.Timeouts.UDP, TCP: c.Timeouts.TCP,
			SIP: c.Timeouts.SIP, RTSP: c.Timeouts.RTSP, Media: c.Timeouts.Media},
		FailoverRebalance: c.Mgmt.Failover != "drop",
	}
	for _, s := range c.Servers {
		dc.ServerMACs = append(dc.ServerMACs, [6]byte(s.MAC))
	}
	for _, p := range d.Ports {
		dc.Ports = append(dc.Ports, dataplane.PortSpec{Name: p.Name, Devargs: p.Devargs})
	}
	return dc
}

// EALArgs returns the EAL arguments for c: the configured base arguments,
// --lcores (derived from the worker count unless configured) and a
// --file-prefix unique to the process unless configured.
func EALArgs(c *config.Config) ([]string, error) {
	return eal.Build(c.Dataplane.EALArgs, c.Dataplane.Lcores, c.Dataplane.Workers, c.Dataplane.FilePrefix, nil)
}

// SigpathConfig maps the configuration onto the signalling path's.
func SigpathConfig(c *config.Config) sigpath.Config {
	return sigpath.Config{SIPUDPPorts: c.Signalling.SIPUDPPorts, SIPTCPPorts: c.Signalling.SIPTCPPorts,
		RTSPTCPPorts: c.Signalling.RTSPTCPPorts,
		Timeouts: session.Timeouts{UDP: c.Timeouts.UDP, TCP: c.Timeouts.TCP, SIP: c.Timeouts.SIP,
			RTSP: c.Timeouts.RTSP, Media: c.Timeouts.Media}}
}

// ManagementEnabled reports whether the management plane (and with it the
// load-driven control loop) runs: it needs a key for the agents.
func ManagementEnabled(c *config.Config) bool {
	return !c.Mgmt.Key.IsZero() || len(c.Mgmt.HostKeys) > 0
}

// HealthServers is the server list the management plane monitors.
func HealthServers(c *config.Config) []health.Server {
	out := make([]health.Server, len(c.Servers))
	for i, s := range c.Servers {
		out[i] = health.Server{ID: cluster.ServerID(i), Host: s.HostID, Name: s.Name, Weight: s.Weight}
	}
	return out
}

// ControlConfig maps the control section onto the loop's configuration.
func ControlConfig(c *config.Config) control.Config {
	ct := c.Control
	sh := shell.DefaultConfig()
	sh.History = ct.History
	if !ct.WaterFill {
		sh.Mode = shell.BareArgmin
	}
	ad := admission.DefaultConfig()
	ad.Alpha, ad.T1, ad.T2, ad.T3, ad.C = ct.Alpha, ct.T1, ct.T2, ct.T3, ct.C
	ad.PMax, ad.PEstMax, ad.Kappa, ad.Moving, ad.History = ct.PMax, ct.PEstMax, ct.Kappa, ct.Moving, ct.History
	ad.Off = !ct.Admission // loads still measured and reported; nothing refused
	return control.Config{Interval: ct.Interval, Slots: int(c.Dataplane.SelectionSlots), Shell: sh, Admission: ad}
}
