package shell

import "math"

// ForecastMax is the upper clamp of a forecast (eq 6).
const ForecastMax = 1.5

// Forecaster turns one load series into damped short-term estimates,
// DESIGN §7 eqs (5)–(8). The zero value is unusable; use NewForecaster.
// Observe allocates nothing.
type Forecaster struct {
	hist []float64 // ring of the last H samples (eq 5)
	n    int       // samples held, ≤ len(hist)
	next int       // ring write position
	eps  float64   // ε of eq (7)

	fNext float64 // f^{i+1}: forecast made at the last Observe for the next sample
	hasF  bool    // a forecast exists (at least one sample observed)
	err   float64 // err^i of the last Observe
	est   float64 // L̂^{i+1} of the last Observe
}

// NewForecaster returns a forecaster keeping h samples with error floor eps.
func NewForecaster(h int, eps float64) Forecaster {
	return Forecaster{hist: make([]float64, h), eps: eps}
}

// newForecasterIn is NewForecaster over caller-provided history storage.
func newForecasterIn(buf []float64, eps float64) Forecaster {
	return Forecaster{hist: buf, eps: eps}
}

// Reset forgets every sample.
func (f *Forecaster) Reset() {
	f.n, f.next, f.fNext, f.hasF, f.err, f.est = 0, 0, 0, false, 0, 0
}

// Observe records the measured load l^i at interval I_i and returns the
// damped estimate L̂^{i+1} for the next interval:
//
//	err^i   = min(1, |f^i − l^i| / max(l^i, ε))             (7)
//	L_j^i   = last H samples, l^i included                  (5)
//	f^{i+1} = OLS line through L_j^i at one step ahead,
//	          clamped to [0, 1.5]                            (6)
//	L̂^{i+1} = err^i·l^i + (1 − err^i)·f^{i+1}               (8)
//
// With no earlier forecast (the first sample) err is 1, so the estimate is
// the measurement. A NaN sample is ignored and the last estimate returned.
func (f *Forecaster) Observe(l float64) float64 {
	if math.IsNaN(l) {
		return f.est
	}
	e := 1.0
	if f.hasF {
		e = math.Min(1, math.Abs(f.fNext-l)/math.Max(l, f.eps)) // (7)
	}
	f.hist[f.next] = l // (5)
	f.next++
	if f.next == len(f.hist) {
		f.next = 0
	}
	if f.n < len(f.hist) {
		f.n++
	}
	f.fNext = f.ols() // (6)
	f.hasF = true
	f.err = e
	f.est = e*l + (1-e)*f.fNext // (8)
	return f.est
}

// ols fits y = a + b·x by ordinary least squares through the held samples at
// x = 0..n−1 (oldest first) and evaluates it at x = n, clamped to [0, 1.5].
func (f *Forecaster) ols() float64 {
	n := f.n
	start := f.next - n
	if start < 0 {
		start += len(f.hist)
	}
	var sy float64
	for k := 0; k < n; k++ {
		sy += f.hist[(start+k)%len(f.hist)]
	}
	xm := float64(n-1) / 2
	ym := sy / float64(n)
	var sxy, sxx float64
	for k := 0; k < n; k++ {
		dx := float64(k) - xm
		sxy += dx * (f.hist[(start+k)%len(f.hist)] - ym)
		sxx += dx * dx
	}
	v := ym
	if sxx > 0 {
		v = ym + sxy/sxx*(float64(n)-xm)
	}
	return math.Max(0, math.Min(ForecastMax, v))
}

// Estimate is L̂^{i+1} from the last Observe (eq 8).
func (f *Forecaster) Estimate() float64 { return f.est }

// Forecast is f^{i+1} from the last Observe (eq 6).
func (f *Forecaster) Forecast() float64 { return f.fNext }

// Err is err^i from the last Observe (eq 7).
func (f *Forecaster) Err() float64 { return f.err }

// Len is the number of samples held (≤ H).
func (f *Forecaster) Len() int { return f.n }
