package admission

import "fmt"

// Region is where the admission load l lies among the thresholds (eq 2).
type Region uint8

// The regions of eq (2).
const (
	Accept          Region = iota // l < T1: accept everything
	DropNew                       // T1 ≤ l < T2: drop new sessions with p_new
	EstablishedOnly               // T2 ≤ l < T3: only established sessions
	DegradeMedia                  // T3 ≤ l < C: established media dropped with p_est
	RejectAll                     // l ≥ C: all incoming traffic rejected
)

var regionNames = [...]string{"accept", "drop-new", "established-only", "degrade-media", "reject-all"}

// String returns the region's name.
func (r Region) String() string {
	if int(r) < len(regionNames) {
		return regionNames[r]
	}
	return fmt.Sprintf("region(%d)", uint8(r))
}

// Policy is what one interval's Controller.Update publishes to the workers:
// plain numbers, safe to copy and to swap atomically as a whole.
type Policy struct {
	Interval    uint64  // Update count that produced it
	ClusterLoad float64 // l_c (eq 1)
	Estimate    float64 // l̃_c, eq (8) on the l_c series
	Load        float64 // l = max(l̃_c, l_h)
	PNew        float64 // drop probability of a new session (eq 2)
	PEst        float64 // drop probability of an established session's media packet (eq 2)
	T1, T2, T3  float64 // thresholds in force (T2, T3 moved by eq 4)
	C           float64 // edge capacity
	Region      Region
	RejectAll   bool // l ≥ C: reject all incoming traffic, signalling of established sessions included
	NoServers   bool // no Active server: new sessions cannot be placed (PNew = 1)
	Pacing      Pacing
	PaceT0Ns    int64  // T_0 of eq (3), nanoseconds
	PaceEpoch   uint64 // incremented when l < T1: workers reset their pacing period to T_0
}

// dropProbabilities is eq (2): region, p_new and p_est for load l under
// thresholds t1 ≤ t2 ≤ t3 ≤ c.
func dropProbabilities(l, t1, t2, t3, c, pMax, pEstMax float64) (Region, float64, float64) {
	switch {
	case l >= c:
		return RejectAll, 1, 1
	case l >= t3:
		return DegradeMedia, 1, pEstMax * (l - t3) / (c - t3) // c > t3 here since t3 ≤ l < c
	case l >= t2:
		return EstablishedOnly, 1, 0
	case l >= t1:
		return DropNew, pMax * (l - t1) / (t2 - t1), 0 // t2 > t1 here since t1 ≤ l < t2
	}
	return Accept, 0, 0
}

// moveThresholds is eq (4) for one interval: T2 decreases linearly and T3
// multiplicatively while l exceeds them; both reset to the operator's values
// when l < T1. The result keeps T1 ≤ T2 ≤ T3 ≤ C.
func moveThresholds(l, t1, t2, t3 float64, cfg *Config) (float64, float64) {
	if l < t1 {
		return cfg.T2, cfg.T3
	}
	if l > t2 {
		t2 = max(t1, t2-cfg.Kappa*(l-t2))
	}
	if l > t3 {
		t3 = max(t2, t3*(1-(l-t3)))
	}
	return t2, max(t3, t2)
}
