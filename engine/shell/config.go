package shell

import (
	"errors"
	"fmt"
	"time"
)

// Mode selects how Sequence fills its slots.
type Mode uint8

const (
	// WaterFill repeatedly takes the argmin of eq (9) and raises the chosen
	// server's estimate by its learned per-session cost (herding fix).
	WaterFill Mode = iota
	// BareArgmin is the paper's rule: every slot holds the argmin of eq (9),
	// so all new sessions of an interval go to one server.
	BareArgmin
)

// String returns "water-fill" or "bare-argmin".
func (m Mode) String() string {
	if m == BareArgmin {
		return "bare-argmin"
	}
	return "water-fill"
}

// MaxReportLag bounds Config.ReportLag.
const MaxReportLag = 7

// Config holds the shell's parameters. DefaultConfig gives the DESIGN §7
// defaults.
type Config struct {
	History  int           // H, samples kept per server (eq 5)
	Epsilon  float64       // ε of eq (7)
	Interval time.Duration // load interval t (informational: Update is called once per interval)
	Slots    int           // length of the published selection sequence

	// Per-session load cost estimator (see cost.go). Costs are in units of
	// scalar load per session for a server of weight 1; a server of weight w
	// gets prior CostPrior/w.
	CostPrior  float64 // prior cost per session
	CostMin    float64 // lower bound of a learned cost
	CostMax    float64 // upper bound of a learned cost
	CostShrink float64 // pseudo-observations (in sessions²) pulling toward the prior
	CostForget float64 // forgetting factor per interval, in (0,1]

	// ReportLag is how many intervals a load report lags the session counts
	// seen by the control loop; the cost estimator pairs each report with the
	// session count of ReportLag intervals before, and water-filling adds the
	// cost of sessions placed since then (the report cannot show them yet).
	ReportLag int
	Mode      Mode
}

// DefaultConfig returns H=8, ε=0.01, t=1 s, 1024 slots, cost prior 0.01.
func DefaultConfig() Config {
	return Config{
		History:    8,
		Epsilon:    0.01,
		Interval:   time.Second,
		Slots:      1024,
		CostPrior:  0.01,
		CostMin:    0.0005,
		CostMax:    0.2,
		CostShrink: 25,
		CostForget: 0.95,
		ReportLag:  0,
		Mode:       WaterFill,
	}
}

// ErrConfig is wrapped by every validation error.
var ErrConfig = errors.New("shell: invalid config")

// Validate reports every invalid field, joined, each wrapping ErrConfig.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrConfig}, a...)...))
	}
	if c.History < 2 || c.History > 64 {
		bad("history %d not in [2,64]", c.History)
	}
	if !(c.Epsilon > 0 && c.Epsilon <= 1) {
		bad("epsilon %v not in (0,1]", c.Epsilon)
	}
	if c.Interval < 10*time.Millisecond {
		bad("interval %v below 10ms", c.Interval)
	}
	if c.Slots < 1 || c.Slots > 1<<16 {
		bad("slots %d not in [1,65536]", c.Slots)
	}
	if !(c.CostMin > 0 && c.CostMin <= c.CostPrior && c.CostPrior <= c.CostMax && c.CostMax <= 1) {
		bad("need 0 < cost min %v <= prior %v <= max %v <= 1", c.CostMin, c.CostPrior, c.CostMax)
	}
	if !(c.CostShrink > 0) {
		bad("cost shrink %v must be > 0", c.CostShrink)
	}
	if !(c.CostForget > 0 && c.CostForget <= 1) {
		bad("cost forget %v not in (0,1]", c.CostForget)
	}
	if c.ReportLag < 0 || c.ReportLag > MaxReportLag {
		bad("report lag %d not in [0,%d]", c.ReportLag, MaxReportLag)
	}
	if c.Mode > BareArgmin {
		bad("unknown mode %d", c.Mode)
	}
	return errors.Join(errs...)
}
