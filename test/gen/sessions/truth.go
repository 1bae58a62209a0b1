package sessions

import "net/netip"

// Truth lists what a capture holds in the shape of `sara inspect --json`
// (engine/session/offline.Report): every session with its signalling and
// media flows (one entry per direction), and the background flows, which
// belong to no session. With ToVIPOnly only the flows to a VIP are listed.
type Truth struct {
	Sessions  []TruthSession `json:"sessions"`
	Unmatched []TruthFlow    `json:"unmatched"`
}

// TruthSession is one SIP call (ID = Call-ID) or RTSP session (ID = Session).
type TruthSession struct {
	Kind  string      `json:"kind"`
	ID    string      `json:"id"`
	Flows []TruthFlow `json:"flows"`
}

// TruthFlow is one direction of a flow.
type TruthFlow struct {
	Proto string `json:"proto"`
	Src   string `json:"src"`
	Dst   string `json:"dst"`
	Role  string `json:"role,omitempty"`
}

// Roles of TruthFlow.
const (
	RoleSignalling = "signalling"
	RoleMedia      = "media"
)

func udpFlow(s, d netip.AddrPort, role string) TruthFlow {
	return TruthFlow{Proto: "udp", Src: s.String(), Dst: d.String(), Role: role}
}

func tcpFlow(s, d netip.AddrPort, role string) TruthFlow {
	return TruthFlow{Proto: "tcp", Src: s.String(), Dst: d.String(), Role: role}
}

// toVIP keeps the flows whose destination is one of vips.
func toVIP(fs []TruthFlow, vips map[string]bool) []TruthFlow {
	var out []TruthFlow
	for _, f := range fs {
		if a, err := netip.ParseAddrPort(f.Dst); err == nil && vips[a.Addr().String()] {
			out = append(out, f)
		}
	}
	return out
}
