package apitest

import (
	"time"

	"github.com/sara-lb/sara/mgmt/api"
)

// Rates of the fake counters, per second and per worker.
const (
	RXPerSecond   = 1_000_000 // packets received
	DropPerSecond = 1000      // not_vip drops
	NewPerSecond  = 5         // sessions created (whole appliance)
)

// Workers returns two workers whose counters grow at the fake rates.
func (f *Fake) Workers() []api.WorkerStatus {
	e := f.elapsed()
	out := make([]api.WorkerStatus, 2)
	for i := range out {
		rx := uint64(e * RXPerSecond)
		drop := uint64(e * DropPerSecond)
		out[i] = api.WorkerStatus{ID: i, Lcore: i + 1, Mpps: RXPerSecond / 1e6, Busy: 0.25 + 0.1*float64(i),
			Counters: api.Counters{RX: rx, TX: rx - drop, FwdHit: rx - drop, FlowsLive: 100,
				Drops:            map[string]uint64{"not_vip": drop, "tx_full": 0},
				SigLatencyLog2ns: []uint64{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 5, 2}}}
	}
	return out
}

// Status sums the workers and reports the live sessions.
func (f *Fake) Status() api.Status {
	now := f.Clock()
	ws := f.Workers()
	st := api.Status{Version: "test", Node: "fake", Role: "standalone", StartedAt: f.Start, Now: now,
		ConfigLoadedAt: f.Start, VIPs: []string{"10.0.0.100"}, Workers: len(ws), Servers: len(Names),
		Ports:           []api.PortStatus{{ID: 0, Name: "net_null0"}},
		SessionsCreated: uint64(f.elapsed() * NewPerSecond), PolicySequence: 7,
		AnnounceInstall: api.Histogram{Bounds: []float64{1e-5, 1e-4, 1e-3}, Counts: []uint64{1, 4, 6}, Count: 7, Sum: 0.004}}
	st.Totals.Drops = map[string]uint64{}
	for _, w := range ws {
		st.Mpps += w.Mpps
		st.Totals.RX += w.Counters.RX
		st.Totals.TX += w.Counters.TX
		for k, v := range w.Counters.Drops {
			st.Totals.Drops[k] += v
		}
	}
	for _, s := range f.Servers() {
		if s.State == "active" {
			st.ServersActive++
		}
		st.Sessions += s.Sessions
	}
	return st
}

// Servers returns s1..s3 with loads from Load; drained servers are draining.
func (f *Fake) Servers() []api.ServerStatus {
	e := f.elapsed()
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]api.ServerStatus, len(Names))
	for i, n := range Names {
		l := Load(i, e)
		hb := f.Clock()
		s := api.ServerStatus{ID: i, Name: n, MAC: "02:00:00:00:00:0" + string(rune('1'+i)), State: "active",
			Since: f.Start, Weight: 1, HasLoad: true, Load: l,
			Vector:   api.LoadVector{CPU: l, Mem: 0.2, NetBuf: 0.05, IOQueue: 0, Backlog: l / 2},
			Forecast: Load(i, e+1), Error: 0.05, Estimate: 0.05*l + 0.95*Load(i, e+1), Cost: 0.001,
			Packets: uint64(e * 1000 * float64(i+1)), Flows: uint64(e * float64(i+1)), LastHeartbeat: &hb}
		for _, ss := range f.sessions {
			if ss.Server == n {
				s.Sessions++
			}
		}
		if at, ok := f.drained[n]; ok {
			s.State, s.Reason, s.DrainAt = "draining", "drain requested", &at
		}
		out[i] = s
	}
	return out
}

// Admission reports a cluster load that follows the servers' mean.
func (f *Fake) Admission() api.AdmissionStatus {
	e := f.elapsed()
	var sum float64
	for i := range Names {
		sum += Load(i, e)
	}
	l := sum / float64(len(Names))
	a := api.AdmissionStatus{Interval: uint64(e), ClusterLoad: l, Estimate: l, DispatcherLoad: 0.3, Load: l,
		T1: 0.7, T2: 0.85, T3: 0.95, C: 1, Configured: api.Thresholds{T1: 0.7, T2: 0.85, T3: 0.95, C: 1},
		Region: "accept", Pacing: "paced", PacePeriod: time.Second,
		Decisions: api.Decisions{NewAdmitted: uint64(e * NewPerSecond), NewRejected: 2, MediaForwarded: 1000},
		Regions:   map[string]uint64{"accept": uint64(e)}}
	if l >= a.T1 {
		a.Region, a.PNew = "drop-new", (l-a.T1)/(a.T2-a.T1)
	}
	return a
}

// HA reports a standalone dispatcher.
func (f *Fake) HA() api.HAStatus { return api.HAStatus{Role: "standalone"} }

var _ api.Backend = (*Fake)(nil)
