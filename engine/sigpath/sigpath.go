// Package sigpath is the Go half of the data plane's signalling path. One
// goroutine dequeues, in bursts, the frames the C workers hand over (SIP
// over UDP awaiting a per-Call-ID decision, copies of TCP signalling
// segments, the gateway's view of server->client signalling), runs the
// protocol inspectors on them, applies the result to the session tracker,
// chooses servers for new sessions, mirrors announced flows into the data
// plane's expectation table and completes the burst in one call.
//
//	worker ──to_go ring──► Path.Poll ─► inspect (sip|rtsp) ─► session.Tracker.Signal
//	   ▲                         │                               │ Listener
//	   └──from_go ring◄── SigComplete(servers)    dp.ExpectSet ◄─┘
package sigpath

import (
	"errors"
	"hash/maphash"
	"math/rand/v2"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/inspect/rtsp"
	"github.com/sara-lb/sara/engine/inspect/sip"
	"github.com/sara-lb/sara/engine/session"
)

// Config says which ports carry which protocol.
type Config struct {
	SIPUDPPorts, SIPTCPPorts, RTSPTCPPorts []uint16
	Timeouts                               session.Timeouts
	// Listener, when set, hears every change of the tracker after the
	// data plane's mirror has applied it (the hot-standby replication).
	Listener session.Listener
	// RetryAfter is the Retry-After of the 503 answering a SIP request
	// refused by admission control (rounded up to whole seconds; 0:
	// DefaultRetryAfter).
	RetryAfter time.Duration
}

// Counters of the signalling path. Plain fields: read them from the
// goroutine that polls, or after it stopped.
type Counters struct {
	Messages       uint64 `json:"messages"`        // signalling messages inspected
	BadMessages    uint64 `json:"bad_messages"`    // rejected by an inspector
	NoSession      uint64 `json:"no_session"`      // outside any session (REGISTER, OPTIONS...)
	Orphans        uint64 `json:"orphans"`         // in-session message of an unknown session
	NewSessions    uint64 `json:"new_sessions"`    // sessions given a server here
	Fallback       uint64 `json:"fallback"`        // SIP/UDP decided by source hash (no session)
	Rejected       uint64 `json:"rejected"`        // SIP/UDP rejected: no selectable server
	Refused        uint64 `json:"refused"`         // SIP/UDP refused by admission control (new session, its retransmissions and ACK, or reject-all)
	Replied        uint64 `json:"replied"`         // ... of which requests answered with 503 Service Unavailable
	StreamsExpired uint64 `json:"streams_expired"` // idle TCP framers forgotten
	ExpectSet      uint64 `json:"expect_set"`      // expectation entries written to the data plane
	ExpectErr      uint64 `json:"expect_errors"`
	ExpectMany     uint64 `json:"expect_too_many"` // more sessions expect one flow than the data plane tells apart
}

type dirKey struct{ src, dst netip.AddrPort }

// stream is one TCP direction's framer and when it last saw a segment.
type stream struct {
	inspect.Stream
	last time.Time
}

// streamSweep bounds the framers examined per Poll.
const streamSweep = 8

// sweepStreams forgets up to streamSweep framers idle for longer than the
// TCP signalling timeout (map iteration starts at a random place, so every
// entry is visited over time without a full scan).
func (p *Path) sweepStreams(now time.Time) {
	idle := max(p.cfg.Timeouts.SIP, p.cfg.Timeouts.RTSP, p.cfg.Timeouts.TCP)
	if idle <= 0 {
		idle = time.Minute
	}
	n := 0
	for k, st := range p.streams {
		if now.Sub(st.last) > idle {
			delete(p.streams, k)
			p.ctr.StreamsExpired++
		}
		if n++; n == streamSweep {
			return
		}
	}
}

// Path consumes one data plane's signalling.
type Path struct {
	dp       *dataplane.Dataplane
	tr       *session.Tracker
	sip      inspect.Inspector
	rtsp     inspect.Inspector
	res      inspect.Result
	cfg      Config
	streams  map[dirKey]*stream // TCP framers per direction, forgotten when idle (sweepStreams)
	pol      atomic.Pointer[Policy]
	rnd      *rand.Rand
	cursor   int
	seed     maphash.Seed
	mirror   *mirror
	ann      *annQueue   // gateway announcements waiting for this goroutine
	reqs     chan func() // Do: work to run on the Path's goroutine
	postMu   sync.Mutex
	posted   []func(tr *session.Tracker) // Post: queued work, run in order at the next Poll
	running  []func(tr *session.Tracker)
	standby  atomic.Bool // SetStandby: no expiry
	wasIdle  bool        // standby seen at the last Poll (the Path's goroutine)
	sigs     [dataplane.SigBatch]dataplane.Signal
	decision [dataplane.SigBatch]uint16
	cur      int    // index in sigs of the frame being handled
	reply    []byte // scratch: the SIP answer to a refused request
	ctr      Counters
	// retryAfter is Config.RetryAfter in whole seconds.
	retryAfter int
}

// New returns a Path for dp, which must have been built with Signalling.
func New(dp *dataplane.Dataplane, vips []netip.Addr, cfg Config) (*Path, error) {
	m := newMirror(dp, vips)
	scfg := session.DefaultConfig()
	if cfg.Timeouts != (session.Timeouts{}) {
		scfg.Timeouts = cfg.Timeouts
	}
	scfg.Listener = m
	if cfg.Listener != nil {
		scfg.Listener = fanout{m, cfg.Listener}
	}
	tr, err := session.New(scfg)
	if err != nil {
		return nil, err
	}
	p := &Path{dp: dp, tr: tr, sip: sip.New(), rtsp: rtsp.New(), cfg: cfg,
		streams: map[dirKey]*stream{}, seed: maphash.MakeSeed(), mirror: m,
		rnd: rand.New(rand.NewPCG(1, 2)), ann: newAnnQueue(AnnounceQueueLen),
		reqs: make(chan func(), 1), reply: make([]byte, 0, 2048)}
	ra := cfg.RetryAfter
	if ra <= 0 {
		ra = DefaultRetryAfter
	}
	p.retryAfter = int((ra + time.Second - 1) / time.Second)
	p.pol.Store(&Policy{})
	m.ctr = &p.ctr
	return p, nil
}

// Policy is what the control loop publishes to the signalling path: the
// selection sequence the data plane was given (new SIP/UDP sessions take
// its slots in turn) and the admission decision for new sessions.
type Policy struct {
	Sequence []cluster.ServerID
	PNew     float64 // probability a new session is refused
	// RejectAll refuses every new session and every message outside a
	// known session; in-dialog messages of sessions with a server still
	// pass (ending sessions frees capacity).
	RejectAll bool
}

// SetPolicy installs pol; safe from any goroutine (the Path adopts it at
// its next message).
func (p *Path) SetPolicy(pol Policy) {
	pol.Sequence = append([]cluster.ServerID(nil), pol.Sequence...)
	p.pol.Store(&pol)
}

// SetSequence installs a selection sequence with no admission control.
func (p *Path) SetSequence(seq []cluster.ServerID) { p.SetPolicy(Policy{Sequence: seq}) }

// Counters returns the path's counters.
func (p *Path) Counters() Counters { return p.ctr }

// Tracker returns the session tracker (for the caller's goroutine only).
func (p *Path) Tracker() *session.Tracker { return p.tr }

// Poll handles one burst: it returns the number of frames handled.
func (p *Path) Poll(now time.Time) int {
	select {
	case fn := <-p.reqs:
		fn()
	default:
	}
	p.runPosted()
	applied := p.drainAnnouncements(now) // the gateway's view, before this burst's frames
	n := p.dp.SigDequeue(p.sigs[:])
	for i := 0; i < n; i++ {
		p.cur = i
		p.decision[i] = p.handle(now, &p.sigs[i])
	}
	if n > 0 {
		p.dp.SigComplete(p.decision[:n])
	}
	if p.standby.Load() {
		p.wasIdle = true
	} else {
		if p.wasIdle { // taken over: the copies were idle here, not there
			p.tr.TouchAll(now)
			p.wasIdle = false
		}
		p.tr.Expire(now, 64)
	}
	p.sweepStreams(now)
	p.dp.ExpectReclaim()
	return n + applied
}

// ErrNotRunning is returned by Do when the Path's goroutine did not take
// the work in time (it is not running).
var ErrNotRunning = errors.New("sigpath: not running")

// Do runs fn on the Path's goroutine (between two bursts) and waits for it,
// so fn may read the tracker; it gives up after timeout.
func (p *Path) Do(fn func(tr *session.Tracker), timeout time.Duration) error {
	done := make(chan struct{})
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case p.reqs <- func() { fn(p.tr); close(done) }:
	case <-t.C:
		return ErrNotRunning
	}
	select {
	case <-done:
		return nil
	case <-t.C:
		<-done // taken: it runs to the end
		return nil
	}
}

// Run polls until stop is closed, sleeping briefly when idle.
func (p *Path) Run(stop <-chan struct{}) {
	idle := 0
	for {
		select {
		case <-stop:
			return
		default:
		}
		if p.Poll(time.Now()) > 0 {
			idle = 0
			continue
		}
		if idle++; idle > 64 {
			time.Sleep(20 * time.Microsecond)
		}
	}
}

func has(ports []uint16, p uint16) bool {
	for _, x := range ports {
		if x == p {
			return true
		}
	}
	return false
}

// handle applies one frame and returns the decision for SigDecide frames.
func (p *Path) handle(now time.Time, s *dataplane.Signal) uint16 {
	m := inspect.Meta{Src: s.Src, Dst: s.Dst, Dir: inspect.FromClient}
	port := s.Dst.Port()
	if s.Kind == dataplane.SigGateway {
		m.Dir, port = inspect.FromServer, s.Src.Port()
	}
	if !s.TCP {
		return p.message(now, s, m, p.sip, s.Payload)
	}
	m.Transport = inspect.TCP
	ins := p.rtsp
	if has(p.cfg.SIPTCPPorts, port) {
		ins = p.sip
	}
	k := dirKey{s.Src, s.Dst}
	st := p.streams[k]
	if st == nil {
		st = &stream{}
		st.Init(inspect.StreamConfig{})
		p.streams[k] = st
	}
	st.last = now
	st.Feed(s.Payload)
	for {
		msg, err := st.Next()
		if err != nil || msg == nil {
			break
		}
		p.message(now, s, m, ins, msg)
	}
	return dataplane.NoServer
}

// message inspects one message and applies it; for SIP/UDP it returns the
// server the frame goes to.
func (p *Path) message(now time.Time, s *dataplane.Signal, m inspect.Meta, ins inspect.Inspector, msg []byte) uint16 {
	p.ctr.Messages++
	if err := ins.Inspect(m, msg, &p.res); err != nil {
		p.ctr.BadMessages++
		return p.fallback(s)
	}
	d, err := p.tr.Signal(now, m, &p.res)
	switch {
	case errors.Is(err, session.ErrNoSession):
		p.ctr.NoSession++
		return p.fallback(s)
	case errors.Is(err, session.ErrUnknownSession):
		p.ctr.Orphans++
		return p.fallback(s)
	case err != nil:
		p.ctr.BadMessages++
		return p.fallback(s)
	}
	pol := p.pol.Load()
	if s.Kind == dataplane.SigDecide {
		// SA2C refuses whole new sessions; in-dialog messages of sessions
		// with a server always pass, even at capacity.
		if d.NeedsServer && (pol.RejectAll || (pol.PNew > 0 && p.rnd.Float64() < pol.PNew)) {
			p.tr.Refuse(now, d.Session)
			return p.refuse(s)
		}
		if !d.HasServer && !d.NeedsServer {
			if ss, ok := p.tr.Session(d.Session); ok && ss.End == session.EndRefused {
				return p.refuse(s) // its retransmitted INVITE (503 again) or the ACK of the 503 (absorbed)
			}
		}
	}
	server, ok := d.Server, d.HasServer
	if d.NeedsServer {
		if s.Kind == dataplane.SigHold {
			server, ok = s.Server, true // a TCP connection's sessions follow it
		} else if len(pol.Sequence) > 0 {
			server, ok = pol.Sequence[p.cursor%len(pol.Sequence)], true
			p.cursor++
		}
		if ok {
			p.ctr.NewSessions++
			_ = p.tr.Assign(d.Session, server)
		}
	}
	if !ok {
		p.ctr.Rejected++
		return dataplane.NoServer
	}
	return uint16(server)
}

// fallback decides a SIP/UDP frame no session claims: by a hash of its
// source, so one client's stray messages stay on one server.
func (p *Path) fallback(s *dataplane.Signal) uint16 {
	if s.Kind != dataplane.SigDecide {
		return dataplane.NoServer
	}
	pol := p.pol.Load()
	if pol.RejectAll {
		return p.refuse(s) // at capacity nothing outside a known session passes
	}
	seq := pol.Sequence
	if len(seq) == 0 {
		p.ctr.Rejected++
		return dataplane.NoServer
	}
	p.ctr.Fallback++
	a := s.Src.Addr().As16()
	h := maphash.Bytes(p.seed, a[:])
	return uint16(seq[h%uint64(len(seq))])
}

// Post queues fn to run on the Path's goroutine at its next Poll, in the
// order posted, without waiting (unlike Do): callers that hold locks the
// tracker's listeners take (the replication's sink) use it.
func (p *Path) Post(fn func(tr *session.Tracker)) {
	p.postMu.Lock()
	p.posted = append(p.posted, fn)
	p.postMu.Unlock()
}

func (p *Path) runPosted() {
	p.postMu.Lock()
	p.running, p.posted = p.posted, p.running[:0]
	p.postMu.Unlock()
	for i, fn := range p.running {
		fn(p.tr)
		p.running[i] = nil
	}
}

// SetStandby makes the tracker a hot standby's copy (true): sessions do not
// expire, since they are the primary's and end when it says so. Back to
// false (takeover), every session is made fresh once, then expires as
// usual.
func (p *Path) SetStandby(standby bool) { p.standby.Store(standby) }

// fanout is the tracker's listener when the Path has an extra one.
type fanout [2]session.Listener

func (f fanout) FlowAdded(fl session.Flow)     { f[0].FlowAdded(fl); f[1].FlowAdded(fl) }
func (f fanout) FlowRemoved(k session.FlowKey) { f[0].FlowRemoved(k); f[1].FlowRemoved(k) }
func (f fanout) ExpectationAdded(e session.Expectation) {
	f[0].ExpectationAdded(e)
	f[1].ExpectationAdded(e)
}
func (f fanout) ExpectationRemoved(e session.Expectation) {
	f[0].ExpectationRemoved(e)
	f[1].ExpectationRemoved(e)
}
func (f fanout) Associated(s session.Session) { f[0].Associated(s); f[1].Associated(s) }
func (f fanout) SessionEnded(s session.Session, r session.EndReason) {
	f[0].SessionEnded(s, r)
	f[1].SessionEnded(s, r)
}
