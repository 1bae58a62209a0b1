package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/sara-lb/sara/mgmt/agent"
	"github.com/sara-lb/sara/mgmt/api"
	"github.com/sara-lb/sara/mgmt/api/client"
)

// ctlFlags are the flags of `sara ctl` and its subcommands.
var ctlFlags struct {
	addr, token string
	json        bool
	timeout     time.Duration
	at          string
	q           api.SessionQuery
	qAddr       string
}

var ctlCmd = &cobra.Command{
	Use:   "ctl",
	Short: "Control client of a running dispatcher's HTTP API",
	Long: `Talks to a dispatcher's API (api.listen). Reads need --token only when the
dispatcher has an api.read_token; drain, undrain, reload and switchover need api.token.
--addr and --token default to $SARA_API_ADDR and $SARA_API_TOKEN.`,
}

// ctlRun wraps a subcommand: it builds the client and prints the result as
// JSON (--json) or with human, bounded by --timeout.
func ctlRun(call func(ctx context.Context, c *client.Client, args []string) (any, func(io.Writer) error, error)) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		c, err := client.New(ctlFlags.addr, ctlFlags.token, ctlFlags.timeout)
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(cmd.Context(), ctlFlags.timeout)
		defer cancel()
		v, human, err := call(ctx, c, args)
		if err != nil {
			return err
		}
		out := cmd.OutOrStdout()
		if ctlFlags.json || human == nil {
			enc := json.NewEncoder(out)
			enc.SetIndent("", "  ")
			return enc.Encode(v)
		}
		return human(out)
	}
}

func ctlResult(r api.Result) func(io.Writer) error {
	return func(w io.Writer) error { _, err := fmt.Fprintln(w, r.Message); return err }
}

var ctlSubs = []*cobra.Command{
	{Use: "status", Short: "Appliance summary and admission state", Args: cobra.NoArgs,
		RunE: ctlRun(func(ctx context.Context, c *client.Client, _ []string) (any, func(io.Writer) error, error) {
			st, err := c.Status(ctx)
			if err != nil {
				return nil, nil, err
			}
			a, err := c.Admission(ctx)
			if err != nil {
				return nil, nil, err
			}
			v := struct {
				Status    api.Status          `json:"status"`
				Admission api.AdmissionStatus `json:"admission"`
			}{st, a}
			return v, func(w io.Writer) error { return client.WriteStatus(w, st, a) }, nil
		})},
	{Use: "servers", Short: "Servers: state, load, forecast, sessions", Args: cobra.NoArgs,
		RunE: ctlRun(func(ctx context.Context, c *client.Client, _ []string) (any, func(io.Writer) error, error) {
			ss, err := c.Servers(ctx)
			return ss, func(w io.Writer) error { return client.WriteServers(w, ss) }, err
		})},
	{Use: "sessions", Short: "Sessions and their flows (--server, --call-id, --addr, --offset, --limit)", Args: cobra.NoArgs,
		RunE: ctlRun(func(ctx context.Context, c *client.Client, _ []string) (any, func(io.Writer) error, error) {
			q := ctlFlags.q
			if ctlFlags.qAddr != "" {
				v := q.Values()
				v.Set("addr", ctlFlags.qAddr)
				var err error
				if q, err = api.ParseSessionQuery(v, 1<<31-1); err != nil {
					return nil, nil, err
				}
			}
			p, err := c.Sessions(ctx, q)
			return p, func(w io.Writer) error { return client.WriteSessions(w, p) }, err
		})},
	{Use: "drain SERVER", Short: "Stop new sessions to SERVER (--at RFC 3339 | unix seconds | +delay)", Args: cobra.ExactArgs(1),
		RunE: ctlRun(func(ctx context.Context, c *client.Client, args []string) (any, func(io.Writer) error, error) {
			var at time.Time
			if ctlFlags.at != "" {
				var err error
				if at, err = agent.ParseWhen(ctlFlags.at, time.Now()); err != nil {
					return nil, nil, err
				}
			}
			r, err := c.Drain(ctx, args[0], at)
			return r, ctlResult(r), err
		})},
	{Use: "undrain SERVER", Short: "Make a drained SERVER selectable again", Args: cobra.ExactArgs(1),
		RunE: ctlRun(func(ctx context.Context, c *client.Client, args []string) (any, func(io.Writer) error, error) {
			r, err := c.Undrain(ctx, args[0])
			return r, ctlResult(r), err
		})},
	{Use: "reload", Short: "Re-read the dispatcher's configuration file", Args: cobra.NoArgs,
		RunE: ctlRun(func(ctx context.Context, c *client.Client, _ []string) (any, func(io.Writer) error, error) {
			r, err := c.Reload(ctx)
			return r, ctlResult(r), err
		})},
	{Use: "switchover", Short: "Move the VIPs to the hot-standby peer once it holds the whole state", Args: cobra.NoArgs,
		RunE: ctlRun(func(ctx context.Context, c *client.Client, _ []string) (any, func(io.Writer) error, error) {
			r, err := c.Switchover(ctx)
			return r, ctlResult(r), err
		})},
	{Use: "workers", Short: "Worker counters (JSON)", Args: cobra.NoArgs,
		RunE: ctlRun(func(ctx context.Context, c *client.Client, _ []string) (any, func(io.Writer) error, error) {
			ws, err := c.Workers(ctx)
			return ws, nil, err
		})},
	{Use: "ha", Short: "Primary/backup state (JSON)", Args: cobra.NoArgs,
		RunE: ctlRun(func(ctx context.Context, c *client.Client, _ []string) (any, func(io.Writer) error, error) {
			h, err := c.HA(ctx)
			return h, nil, err
		})},
}

func init() {
	pf := ctlCmd.PersistentFlags()
	addr := os.Getenv("SARA_API_ADDR")
	if addr == "" {
		addr = api.DefaultListen
	}
	pf.StringVar(&ctlFlags.addr, "addr", addr, "API address (host:port or URL)")
	pf.StringVar(&ctlFlags.token, "token", os.Getenv("SARA_API_TOKEN"), "bearer token")
	pf.BoolVar(&ctlFlags.json, "json", false, "print the API's JSON")
	pf.DurationVar(&ctlFlags.timeout, "timeout", 10*time.Second, "request timeout")
	for _, c := range ctlSubs {
		switch c.Name() {
		case "sessions":
			f := c.Flags()
			f.StringVar(&ctlFlags.q.Server, "server", "", "only sessions on this server")
			f.StringVar(&ctlFlags.q.CallID, "call-id", "", "only the dialog with this Call-ID")
			f.StringVar(&ctlFlags.qAddr, "addr-filter", "", "only sessions with a flow from or to this ip or ip:port")
			f.IntVar(&ctlFlags.q.Offset, "offset", 0, "skip this many matches")
			f.IntVar(&ctlFlags.q.Limit, "limit", api.DefaultPage, "page size")
		case "drain":
			c.Flags().StringVar(&ctlFlags.at, "at", "", "when (default now): RFC 3339, unix seconds or +delay")
		}
		ctlCmd.AddCommand(c)
	}
	rootCmd.AddCommand(ctlCmd)
}
