// Package dispatcher assembles the appliance: it turns the operator's
// configuration into the EAL arguments and the data-plane configuration,
// starts the data plane, publishes the selection policy and reports
// counters until it is stopped.
package dispatcher

import (
	"github.com/sara-lb/sara/config"
	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/dpdk/eal"
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
		FailoverRebalance: true,
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
