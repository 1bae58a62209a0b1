package admission

import (
	"errors"
	"fmt"
	"time"

	"github.com/sara-lb/sara/engine/shell"
)

// Pacing selects how p_new turns into rejections of new sessions.
type Pacing uint8

const (
	// Bernoulli rejects each new session independently with probability p_new.
	Bernoulli Pacing = iota
	// Paced rejects one new session every T_i, T_{i+1} = (1 − p_new)·T_i
	// (eq 3), the period going back to T_0 when l < T1.
	Paced
)

// String returns "bernoulli" or "paced".
func (p Pacing) String() string {
	if p == Paced {
		return "paced"
	}
	return "bernoulli"
}

// Config holds SA2C's parameters; DefaultConfig gives DESIGN §7's values.
type Config struct {
	Alpha   float64 // α of eq (1)
	T1      float64 // first threshold: new sessions start being dropped
	T2      float64 // operator value of the moving threshold T2
	T3      float64 // operator value of the moving threshold T3
	C       float64 // edge capacity: reject everything at or above
	PMax    float64 // p_max of eq (2)
	PEstMax float64 // p_est_max of eq (2)
	Kappa   float64 // κ of eq (4)
	Moving  bool    // apply eq (4); false keeps T2, T3 static
	Pacing  Pacing
	PaceT0  time.Duration // T_0 of eq (3)
	History int           // H of the cluster-load forecaster (eq 5)
	Epsilon float64       // ε of the cluster-load forecaster (eq 7)
	// Off measures the load (eqs 1 and 8) but never refuses: the region
	// stays Accept and p_new = p_est = 0 (only NoServers still sets p_new).
	Off bool
}

// DefaultConfig returns α=0.5, thresholds .70/.85/.95/1.0, p_max=1,
// p_est_max=0.02, κ=0.5, moving thresholds, Bernoulli, T_0=100 ms, H=8, ε=0.01.
func DefaultConfig() Config {
	sc := shell.DefaultConfig()
	return Config{
		Alpha: 0.5, T1: 0.70, T2: 0.85, T3: 0.95, C: 1.0,
		PMax: 1, PEstMax: 0.02, Kappa: 0.5, Moving: true,
		Pacing: Bernoulli, PaceT0: 100 * time.Millisecond,
		History: sc.History, Epsilon: sc.Epsilon,
	}
}

// ErrConfig is wrapped by every validation error.
var ErrConfig = errors.New("admission: invalid config")

// Validate reports every invalid field, joined, each wrapping ErrConfig.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrConfig}, a...)...))
	}
	in01 := func(v float64) bool { return v >= 0 && v <= 1 }
	if !in01(c.Alpha) {
		bad("alpha %v not in [0,1]", c.Alpha)
	}
	if !(0 < c.T1 && c.T1 <= c.T2 && c.T2 <= c.T3 && c.T3 <= c.C && c.C <= 1) {
		bad("thresholds need 0 < T1 %v <= T2 %v <= T3 %v <= C %v <= 1", c.T1, c.T2, c.T3, c.C)
	}
	if !in01(c.PMax) || !in01(c.PEstMax) {
		bad("p_max %v and p_est_max %v must be in [0,1]", c.PMax, c.PEstMax)
	}
	if !(c.Kappa >= 0 && c.Kappa <= 10) {
		bad("kappa %v not in [0,10]", c.Kappa)
	}
	if c.Pacing > Paced {
		bad("unknown pacing %d", c.Pacing)
	}
	if c.Pacing == Paced && c.PaceT0 <= 0 {
		bad("pace T0 %v must be > 0", c.PaceT0)
	}
	if c.History < 2 || c.History > 64 {
		bad("history %d not in [2,64]", c.History)
	}
	if !(c.Epsilon > 0 && c.Epsilon <= 1) {
		bad("epsilon %v not in (0,1]", c.Epsilon)
	}
	return errors.Join(errs...)
}
