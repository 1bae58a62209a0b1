package main

import (
	"fmt"
	"net"
	"net/netip"
	"os"

	"github.com/sara-lb/sara/test/gen"
	"github.com/spf13/cobra"
)

// genCmd writes a deterministic test pcap (package test/gen).
var genCmd = &cobra.Command{
	Use:   "gen --out FILE",
	Short: "Write a deterministic pcap of flows to the VIPs, noise, fragments and malformed frames",
	Args:  cobra.NoArgs,
	RunE:  runGen,
}

var genFlags struct {
	out, size, order, dstMAC, srcMAC string
	vips                             []string
	opts                             gen.Options
}

func init() {
	d := gen.DefaultOptions()
	f := genCmd.Flags()
	o := &genFlags.opts
	f.StringVar(&genFlags.out, "out", "", "output pcap file (required)")
	f.Uint64Var(&o.Seed, "seed", d.Seed, "random seed: the same seed and flags give the same bytes")
	f.IntVar(&o.Flows, "flows", d.Flows, "distinct 5-tuples to the VIPs")
	f.IntVar(&o.Packets, "packets", d.Packets, "total frames")
	f.StringArrayVar(&genFlags.vips, "vip", []string{"10.0.0.100"}, "VIP (repeatable; IPv4 or IPv6)")
	f.Float64Var(&o.TCPShare, "tcp-share", d.TCPShare, "fraction of flows that are TCP (first frame a SYN)")
	f.Float64Var(&o.IPv6Share, "ipv6-share", d.IPv6Share, "fraction of flows that are IPv6 (needs an IPv6 --vip)")
	f.StringVar(&genFlags.size, "size", d.Size, "frame sizes: mix (RTP 214, IMIX 60/590/1514) or 64 (minimum)")
	f.Float64Var(&o.Noise, "noise", d.Noise, "fraction of frames to non-VIP destinations")
	f.Float64Var(&o.Garbage, "garbage", d.Garbage, "fraction of malformed frames")
	f.Float64Var(&o.Fragments, "fragments", d.Fragments, "fraction of IPv4 fragments to a VIP")
	f.Float64Var(&o.VLANShare, "vlan-share", d.VLANShare, "fraction of 802.1Q-tagged frames")
	f.StringVar(&genFlags.order, "order", d.Order, "flow order: round-robin or random")
	f.StringVar(&genFlags.dstMAC, "dst-mac", d.DstMAC.String(), "destination MAC of every frame (the dispatcher's)")
	f.StringVar(&genFlags.srcMAC, "src-mac", d.SrcMAC.String(), "source MAC of every frame (the router's)")
	_ = genCmd.MarkFlagRequired("out")
	rootCmd.AddCommand(genCmd)
}

func runGen(cmd *cobra.Command, _ []string) error {
	o := genFlags.opts
	o.Start = gen.DefaultOptions().Start
	o.Size, o.Order = genFlags.size, genFlags.order
	o.VIPs = nil
	for _, s := range genFlags.vips {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return fmt.Errorf("--vip %q: %w", s, err)
		}
		o.VIPs = append(o.VIPs, a)
	}
	var err error
	if o.DstMAC, err = net.ParseMAC(genFlags.dstMAC); err != nil {
		return fmt.Errorf("--dst-mac: %w", err)
	}
	if o.SrcMAC, err = net.ParseMAC(genFlags.srcMAC); err != nil {
		return fmt.Errorf("--src-mac: %w", err)
	}
	if err := o.Validate(); err != nil {
		return err
	}
	file, err := os.Create(genFlags.out)
	if err != nil {
		return err
	}
	st, err := gen.Generate(file, o)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s: %d frames (%d bytes): vip %d, noise %d, garbage %d, fragments %d, vlan %d; flows opened %d (tcp %d, ipv6 %d)\n",
		genFlags.out, st.Frames, st.Bytes, st.VIP, st.Noise, st.Garbage, st.Fragments, st.VLAN, st.FlowsOpened, st.TCPFlows, st.IPv6Flows)
	return nil
}
