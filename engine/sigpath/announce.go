package sigpath

import (
	"errors"
	"math/bits"
	"sync/atomic"
	"time"

	"github.com/sara-lb/sara/engine/announce"
	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/session"
)

// Gateway announcements (engine/announce) reach a Path from the receiver's
// goroutine through Announce, which only copies the message into a bounded
// queue; the Path's own goroutine applies them (drainAnnouncements, called
// from Poll) to its session tracker exactly like a server->client message it
// inspected itself, so expectations reach the data plane through the same
// mirror.

// AnnounceQueueLen bounds the announcements waiting for the Path's
// goroutine; Announce drops (and counts) beyond it.
const AnnounceQueueLen = 1024

// announceBudget bounds the announcements one drain applies, so a burst of
// announcements does not delay the workers' signalling.
const announceBudget = 64

// AnnounceCounters are the announcement path's totals. Invariant: Queued =
// Applied + Orphans + NoSession + Failed + Hellos + waiting in the queue.
type AnnounceCounters struct {
	Queued    uint64 `json:"queued"`     // accepted by Announce
	Dropped   uint64 `json:"dropped"`    // queue full: lost
	Applied   uint64 `json:"applied"`    // applied to a known session
	Expected  uint64 `json:"expected"`   // expectations the applied announcements added
	Ended     uint64 `json:"ended"`      // sessions they ended
	NoServer  uint64 `json:"no_server"`  // applied to a session without a server (expectations wait for it)
	Orphans   uint64 `json:"orphans"`    // for a session the tracker does not know
	NoSession uint64 `json:"no_session"` // nothing a session could take (rejected by the tracker)
	Failed    uint64 `json:"failed"`     // other tracker errors (tables full)
	Hellos    uint64 `json:"hellos"`     // hellos handed to Announce (ignored)
}

type annSlot struct {
	m      announce.Message
	key    [announce.MaxKey]byte
	queued time.Time // when the receiver handed it over
}

type annCounters struct {
	queued, dropped, applied, expected, ended, noServer, orphans, noSession, failed, hellos atomic.Uint64
	// install[b]: applied announcements that took 2^b..2^(b+1) ns from the
	// receiver's hand-off to their expectations in the data plane's table
	install [40]atomic.Uint64
}

// annQueue is a Path's queue: free and ready slots, preallocated, so neither
// side allocates per message.
type annQueue struct {
	free, ready chan *annSlot
	waiting     atomic.Int64 // messages in ready: a drain with none returns after one load
	res         inspect.Result
	ctr         annCounters
}

func newAnnQueue(n int) *annQueue {
	q := &annQueue{free: make(chan *annSlot, n), ready: make(chan *annSlot, n)}
	for range n {
		q.free <- &annSlot{}
	}
	return q
}

// announceQueue returns the Path's queue (made by New).
func (p *Path) announceQueue() *annQueue { return p.ann }

// Announce queues a gateway announcement for the Path's goroutine. It is
// safe from any goroutine (the announce.Receiver's), copies m (whose Key
// may alias a datagram buffer), never blocks and does not allocate; when
// AnnounceQueueLen messages wait it drops m and counts it.
func (p *Path) Announce(m *announce.Message) {
	q := p.announceQueue()
	var s *annSlot
	select {
	case s = <-q.free:
	default:
		q.ctr.dropped.Add(1)
		return
	}
	s.m = *m
	s.m.Key = s.key[:copy(s.key[:], m.Key)]
	s.queued = time.Now()
	q.ctr.queued.Add(1)
	q.waiting.Add(1)
	q.ready <- s // cannot block: as many ready places as slots
}

// AnnounceCounters returns the announcement path's totals; safe from any
// goroutine.
func (p *Path) AnnounceCounters() AnnounceCounters {
	c := &p.announceQueue().ctr
	return AnnounceCounters{Queued: c.queued.Load(), Dropped: c.dropped.Load(), Applied: c.applied.Load(),
		Expected: c.expected.Load(), Ended: c.ended.Load(), NoServer: c.noServer.Load(),
		Orphans: c.orphans.Load(), NoSession: c.noSession.Load(), Failed: c.failed.Load(), Hellos: c.hellos.Load()}
}

// drainAnnouncements applies up to announceBudget queued announcements at
// now and returns how many. Call it from the Path's goroutine (Poll).
func (p *Path) drainAnnouncements(now time.Time) int {
	if p.ann.waiting.Load() == 0 {
		return 0
	}
	q := p.announceQueue()
	for n := 0; n < announceBudget; n++ {
		select {
		case s := <-q.ready:
			q.waiting.Add(-1)
			if p.applyAnnouncement(now, q, &s.m) {
				ns := uint64(time.Since(s.queued).Nanoseconds())
				b := 0
				if ns > 0 {
					b = min(bits.Len64(ns)-1, len(q.ctr.install)-1)
				}
				q.ctr.install[b].Add(1)
			}
			q.free <- s
		default:
			return n
		}
	}
	return announceBudget
}

// applyAnnouncement rebuilds the server->client message the gateway saw
// (Dir FromServer: source the VIP side, destination the client) and hands
// it to the tracker.
func (p *Path) applyAnnouncement(now time.Time, q *annQueue, m *announce.Message) (applied bool) {
	c := &q.ctr
	if m.Type != announce.TypeAnnounce {
		c.hellos.Add(1)
		return false
	}
	meta := inspect.Meta{Src: m.Server, Dst: m.Client, Dir: inspect.FromServer, Transport: p.announceTransport(m)}
	resultOf(m, &q.res)
	d, err := p.tr.Signal(now, meta, &q.res)
	switch {
	case errors.Is(err, session.ErrUnknownSession):
		c.orphans.Add(1)
		return false
	case errors.Is(err, session.ErrNoSession):
		c.noSession.Add(1)
		return false
	case err != nil:
		c.failed.Add(1)
		return false
	}
	c.applied.Add(1)
	c.expected.Add(uint64(d.Expected))
	if d.Ended != session.EndNone {
		c.ended.Add(1)
	}
	if d.NeedsServer {
		c.noServer.Add(1)
	}
	return true
}

// AnnounceInstallLatency returns the log2 histogram (counts[b] of 2^b to
// 2^(b+1) ns) of applied announcements' time from the receiver's hand-off
// to their expectations being in the data plane; safe from any goroutine.
func (p *Path) AnnounceInstallLatency() []uint64 {
	out := make([]uint64, len(p.ann.ctr.install))
	for i := range out {
		out[i] = p.ann.ctr.install[i].Load()
	}
	return out
}

// announceTransport guesses the signalling transport, which the format does
// not carry: RTSP is TCP; SIP is TCP only on a port configured for SIP over
// TCP and not for SIP over UDP.
func (p *Path) announceTransport(m *announce.Message) inspect.Transport {
	port := m.Server.Port()
	if m.Kind == announce.KindRTSP || (has(p.cfg.SIPTCPPorts, port) && !has(p.cfg.SIPUDPPorts, port)) {
		return inspect.TCP
	}
	return inspect.UDP
}

// resultOf fills r with the inspector result an announcement stands for: a
// final response (status 200) in the session named by m.Key, in-session
// with m's endpoints for OpExpectMedia, ending it for OpEndSession (for SIP
// as the answer to a BYE: the format does not say BYE or CANCEL). An
// endpoint's Index (which SDP m= line or RTSP stream it is; a newer answer
// replaces an older one of the same index) is its rank among the message's
// endpoints with the same receiver, as the gateway keeps the order. r.Key
// aliases m.Key.
func resultOf(m *announce.Message, r *inspect.Result) {
	r.Reset()
	r.Kind, r.Status, r.Key = inspect.Response, 200, m.Key
	r.Proto, r.KeyKind = inspect.ProtoSIP, inspect.KeyCallID
	r.CSeqMethod = inspect.INVITE
	if m.Kind == announce.KindRTSP {
		r.Proto, r.KeyKind, r.CSeqMethod = inspect.ProtoRTSP, inspect.KeyRTSPSession, inspect.MethodUnknown
	}
	r.Event = inspect.EventInSession
	if m.Op == announce.OpEndSession {
		r.Event = inspect.EventEnded
		if m.Kind == announce.KindSIP {
			r.CSeqMethod = inspect.BYE
		}
	}
	r.Method = r.CSeqMethod
	r.MediaDropped = m.Truncated
	var rank [2]uint8
	for _, e := range m.Endpoints() {
		md := r.AddMedia()
		if md == nil {
			break
		}
		*md = inspect.Media{Receiver: e.Receiver, Addr: e.Addr, Port: e.Port, RTCPPort: e.RTCPPort,
			Transport: e.Transport, Refused: e.Refused, Hold: e.Hold, Multicast: e.Multicast,
			Interleaved: e.Interleaved, Index: rank[e.Receiver&1]}
		if e.Hold {
			md.Dir = inspect.Inactive
		}
		rank[e.Receiver&1]++
	}
}
