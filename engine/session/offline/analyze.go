package offline

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/google/gopacket/tcpassembly"

	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/inspect/rtsp"
	"github.com/sara-lb/sara/engine/inspect/sip"
	"github.com/sara-lb/sara/engine/session"
)

// sessRec is what the report says of one session.
type sessRec struct {
	kind  session.Kind
	id    string
	flows []FlowReport
	seen  map[session.FlowKey]bool
}

// analyzer is the state of one Analyze call.
type analyzer struct {
	cfg      Config
	tr       *session.Tracker
	sip      *sip.Inspector
	rtsp     *rtsp.Inspector
	res      inspect.Result
	servers  map[netip.AddrPort]bool // learnt server endpoints (no VIP given)
	flows    []session.FlowKey       // every flow, in order of first packet
	known    map[session.FlowKey]bool
	claimed  map[session.FlowKey]bool
	sessions map[session.ID]*sessRec
	order    []session.ID
	stats    Stats
}

// Analyze reads a pcap or pcapng capture and reports its sessions.
func Analyze(r io.Reader, cfg Config) (*Report, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("offline.Analyze: %w", err)
	}
	src, err := openCapture(r)
	if err != nil {
		return nil, err
	}
	dec, err := newDecoder(src.LinkType())
	if err != nil {
		return nil, err
	}
	tr, err := session.New(session.DefaultConfig())
	if err != nil {
		return nil, err
	}
	a := &analyzer{cfg: cfg, tr: tr, sip: sip.New(), rtsp: rtsp.New(),
		servers: map[netip.AddrPort]bool{}, known: map[session.FlowKey]bool{},
		claimed: map[session.FlowKey]bool{}, sessions: map[session.ID]*sessRec{}}
	asm := tcpassembly.NewAssembler(tcpassembly.NewStreamPool(streamFactory{a}))
	var lastFlush time.Time
	for {
		data, ci, err := src.ReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// A truncated last record ends the capture; the packets before it count.
			if errors.Is(err, io.ErrUnexpectedEOF) {
				break
			}
			return nil, fmt.Errorf("%w: packet %d: %v", ErrCapture, a.stats.Packets+1, err)
		}
		a.stats.Packets++
		isUDP, isTCP, netFlow := dec.decode(data)
		ts := ci.Timestamp
		switch {
		case isUDP:
			src, dst, ok := endpoints(netFlow, dec.udp.TransportFlow())
			if ok {
				a.udp(ts, session.FlowKey{Src: src, Dst: dst, Proto: session.UDP}, dec.udp.Payload)
			}
		case isTCP:
			src, dst, ok := endpoints(netFlow, dec.tcp.TransportFlow())
			if !ok {
				break
			}
			k := session.FlowKey{Src: src, Dst: dst, Proto: session.TCP}
			a.see(k)
			if a.signallingProto(src, dst, session.TCP) != inspect.ProtoUnknown {
				asm.AssembleWithTimestamp(netFlow, &dec.tcp, ts)
			} else if len(dec.tcp.Payload) > 0 {
				a.media(ts, k)
			}
		default:
			a.stats.Undecoded++
		}
		if ts.Sub(lastFlush) > time.Second { // deliver data stuck behind a gap or a missing SYN
			asm.FlushOlderThan(ts.Add(-time.Second))
			lastFlush = ts
		}
	}
	asm.FlushAll()
	return a.report(), nil
}

// see records a flow's first appearance.
func (a *analyzer) see(k session.FlowKey) {
	if !a.known[k] {
		a.known[k] = true
		a.flows = append(a.flows, k)
	}
}

// udp handles one UDP datagram: signalling is inspected, anything else is
// a packet for the flow table.
func (a *analyzer) udp(ts time.Time, k session.FlowKey, payload []byte) {
	a.see(k)
	if p := a.signallingProto(k.Src, k.Dst, session.UDP); p != inspect.ProtoUnknown {
		a.message(ts, k, p, payload)
		return
	}
	a.media(ts, k)
}

// media observes a non-signalling packet; a flow of a session is media.
func (a *analyzer) media(ts time.Time, k session.FlowKey) {
	v := a.tr.Observe(ts, k)
	switch {
	case v.Outcome == session.Ambiguous:
		a.stats.Ambiguous++
	case (v.Outcome == session.Hit || v.Outcome == session.Promoted) && v.Identity == session.Secondary:
		a.claim(v.Session, k, RoleMedia)
	}
}

// message inspects one signalling message and applies it to the tracker.
func (a *analyzer) message(ts time.Time, k session.FlowKey, p inspect.Proto, payload []byte) {
	a.stats.Messages++
	m := inspect.Meta{Src: k.Src, Dst: k.Dst, Transport: inspect.UDP, Dir: a.direction(k.Src, k.Dst, k.Proto)}
	if k.Proto == session.TCP {
		m.Transport = inspect.TCP
	}
	var err error
	if p == inspect.ProtoSIP {
		err = a.sip.Inspect(m, payload, &a.res)
	} else {
		err = a.rtsp.Inspect(m, payload, &a.res)
	}
	if err != nil {
		a.stats.BadMessages++
		return
	}
	d, err := a.tr.Signal(ts, m, &a.res)
	switch {
	case errors.Is(err, session.ErrNoSession):
		a.stats.NoSession++
		return
	case errors.Is(err, session.ErrUnknownSession):
		a.stats.Orphans++
		return
	case err != nil:
		a.stats.BadMessages++
		return
	}
	if d.NeedsServer {
		_ = a.tr.Assign(d.Session, 0) // offline: one notional server
	}
	a.claim(d.Session, k, RoleSignalling)
}

// claim lists flow k under session id with role.
func (a *analyzer) claim(id session.ID, k session.FlowKey, role string) {
	rec, ok := a.sessions[id]
	if !ok {
		rec = &sessRec{seen: map[session.FlowKey]bool{}}
		a.sessions[id] = rec
		a.order = append(a.order, id)
	}
	if s, ok := a.tr.Session(id); ok {
		rec.kind = s.Kind
		if s.Key != "" {
			rec.id = s.Key
		}
	}
	if rec.seen[k] {
		return
	}
	rec.seen[k] = true
	a.claimed[k] = true
	rec.flows = append(rec.flows, flowReport(k, role))
}

func flowReport(k session.FlowKey, role string) FlowReport {
	return FlowReport{Proto: k.Proto.String(), Src: k.Src.String(), Dst: k.Dst.String(), Role: role}
}

// report assembles the Report.
func (a *analyzer) report() *Report {
	r := &Report{Stats: a.stats}
	for _, id := range a.order {
		rec := a.sessions[id]
		name := rec.id
		if name == "" {
			name = fmt.Sprintf("(session %d: SETUP not answered)", id)
		}
		r.Sessions = append(r.Sessions, SessionReport{Kind: rec.kind.String(), ID: name, Flows: rec.flows})
	}
	for _, k := range a.flows {
		if !a.claimed[k] {
			r.Unmatched = append(r.Unmatched, flowReport(k, ""))
		}
	}
	return r
}
