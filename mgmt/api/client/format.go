package client

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sara-lb/sara/mgmt/api"
)

// WriteStatus prints the appliance summary and the admission state.
func WriteStatus(w io.Writer, st api.Status, a api.AdmissionStatus) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	up := st.Now.Sub(st.StartedAt).Truncate(time.Second)
	fmt.Fprintf(tw, "node\t%s (%s, version %s, up %s)\n", st.Node, st.Role, st.Version, up)
	fmt.Fprintf(tw, "vips\t%s\n", strings.Join(st.VIPs, ", "))
	fmt.Fprintf(tw, "servers\t%d active of %d\n", st.ServersActive, st.Servers)
	fmt.Fprintf(tw, "sessions\t%d live, %d created\n", st.Sessions, st.SessionsCreated)
	fmt.Fprintf(tw, "workers\t%d, %.3f Mpps, rx %d, tx %d, dropped %d\n", st.Workers, st.Mpps, st.Totals.RX,
		st.Totals.TX, st.Totals.DropTotal())
	fmt.Fprintf(tw, "admission\t%s: l=%.3f (l_c %.3f, l_h %.3f) T1/T2/T3/C=%.2f/%.2f/%.2f/%.2f p_new=%.3f p_est=%.4f\n",
		a.Region, a.Load, a.ClusterLoad, a.DispatcherLoad, a.T1, a.T2, a.T3, a.C, a.PNew, a.PEst)
	fmt.Fprintf(tw, "policy\t#%d\n", st.PolicySequence)
	if drops := st.Totals.Drops; len(drops) > 0 {
		fmt.Fprintf(tw, "drops\t%s\n", nonZero(drops))
	}
	return tw.Flush()
}

// nonZero lists the non-zero counters of m as "k=v", sorted by key.
func nonZero(m map[string]uint64) string {
	var parts []string
	for k, v := range m {
		if v != 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", k, v))
		}
	}
	if parts == nil {
		return "none"
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// WriteServers prints one line per server.
func WriteServers(w io.Writer, ss []api.ServerStatus) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTATE\tLOAD\tFORECAST\tESTIMATE\tERROR\tSESSIONS\tPACKETS\tREASON")
	for _, s := range ss {
		load := "-"
		if s.HasLoad {
			load = fmt.Sprintf("%.3f", s.Load)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.3f\t%.3f\t%.2f\t%d\t%d\t%s\n", s.Name, s.State, load, s.Forecast,
			s.Estimate, s.Error, s.Sessions, s.Packets, s.Reason)
	}
	return tw.Flush()
}

// WriteSessions prints a page of sessions, one line per flow.
func WriteSessions(w io.Writer, p api.SessionPage) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPROTO\tCALL-ID\tSERVER\tSTATE\tFLOW\tIDENTITY\tSTATUS")
	for _, s := range p.Sessions {
		if len(s.Flows) == 0 {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t-\t-\t-\n", s.ID, s.Protocol, s.CallID, s.Server, s.State)
		}
		for i, f := range s.Flows {
			flow := fmt.Sprintf("%s %s→%s", f.Proto, f.Src, f.Dst)
			if i == 0 {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.Protocol, s.CallID, s.Server, s.State,
					flow, f.Identity, f.Status)
			} else {
				fmt.Fprintf(tw, "\t\t\t\t\t%s\t%s\t%s\n", flow, f.Identity, f.Status)
			}
		}
	}
	end := p.Offset + len(p.Sessions)
	fmt.Fprintf(tw, "-- sessions %d–%d of %d\n", min(p.Offset+1, end), end, p.Total)
	return tw.Flush()
}
