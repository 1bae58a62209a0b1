// Package dpview converts the data plane's counters (dpdk/dataplane) into
// the API's types and measures their rates: the part of the api.Backend
// that reads the workers. It is separate from mgmt/api because it links
// the C data plane (cgo, DPDK); the API, metrics and ctl do not.
//
// Reading is by field access on the workers' counters (Dataplane.Workers),
// never a call into a worker: a scrape or an API call cannot stall one.
package dpview

import (
	"maps"
	"slices"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/mgmt/api"
)

// Counters copies c into the API's Counters (maps and slices copied).
func Counters(c *dataplane.Counters) api.Counters {
	drops := maps.Clone(c.Drops)
	if drops == nil {
		drops = map[string]uint64{}
	}
	return api.Counters{
		RX: c.RX, TX: c.TX, FwdHit: c.FwdHit, FwdNew: c.FwdNew, FwdStateless: c.FwdStateless, FwdSig: c.FwdSig,
		SigReplied: c.SigReplied, SigDecide: c.SigDecide, SigTap: c.SigTap, SigGateway: c.SigGateway, SigRingFull: c.SigRingFull,
		ExpectHit: c.ExpectHit, ExpectAmbiguous: c.ExpectAmbiguous,
		FlowsCreated: c.FlowsCreated, FlowsExpired: c.FlowsExpired, FlowsInactive: c.FlowsInactive,
		FlowsRebalanced: c.FlowsRebalanced, FlowsLive: c.FlowsLive, TableFull: c.TableFull,
		PollsEmpty: c.PollsEmpty, PollsBusy: c.PollsBusy, Drops: drops,
		SigLatencyLog2ns: slices.Clone(c.SigLatency),
	}
}

// ServerTotals returns, per server id, the frames forwarded and flows
// assigned (ServerStatus.Packets and Flows) from the workers' totals.
func ServerTotals(t *dataplane.Counters, id int) (packets, flows uint64) {
	if id < len(t.ServerPackets) {
		packets = t.ServerPackets[id]
	}
	if id < len(t.ServerFlows) {
		flows = t.ServerFlows[id]
	}
	return packets, flows
}
