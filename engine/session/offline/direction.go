package offline

import (
	"net/netip"
	"slices"

	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/session"
)

// signallingProto says which signalling protocol a flow's ports carry.
func (a *analyzer) signallingProto(src, dst netip.AddrPort, p session.Proto) inspect.Proto {
	for _, port := range []uint16{dst.Port(), src.Port()} {
		if slices.Contains(a.cfg.SIPPorts, port) {
			return inspect.ProtoSIP
		}
		if p == session.TCP && slices.Contains(a.cfg.RTSPPorts, port) {
			return inspect.ProtoRTSP
		}
	}
	return inspect.ProtoUnknown
}

// direction decides whether a signalling packet travels from the client
// (towards the VIP) or from the server; see Config.VIP.
func (a *analyzer) direction(src, dst netip.AddrPort, p session.Proto) inspect.Direction {
	if a.cfg.VIP.IsValid() {
		if src.Addr() == a.cfg.VIP && dst.Addr() != a.cfg.VIP {
			return inspect.FromServer
		}
		return inspect.FromClient
	}
	switch {
	case a.servers[dst]:
		return inspect.FromClient
	case a.servers[src]:
		return inspect.FromServer
	}
	dstSig := a.signallingProto(netip.AddrPort{}, dst, p) != inspect.ProtoUnknown
	srcSig := a.signallingProto(src, netip.AddrPort{}, p) != inspect.ProtoUnknown
	if srcSig && !dstSig {
		a.servers[src] = true
		return inspect.FromServer
	}
	a.servers[dst] = true // dst on a signalling port, or both: the first receiver serves
	return inspect.FromClient
}
