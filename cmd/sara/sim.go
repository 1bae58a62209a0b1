package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sara-lb/sara/engine/sim"
)

// simCmd is `sara sim`: the discrete-event simulator of engine/sim.
var simCmd = &cobra.Command{
	Use:   "sim",
	Short: "Simulate a cluster under SARA's balancers and admission policies (engine/sim)",
	Long: "Runs the real shell and SA2C code against synthetic sessions and compares balancers\n" +
		"(" + strings.Join(sim.Balancers, ", ") + ") and admission policies (" + strings.Join(sim.Admissions, ", ") + ", sa2c-paced).\n" +
		"Scenarios: " + strings.Join(sim.ScenarioNames(), ", ") + ". With --sweep, writes CSV and SVG plots to --out.",
	RunE: runSim,
}

var simFlags struct {
	cfg        sim.Config
	balancers  []string
	admissions []string
	jsonOut    bool
	sweep      bool
	out        string
}

func init() {
	d := sim.DefaultConfig()
	f := simCmd.Flags()
	c := &simFlags.cfg
	f.StringVar(&c.Scenario, "scenario", d.Scenario, "scenario: "+strings.Join(sim.ScenarioNames(), ", "))
	f.Float64Var(&c.Load, "load", d.Load, "offered load as a multiple of cluster capacity")
	f.Int64Var(&c.Seed, "seed", d.Seed, "seed of every random stream")
	f.DurationVar(&c.Duration, "duration", d.Duration, "end of the measured arrival window")
	f.DurationVar(&c.Warmup, "warmup", d.Warmup, "arrivals before this are not measured")
	f.IntVar(&c.Servers, "servers", d.Servers, "number of servers")
	f.Float64Var(&c.Capacity, "capacity", d.Capacity, "media packets/s a server forwards without loss (100 per G.711 call)")
	f.Float64Var(&c.QoSLoss, "qos-loss", d.QoSLoss, "a session losing more than this fraction of its media is broken")
	f.IntVar(&c.Lag, "lag", d.Lag, "load reports reach the balancer this many intervals late")
	f.DurationVar(&c.Interval, "interval", d.Interval, "load interval t")
	f.Float64Var(&c.Noise, "noise", d.Noise, "stddev of the noise on reported CPU")
	f.DurationVar(&c.Detect, "detect", d.Detect, "failure detection delay")
	f.StringSliceVar(&simFlags.balancers, "balancer", nil, "balancers to compare (default all)")
	f.StringSliceVar(&simFlags.admissions, "admission", nil, "admission policies to compare (default none,request,static,sa2c)")
	f.BoolVar(&simFlags.jsonOut, "json", false, "print JSON instead of a table")
	f.BoolVar(&simFlags.sweep, "sweep", false, "sweep the offered load 0.5×..3× and write sweep.csv and SVG plots to --out")
	f.StringVar(&simFlags.out, "out", "sim-out", "output directory of --sweep")
	rootCmd.AddCommand(simCmd)
}

func runSim(cmd *cobra.Command, _ []string) error {
	cfg := simFlags.cfg
	if simFlags.sweep {
		t0 := time.Now()
		reps, err := sim.Sweep(cfg, sim.SweepLoads(), simFlags.balancers, simFlags.admissions)
		if err != nil {
			return err
		}
		if err := sim.WriteSweep(simFlags.out, reps); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "sweep of %s written to %s in %v\n", cfg.Scenario, simFlags.out, time.Since(t0).Round(time.Millisecond))
		return nil
	}
	rep, err := sim.Compare(cfg, simFlags.balancers, simFlags.admissions)
	if err != nil {
		return err
	}
	if simFlags.jsonOut {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "scenario %s load %.2f seed %d\n%-15s %-10s %8s %8s %8s %8s %8s %8s %8s %6s %6s\n", rep.Scenario, rep.Load, rep.Seed,
		"balancer", "admission", "offered", "admitted", "complete", "broken", "rejected", "success", "compl/s", "cov", "herd")
	for _, r := range rep.Results {
		fmt.Fprintf(w, "%-15s %-10s %8d %8d %8d %8d %8d %8.3f %8.2f %6.3f %6.2f\n", r.Balancer, r.Admission, r.Offered, r.Admitted,
			r.Completed, r.Broken, r.Rejected, r.SuccessRate, r.CompletedPerS, r.ImbalanceCoV, r.Herding)
	}
	return nil
}
