// Command sara is the SARA session-aware load balancer: one binary whose
// subcommands are the dispatcher (run, replay), the offline analyser
// (inspect), the gateway inspector, the node agent, the control client, the
// traffic generator and the simulator. Each subcommand lives in its own file
// and registers itself on rootCmd from an init function.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// rootCmd is the parent of every subcommand.
var rootCmd = &cobra.Command{
	Use:           "sara",
	Short:         "SARA: a DPDK session-aware load balancer for SIP and RTSP clusters",
	SilenceUsage:  true,
	SilenceErrors: true,
}

func main() {
	if err := rootCmd.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "sara:", err)
		os.Exit(1)
	}
}
