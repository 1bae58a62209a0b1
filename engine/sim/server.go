package sim

import (
	"math"

	"github.com/sara-lb/sara/engine/cluster"
)

// server is one simulated media server. Its offered media rate is the sum
// of its sessions' packets/s, less the share the dispatcher drops (p_est).
// Offered u = rate/capacity > 1 loses the excess: every session on it loses
// a fraction 1 − 1/u of its packets (a saturated forwarding loop drops
// what it cannot serve, whoever the packet belongs to).
type server struct {
	capacity float64
	weight   float64 // capacity / mean capacity
	work     float64 // packets/s of the active sessions
	sessions int
	failed   bool // dead (its sessions are broken)
	detected bool // the balancer knows it is dead
	last     float64
	lossInt  float64 // ∫ loss fraction dt: a session's loss is a difference of two readings
	uInt     float64 // ∫ u dt over the current interval
	reports  []float64
	assigned int // new sessions placed this interval
}

// util is the offered utilisation with media drop probability pEst.
func (s *server) util(pEst float64) float64 { return s.work * (1 - pEst) / s.capacity }

// lossRate is the fraction of a session's packets lost: dropped at the
// dispatcher (pEst) or at the server (excess over capacity).
func (s *server) lossRate(pEst float64) float64 {
	u, srv := s.util(pEst), 0.0
	if u > 1 {
		srv = 1 - 1/u
	}
	return 1 - (1-pEst)*(1-srv)
}

// advance integrates loss and utilisation up to t.
func (s *server) advance(t, pEst float64) {
	dt := t - s.last
	if dt > 0 {
		s.lossInt += s.lossRate(pEst) * dt
		s.uInt += s.util(pEst) * dt
	}
	s.last = t
}

// report closes an interval of length iv: the load vector a node agent would
// send (CPU, socket buffers, I/O queue and backlog follow the packet rate;
// memory follows the session count against the server's voice-call
// capacity), noise added to CPU, turned into a scalar with the default
// operator weights. Returns the interval's mean utilisation.
func (s *server) report(iv, noise float64) float64 {
	u := s.uInt / iv
	s.uInt = 0
	if s.failed {
		s.reports = append(s.reports, math.NaN())
		return u
	}
	c := func(x float64) float64 { return math.Max(0, math.Min(1, x)) }
	v := cluster.LoadVector{
		CPU: c(u + noise), Mem: c(float64(s.sessions) * voicePPS / s.capacity),
		NetBuf: c(u), IOQueue: c(u), Backlog: c(u),
	}
	s.reports = append(s.reports, cluster.DefaultWeights.Scalar(v))
	return u
}

// view is the server as the balancer sees it at a tick: the report of lag
// intervals ago and the dispatcher's own (current) session count.
func (s *server) view(id, lag int) cluster.ServerView {
	v := cluster.ServerView{ID: cluster.ServerID(id), State: cluster.Active, Sessions: s.sessions, Weight: s.weight}
	if s.detected {
		v.State = cluster.Failed
		return v
	}
	if k := len(s.reports) - 1 - lag; k >= 0 && !math.IsNaN(s.reports[k]) {
		v.Load, v.HasLoad = s.reports[k], true
	}
	return v
}
