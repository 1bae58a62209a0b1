package dispatcher

import (
	"github.com/sara-lb/sara/config"
	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/dpdk/eal"
	"github.com/sara-lb/sara/dpdk/replay"
	"github.com/sara-lb/sara/engine/sigpath"
)

// ReplayResult is a replay's data-plane result plus the signalling path's
// counters.
type ReplayResult struct {
	*replay.Result
	Signalling sigpath.Counters `json:"signalling"`
	// SigLatencyP50/P99 are upper bounds (ns) of the SIP/UDP decision
	// round trip (worker → Go → worker) measured in this replay.
	SigLatencyP50 float64 `json:"sig_latency_p50_ns"`
	SigLatencyP99 float64 `json:"sig_latency_p99_ns"`
}

// Replay runs the capture in through the data plane as a deployment would:
// one worker, signalling handed to Go in lockstep (an expectation learnt
// from a frame is in place before the next frame is forwarded), frames from
// a VIP inspected as the gateway's view. The interim round-robin sequence
// selects servers.
func Replay(c *config.Config, in, out string) (*ReplayResult, error) {
	c.Dataplane.Workers = 1
	args, err := EALArgs(c)
	if err != nil {
		return nil, err
	}
	if err := eal.Init(args); err != nil {
		return nil, err
	}
	dc := DataplaneConfig(c)
	dc.Signalling, dc.GatewayTap, dc.Lockstep = true, true, true
	var path *sigpath.Path
	res, err := replay.Run(dc, in, out, func(dp *dataplane.Dataplane) (func(), error) {
		seq := dataplane.RoundRobin(ServerIDs(c), dc.SelectionSlots)
		if err := dp.Publish(dataplane.Policy{Sequence: seq}); err != nil {
			return nil, err
		}
		p, err := sigpath.New(dp, c.VIPs, SigpathConfig(c))
		if err != nil {
			return nil, err
		}
		p.SetSequence(seq)
		path = p
		stop, done := make(chan struct{}), make(chan struct{})
		go func() { p.Run(stop); close(done) }()
		return func() { close(stop); <-done }, nil
	})
	if err != nil {
		return nil, err
	}
	rr := &ReplayResult{Result: res, Signalling: path.Counters()}
	rr.SigLatencyP50 = res.Counters.SigLatencyQuantile(0.5)
	rr.SigLatencyP99 = res.Counters.SigLatencyQuantile(0.99)
	return rr, nil
}
