package shell

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestForecasterByHand checks eqs (5)–(8) on H=4 against arithmetic done by hand.
func TestForecasterByHand(t *testing.T) {
	f := NewForecaster(4, 0.01)
	steps := []struct {
		l, err, fc, est float64
	}{
		// first sample: no forecast yet → err=1; OLS of one point = 0.2; L̂ = l.
		{0.2, 1, 0.2, 0.2},
		// f^i=0.2: err=|0.2-0.4|/0.4=0.5. OLS (0,.2),(1,.4): b=.2, at x=2 → .6.
		// L̂ = .5·.4 + .5·.6 = .5
		{0.4, 0.5, 0.6, 0.5},
		// f^i=.6 = l → err 0. OLS .2,.4,.6: b=.2, ȳ=.4, x̄=1 → .4+.2·2 = .8. L̂ = .8
		{0.6, 0, 0.8, 0.8},
		// f^i=.8, l=.5: err=.3/.5=.6. OLS .2,.4,.6,.5: ȳ=.425, x̄=1.5,
		// Σdx·dy = (-1.5)(-.225)+(-.5)(-.025)+(.5)(.175)+(1.5)(.075) = .55, Σdx² = 5,
		// b=.11 → .425+.11·2.5 = .7. L̂ = .6·.5 + .4·.7 = .58
		{0.5, 0.6, 0.7, 0.58},
		// window slides to .4,.6,.5,.1 (eq 5, H=4). f^i=.7, l=.1: err=min(1,.6/.1)=1.
		// ȳ=.4, Σdx·dy = 0 + (-.5)(.2) + (.5)(.1) + (1.5)(-.3) = -.5, b=-.1 → .4-.1·2.5 = .15.
		// L̂ = 1·.1 = .1
		{0.1, 1, 0.15, 0.1},
	}
	for i, s := range steps {
		got := f.Observe(s.l)
		if !near(f.Err(), s.err) || !near(f.Forecast(), s.fc) || !near(got, s.est) || !near(f.Estimate(), s.est) {
			t.Fatalf("step %d (l=%v): err=%v fc=%v est=%v, want %v %v %v", i, s.l, f.Err(), f.Forecast(), got, s.err, s.fc, s.est)
		}
	}
	if f.Len() != 4 {
		t.Fatalf("Len = %d, want H=4", f.Len())
	}
}

// TestForecasterClampAndEpsilon checks the [0,1.5] clamp of eq (6) and the ε floor of eq (7).
func TestForecasterClampAndEpsilon(t *testing.T) {
	f := NewForecaster(8, 0.01)
	f.Observe(0)
	f.Observe(1) // line 0→1 at x=2 gives 2, clamped to 1.5
	if f.Forecast() != ForecastMax {
		t.Fatalf("forecast %v not clamped to 1.5", f.Forecast())
	}
	g := NewForecaster(8, 0.01)
	g.Observe(1)
	g.Observe(0) // line 1→0 at x=2 gives -1, clamped to 0; err = min(1, 1/max(0,.01)) = 1
	if g.Forecast() != 0 || g.Err() != 1 || g.Estimate() != 0 {
		t.Fatalf("fc=%v err=%v est=%v, want 0 1 0", g.Forecast(), g.Err(), g.Estimate())
	}
	// ε matters when l is tiny: f^i=0.004 (flat series), l=0.002:
	// err = 0.002/max(0.002, 0.01) = 0.2 (without ε it would be 1).
	h := NewForecaster(8, 0.01)
	h.Observe(0.004)
	h.Observe(0.002)
	if !near(h.Err(), 0.2) {
		t.Fatalf("err = %v, want 0.2", h.Err())
	}
	// NaN is ignored.
	est := h.Estimate()
	if h.Observe(math.NaN()) != est || h.Len() != 2 {
		t.Fatal("NaN sample changed the forecaster")
	}
	h.Reset()
	if h.Len() != 0 || h.Estimate() != 0 {
		t.Fatal("Reset kept state")
	}
}

// TestForecasterTracksRamp: on a noiseless ramp the forecaster is exact, so
// err drops to 0 and the estimate leads the measurement by one step.
func TestForecasterTracksRamp(t *testing.T) {
	f := NewForecaster(8, 0.01)
	var est float64
	for i := 0; i < 10; i++ {
		est = f.Observe(0.1 + 0.05*float64(i))
	}
	if !near(f.Err(), 0) || !near(est, 0.1+0.05*10) {
		t.Fatalf("err=%v est=%v, want 0 and 0.6", f.Err(), est)
	}
}

func FuzzForecaster(f *testing.F) {
	f.Add([]byte{0, 10, 200, 255, 3, 3, 3, 90})
	f.Add([]byte{255, 0, 255, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		fc := NewForecaster(1+len(data)%8+1, 0.01)
		for _, b := range data {
			l := float64(b) / 255
			e := fc.Observe(l)
			if fc.Err() < 0 || fc.Err() > 1 || fc.Forecast() < 0 || fc.Forecast() > ForecastMax {
				t.Fatalf("err %v / forecast %v out of range", fc.Err(), fc.Forecast())
			}
			if lo, hi := math.Min(l, fc.Forecast()), math.Max(l, fc.Forecast()); e < lo-1e-12 || e > hi+1e-12 {
				t.Fatalf("estimate %v not between l=%v and f=%v (eq 8 is a convex mix)", e, l, fc.Forecast())
			}
		}
	})
}
