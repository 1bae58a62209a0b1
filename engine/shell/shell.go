package shell

import (
	"fmt"
	"math"

	"github.com/sara-lb/sara/engine/cluster"
)

// server is the shell's state for one server id.
type server struct {
	fc       Forecaster
	cost     costEstimator
	present  bool // in the last Update
	wasFail  bool // last seen Failed: history is reset when it comes back
	state    cluster.State
	sessions int
	weight   float64
	hasLast  bool
	lastLoad float64
	sessRing [MaxReportLag + 1]int // session counts of the last intervals
	ringPos  int
	ringN    int
}

// Counters are cumulative counts of the shell's work, read by the caller.
type Counters struct {
	Updates      uint64 // Update calls
	Sequences    uint64 // Sequence calls
	EmptySeqs    uint64 // Sequence calls with no selectable server (data plane rejects new sessions)
	IgnoredViews uint64 // views with an id ≥ cluster.MaxServers
}

// Shell holds per-server forecasts and builds selection sequences.
type Shell struct {
	cfg      Config
	srv      []server
	ids      []cluster.ServerID // ids present in the last Update, in view order
	heap     []uint16           // scratch for Sequence
	virt     []float64          // scratch: water level per server
	vsess    []int              // scratch: sessions incl. those placed by this sequence
	counters Counters
}

// New validates cfg and returns a Shell sized for cluster.MaxServers.
func New(cfg Config) (*Shell, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("shell.New: %w", err)
	}
	s := &Shell{
		cfg:   cfg,
		srv:   make([]server, cluster.MaxServers),
		ids:   make([]cluster.ServerID, 0, cluster.MaxServers),
		heap:  make([]uint16, 0, cluster.MaxServers),
		virt:  make([]float64, cluster.MaxServers),
		vsess: make([]int, cluster.MaxServers),
	}
	hist := make([]float64, cluster.MaxServers*cfg.History)
	for i := range s.srv {
		s.srv[i].fc = newForecasterIn(hist[i*cfg.History:(i+1)*cfg.History], cfg.Epsilon)
		s.srv[i].cost.reset(cfg.CostPrior)
		s.srv[i].weight = 1
	}
	return s, nil
}

// Config returns the configuration the Shell runs with.
func (s *Shell) Config() Config { return s.cfg }

// Counters returns a copy of the cumulative counters.
func (s *Shell) Counters() Counters { return s.counters }

// Update ingests one interval's view of the servers: for each server with a
// fresh load it applies eqs (5)–(8) and updates the per-session cost.
// Servers missing from views are not selectable until they reappear. A server
// coming back from Failed starts a fresh history. Update allocates nothing.
func (s *Shell) Update(views []cluster.ServerView) {
	s.counters.Updates++
	for _, id := range s.ids {
		s.srv[id].present = false
	}
	s.ids = s.ids[:0]
	for i := range views {
		v := &views[i]
		if int(v.ID) >= len(s.srv) {
			s.counters.IgnoredViews++
			continue
		}
		sv := &s.srv[v.ID]
		if sv.present {
			continue // duplicate id: first view wins
		}
		w := v.Weight
		if !(w > 0) || math.IsInf(w, 0) {
			w = 1
		}
		if v.State == cluster.Failed {
			sv.wasFail = true
		} else if sv.wasFail {
			sv.wasFail, sv.hasLast, sv.ringN = false, false, 0
			sv.fc.Reset()
			sv.cost.reset(s.cfg.CostPrior / w)
		}
		sv.present, sv.state, sv.sessions, sv.weight = true, v.State, v.Sessions, w
		s.ids = append(s.ids, v.ID)
		sv.pushSessions(v.Sessions)
		if !v.HasLoad || math.IsNaN(v.Load) {
			continue
		}
		l := math.Max(0, math.Min(1, v.Load))
		if !sv.hasLast {
			sv.cost.reset(s.cfg.CostPrior / w)
		} else {
			sv.cost.observe(sv.lastLoad, l, sv.sessionsAgo(s.cfg.ReportLag)-sv.sessionsAgo(s.cfg.ReportLag+1), &s.cfg, w)
		}
		sv.fc.Observe(l)
		sv.lastLoad, sv.hasLast = l, true
	}
}

// pushSessions records this interval's session count.
func (sv *server) pushSessions(n int) {
	sv.ringPos = (sv.ringPos + 1) % len(sv.sessRing)
	sv.sessRing[sv.ringPos] = n
	if sv.ringN < len(sv.sessRing) {
		sv.ringN++
	}
}

// sessionsAgo is the session count k intervals ago (the oldest known if the
// ring is shorter).
func (sv *server) sessionsAgo(k int) int {
	if k >= sv.ringN {
		k = sv.ringN - 1
	}
	if k < 0 {
		return 0
	}
	return sv.sessRing[(sv.ringPos-k+len(sv.sessRing))%len(sv.sessRing)]
}

// Estimate returns L̂^{i+1} (eq 8) of server id from the last Update.
func (s *Shell) Estimate(id cluster.ServerID) float64 {
	if int(id) >= len(s.srv) {
		return math.NaN()
	}
	return s.srv[id].fc.Estimate()
}

// Forecast returns f of eq (6) for server id: the forecast for the next
// interval.
func (s *Shell) Forecast(id cluster.ServerID) float64 {
	if int(id) >= len(s.srv) {
		return math.NaN()
	}
	return s.srv[id].fc.Forecast()
}

// Err returns err of eq (7) for server id: how far the last forecast was
// from the measurement.
func (s *Shell) Err(id cluster.ServerID) float64 {
	if int(id) >= len(s.srv) {
		return math.NaN()
	}
	return s.srv[id].fc.Err()
}

// Cost returns the learned per-session load cost of server id.
func (s *Shell) Cost(id cluster.ServerID) float64 {
	if int(id) >= len(s.srv) {
		return math.NaN()
	}
	return s.srv[id].cost.cost
}

// Choose is eq (9): argmin of L̂ over selectable servers present in the last
// Update; ties go to fewer active sessions, then the lowest id. ok is false
// when no server is selectable.
func (s *Shell) Choose() (id cluster.ServerID, ok bool) {
	best := -1
	for _, c := range s.ids {
		if !s.srv[c].state.Selectable() {
			continue
		}
		if best < 0 || s.less(int(c), best, s.srv[c].fc.Estimate(), s.srv[best].fc.Estimate(), s.srv[c].sessions, s.srv[best].sessions) {
			best = int(c)
		}
	}
	if best < 0 {
		return 0, false
	}
	return cluster.ServerID(best), true
}

// less orders (estimate, sessions, id) lexicographically.
func (s *Shell) less(a, b int, ea, eb float64, sa, sb int) bool {
	if ea != eb {
		return ea < eb
	}
	if sa != sb {
		return sa < sb
	}
	return a < b
}
