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
		seq: make([]cluster.ServerID, 0, cfg.Slots), sess: map[cluster.ServerID]int{}}, nil
}

// Step runs one interval: read, decide, publish.
func (l *Loop) Step(now time.Time) error {
	views := l.views.Snapshot()
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
	}
	for _, s := range seq {
		st.Shares[s]++
	}
	l.mu.Lock()
	changed := l.last.Admission.Region != pol.Region || l.last.Sequence != st.Sequence
	l.last = st
	l.mu.Unlock()
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
