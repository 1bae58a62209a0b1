package health

import (
	"fmt"
	"time"

	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/mgmt/heartbeat"
	"github.com/sara-lb/sara/mgmt/loadvec"
)

// reorderSpan is how far behind the last Seq a heartbeat may be and still
// count as late (ignored) rather than as an agent restart.
const reorderSpan = 16

// record is one server's monitor state. Guarded by Monitor.mu.
type record struct {
	srv    Server
	state  cluster.State
	reason string
	since  time.Time

	beats     bool // any heartbeat since start
	lastBeat  time.Time
	lastSeq   uint16
	flag      heartbeat.Flag
	drainSet  bool
	drainAt   time.Time
	streak    int           // consecutive good heartbeats
	probation bool          // recovering: needs streak ≥ k
	held      cluster.State // state shown during probation: Failed or AppDown
	lost      uint64

	hasLoad   bool
	lastLoad  time.Time
	loadGrace time.Time // start of the window for the first vector
	load      cluster.LoadVector
	vectors   uint64
}

// Heartbeat applies a decoded, authenticated heartbeat received at now.
func (m *Monitor) Heartbeat(hb heartbeat.Message, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.byHost[hb.Host]
	if r == nil {
		m.c.UnknownHost++
		return
	}
	silent := !r.beats || now.Sub(r.lastBeat) >= m.failAfter
	contiguous := false
	if r.beats {
		// After a silence, a forward gap larger than the beats that fit in
		// the silence (twice that, plus the reorder span) is a restart too.
		missed := uint64(now.Sub(r.lastBeat)/m.cfg.Period)*2 + reorderSpan
		switch gap := hb.Seq - r.lastSeq; {
		case silent && (gap == 0 || gap >= 0x8000 || uint64(gap-1) > missed):
			m.c.SeqResets++ // back after silence with a new Seq: restarted agent
		case gap == 0 || gap > 0xffff-reorderSpan:
			m.c.Reordered++
			return
		case gap >= 0x8000:
			m.c.SeqResets++
		default:
			r.lost += uint64(gap - 1)
			m.c.LostBeats += uint64(gap - 1)
			contiguous = gap == 1
		}
	}
	m.c.Heartbeats++
	if silent {
		r.probation, r.held, r.loadGrace = true, cluster.Failed, now
		if r.hasLoad && now.Sub(r.lastLoad) >= m.loadAfter {
			r.hasLoad = false // stale vector from before the failure
		}
	}
	r.beats, r.lastBeat, r.lastSeq, r.flag = true, now, hb.Seq, hb.Flag
	switch hb.Flag {
	case heartbeat.FlagAppDown:
		if !r.probation {
			r.held = cluster.AppDown
		}
		r.probation, r.drainSet = true, false
	case heartbeat.FlagUp:
		r.drainSet = false
	case heartbeat.FlagPlanned:
		r.drainSet, r.drainAt = true, time.Unix(int64(hb.Timestamp), 0)
	}
	switch {
	case hb.Flag == heartbeat.FlagAppDown || silent || !contiguous:
		r.streak = 0
	default:
		r.streak++
	}
	if r.probation && r.streak >= m.cfg.Damping && hb.Flag != heartbeat.FlagAppDown {
		r.probation = false
	}
	m.apply(r, now)
}

// LoadVector applies a decoded, authenticated load vector received at now.
func (m *Monitor) LoadVector(lv loadvec.Message, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.byHost[lv.Host]
	if r == nil {
		m.c.UnknownHost++
		return
	}
	m.c.LoadVectors++
	r.vectors++
	r.hasLoad, r.lastLoad, r.load = true, now, lv.Load
	m.apply(r, now)
}

// derive computes r's state at now by the documented precedence.
func (m *Monitor) derive(r *record, now time.Time) (cluster.State, string) {
	if !r.beats {
		return cluster.Failed, "no heartbeat received yet"
	}
	if el := now.Sub(r.lastBeat); el >= m.failAfter {
		r.probation, r.held, r.streak = true, cluster.Failed, 0
		return cluster.Failed, fmt.Sprintf("no heartbeat for %v (n·d = %v)", el.Round(time.Millisecond), m.failAfter)
	}
	if r.probation && r.held == cluster.Failed {
		return cluster.Failed, fmt.Sprintf("recovering: %d/%d good periods", r.streak, m.cfg.Damping)
	}
	if r.hasLoad && now.Sub(r.lastLoad) >= m.loadAfter {
		return cluster.MonitorFailed, fmt.Sprintf("no load vector for %v", now.Sub(r.lastLoad).Round(time.Millisecond))
	}
	if !r.hasLoad && now.Sub(r.loadGrace) >= m.loadAfter {
		return cluster.MonitorFailed, fmt.Sprintf("no load vector within %v", m.loadAfter)
	}
	if r.drainSet && !now.Before(r.drainAt) {
		return cluster.Draining, "planned maintenance since " + r.drainAt.UTC().Format(time.RFC3339)
	}
	if r.flag == heartbeat.FlagAppDown {
		return cluster.AppDown, "agent reports application unavailable"
	}
	if r.probation {
		return cluster.AppDown, fmt.Sprintf("application recovering: %d/%d good periods", r.streak, m.cfg.Damping)
	}
	if r.drainSet {
		return cluster.Active, "drain scheduled at " + r.drainAt.UTC().Format(time.RFC3339)
	}
	return cluster.Active, "healthy"
}
