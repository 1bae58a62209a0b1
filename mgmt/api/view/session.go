package view

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/sara-lb/sara/engine/session"
	"github.com/sara-lb/sara/mgmt/api"
)

// Session builds a session's API view from the tracker's copy of it, its
// flows (signalling and secondary) and its pending expectations (shown as
// "announced" flows; an unknown source reads as port 0 of the unspecified
// address). name gives a server's name; now decides the flows' status (a
// flow idle for its timeout is inactive).
func Session(s session.Session, flows []session.Flow, exps []session.Expectation,
	name func(id int) string, now time.Time) api.Session {
	out := api.Session{ID: fmt.Sprint(uint64(s.ID)), Protocol: s.Kind.String(), CallID: s.Key,
		State: sessionState(&s), Created: s.Created, LastSeen: s.LastSeen, Flows: make([]api.Flow, 0, len(flows)+len(exps))}
	if s.HasServer {
		out.Server = name(int(s.Server))
	}
	for _, f := range flows {
		st := f.Status
		if now.Sub(f.LastSeen) >= f.Timeout && f.Timeout > 0 {
			st = session.StatusInactive
		}
		out.Flows = append(out.Flows, api.Flow{Proto: f.Key.Proto.String(), Src: f.Key.Src.String(),
			Dst: f.Key.Dst.String(), Identity: f.Identity.String(), Status: st.String(), LastSeen: f.LastSeen})
	}
	for _, e := range exps {
		src := netip.AddrPortFrom(e.Src, 0)
		if !e.Src.IsValid() {
			src = netip.AddrPortFrom(netip.IPv4Unspecified(), 0)
			if e.Dst.Addr().Is6() {
				src = netip.AddrPortFrom(netip.IPv6Unspecified(), 0)
			}
		}
		out.Flows = append(out.Flows, api.Flow{Proto: e.Proto.String(), Src: src.String(), Dst: e.Dst.String(),
			Identity: session.Announced.String(), Status: session.StatusNew.String(), LastSeen: e.Created})
	}
	return out
}

// sessionState is "established", "ending" (BYE, CANCEL or TEARDOWN seen)
// or "ended-<reason>".
func sessionState(s *session.Session) string {
	switch {
	case s.End != session.EndNone:
		return "ended-" + s.End.String()
	case s.Ending:
		return "ending"
	case !s.HasServer:
		return "new"
	}
	return "established"
}
