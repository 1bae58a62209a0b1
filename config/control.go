package config

import (
	"errors"
	"fmt"
	"time"
)

// Control configures the control loop (engine/control): the load interval
// t, the shell forecaster (eqs 5–9) and SA2C admission (eqs 1–4). It runs
// only when the management plane has a key (agents report loads); without
// it the dispatcher publishes a round-robin sequence over every server.
type Control struct {
	// Interval is the load interval t at which shell and SA2C run.
	Interval time.Duration `mapstructure:"interval"`
	// History is H, the samples the forecaster keeps per server.
	History int `mapstructure:"history"`
	// Herding: water-fill the selection sequence with the learned
	// per-session cost (true) or the paper's bare argmin (false).
	WaterFill bool `mapstructure:"water_fill"`
	// Admission: SA2C thresholds and parameters (DESIGN §7).
	Admission bool    `mapstructure:"admission"`
	Alpha     float64 `mapstructure:"alpha"`
	T1        float64 `mapstructure:"t1"`
	T2        float64 `mapstructure:"t2"`
	T3        float64 `mapstructure:"t3"`
	C         float64 `mapstructure:"c"`
	PMax      float64 `mapstructure:"p_max"`
	PEstMax   float64 `mapstructure:"p_est_max"`
	Kappa     float64 `mapstructure:"kappa"`
	Moving    bool    `mapstructure:"moving_thresholds"`
}

// SetDefaults implements Section (DESIGN §7's values).
func (c *Control) SetDefaults() {
	*c = Control{Interval: time.Second, History: 8, WaterFill: true, Admission: true,
		Alpha: 0.5, T1: 0.70, T2: 0.85, T3: 0.95, C: 1.0, PMax: 1, PEstMax: 0.02, Kappa: 0.5, Moving: true}
}

// Validate implements Section.
func (c *Control) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Interval < 100*time.Millisecond || c.Interval > time.Minute {
		bad("interval: must be in 100ms..1m, got %v", c.Interval)
	}
	if c.History < 2 || c.History > 64 {
		bad("history: must be in 2..64, got %d", c.History)
	}
	if !(0 < c.T1 && c.T1 <= c.T2 && c.T2 <= c.T3 && c.T3 <= c.C && c.C <= 1) {
		bad("t1: need 0 < t1 <= t2 <= t3 <= c <= 1, got %v %v %v %v", c.T1, c.T2, c.T3, c.C)
	}
	for name, v := range map[string]float64{"alpha": c.Alpha, "p_max": c.PMax, "p_est_max": c.PEstMax, "kappa": c.Kappa} {
		if v < 0 || v > 1 {
			bad("%s: must be in 0..1, got %v", name, v)
		}
	}
	return errors.Join(errs...)
}
