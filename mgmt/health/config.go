package health

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sara-lb/sara/engine/cluster"
)

// Policy is what happens to a failed server's established sessions. The
// monitor does not act on it: it attaches it to the Failed event and the
// control plane applies it.
type Policy uint8

// Failover policies.
const (
	PolicyDrop      Policy = iota // sessions of the failed server are dropped
	PolicyRebalance               // sessions are reassigned to other servers
)

// String names the policy as in configuration.
func (p Policy) String() string {
	if p == PolicyRebalance {
		return "rebalance"
	}
	return "drop"
}

// ErrConfig reports an invalid Config.
var ErrConfig = errors.New("health: invalid config")

// ParsePolicy parses "drop" or "rebalance".
func ParsePolicy(s string) (Policy, error) {
	switch strings.ToLower(s) {
	case "drop":
		return PolicyDrop, nil
	case "rebalance":
		return PolicyRebalance, nil
	}
	return 0, fmt.Errorf("%w: failover policy %q (want drop or rebalance)", ErrConfig, s)
}

// Config holds the failure-detection parameters (DESIGN §8).
type Config struct {
	Period     time.Duration   // d: heartbeat period
	Misses     int             // n: failed after n·d without a heartbeat
	LoadPeriod time.Duration   // t: load-vector period
	LoadMisses int             // monitor failed after LoadMisses·t without a vector
	Damping    int             // k: good periods before a recovered server is Active
	Failover   Policy          // attached to Failed events
	Weights    cluster.Weights // scalar load in Snapshot
}

// Defaults returns d = 200 ms, n = 3, t = 1 s, 3·t, k = 3, drop, default weights.
func Defaults() Config {
	return Config{Period: 200 * time.Millisecond, Misses: 3, LoadPeriod: time.Second,
		LoadMisses: 3, Damping: 3, Failover: PolicyDrop, Weights: cluster.DefaultWeights}
}

// Validate reports every invalid field.
func (c Config) Validate() error {
	var errs []error
	if c.Period <= 0 {
		errs = append(errs, fmt.Errorf("%w: heartbeat period %v must be > 0", ErrConfig, c.Period))
	}
	if c.Misses < 1 {
		errs = append(errs, fmt.Errorf("%w: misses n=%d must be ≥ 1", ErrConfig, c.Misses))
	}
	if c.LoadPeriod <= 0 {
		errs = append(errs, fmt.Errorf("%w: load period %v must be > 0", ErrConfig, c.LoadPeriod))
	}
	if c.LoadMisses < 1 {
		errs = append(errs, fmt.Errorf("%w: load misses %d must be ≥ 1", ErrConfig, c.LoadMisses))
	}
	if c.Damping < 0 {
		errs = append(errs, fmt.Errorf("%w: damping k=%d must be ≥ 0", ErrConfig, c.Damping))
	}
	if c.Failover > PolicyRebalance {
		errs = append(errs, fmt.Errorf("%w: failover policy %d", ErrConfig, c.Failover))
	}
	return errors.Join(errs...)
}

// Server is one monitored server: its cluster id, the Host_Identity its
// agent sends, a name for logs and its relative capacity.
type Server struct {
	ID     cluster.ServerID
	Host   uint32
	Name   string
	Weight float64
}
