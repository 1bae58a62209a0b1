package main

import (
	"fmt"
	"net/netip"
	"os"

	"github.com/spf13/cobra"

	"github.com/sara-lb/sara/engine/session/offline"
)

// inspectCmd is `sara inspect IN.pcap [--json]`: the offline analyser.
var inspectCmd = &cobra.Command{
	Use:   "inspect CAPTURE.pcap|.pcapng",
	Short: "List the SIP and RTSP sessions of a capture with their flows and roles",
	Long: `inspect runs SARA's own inspectors and session tracker over a capture,
in both directions, and prints each session (Call-ID or RTSP Session) with its
signalling and media flows, then the flows that belong to no session.
TCP signalling is reassembled per direction. See docs/sessions.md.`,
	Args: cobra.ExactArgs(1),
	RunE: runInspect,
}

var inspectFlags struct {
	json      bool
	sipPorts  []uint
	rtspPorts []uint
	vip       string
}

func init() {
	f := inspectCmd.Flags()
	f.BoolVar(&inspectFlags.json, "json", false, "print one JSON object instead of a table")
	f.UintSliceVar(&inspectFlags.sipPorts, "sip-port", []uint{5060}, "UDP/TCP ports carrying SIP")
	f.UintSliceVar(&inspectFlags.rtspPorts, "rtsp-port", []uint{554, 8554}, "TCP ports carrying RTSP")
	f.StringVar(&inspectFlags.vip, "vip", "", "the cluster's address (default: guessed from the signalling ports)")
	rootCmd.AddCommand(inspectCmd)
}

func runInspect(cmd *cobra.Command, args []string) error {
	cfg := offline.Config{}
	for _, p := range inspectFlags.sipPorts {
		if p == 0 || p > 65535 {
			return fmt.Errorf("inspect: bad --sip-port %d", p)
		}
		cfg.SIPPorts = append(cfg.SIPPorts, uint16(p))
	}
	for _, p := range inspectFlags.rtspPorts {
		if p == 0 || p > 65535 {
			return fmt.Errorf("inspect: bad --rtsp-port %d", p)
		}
		cfg.RTSPPorts = append(cfg.RTSPPorts, uint16(p))
	}
	if inspectFlags.vip != "" {
		a, err := netip.ParseAddr(inspectFlags.vip)
		if err != nil {
			return fmt.Errorf("inspect: --vip: %w", err)
		}
		cfg.VIP = a
	}
	f, err := os.Open(args[0])
	if err != nil {
		return fmt.Errorf("inspect: %w", err)
	}
	defer f.Close()
	rep, err := offline.Analyze(f, cfg)
	if err != nil {
		return fmt.Errorf("inspect %s: %w", args[0], err)
	}
	if inspectFlags.json {
		return rep.WriteJSON(cmd.OutOrStdout())
	}
	return rep.WriteTable(cmd.OutOrStdout())
}
