package sim

import "fmt"

// Report is the output of Compare: one scenario at one load, every pair.
type Report struct {
	Scenario string   `json:"scenario"`
	Load     float64  `json:"load"`
	Seed     int64    `json:"seed"`
	Results  []Result `json:"results"`
}

// Compare runs cfg once for each balancer × admission pair (nil slices mean
// Balancers and Admissions). Every run faces the same generated sessions.
func Compare(cfg Config, balancers, admissions []string) (Report, error) {
	if balancers == nil {
		balancers = Balancers
	}
	if admissions == nil {
		admissions = Admissions
	}
	rep := Report{Scenario: cfg.Scenario, Load: cfg.Load, Seed: cfg.Seed}
	if len(balancers) == 0 || len(admissions) == 0 {
		return rep, fmt.Errorf("sim.Compare: %w: empty balancer or admission list", ErrConfig)
	}
	probe := cfg
	probe.Balancer, probe.Admission = balancers[0], admissions[0]
	if err := probe.Validate(); err != nil {
		return rep, fmt.Errorf("sim.Compare: %w", err)
	}
	sc := scenarios[cfg.Scenario]
	sess := generate(sc, cfg.Load, cfg.Capacity*float64(cfg.Servers), cfg.Warmup.Seconds(), cfg.Duration.Seconds(), cfg.Seed)
	for _, a := range admissions {
		for _, b := range balancers {
			c := cfg
			c.Balancer, c.Admission = b, a
			if err := c.Validate(); err != nil {
				return rep, fmt.Errorf("sim.Compare: %w", err)
			}
			r, err := run(c, sc, sess)
			if err != nil {
				return rep, fmt.Errorf("sim.Compare %s/%s: %w", b, a, err)
			}
			rep.Results = append(rep.Results, r)
		}
	}
	return rep, nil
}
