package offline

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
)

// Report is the analysis of one capture. Its JSON form is what
// `sara inspect --json` prints.
type Report struct {
	Sessions  []SessionReport `json:"sessions"`
	Unmatched []FlowReport    `json:"unmatched"`
	Stats     Stats           `json:"-"`
}

// SessionReport is one session with every flow seen for it, in order of
// first appearance.
type SessionReport struct {
	Kind  string       `json:"kind"` // "sip" or "rtsp"
	ID    string       `json:"id"`   // Call-ID or RTSP Session
	Flows []FlowReport `json:"flows"`
}

// FlowReport is one direction of a flow as seen in the capture.
type FlowReport struct {
	Proto string `json:"proto"` // "udp" or "tcp"
	Src   string `json:"src"`   // "IP:port"
	Dst   string `json:"dst"`
	Role  string `json:"role,omitempty"` // "signalling" or "media"; empty for unmatched flows
}

// Stats counts what the analysis read and skipped.
type Stats struct {
	Packets      uint64 // packets read
	Undecoded    uint64 // packets without an IPv4/IPv6 UDP or TCP layer
	Messages     uint64 // signalling messages inspected
	BadMessages  uint64 // messages the inspectors rejected
	NoSession    uint64 // messages outside any session (OPTIONS, REGISTER, DESCRIBE...)
	Orphans      uint64 // in-session messages of a session not seen opening
	Ambiguous    uint64 // media packets expected by several sessions (left unmatched)
	StreamErrors uint64 // TCP stream framing errors (the stream restarts)
}

// Roles of flows in a report.
const (
	RoleSignalling = "signalling"
	RoleMedia      = "media"
)

// WriteJSON writes the report as one JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	out := *r
	if out.Sessions == nil {
		out.Sessions = []SessionReport{}
	}
	if out.Unmatched == nil {
		out.Unmatched = []FlowReport{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(&out)
}

// WriteTable writes the report as a readable table.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "KIND\tSESSION\tROLE\tPROTO\tSOURCE\tDESTINATION\n")
	for _, s := range r.Sessions {
		for i, f := range s.Flows {
			kind, id := s.Kind, s.ID
			if i > 0 {
				kind, id = "", ""
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", kind, id, f.Role, f.Proto, f.Src, f.Dst)
		}
	}
	for _, f := range r.Unmatched {
		fmt.Fprintf(tw, "-\t(no session)\t-\t%s\t%s\t%s\n", f.Proto, f.Src, f.Dst)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	st := r.Stats
	_, err := fmt.Fprintf(w, "\n%d sessions, %d unmatched flows; %d packets (%d not UDP/TCP over IP), "+
		"%d messages (%d rejected, %d outside sessions, %d orphans), %d ambiguous media packets, %d stream errors\n",
		len(r.Sessions), len(r.Unmatched), st.Packets, st.Undecoded, st.Messages, st.BadMessages,
		st.NoSession, st.Orphans, st.Ambiguous, st.StreamErrors)
	return err
}
