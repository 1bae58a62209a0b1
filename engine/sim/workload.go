package sim

import (
	"math"
	"math/rand"
	"sort"
)

// Session kinds and their media rates (packets/s through the server).
const (
	voicePPS  = 100 // G.711 at 20 ms: 50 packets/s each way
	streamPPS = 150 // RTSP stream ≈1.5 Mbit/s in 1250-byte RTP packets, one way
)

// kind is a class of sessions.
type kind struct {
	pps      float64
	meanHold float64 // seconds
	hold     func(*rand.Rand) float64
	reqEvery float64 // mean seconds between in-dialog requests (re-INVITE / keep-alive)
	periodic bool    // in-dialog requests every reqEvery (else Poisson)
}

const maxHoldFactor = 20 // heavy tails are truncated at 20 × the mean

var (
	voiceExp = kind{pps: voicePPS, meanHold: 60, reqEvery: 90,
		hold: func(r *rand.Rand) float64 { return math.Min(60*maxHoldFactor, r.ExpFloat64()*60) }}
	voiceLogN = kind{pps: voicePPS, meanHold: 60, reqEvery: 90,
		hold: func(r *rand.Rand) float64 { // lognormal σ=1, mean 60: μ = ln 60 − ½
			return math.Min(60*maxHoldFactor, math.Exp(math.Log(60)-0.5+r.NormFloat64()))
		}}
	streamPareto = kind{pps: streamPPS, meanHold: 120, reqEvery: 30, periodic: true,
		hold: func(r *rand.Rand) float64 { // Pareto shape 1.5, mean 120: x_m = 40
			return math.Min(120*maxHoldFactor, 40/math.Pow(1-r.Float64(), 1/1.5))
		}}
)

// scenario gives the arrival-rate multiplier over time (relative to the
// configured load) and the session mix.
type scenario struct {
	mix  []kind
	frac []float64                    // share of sessions of each kind
	rate func(t, dur float64) float64 // multiplier of the configured load at t
	fail bool                         // server 0 fails at dur/2
}

var scenarios = map[string]scenario{
	"voice":  {mix: []kind{voiceExp}, frac: []float64{1}, rate: func(float64, float64) float64 { return 1 }},
	"steady": {mix: []kind{voiceLogN, streamPareto}, frac: []float64{0.7, 0.3}, rate: func(float64, float64) float64 { return 1 }},
	"flash": {mix: []kind{voiceExp}, frac: []float64{1}, rate: func(t, d float64) float64 {
		if t >= d/3 && t < 2*d/3 {
			return 1
		}
		return 0.3
	}},
	"diurnal": {mix: []kind{voiceExp}, frac: []float64{1}, rate: func(t, d float64) float64 {
		return 0.55 - 0.45*math.Cos(2*math.Pi*t/d)
	}},
	"failure": {mix: []kind{voiceExp}, frac: []float64{1}, rate: func(float64, float64) float64 { return 1 }, fail: true},
}

// ScenarioNames returns the scenario names, sorted.
func ScenarioNames() []string {
	var n []string
	for k := range scenarios {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// session is one offered session as generated; reqs are in-dialog request
// times as offsets from the start (the final BYE/TEARDOWN is at hold).
type session struct {
	arrive, hold float64
	pps          float64
	reqs         []float64
	measured     bool
}

// generate draws the sessions of a run: Poisson arrivals (thinning of the
// scenario's rate), holding times and in-dialog requests. Sessions arriving
// in [warmup, dur] are measured; arrivals continue until every measured
// session has ended so the load stays realistic to the end.
func generate(sc scenario, load, capacity float64, warmup, dur float64, seed int64) []session {
	r := rand.New(rand.NewSource(seed))
	var work float64 // mean packet-seconds per session
	for i, k := range sc.mix {
		work += sc.frac[i] * k.pps * k.meanHold
	}
	peak := load * capacity / work // arrival rate at multiplier 1
	var out []session
	stop := dur
	for t := 0.0; ; {
		t += r.ExpFloat64() / peak
		if t > stop {
			break
		}
		accept := r.Float64() < sc.rate(math.Min(t, dur), dur)
		k := sc.mix[pick(r.Float64(), sc.frac)]
		s := session{arrive: t, hold: k.hold(r), pps: k.pps}
		for at := nextReq(r, k, 0); at < s.hold; at = nextReq(r, k, at) {
			s.reqs = append(s.reqs, at)
		}
		if !accept {
			continue
		}
		s.measured = t >= warmup && t <= dur
		if s.measured && t+s.hold > stop {
			stop = t + s.hold
		}
		out = append(out, s)
	}
	return out
}

func nextReq(r *rand.Rand, k kind, at float64) float64 {
	if k.periodic {
		return at + k.reqEvery
	}
	return at + r.ExpFloat64()*k.reqEvery
}

func pick(u float64, frac []float64) int {
	for i, f := range frac {
		if u < f {
			return i
		}
		u -= f
	}
	return len(frac) - 1
}
