package lab

import "time"

// RaceWindow: a media flow whose first packet reaches a server less than
// this long after the reply that announced its VIP port left the server
// may have outrun the announcement (gateway capture → UDP → dispatcher →
// expectation table). Flows that start later must be on their session's
// server once the data plane places media.
const RaceWindow = 100 * time.Millisecond

// WaitNoLateMedia is why the late-media check has nothing to judge: every
// media flow started within RaceWindow of its announcement, and those are
// judged by the early-media check (the dispatcher places them from the
// client's own offer: symmetric RTP, expectations by source).
const WaitNoLateMedia = "a media flow starting ≥ RaceWindow after its announcement; this run's all started earlier " +
	"and are judged by the early-media check"

// mediaChecks asserts where the client→VIP media flows of the sessions
// went, against their session's signalling server: strictly for flows that
// started RaceWindow after their announcement (requireLate: there must be
// some), as a measurement for the earlier ones. Excused sessions are left out.
func mediaChecks(res *Result, r *Run, kind string, sessions []*Session, excused func(*Session) bool, requireLate bool) {
	var late, lateOK, early, earlyOK int
	for _, s := range sessions {
		if excused(s) {
			continue
		}
		sig, ok := s.Sig.One()
		for port, f := range s.Flows {
			srv, one := f.One()
			placed := ok && one && srv == sig
			at, known := r.Announced[port]
			if known && f.First >= at+RaceWindow.Seconds() {
				late++
				if placed {
					lateOK++
				}
				continue
			}
			early++
			if placed {
				earlyOK++
			}
		}
	}
	name := kind + "_media_with_session"
	if !r.Placing() {
		res.Wait(name, WaitGateway, "today %d of %d media flows are on their session's server, by the selection cursors' coincidence",
			lateOK+earlyOK, late+early)
		return
	}
	switch {
	case late > 0 || requireLate:
		res.Expect(name, late > 0 && lateOK == late,
			"%d of %d media flows that started ≥ %v after the reply announcing their port went to their session's server",
			lateOK, late, RaceWindow)
	default:
		res.Wait(name, WaitNoLateMedia, "no media flow started ≥ %v after its announcement", RaceWindow)
	}
	if early == 0 {
		return
	}
	res.Expect(kind+"_early_media", earlyOK == early,
		"%d of %d media flows that started within %v of their announcement went to their session's server"+
			" (placed from the client's own offer before the announcement could arrive)", earlyOK, early, RaceWindow)
}
