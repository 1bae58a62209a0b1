// Package control is the control loop of the dispatcher (paper §III.B–C):
// every load interval, on a goroutine locked to its OS thread (the control
// lcore), it reads the servers' states and loads from the management plane,
// updates the shell forecaster and the SA2C admission controller, and
// publishes their result — the selection sequence, the failed servers,
// p_new, p_est and reject-all — to the C workers (one pointer swap) and to
// the signalling path. Nothing here runs per packet.
package control

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/engine/admission"
	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/shell"
	"github.com/sara-lb/sara/engine/sigpath"
)

// Views gives the servers as the management plane sees them.
type Views interface {
	Snapshot() []cluster.ServerView
}

// Dataplane is what the loop needs of the data plane.
type Dataplane interface {
	Publish(dataplane.Policy) error
	Totals() dataplane.Counters
}

// PolicySink receives the signalling path's share of the policy.
type PolicySink interface {
	SetPolicy(sigpath.Policy)
}

// Config of the loop.
type Config struct {
	Interval  time.Duration
	Slots     int
	Shell     shell.Config
	Admission admission.Config
}

// ErrConfig wraps configuration errors.
var ErrConfig = errors.New("control: invalid config")

// State is the last interval's outcome, for the API and logs.
type State struct {
	At        time.Time                `json:"at"`
	Servers   []cluster.ServerView     `json:"servers"`
	Estimates []float64                `json:"estimates"` // shell's damped estimate per server (eq 8)
	Forecasts []float64                `json:"forecasts"` // eq 6, per server
	Errors    []float64                `json:"errors"`    // eq 7, per server
	Costs     []float64                `json:"costs"`     // learned per-session cost, per server
	Sequence  int                      `json:"sequence_len"`
	Admission admission.Policy         `json:"admission"`
	LH        float64                  `json:"l_h"`    // dispatcher's own load: worker busy fraction
	Shares    map[cluster.ServerID]int `json:"shares"` // slots per server in the sequence
}

// Loop is the control loop.
type Loop struct {
	cfg   Config
	views Views
	dp    Dataplane
	sink  PolicySink
	log   *zap.Logger
	sh    *shell.Shell
	adm   *admission.Controller
	seq   []cluster.ServerID
	sess  map[cluster.ServerID]int
	prev  dataplane.Counters
	mu    sync.Mutex
	last  State
	over  map[cluster.ServerID]override // operator drains and removed servers
	adopt *[2]float64                   // thresholds to adopt at the next Step (AdoptThresholds)
}

// override is an operator's word on a server: Draining from At on, or
// Failed (removed from the configuration by a reload).
type override struct {
	state cluster.State
	at    time.Time
}

// New builds a loop; sink may be nil.
func New(cfg Config, views Views, dp Dataplane, sink PolicySink, log *zap.Logger) (*Loop, error) {
	if cfg.Interval <= 0 {
		return nil, fmt.Errorf("%w: interval %v", ErrConfig, cfg.Interval)
	}
	cfg.Shell.Slots = cfg.Slots
	cfg.Shell.Interval = cfg.Interval
	sh, err := shell.New(cfg.Shell)
	if err != nil {
		return nil, err
	}
	adm, err := admission.NewController(cfg.Admission)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = zap.NewNop()
	}
	return &Loop{cfg: cfg, views: views, dp: dp, sink: sink, log: log.Named("control"), sh: sh, adm: adm,
		seq: make([]cluster.ServerID, 0, cfg.Slots), sess: map[cluster.ServerID]int{},
		over: map[cluster.ServerID]override{}}, nil
}

// Drain makes server id Draining from at on (planned maintenance by the
// operator): no new sessions, established ones stay. It takes effect at
// the next interval.
func (l *Loop) Drain(id cluster.ServerID, at time.Time) {
	l.mu.Lock()
	l.over[id] = override{state: cluster.Draining, at: at}
	l.mu.Unlock()
}

// Remove marks server id failed for good (a reload removed it): its flows
// follow the failover policy.
func (l *Loop) Remove(id cluster.ServerID) {
	l.mu.Lock()
	l.over[id] = override{state: cluster.Failed}
	l.mu.Unlock()
}

// Undrain cancels an operator's drain of id.
func (l *Loop) Undrain(id cluster.ServerID) {
	l.mu.Lock()
	if o, ok := l.over[id]; ok && o.state == cluster.Draining {
		delete(l.over, id)
	}
	l.mu.Unlock()
}

// Override returns the operator's override of id, if any: Draining from
// at, or Failed (removed).
func (l *Loop) Override(id cluster.ServerID) (state cluster.State, at time.Time, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	o, ok := l.over[id]
	return o.state, o.at, ok
}

// applyOverrides sets operator states on views: a removed server is
// Failed; a drained one Draining from its time on (unless worse).
func (l *Loop) applyOverrides(views []cluster.ServerView, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range views {
		o, ok := l.over[views[i].ID]
		switch {
		case !ok:
		case o.state == cluster.Failed:
			views[i].State = cluster.Failed
		case !now.Before(o.at) && views[i].State != cluster.Failed:
			views[i].State = cluster.Draining
		}
	}
}

// AdoptThresholds makes the next Step start from the moving thresholds
// T2, T3 of another loop (a hot standby follows its primary's).
func (l *Loop) AdoptThresholds(t2, t3 float64) {
	l.mu.Lock()
	l.adopt = &[2]float64{t2, t3}
	l.mu.Unlock()
}

// Step runs one interval: read, decide, publish.
func (l *Loop) Step(now time.Time) error {
	l.mu.Lock()
	if a := l.adopt; a != nil {
		l.adm.Adopt(a[0], a[1])
		l.adopt = nil
	}
	l.mu.Unlock()
	views := l.views.Snapshot()
	l.applyOverrides(views, now)
	tot := l.dp.Totals()
	lh := 0.0
	if dc := tot.CyclesTotal - l.prev.CyclesTotal; dc > 0 {
		lh = float64(tot.CyclesBusy-l.prev.CyclesBusy) / float64(dc)
	}
	for i := range views {
		id := views[i].ID
		if int(id) < len(tot.ServerFlows) {
			// sessions placed on the server so far: the data plane's flows
			// assigned to it (the shell learns its per-session cost from them)
			views[i].Sessions = int(tot.ServerFlows[id])
		}
	}
	l.prev = tot
	l.sh.Update(views)
	l.seq = l.sh.Sequence(l.seq[:0], l.cfg.Slots)
	pol := l.adm.Update(views, lh)
	var down []cluster.ServerID
	for _, v := range views {
		if v.State == cluster.Failed {
			down = append(down, v.ID)
		}
	}
	seq := l.seq
	if len(seq) != l.cfg.Slots {
		seq = nil // no selectable server: new sessions are refused (no_server)
	}
	if err := l.dp.Publish(dataplane.Policy{Sequence: seq, Down: down, PNew: pol.PNew, PEst: pol.PEst,
		RejectAll: pol.RejectAll}); err != nil {
		return err
	}
	if l.sink != nil {
		l.sink.SetPolicy(sigpath.Policy{Sequence: seq, PNew: pol.PNew, RejectAll: pol.RejectAll})
	}
	st := State{At: now, Servers: views, Sequence: len(seq), Admission: pol, LH: lh,
		Shares: map[cluster.ServerID]int{}}
	for _, v := range views {
		st.Estimates = append(st.Estimates, l.sh.Estimate(v.ID))
		st.Forecasts = append(st.Forecasts, l.sh.Forecast(v.ID))
		st.Errors = append(st.Errors, l.sh.Err(v.ID))
		st.Costs = append(st.Costs, l.sh.Cost(v.ID))
	}
	for _, s := range seq {
		st.Shares[s]++
	}
	l.mu.Lock()
	changed := l.last.Admission.Region != pol.Region || l.last.Sequence != st.Sequence
	l.last = st
	l.mu.Unlock()
	if ce := l.log.Check(zap.DebugLevel, "admission"); ce != nil { // every interval: the trace of eqs 1-4
		loads := make([]float64, len(views))
		for i, v := range views {
			loads[i] = v.Load
		}
		ce.Write(zap.Float64s("loads", loads), zap.Float64("l_c", pol.ClusterLoad), zap.Float64("estimate", pol.Estimate),
			zap.Float64("l_h", lh), zap.Float64("load", pol.Load), zap.String("region", pol.Region.String()),
			zap.Float64("p_new", pol.PNew), zap.Float64("p_est", pol.PEst), zap.Float64("t2", pol.T2), zap.Float64("t3", pol.T3))
	}
	if changed {
		l.log.Info("policy", zap.Int("sequence", len(seq)), zap.Float64("load", pol.Load),
			zap.Float64("p_new", pol.PNew), zap.Float64("p_est", pol.PEst), zap.Bool("reject_all", pol.RejectAll))
	}
	return nil
}

// Last returns the last interval's state.
func (l *Loop) Last() State {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last
}

// Run steps every interval until ctx is done, on a goroutine locked to its
// OS thread (the control lcore).
func (l *Loop) Run(ctx context.Context) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	t := time.NewTicker(l.cfg.Interval)
	defer t.Stop()
	if err := l.Step(time.Now()); err != nil {
		l.log.Warn("publish", zap.Error(err))
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-t.C:
			if err := l.Step(now); err != nil {
				l.log.Warn("publish", zap.Error(err))
			}
		}
	}
}
