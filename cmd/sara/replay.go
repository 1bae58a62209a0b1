package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sara-lb/sara/config"
	"github.com/sara-lb/sara/engine/dispatcher"
)

func init() {
	var cfgPath, in, out, format string
	cmd := &cobra.Command{
		Use:   "replay -c FILE --in IN.pcap --out OUT.pcap",
		Short: "Run the data plane over a capture and print its counters as JSON",
		Long: "replay feeds IN.pcap through the same C data plane that forwards live\n" +
			"traffic (DPDK net_pcap) and writes every forwarded frame to OUT.pcap.\n" +
			"Without -c it uses the built-in default configuration.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cfgPath)
			if err != nil {
				return err
			}
			res, err := dispatcher.Replay(cfg, in, out)
			if err != nil {
				return err
			}
			if res.Leaked != 0 {
				return fmt.Errorf("replay: %d mbufs leaked", res.Leaked)
			}
			if format == "text" {
				return printReplaySummary(os.Stdout, cfg, res)
			}
			enc := json.NewEncoder(os.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(res)
		},
	}
	cmd.Flags().StringVarP(&cfgPath, "config", "c", "", "configuration file (YAML); default: built-in")
	cmd.Flags().StringVar(&in, "in", "", "input capture (pcap)")
	cmd.Flags().StringVar(&out, "out", "", "output capture of forwarded frames (pcap)")
	cmd.Flags().StringVar(&format, "format", "json", "output: json (counters) or text (per-server summary)")
	_ = cmd.MarkFlagRequired("in")
	_ = cmd.MarkFlagRequired("out")
	rootCmd.AddCommand(cmd)
}

// printReplaySummary writes a readable per-server and per-drop summary.
func printReplaySummary(w io.Writer, cfg *config.Config, res *dispatcher.ReplayResult) error {
	c := res.Counters
	fmt.Fprintf(w, "replayed %d frames in %v: %d forwarded, %d dropped, %d flows\n\n",
		res.Frames, res.Elapsed.Round(1e6), c.TX, c.DropTotal(), c.FlowsCreated)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "server\tMAC\tflows\tframes\tshare\t")
	for i, s := range cfg.Servers {
		share := 0.0
		if c.TX > 0 {
			share = 100 * float64(c.ServerPackets[i]) / float64(c.TX)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.1f%%\t\n", s.Name, s.MAC, c.ServerFlows[i], c.ServerPackets[i], share)
	}
	tw.Flush()
	if sg := res.Signalling; sg.Messages > 0 {
		fmt.Fprintf(w, "\nsignalling: %d messages inspected, %d sessions balanced, %d media flows placed by announcement\n",
			sg.Messages, sg.NewSessions, c.ExpectHit)
	}
	fmt.Fprintln(w, "\ndropped, by reason:")
	reasons := make([]string, 0, len(c.Drops))
	for r, n := range c.Drops {
		if n > 0 {
			reasons = append(reasons, r)
		}
	}
	sort.Strings(reasons)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, r := range reasons {
		fmt.Fprintf(tw, "  %s\t%d\t\n", r, c.Drops[r])
	}
	if len(reasons) == 0 {
		fmt.Fprintln(tw, "  none\t\t")
	}
	return tw.Flush()
}
