package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"os"

	"github.com/spf13/cobra"

	"github.com/sara-lb/sara/test/gen/sessions"
)

// genSessionFlags are the flags of `sara gen sessions` and `sara gen trex`.
type genSessionFlags struct {
	out, truth, dir, size, dstMAC, srcMAC string
	vips                                  []string
	opts                                  sessions.Options
}

// bind registers the options shared by both subcommands.
func (g *genSessionFlags) bind(cmd *cobra.Command, vips []string) {
	d := sessions.DefaultOptions()
	f, o := cmd.Flags(), &g.opts
	f.StringArrayVar(&g.vips, "vip", vips, "VIP (repeatable; IPv4 or IPv6)")
	f.StringVar(&g.dstMAC, "dst-mac", d.DstMAC.String(), "destination MAC of frames to a VIP (the dispatcher's)")
	f.StringVar(&g.srcMAC, "src-mac", d.SrcMAC.String(), "source MAC of frames to a VIP (the router's)")
	f.Uint16Var(&o.SIPPort, "sip-port", d.SIPPort, "VIP port of SIP over UDP")
	f.Uint16Var(&o.RTSPPort, "rtsp-port", d.RTSPPort, "VIP port of RTSP over TCP")
	f.Uint64Var(&o.Seed, "seed", d.Seed, "random seed: the same seed and flags give the same bytes")
}

// options completes the parsed options.
func (g *genSessionFlags) options() (sessions.Options, error) {
	o := g.opts
	o.Start = sessions.DefaultOptions().Start
	o.Min = g.size == "64"
	if g.size != "mix" && g.size != "64" {
		return o, fmt.Errorf("--size must be mix or 64, got %q", g.size)
	}
	for _, s := range g.vips {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return o, fmt.Errorf("--vip %q: %w", s, err)
		}
		o.VIPs = append(o.VIPs, a)
	}
	var err error
	if o.DstMAC, err = net.ParseMAC(g.dstMAC); err != nil {
		return o, fmt.Errorf("--dst-mac: %w", err)
	}
	if o.SrcMAC, err = net.ParseMAC(g.srcMAC); err != nil {
		return o, fmt.Errorf("--src-mac: %w", err)
	}
	return o, nil
}

func init() {
	var s genSessionFlags
	sessCmd := &cobra.Command{
		Use:   "sessions --out FILE",
		Short: "Write a deterministic pcap of concurrent SIP calls, RTSP sessions and background flows (test/gen/sessions)",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return runGenSessions(cmd, &s) },
	}
	s.bind(sessCmd, []string{"10.0.0.100"})
	d := sessions.DefaultOptions()
	f, o := sessCmd.Flags(), &s.opts
	f.StringVar(&s.out, "out", "", "output pcap file (required)")
	f.StringVar(&s.truth, "truth", "", "JSON `FILE`: the sessions and flows as sara inspect --json reports them")
	f.IntVar(&o.Calls, "calls", d.Calls, "concurrent SIP calls (G.711 RTP/RTCP both ways)")
	f.IntVar(&o.RTSP, "rtsp", d.RTSP, "concurrent RTSP sessions (H.264 video + G.711 audio)")
	f.IntVar(&o.Flows, "flows", d.Flows, "background flows (half UDP, half TCP)")
	f.DurationVar(&o.Duration, "duration", d.Duration, "capture length (sessions last 9/10 of it)")
	f.Float64Var(&o.IPv6Share, "ipv6-share", 0, "fraction of sessions and flows over IPv6 (needs an IPv6 --vip)")
	f.StringVar(&s.size, "size", "mix", "mix (voice 214 B, video 1254 B, IMIX background) or 64 (media and background as small as headers allow)")
	f.BoolVar(&o.ToVIPOnly, "to-vip-only", false, "write only frames to a VIP (what the dispatcher receives)")
	_ = sessCmd.MarkFlagRequired("out")
	genCmd.AddCommand(sessCmd)

	var t genSessionFlags
	trexCmd := &cobra.Command{
		Use:   "trex --dir DIR",
		Short: "Write the pcaps test/trex's profiles load: one-frame templates and a small session capture",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return runGenTrex(cmd, &t) },
	}
	t.bind(trexCmd, sessions.TrexVIPs)
	trexCmd.Flags().StringVar(&t.dir, "dir", "", "output directory (required)")
	_ = trexCmd.MarkFlagRequired("dir")
	genCmd.AddCommand(trexCmd)
}

func runGenSessions(cmd *cobra.Command, s *genSessionFlags) error {
	o, err := s.options()
	if err != nil {
		return err
	}
	if err := o.Validate(); err != nil {
		return err
	}
	st, truth, err := writeSessions(s.out, o)
	if err != nil {
		return err
	}
	if s.truth != "" {
		b, _ := json.MarshalIndent(truth, "", "  ")
		if err := os.WriteFile(s.truth, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s: %d frames (%d bytes, %d to a VIP): %d calls, %d RTSP sessions, %d flows (%d over IPv6), %v\n",
		s.out, st.Frames, st.Bytes, st.ToVIP, st.Calls, st.RTSP, st.Flows, st.IPv6Sessions, st.Duration)
	return nil
}

// writeSessions generates o into the file out.
func writeSessions(out string, o sessions.Options) (sessions.Stats, *sessions.Truth, error) {
	file, err := os.Create(out)
	if err != nil {
		return sessions.Stats{}, nil, err
	}
	st, truth, err := sessions.Generate(file, o)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	return st, truth, err
}

func runGenTrex(cmd *cobra.Command, t *genSessionFlags) error {
	t.size = "mix"
	o, err := t.options()
	if err != nil {
		return err
	}
	n, err := sessions.WriteTrex(t.dir, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s: %d files for test/trex\n", t.dir, n)
	return nil
}
