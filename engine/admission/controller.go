package admission

import (
	"fmt"
	"math"

	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/shell"
)

// Controller computes one Policy per load interval. It is not safe for
// concurrent use: the control loop owns it.
type Controller struct {
	cfg     Config
	fc      shell.Forecaster
	lc      float64 // l_c^{i-1}
	t2, t3  float64
	calm    bool // the last interval had l < T1 (pacing already reset)
	policy  Policy
	regions [RejectAll + 1]uint64
}

// NewController validates cfg and returns a Controller with l_c^0 = 0 and
// the operator's thresholds.
func NewController(cfg Config) (*Controller, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("admission.NewController: %w", err)
	}
	c := &Controller{cfg: cfg, fc: shell.NewForecaster(cfg.History, cfg.Epsilon), t2: cfg.T2, t3: cfg.T3}
	c.policy = Policy{T1: cfg.T1, T2: cfg.T2, T3: cfg.T3, C: cfg.C, Pacing: cfg.Pacing, PaceT0Ns: int64(cfg.PaceT0)}
	return c, nil
}

// Adopt sets the moving thresholds T2, T3 (eq 4) to another controller's:
// a hot standby follows its primary's, so that it takes over with the
// thresholds in force rather than the operator's start values. They are
// kept within T1 ≤ T2 ≤ T3 ≤ C; NaNs are ignored.
func (c *Controller) Adopt(t2, t3 float64) {
	if math.IsNaN(t2) || math.IsNaN(t3) {
		return
	}
	c.t2 = min(max(t2, c.cfg.T1), c.cfg.C)
	c.t3 = min(max(t3, c.t2), c.cfg.C)
	c.policy.T2, c.policy.T3 = c.t2, c.t3
}

// Policy returns the last published policy.
func (c *Controller) Policy() Policy { return c.policy }

// RegionCounts returns how many intervals ended in each region.
func (c *Controller) RegionCounts() [RejectAll + 1]uint64 { return c.regions }

// ClusterLoad is eq (1) on the loads of the Active servers with a load:
// ℓ = μ + σ (population standard deviation). ok is false if there is none.
func ClusterLoad(views []cluster.ServerView) (ell float64, ok bool) {
	var n, sum, sq float64
	for i := range views {
		v := &views[i]
		if v.State != cluster.Active || !v.HasLoad || math.IsNaN(v.Load) {
			continue
		}
		l := math.Max(0, math.Min(1, v.Load))
		n++
		sum += l
		sq += l * l
	}
	if n == 0 {
		return 0, false
	}
	mu := sum / n
	return mu + math.Sqrt(math.Max(0, sq/n-mu*mu)), true
}

// Update runs one interval: eq (1) gives l_c = α·ℓ + (1−α)·l_c^{i−1}; eq (8)
// on the l_c series gives l̃_c; l = max(l̃_c, lh) where lh ∈ [0,1] is the
// dispatcher's own load; eq (4) moves the thresholds; eq (2) gives the
// region and probabilities. With no Active server the policy keeps its
// loads, sets NoServers and PNew = 1 (established sessions unaffected); with
// Active servers but no load yet, only lh counts. Update allocates nothing.
func (c *Controller) Update(views []cluster.ServerView, lh float64) Policy {
	p := &c.policy
	p.Interval++
	active := false
	for i := range views {
		active = active || views[i].State == cluster.Active
	}
	if ell, ok := ClusterLoad(views); ok {
		c.lc = c.cfg.Alpha*ell + (1-c.cfg.Alpha)*c.lc // (1)
		p.ClusterLoad = c.lc
		p.Estimate = c.fc.Observe(c.lc) // (8) on the cluster series
	}
	if math.IsNaN(lh) {
		lh = 0
	}
	l := math.Max(p.Estimate, math.Max(0, math.Min(1, lh)))
	if c.cfg.Moving && !c.cfg.Off {
		c.t2, c.t3 = moveThresholds(l, c.cfg.T1, c.t2, c.t3, &c.cfg) // (4)
	}
	p.Load, p.T1, p.T2, p.T3, p.C = l, c.cfg.T1, c.t2, c.t3, c.cfg.C
	p.Region, p.PNew, p.PEst = dropProbabilities(l, p.T1, p.T2, p.T3, p.C, c.cfg.PMax, c.cfg.PEstMax) // (2)
	if c.cfg.Off {
		p.Region, p.PNew, p.PEst = Accept, 0, 0
	}
	p.RejectAll = p.Region == RejectAll
	p.NoServers = !active
	if p.NoServers {
		p.PNew = 1
	}
	if l < p.T1 && !c.calm {
		p.PaceEpoch++ // (3): period back to T_0
	}
	c.calm = l < p.T1
	c.regions[p.Region]++
	return *p
}
