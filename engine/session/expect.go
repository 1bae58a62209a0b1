package session

import (
	"net/netip"
	"time"

	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/inspect"
)

// Expectation is an announced flow not seen yet: packets to Dst over Proto,
// from Src when it is known (invalid: any source). SrcPort, when not 0, is
// the port the sender announced for its own reception of the same stream
// (symmetric RTP, RFC 4961): it is a hint that breaks ties between
// expectations, never a filter.
type Expectation struct {
	Dst       netip.AddrPort
	Proto     Proto
	Src       netip.Addr
	SrcPort   uint16
	Receiver  inspect.Side // the side that receives this flow
	RTCP      bool         // the RTCP flow of the stream (else RTP)
	Index     uint8        // SDP m= line index
	Session   ID
	Server    cluster.ServerID
	HasServer bool
	Created   time.Time
	Expires   time.Time // purged unmatched after this (created + media timeout)
}

type expKey struct {
	Dst   netip.AddrPort
	Proto Proto
}

type expEntry struct {
	Expectation
	sess *sessEntry
	gone bool
}

func (e *expEntry) deadline() (time.Time, bool) { return e.Expires, !e.gone }

// score ranks how well e matches a packet from src: -1 no match, else 2
// for a known source address plus 1 for a matching source-port hint.
func (e *expEntry) score(src netip.AddrPort, now time.Time) int {
	if e.gone || !now.Before(e.Expires) {
		return -1
	}
	s := 0
	if e.Src.IsValid() {
		if e.Src != src.Addr() {
			return -1
		}
		s = 2
	}
	if e.SrcPort != 0 && e.SrcPort == src.Port() {
		s++
	}
	return s
}

// addExpectation inserts x for session s and counts a conflict when
// another session already expects the same (dst, proto). The session's own
// unmatched expectation of the same flow (same dst, proto and receiver:
// re-announced, e.g. an answer naming the peer's address, or an RTSP SETUP
// reply restating the client's ports) is updated in place with a new
// deadline, and the listener hears it added again (an upsert): removed and
// added, it would be missing from the data plane's expectation table for a
// moment, and a media flow starting then (the client's first packet follows
// the reply at once) would miss it.
func (t *Tracker) addExpectation(now time.Time, s *sessEntry, x Expectation) {
	k := expKey{x.Dst, x.Proto}
	conflict := false
	for _, o := range t.exps[k] {
		if o.gone {
			continue
		}
		if o.sess == s && o.Receiver == x.Receiver {
			o.Src, o.SrcPort, o.RTCP, o.Index = x.Src, x.SrcPort, x.RTCP, x.Index
			o.Expires = now.Add(t.cfg.Timeouts.Media) // the wheel reschedules it lazily
			if t.cfg.Listener != nil {
				t.cfg.Listener.ExpectationAdded(o.Expectation)
			}
			return
		}
		if o.sess != s {
			conflict = true
		}
	}
	if t.nexp >= t.cfg.MaxExpectations {
		t.ctr.expFull.Add(1)
		return
	}
	if conflict {
		t.ctr.expConflicts.Add(1)
	}
	x.Session, x.Server, x.HasServer = s.ID, s.Server, s.HasServer
	x.Created, x.Expires = now, now.Add(t.cfg.Timeouts.Media)
	e := &expEntry{Expectation: x, sess: s}
	t.exps[k] = append(compactExp(t.exps[k]), e)
	s.exps = append(compactExp(s.exps), e)
	t.nexp++
	t.ctr.expCreated.Add(1)
	t.wheel.add(e, x.Expires, now)
	if t.cfg.Listener != nil {
		t.cfg.Listener.ExpectationAdded(e.Expectation)
	}
}

// removeExpectation drops e, counting it in ctr.
func (t *Tracker) removeExpectation(e *expEntry, ctr interface{ Add(uint64) uint64 }) {
	if e.gone {
		return
	}
	e.gone = true
	t.nexp--
	ctr.Add(1)
	k := expKey{e.Dst, e.Proto}
	if b := compactExp(t.exps[k]); len(b) == 0 {
		delete(t.exps, k)
	} else {
		t.exps[k] = b
	}
	if t.cfg.Listener != nil {
		t.cfg.Listener.ExpectationRemoved(e.Expectation)
	}
}

// compactExp drops removed entries in place.
func compactExp(b []*expEntry) []*expEntry {
	n := 0
	for _, e := range b {
		if !e.gone {
			b[n] = e
			n++
		}
	}
	clear(b[n:])
	return b[:n]
}

// match finds the expectation a packet of k fulfils. Rule: the best score
// wins; when expectations of two or more sessions share the best score the
// packet is ambiguous — nothing is promoted, the packet is counted and the
// caller treats it as a miss (the data plane's default action), so it is
// never silently given to one of the sessions.
func (t *Tracker) match(now time.Time, k FlowKey) (best *expEntry, ambiguous bool) {
	bestScore := -1
	for _, e := range t.exps[expKey{k.Dst, k.Proto}] {
		sc := e.score(k.Src, now)
		switch {
		case sc > bestScore:
			best, bestScore, ambiguous = e, sc, false
		case sc == bestScore && sc >= 0 && e.sess != best.sess:
			ambiguous = true
		}
	}
	if ambiguous {
		return nil, true
	}
	return best, false
}
