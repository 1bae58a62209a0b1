package metrics

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sara-lb/sara/engine/admission"
	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/mgmt/api"
)

// Roles are the HA roles exported one-hot by sara_ha_role.
var Roles = []string{"standalone", "init", "primary", "backup"}

// Collector is a prometheus.Collector over an api.Backend. Each Collect
// reads one snapshot of every view; nothing is cached. Safe for
// concurrent scrapes if the Backend is.
type Collector struct {
	b   api.Backend
	req func() api.RequestCounters
	d   *descs
}

// New returns a Collector over b. requests, if not nil, supplies the API's
// own request counters (api.Server.Counters).
func New(b api.Backend, requests func() api.RequestCounters) *Collector {
	return &Collector{b: b, req: requests, d: newDescs()}
}

// Describe sends every metric's description.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.d.all() {
		ch <- d
	}
}

// Collect reads the backend's views and sends them as const metrics.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	e := emitter{ch}
	st := c.b.Status()
	c.appliance(e, &st)
	c.workers(e, c.b.Workers())
	c.servers(e, c.b.Servers())
	c.admission(e, c.b.Admission())
	c.ha(e, c.b.HA())
	if c.req != nil {
		c.requests(e, c.req())
	}
}

// emitter sends const metrics; label values follow the desc's labels.
type emitter struct{ ch chan<- prometheus.Metric }

func (e emitter) gauge(d *prometheus.Desc, v float64, lv ...string) {
	e.ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, lv...)
}

func (e emitter) counter(d *prometheus.Desc, v uint64, lv ...string) {
	e.ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), lv...)
}

func (e emitter) histogram(d *prometheus.Desc, h api.Histogram) {
	buckets := make(map[float64]uint64, len(h.Bounds))
	for i, b := range h.Bounds {
		buckets[b] = h.Counts[i]
	}
	e.ch <- prometheus.MustNewConstHistogram(d, h.Count, h.Sum, buckets)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func (c *Collector) appliance(e emitter, st *api.Status) {
	x := c.d
	e.gauge(x.info, 1, st.Version, st.Node, st.Role)
	if !st.StartedAt.IsZero() {
		e.gauge(x.start, float64(st.StartedAt.UnixNano())/1e9)
	}
	if !st.ConfigLoadedAt.IsZero() {
		e.gauge(x.configLoad, float64(st.ConfigLoadedAt.UnixNano())/1e9)
	}
	e.gauge(x.sessions, float64(st.Sessions))
	e.counter(x.sessionsCreated, st.SessionsCreated)
	e.gauge(x.policySeq, float64(st.PolicySequence))
	e.histogram(x.announceInstall, st.AnnounceInstall)
	for _, p := range st.Ports {
		e.counter(x.pRX, p.RXPackets, p.Name)
		e.counter(x.pTX, p.TXPackets, p.Name)
		e.counter(x.pMissed, p.RXMissed, p.Name)
		e.counter(x.pRXErr, p.RXErrors, p.Name)
		e.counter(x.pTXErr, p.TXErrors, p.Name)
		e.counter(x.pNoMbuf, p.RXNoMbuf, p.Name)
	}
}

func (c *Collector) workers(e emitter, ws []api.WorkerStatus) {
	x := c.d
	var lat api.Histogram
	for _, w := range ws {
		id := strconv.Itoa(w.ID)
		k := &w.Counters
		e.counter(x.wRX, k.RX, id)
		e.counter(x.wTX, k.TX, id)
		e.counter(x.wFwd, k.FwdHit, id, "hit")
		e.counter(x.wFwd, k.FwdNew, id, "new")
		e.counter(x.wFwd, k.FwdStateless, id, "stateless")
		e.counter(x.wFwd, k.FwdSig, id, "signalling")
		e.counter(x.wFwd, k.SigReplied, id, "replied")
		for reason, v := range k.Drops {
			e.counter(x.wDrop, v, id, reason)
		}
		e.counter(x.wSig, k.SigDecide, id, "decide")
		e.counter(x.wSig, k.SigTap, id, "tap")
		e.counter(x.wSig, k.SigGateway, id, "gateway")
		e.counter(x.wRingFull, k.SigRingFull, id)
		e.counter(x.wExpHit, k.ExpectHit, id)
		e.counter(x.wExpAmb, k.ExpectAmbiguous, id)
		e.counter(x.wFlowsCreated, k.FlowsCreated, id)
		e.counter(x.wFlowsExpired, k.FlowsExpired, id)
		e.counter(x.wFlowsInactive, k.FlowsInactive, id)
		e.counter(x.wFlowsRebal, k.FlowsRebalanced, id)
		e.gauge(x.wFlowsLive, float64(k.FlowsLive), id)
		e.counter(x.wTableFull, k.TableFull, id)
		e.counter(x.wPolls, k.PollsEmpty, id, "empty")
		e.counter(x.wPolls, k.PollsBusy, id, "busy")
		e.gauge(x.wBusy, w.Busy, id)
		e.gauge(x.wMpps, w.Mpps, id)
		lat.Merge(api.Log2Histogram(k.SigLatencyLog2ns))
	}
	e.histogram(x.sigLatency, lat)
}

func (c *Collector) servers(e emitter, ss []api.ServerStatus) {
	x := c.d
	for _, s := range ss {
		for st := cluster.Active; st <= cluster.MonitorFailed; st++ {
			e.gauge(x.sState, b2f(s.State == st.String()), s.Name, st.String())
		}
		if s.HasLoad {
			e.gauge(x.sLoad, s.Load, s.Name)
			v := s.Vector
			for _, kv := range []struct {
				k string
				v float64
			}{{"cpu", v.CPU}, {"mem", v.Mem}, {"netbuf", v.NetBuf}, {"ioqueue", v.IOQueue}, {"backlog", v.Backlog}} {
				e.gauge(x.sComp, kv.v, s.Name, kv.k)
			}
		}
		e.gauge(x.sForecast, s.Forecast, s.Name)
		e.gauge(x.sErr, s.Error, s.Name)
		e.gauge(x.sEst, s.Estimate, s.Name)
		e.gauge(x.sCost, s.Cost, s.Name)
		e.gauge(x.sSessions, float64(s.Sessions), s.Name)
		e.gauge(x.sWeight, s.Weight, s.Name)
		e.counter(x.sPackets, s.Packets, s.Name)
		e.counter(x.sFlows, s.Flows, s.Name)
		e.counter(x.sLost, s.LostHeartbeats, s.Name)
	}
}

func (c *Collector) admission(e emitter, a api.AdmissionStatus) {
	x := c.d
	e.gauge(x.aLoad, a.ClusterLoad, "cluster")
	e.gauge(x.aLoad, a.Estimate, "estimate")
	e.gauge(x.aLoad, a.DispatcherLoad, "dispatcher")
	e.gauge(x.aLoad, a.Load, "effective")
	for _, t := range []struct {
		n      string
		cur, c float64
	}{{"t1", a.T1, a.Configured.T1}, {"t2", a.T2, a.Configured.T2}, {"t3", a.T3, a.Configured.T3}, {"c", a.C, a.Configured.C}} {
		e.gauge(x.aThreshold, t.cur, t.n, "current")
		e.gauge(x.aThreshold, t.c, t.n, "configured")
	}
	e.gauge(x.aProb, a.PNew, "new")
	e.gauge(x.aProb, a.PEst, "established")
	for r := admission.Accept; r <= admission.RejectAll; r++ {
		e.gauge(x.aRegion, b2f(a.Region == r.String()), r.String())
		e.counter(x.aIntervals, a.Regions[r.String()], r.String())
	}
	e.gauge(x.aNoServers, b2f(a.NoServers))
	dc := a.Decisions
	e.counter(x.aDecisions, dc.NewAdmitted, "new", "admitted")
	e.counter(x.aDecisions, dc.NewRejected, "new", "rejected")
	e.counter(x.aDecisions, dc.InDialogAdmitted, "in_dialog", "admitted")
	e.counter(x.aDecisions, dc.InDialogRejected, "in_dialog", "rejected")
	e.counter(x.aDecisions, dc.MediaForwarded, "media", "admitted")
	e.counter(x.aDecisions, dc.MediaDropped, "media", "rejected")
}

func (c *Collector) ha(e emitter, h api.HAStatus) {
	x := c.d
	e.gauge(x.haEnabled, b2f(h.Enabled))
	for _, r := range Roles {
		e.gauge(x.haRole, b2f(h.Role == r), r)
	}
	e.gauge(x.haPeer, b2f(h.PeerAlive))
	e.counter(x.haRepl, h.Replicated)
	e.counter(x.haSnap, h.Snapshots)
	for r, n := range h.TakeoverReasons {
		e.counter(x.haTakeover, n, r)
	}
	e.gauge(x.haEpoch, float64(h.Epoch))
	e.gauge(x.haInSync, b2f(h.InSync))
	e.gauge(x.haLagRecords, float64(h.LagRecords))
	e.gauge(x.haLag, h.Lag.Seconds())
}

func (c *Collector) requests(e emitter, r api.RequestCounters) {
	x := c.d
	e.counter(x.apiReq, r.Requests)
	for _, kv := range []struct {
		k string
		v uint64
	}{{"unauthorized", r.Unauthorized}, {"forbidden", r.Forbidden}, {"not_found", r.NotFound},
		{"bad_method", r.BadMethod}, {"bad_request", r.BadRequest}, {"backend_error", r.BackendError}} {
		e.counter(x.apiRejected, kv.v, kv.k)
	}
	e.counter(x.apiMutations, r.Mutations)
}
