package sim

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// SweepLoads are the offered loads of a sweep: 0.5× to 3× by 0.25.
func SweepLoads() []float64 {
	var l []float64
	for x := 0.5; x <= 3.0001; x += 0.25 {
		l = append(l, x)
	}
	return l
}

// Sweep runs Compare at every load of loads and returns the reports.
func Sweep(cfg Config, loads []float64, balancers, admissions []string) ([]Report, error) {
	var out []Report
	for _, x := range loads {
		c := cfg
		c.Load = x
		rep, err := Compare(c, balancers, admissions)
		if err != nil {
			return nil, err
		}
		out = append(out, rep)
	}
	return out, nil
}

// WriteSweep writes sweep.csv (one row per load × pair) and three SVG plots
// into dir: completed sessions/s and success rate against offered load per
// admission policy (balancer shell), and imbalance CoV per balancer (sa2c).
func WriteSweep(dir string, reps []Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("sim.WriteSweep: %w", err)
	}
	f, err := os.Create(filepath.Join(dir, "sweep.csv"))
	if err != nil {
		return fmt.Errorf("sim.WriteSweep: %w", err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"scenario", "load", "balancer", "admission", "offered", "admitted", "completed", "broken", "rejected", "success_rate", "completed_per_s", "imbalance_cov", "herding", "mean_util"})
	ff := func(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }
	for _, rep := range reps {
		for _, r := range rep.Results {
			w.Write([]string{rep.Scenario, ff(rep.Load), r.Balancer, r.Admission, strconv.Itoa(r.Offered), strconv.Itoa(r.Admitted),
				strconv.Itoa(r.Completed), strconv.Itoa(r.Broken), strconv.Itoa(r.Rejected), ff(r.SuccessRate), ff(r.CompletedPerS),
				ff(r.ImbalanceCoV), ff(r.Herding), ff(r.MeanUtil)})
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("sim.WriteSweep: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("sim.WriteSweep: %w", err)
	}
	sc := ""
	if len(reps) > 0 {
		sc = reps[0].Scenario
	}
	plots := []struct {
		file, title, ylabel string
		byAdm               bool
		y                   func(Result) float64
	}{
		{"completed.svg", sc + ": completed sessions/s (balancer shell)", "completed sessions/s", true, func(r Result) float64 { return r.CompletedPerS }},
		{"success.svg", sc + ": success rate (balancer shell)", "completed / offered", true, func(r Result) float64 { return r.SuccessRate }},
		{"imbalance.svg", sc + ": imbalance CoV (admission sa2c)", "CoV of server utilisation", false, func(r Result) float64 { return r.ImbalanceCoV }},
	}
	for _, p := range plots {
		series := collect(reps, p.byAdm, p.y)
		g, err := os.Create(filepath.Join(dir, p.file))
		if err != nil {
			return fmt.Errorf("sim.WriteSweep: %w", err)
		}
		err = WritePlot(g, p.title, "offered load (× cluster capacity)", p.ylabel, series)
		if cerr := g.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("sim.WriteSweep %s: %w", p.file, err)
		}
	}
	return nil
}

// collect builds one series per admission policy (balancer shell) or per
// balancer (admission sa2c).
func collect(reps []Report, byAdm bool, y func(Result) float64) []Series {
	idx := map[string]int{}
	var out []Series
	for _, rep := range reps {
		for _, r := range rep.Results {
			name := r.Admission
			if byAdm && r.Balancer != BalShell || !byAdm && r.Admission != AdmSA2C {
				continue
			}
			if !byAdm {
				name = r.Balancer
			}
			k, ok := idx[name]
			if !ok {
				k = len(out)
				idx[name] = k
				out = append(out, Series{Name: name})
			}
			out[k].X = append(out[k].X, rep.Load)
			out[k].Y = append(out[k].Y, y(r))
		}
	}
	return out
}
