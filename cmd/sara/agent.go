package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/sara-lb/sara/mgmt/agent"
	"github.com/sara-lb/sara/mgmt/dsr"
	"github.com/sara-lb/sara/mgmt/logging"
)

// agentFlags are the flags shared by `sara agent` and its subcommands.
var agentFlags struct {
	config    string
	logLevel  string
	logFormat string
	at        string
	now       bool
}

var agentCmd = &cobra.Command{
	Use:   "agent",
	Short: "Node agent: heartbeats and load vectors to the dispatcher (run on each server)",
	Long: `Runs the node agent: sends the 11-byte heartbeat every heartbeat_period and a
load vector every load_period to the dispatcher's management address, both
authenticated with the shared key. See docs/management.md.`,
	Args: cobra.NoArgs,
	RunE: func(cmd *cobra.Command, _ []string) error {
		cfg, err := agent.Load(agentFlags.config)
		if err != nil {
			return err
		}
		log, err := logging.New(agentFlags.logLevel, agentFlags.logFormat)
		if err != nil {
			return err
		}
		defer func() { _ = log.Sync() }()
		a, err := agent.New(cfg, log)
		if err != nil {
			return err
		}
		ctx, stop := stopContext(cmd.Context(), 0)
		defer stop()
		return a.Run(ctx)
	},
}

var agentDrainCmd = &cobra.Command{
	Use:   "drain (--at TIME | --now)",
	Short: "Announce planned maintenance: the running agent sends flag 3 heartbeats",
	Long: `Writes the drain file the running agent watches. TIME is RFC 3339, unix
seconds or a delay (+90s). From TIME on the dispatcher sends no new sessions
to this server; established sessions finish. Undo with 'sara agent undrain'.`,
	Args: cobra.NoArgs,
	RunE: func(cmd *cobra.Command, _ []string) error {
		cfg, err := agent.Load(agentFlags.config)
		if err != nil {
			return err
		}
		if agentFlags.now == (agentFlags.at != "") {
			return fmt.Errorf("give exactly one of --at TIME or --now")
		}
		at := time.Now()
		if !agentFlags.now {
			if at, err = agent.ParseWhen(agentFlags.at, at); err != nil {
				return err
			}
		}
		if err := agent.WriteDrain(cfg.DrainFile, at); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "drain at %s written to %s\n", at.UTC().Format(time.RFC3339), cfg.DrainFile)
		return nil
	},
}

var agentUndrainCmd = &cobra.Command{
	Use:   "undrain",
	Short: "Cancel planned maintenance (the agent goes back to flag 1)",
	Args:  cobra.NoArgs,
	RunE: func(cmd *cobra.Command, _ []string) error {
		cfg, err := agent.Load(agentFlags.config)
		if err != nil {
			return err
		}
		if err := agent.ClearDrain(cfg.DrainFile); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "drain cancelled (%s removed)\n", cfg.DrainFile)
		return nil
	},
}

var agentCheckCmd = &cobra.Command{
	Use:   "check",
	Short: "Check this server's direct-server-return setup (VIPs on lo, ARP sysctls)",
	Args:  cobra.NoArgs,
	RunE: func(cmd *cobra.Command, _ []string) error {
		cfg, err := agent.Load(agentFlags.config)
		if err != nil {
			return err
		}
		probs, err := dsr.Check(dsr.Options{VIPs: cfg.VIPs})
		if err != nil {
			return err
		}
		out := cmd.OutOrStdout()
		for _, p := range probs {
			fmt.Fprintln(out, "PROBLEM:", p)
		}
		if len(probs) > 0 {
			return fmt.Errorf("%d problem(s) in the direct-server-return setup", len(probs))
		}
		fmt.Fprintf(out, "ok: %d VIP(s) on lo, ARP settings correct\n", len(cfg.VIPs))
		return nil
	},
}

var agentSampleCmd = &cobra.Command{
	Use:   "sample",
	Short: "Measure and print one load vector (what the agent would send)",
	Args:  cobra.NoArgs,
	RunE: func(cmd *cobra.Command, _ []string) error {
		cfg, err := agent.Load(agentFlags.config)
		if err != nil {
			return err
		}
		v, raw, err := agent.SampleOnce(cfg, time.Second)
		fmt.Fprintf(cmd.OutOrStdout(), "cpu %.4f  mem %.4f  netbuf %.6f  ioq %.4f  backlog %.4f\nraw %+v\n",
			v.CPU, v.Mem, v.NetBuf, v.IOQueue, v.Backlog, raw)
		return err
	},
}

func init() {
	pf := agentCmd.PersistentFlags()
	pf.StringVarP(&agentFlags.config, "config", "c", "/etc/sara/agent.yaml", "agent configuration file")
	agentCmd.Flags().StringVar(&agentFlags.logLevel, "log-level", "info", "debug, info, warn or error")
	agentCmd.Flags().StringVar(&agentFlags.logFormat, "log-format", "console", "console or json")
	agentDrainCmd.Flags().StringVar(&agentFlags.at, "at", "", "maintenance time: RFC 3339, unix seconds or +delay")
	agentDrainCmd.Flags().BoolVar(&agentFlags.now, "now", false, "drain immediately")
	agentCmd.AddCommand(agentDrainCmd, agentUndrainCmd, agentCheckCmd, agentSampleCmd)
	rootCmd.AddCommand(agentCmd)
}
