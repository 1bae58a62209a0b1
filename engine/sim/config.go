package sim

import (
	"errors"
	"fmt"
	"time"
)

// Balancer names accepted by Config.Balancer.
const (
	BalRR            = "rr"
	BalLeastSessions = "least-sessions"
	BalLeastLoaded   = "least-loaded"
	BalShell         = "shell"
	BalShellArgmin   = "shell-argmin"
)

// Admission names accepted by Config.Admission.
const (
	AdmNone      = "none"
	AdmRequest   = "request"
	AdmStatic    = "static"
	AdmSA2C      = "sa2c"
	AdmSA2CPaced = "sa2c-paced" // SA2C with eq (3) pacing instead of Bernoulli draws
)

// Balancers lists the balancers compared by default.
var Balancers = []string{BalRR, BalLeastSessions, BalLeastLoaded, BalShell, BalShellArgmin}

// Admissions lists the admission policies compared by default.
var Admissions = []string{AdmNone, AdmRequest, AdmStatic, AdmSA2C}

// Config describes one simulated run.
type Config struct {
	Scenario  string        // voice, steady, flash, diurnal, failure
	Load      float64       // offered load as a multiple of cluster capacity
	Seed      int64         // seed of every random stream
	Duration  time.Duration // arrivals counted in [Warmup, Duration]
	Warmup    time.Duration // sessions arriving before this are not counted
	Servers   int           // number of servers
	Capacity  float64       // media packets/s one server forwards without loss
	QoSLoss   float64       // a session whose media loss exceeds this is broken
	Lag       int           // load reports reach the balancer Lag intervals late
	Interval  time.Duration // load interval t
	Noise     float64       // stddev of the noise on a report's CPU component
	Detect    time.Duration // failure detection delay (n·d)
	Balancer  string
	Admission string
}

// DefaultConfig is the voice scenario at 2× with the documented parameters.
func DefaultConfig() Config {
	return Config{
		Scenario: "voice", Load: 2, Seed: 1, Duration: 300 * time.Second, Warmup: 60 * time.Second,
		Servers: 4, Capacity: 10000, QoSLoss: 0.05, Lag: 1, Interval: time.Second,
		Noise: 0.02, Detect: 600 * time.Millisecond, Balancer: BalShell, Admission: AdmSA2C,
	}
}

// ErrConfig is wrapped by every validation error.
var ErrConfig = errors.New("sim: invalid config")

func oneOf(s string, set []string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}

// Validate reports every invalid field, joined, each wrapping ErrConfig.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrConfig}, a...)...))
	}
	if _, ok := scenarios[c.Scenario]; !ok {
		bad("unknown scenario %q", c.Scenario)
	}
	if !(c.Load > 0 && c.Load <= 20) {
		bad("load %v not in (0,20]", c.Load)
	}
	if c.Interval < 10*time.Millisecond || c.Warmup < 0 || c.Duration < c.Warmup+10*c.Interval || c.Duration > 24*time.Hour {
		bad("need interval ≥ 10ms, 0 ≤ warmup, warmup+10 intervals ≤ duration ≤ 24h (got %v %v %v)", c.Interval, c.Warmup, c.Duration)
	}
	if c.Servers < 1 || c.Servers > 256 {
		bad("servers %d not in [1,256]", c.Servers)
	}
	if !(c.Capacity >= 100) {
		bad("capacity %v below one voice call (100 pps)", c.Capacity)
	}
	if !(c.QoSLoss >= 0 && c.QoSLoss < 1) {
		bad("qos loss %v not in [0,1)", c.QoSLoss)
	}
	if c.Lag < 0 || c.Lag > 7 {
		bad("lag %d not in [0,7]", c.Lag)
	}
	if !(c.Noise >= 0 && c.Noise <= 0.5) {
		bad("noise %v not in [0,0.5]", c.Noise)
	}
	if c.Detect < 0 {
		bad("detect %v < 0", c.Detect)
	}
	if !oneOf(c.Balancer, Balancers) {
		bad("unknown balancer %q", c.Balancer)
	}
	if !oneOf(c.Admission, append(Admissions, AdmSA2CPaced)) {
		bad("unknown admission %q", c.Admission)
	}
	return errors.Join(errs...)
}
