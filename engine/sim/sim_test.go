package sim

import (
	"errors"
	"math"
	"testing"
)

func compare(t *testing.T, scenario string, load float64, seed int64, bals, adms []string, mut func(*Config)) map[string]Result {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Scenario, cfg.Load, cfg.Seed = scenario, load, seed
	if mut != nil {
		mut(&cfg)
	}
	rep, err := Compare(cfg, bals, adms)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]Result{}
	for _, r := range rep.Results {
		m[r.Balancer+"/"+r.Admission] = r
	}
	return m
}

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	c := DefaultConfig()
	c.Scenario, c.Load, c.Lag, c.Balancer = "nope", 0, 9, "x"
	if _, err := Run(c); !errors.Is(err, ErrConfig) {
		t.Fatalf("want ErrConfig, got %v", err)
	}
}

// TestAccountingInvariants: every measured session ends exactly once.
func TestAccountingInvariants(t *testing.T) {
	for _, sc := range ScenarioNames() {
		for k, r := range compare(t, sc, 1.5, 3, nil, append(Admissions, AdmSA2CPaced), nil) {
			if r.Offered == 0 || r.Offered != r.Admitted+r.Rejected || r.Admitted != r.Completed+r.Broken ||
				r.Broken != r.BrokenLoss+r.BrokenSignal+r.BrokenFailure {
				t.Fatalf("%s %s: %+v", sc, k, r)
			}
			if !(r.SuccessRate >= 0 && r.SuccessRate <= 1) || math.Abs(r.SuccessRate-float64(r.Completed)/float64(r.Offered)) > 1e-12 {
				t.Fatalf("%s %s success %v", sc, k, r.SuccessRate)
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	a := compare(t, "steady", 1.5, 5, nil, []string{AdmSA2C}, nil)
	b := compare(t, "steady", 1.5, 5, nil, []string{AdmSA2C}, nil)
	c := compare(t, "steady", 1.5, 6, nil, []string{AdmSA2C}, nil)
	for k := range a {
		if a[k] != b[k] {
			t.Fatalf("%s differs between two runs with one seed", k)
		}
	}
	if a["shell/sa2c"] == c["shell/sa2c"] {
		t.Fatal("a different seed gave the same result")
	}
}

// TestOverloadBreaksEverySession checks the server model: without admission,
// 2× overload loses ~50 % of every session's media, far above the 5 % QoS.
func TestOverloadBreaksEverySession(t *testing.T) {
	m := compare(t, "voice", 2, 1, []string{BalShell}, []string{AdmNone}, nil)
	if r := m["shell/none"]; r.SuccessRate > 0.02 || r.BrokenLoss == 0 {
		t.Fatalf("no admission at 2×: %+v", r)
	}
	s := server{capacity: 1000, work: 2000}
	if !near(s.lossRate(0), 0.5) || !near(s.lossRate(0.5), 0.5) || !near(s.util(0.5), 1) {
		t.Fatal("loss model: u=2 loses half; p_est=.5 brings u to 1 and loses the dropped half")
	}
	s.work = 900
	if !near(s.lossRate(0.02), 0.02) {
		t.Fatal("below capacity only the dispatcher's drops are lost")
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
