package shell

import "math"

// saturated is the load above which a report says nothing about the cost of
// a session: the scalar load is capped at 1, so deltas flatten near the top.
const saturated = 0.98

// costEstimator learns one server's per-session load cost c from successive
// load reports: between two reports the load moved by Δl while the server's
// session count moved by Δs, so Δl ≈ c·Δs. It is a ridge regression through
// the origin with exponential forgetting, shrunk toward the prior c0:
//
//	num ← γ·num + Δl·Δs
//	den ← γ·den + Δs²
//	c   = clamp((num + k·c0) / (den + k), cmin, cmax)
//
// γ = CostForget, k = CostShrink (pseudo-observations), c0 = CostPrior/weight,
// bounds CostMin/weight and CostMax/weight. Pairs where either load is at or
// above 0.98 are skipped (a capped load hides the cost). With no informative
// pair the cost is the prior.
type costEstimator struct {
	num, den float64
	cost     float64
}

// reset sets the estimate back to the prior c0.
func (c *costEstimator) reset(c0 float64) {
	c.num, c.den, c.cost = 0, 0, c0
}

// observe folds in one (Δl, Δs) pair; cfg and w give prior, bounds and weight.
func (c *costEstimator) observe(prevLoad, load float64, ds int, cfg *Config, w float64) {
	c0, lo, hi := cfg.CostPrior/w, cfg.CostMin/w, cfg.CostMax/w
	c.num *= cfg.CostForget
	c.den *= cfg.CostForget
	if ds != 0 && prevLoad < saturated && load < saturated {
		dl, s := load-prevLoad, float64(ds)
		c.num += dl * s
		c.den += s * s
	}
	c.cost = math.Max(lo, math.Min(hi, (c.num+cfg.CostShrink*c0)/(c.den+cfg.CostShrink)))
}
