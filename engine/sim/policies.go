package sim

import (
	"math/rand"
	"time"

	"github.com/sara-lb/sara/engine/admission"
	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/shell"
)

// balancer places new sessions. update runs once per interval.
type balancer interface {
	update(views []cluster.ServerView)
	pick(srv []server) int // -1: no server
}

func newBalancer(name string, lag int) (balancer, error) {
	switch name {
	case BalRR:
		return &rr{}, nil
	case BalLeastSessions:
		return &leastSessions{}, nil
	case BalLeastLoaded:
		return &leastLoaded{}, nil
	}
	cfg := shell.DefaultConfig()
	cfg.ReportLag = lag
	if name == BalShellArgmin {
		cfg.Mode = shell.BareArgmin
	}
	s, err := shell.New(cfg)
	return &shellBal{s: s, buf: make([]cluster.ServerID, 0, cfg.Slots)}, err
}

// selectable holds which servers the last views showed Active.
type selectable struct{ ok []bool }

func (s *selectable) set(views []cluster.ServerView) {
	s.ok = s.ok[:0]
	for i := range views {
		s.ok = append(s.ok, views[i].State.Selectable())
	}
}

// rr is round robin over the selectable servers.
type rr struct {
	selectable
	next int
}

func (b *rr) update(v []cluster.ServerView) { b.set(v) }
func (b *rr) pick(srv []server) int {
	for k := 0; k < len(b.ok); k++ {
		j := (b.next + k) % len(b.ok)
		if b.ok[j] {
			b.next = j + 1
			return j
		}
	}
	return -1
}

// leastSessions picks the fewest sessions per unit of weight, in real time.
type leastSessions struct{ selectable }

func (b *leastSessions) update(v []cluster.ServerView) { b.set(v) }
func (b *leastSessions) pick(srv []server) int {
	best := -1
	for j := range b.ok {
		if b.ok[j] && (best < 0 || float64(srv[j].sessions)/srv[j].weight < float64(srv[best].sessions)/srv[best].weight) {
			best = j
		}
	}
	return best
}

// leastLoaded sends every new session of an interval to the server with the
// lowest reported (lagged) load: the instantaneous least-loaded rule.
type leastLoaded struct{ best int }

func (b *leastLoaded) update(views []cluster.ServerView) {
	b.best = -1
	for i := range views {
		v := &views[i]
		if !v.State.Selectable() {
			continue
		}
		if b.best < 0 || v.Load < views[b.best].Load || (v.Load == views[b.best].Load && v.Sessions < views[b.best].Sessions) {
			b.best = i
		}
	}
}
func (b *leastLoaded) pick([]server) int { return b.best }

// shellBal consumes the shell's selection sequence slot by slot.
type shellBal struct {
	s   *shell.Shell
	buf []cluster.ServerID
	at  int
}

func (b *shellBal) update(v []cluster.ServerView) {
	b.s.Update(v)
	b.buf = b.s.Sequence(b.buf, 0)
	b.at = 0
}
func (b *shellBal) pick([]server) int {
	if len(b.buf) == 0 {
		return -1
	}
	id := b.buf[b.at%len(b.buf)]
	b.at++
	return int(id)
}

// admitter decides on requests; update runs once per interval.
type admitter interface {
	update(views []cluster.ServerView)
	admitNew() bool
	admitInDialog() bool
	pEst() float64
}

func newAdmitter(name string, seed int64, clock admission.Clock) (admitter, error) {
	rng := rand.New(rand.NewSource(seed))
	if name == AdmNone {
		return none{}, nil
	}
	cfg := admission.DefaultConfig()
	cfg.Moving = name == AdmSA2C || name == AdmSA2CPaced
	if name == AdmSA2CPaced {
		cfg.Pacing, cfg.PaceT0 = admission.Paced, 100*time.Millisecond
	}
	c, err := admission.NewController(cfg)
	if err != nil {
		return nil, err
	}
	if name == AdmRequest {
		return &requestAware{c: c, rng: rng}, nil
	}
	return &sa2c{c: c, d: admission.NewDecider(rng, clock)}, nil
}

// none admits everything.
type none struct{}

func (none) update([]cluster.ServerView) {}
func (none) admitNew() bool              { return true }
func (none) admitInDialog() bool         { return true }
func (none) pEst() float64               { return 0 }

// sa2c is engine/admission's Controller and Decider.
type sa2c struct {
	c *admission.Controller
	d *admission.Decider
}

func (a *sa2c) update(v []cluster.ServerView) { a.d.Apply(a.c.Update(v, 0)) }
func (a *sa2c) admitNew() bool                { return a.d.AdmitNew() }
func (a *sa2c) admitInDialog() bool           { return a.d.AdmitInDialog() }
func (a *sa2c) pEst() float64                 { return a.d.Policy().PEst }

// requestAware is the classical request-based baseline: the same load signal
// and static thresholds, the drop probability p_new applied to every
// signalling request independently, new or in-dialog; media untouched.
type requestAware struct {
	c   *admission.Controller
	p   admission.Policy
	rng *rand.Rand
}

func (a *requestAware) update(v []cluster.ServerView) { a.p = a.c.Update(v, 0) }
func (a *requestAware) admitNew() bool                { return !a.p.NoServers && a.admitInDialog() }
func (a *requestAware) admitInDialog() bool {
	return !a.p.RejectAll && (a.p.PNew <= 0 || a.rng.Float64() >= a.p.PNew)
}
func (a *requestAware) pEst() float64 { return 0 }
