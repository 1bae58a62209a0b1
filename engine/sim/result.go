package sim

import "math"

// Result is one (balancer, admission) run's outcome over the measured
// sessions (those arriving in [Warmup, Duration]). Invariants:
// Offered = Admitted + Rejected and Admitted = Completed + Broken.
type Result struct {
	Balancer      string  `json:"balancer"`
	Admission     string  `json:"admission"`
	Offered       int     `json:"offered"`
	Admitted      int     `json:"admitted"`
	Completed     int     `json:"completed"`
	Broken        int     `json:"broken"`
	Rejected      int     `json:"rejected"`
	SuccessRate   float64 `json:"success_rate"`    // Completed / Offered
	CompletedPerS float64 `json:"completed_per_s"` // Completed / (Duration − Warmup)
	ImbalanceCoV  float64 `json:"imbalance_cov"`   // mean over intervals of stddev/mean of server utilisation
	Herding       float64 `json:"herding"`         // mean over intervals of the largest share of new sessions one server got
	MeanUtil      float64 `json:"mean_util"`       // mean utilisation of the live servers
	BrokenLoss    int     `json:"broken_qos"`      // broken by media loss above the QoS limit
	BrokenSignal  int     `json:"broken_signal"`   // broken by a rejected in-dialog request
	BrokenFailure int     `json:"broken_failure"`  // broken by a server failure
}

// stats accumulates per-interval means.
type stats struct{ cov, herd, util, nCov, nHerd float64 }

// interval folds one interval's utilisations of the live servers and the
// new-session counts per server.
func (s *stats) interval(us []float64, assigned []int) {
	var n, sum, sq float64
	for _, u := range us {
		n++
		sum += u
		sq += u * u
	}
	if n > 0 && sum > 0 {
		m := sum / n
		s.cov += math.Sqrt(math.Max(0, sq/n-m*m)) / m
		s.util += m
		s.nCov++
	}
	tot, mx := 0, 0
	for _, a := range assigned {
		tot += a
		mx = max(mx, a)
	}
	if tot >= 2 {
		s.herd += float64(mx) / float64(tot)
		s.nHerd++
	}
}

func (s *stats) fill(r *Result, window float64) {
	if s.nCov > 0 {
		r.ImbalanceCoV, r.MeanUtil = s.cov/s.nCov, s.util/s.nCov
	}
	if s.nHerd > 0 {
		r.Herding = s.herd / s.nHerd
	}
	if r.Offered > 0 {
		r.SuccessRate = float64(r.Completed) / float64(r.Offered)
	}
	r.CompletedPerS = float64(r.Completed) / window
}
