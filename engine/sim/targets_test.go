package sim

import "testing"

// TestSA2CVersusRequestAware is the paper's claim, SA2C's success rate at
// least 1.69× that of request-aware admission (same balancer, load signal
// and thresholds) in `voice`. Measured (docs/evaluation.md): at 2× every
// seed clears 1.69 (1.91–2.20 over seeds 1–10); at 1.5× the mean over ten
// seeds is 1.70 but single seeds range 1.62–1.79, so the test asserts 1.69
// on the pooled success rates of seeds 1–10 at 1.5× and per seed at 2×, and
// no seed below 1.55 at 1.5×.
func TestSA2CVersusRequestAware(t *testing.T) {
	if testing.Short() {
		t.Skip("20 simulated runs")
	}
	for _, load := range []float64{1.5, 2} {
		var sumSA, sumRQ float64
		for seed := int64(1); seed <= 10; seed++ {
			m := compare(t, "voice", load, seed, []string{BalShell}, []string{AdmRequest, AdmSA2C}, nil)
			sa, rq := m["shell/sa2c"], m["shell/request"]
			sumSA += sa.SuccessRate
			sumRQ += rq.SuccessRate
			floor := 1.69
			if load == 1.5 {
				floor = 1.55
			}
			if sa.SuccessRate < floor*rq.SuccessRate {
				t.Errorf("seed %d load %v: sa2c %.3f < %v × request %.3f", seed, load, sa.SuccessRate, floor, rq.SuccessRate)
			}
			if sa.BrokenSignal != 0 {
				t.Errorf("seed %d load %v: SA2C broke %d sessions by rejecting in-dialog requests", seed, load, sa.BrokenSignal)
			}
		}
		if sumSA < 1.69*sumRQ {
			t.Errorf("load %v: pooled sa2c %.3f < 1.69 × request %.3f", load, sumSA/10, sumRQ/10)
		}
	}
}

// TestNoCollapse: SA2C's completed sessions/s at 2× is within 10 % of its
// peak over 0.75×..2×, while no admission collapses.
func TestNoCollapse(t *testing.T) {
	peak, at2 := 0.0, 0.0
	for _, load := range []float64{0.75, 1, 1.25, 1.5, 2} {
		r := compare(t, "voice", load, 1, []string{BalShell}, []string{AdmSA2C}, nil)["shell/sa2c"]
		peak = max(peak, r.CompletedPerS)
		if load == 2 {
			at2 = r.CompletedPerS
		}
	}
	if at2 < 0.9*peak {
		t.Fatalf("sa2c completed/s at 2× %.2f below 90%% of its peak %.2f", at2, peak)
	}
}

// TestShellBalancesBetterThanLeastLoaded: with reports one interval late,
// the shell (water-filling) has a lower utilisation CoV than instantaneous
// least-loaded, with and without admission control.
func TestShellBalancesBetterThanLeastLoaded(t *testing.T) {
	for _, c := range []struct {
		load float64
		adm  string
	}{{0.8, AdmNone}, {1.5, AdmSA2C}, {2, AdmSA2C}} {
		m := compare(t, "voice", c.load, 1, []string{BalShell, BalLeastLoaded}, []string{c.adm}, nil)
		sh, ll := m["shell/"+c.adm], m["least-loaded/"+c.adm]
		if sh.ImbalanceCoV >= ll.ImbalanceCoV {
			t.Errorf("load %v %s: shell CoV %.4f ≥ least-loaded %.4f", c.load, c.adm, sh.ImbalanceCoV, ll.ImbalanceCoV)
		}
	}
}

// TestHerdingFixInFlashCrowd: in a flash crowd the herding fix lowers both
// the share of an interval's new sessions that land on one server and the
// utilisation CoV compared with the paper's bare argmin.
func TestHerdingFixInFlashCrowd(t *testing.T) {
	m := compare(t, "flash", 2, 1, []string{BalShell, BalShellArgmin}, []string{AdmNone, AdmSA2C}, nil)
	for _, adm := range []string{AdmNone, AdmSA2C} {
		fix, bare := m["shell/"+adm], m["shell-argmin/"+adm]
		if bare.Herding < 0.99 || fix.Herding > 0.9*bare.Herding || fix.ImbalanceCoV >= bare.ImbalanceCoV {
			t.Errorf("%s: herding fix %.2f/cov %.4f vs bare %.2f/cov %.4f", adm, fix.Herding, fix.ImbalanceCoV, bare.Herding, bare.ImbalanceCoV)
		}
	}
}

// TestFailure: when a server fails its sessions break, the balancer stops
// using it after detection, and SA2C keeps completing sessions.
func TestFailure(t *testing.T) {
	m := compare(t, "failure", 1, 1, []string{BalShell, BalRR}, []string{AdmSA2C}, nil)
	for _, k := range []string{"shell/sa2c", "rr/sa2c"} {
		r := m[k]
		// About a quarter of ~400 concurrent calls were on the failed server.
		if r.BrokenFailure < 50 || r.BrokenFailure > 200 || r.SuccessRate < 0.5 {
			t.Errorf("%s: %+v", k, r)
		}
	}
}
