package health

import (
	"context"
	"time"

	"github.com/sara-lb/sara/engine/cluster"
)

// Snapshot returns every server as the control loop sees it, in
// configuration order. Load is the scalar Σ w_k v_k of the last vector.
// Sessions is left 0: the control plane owns session counts.
func (m *Monitor) Snapshot() []cluster.ServerView {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]cluster.ServerView, len(m.recs))
	for i, r := range m.recs {
		out[i] = cluster.ServerView{ID: r.srv.ID, Name: r.srv.Name, State: r.state, Weight: r.srv.Weight,
			HasLoad: r.hasLoad}
		if r.hasLoad {
			out[i].Load = m.cfg.Weights.Scalar(r.load)
		}
	}
	return out
}

// Status returns the details of server id.
func (m *Monitor) Status(id cluster.ServerID) (Status, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range m.recs {
		if r.srv.ID == id {
			return r.status(), true
		}
	}
	return Status{}, false
}

func (r *record) status() Status {
	s := Status{Server: r.srv, State: r.state, Reason: r.reason, Since: r.since, LastFlag: uint8(r.flag),
		Streak: r.streak, Probation: r.probation, LostBeats: r.lost, Load: r.load, HasLoad: r.hasLoad,
		LoadVectors: r.vectors}
	if r.beats {
		s.LastBeat = r.lastBeat
	}
	if r.drainSet {
		s.DrainAt = r.drainAt
	}
	if r.hasLoad {
		s.LastLoad = r.lastLoad
	}
	return s
}

// Run evaluates every server each heartbeat period until ctx is done.
func (m *Monitor) Run(ctx context.Context) error {
	tk := time.NewTicker(m.cfg.Period)
	defer tk.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tk.C:
			m.Evaluate(m.clock.Now())
		}
	}
}
