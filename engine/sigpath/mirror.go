package sigpath

import (
	"net/netip"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/session"
)

// mirror keeps the data plane's expectation table equal to the tracker's
// expectations of flows towards a VIP (the only ones the dispatcher sees).
// An expectation of a session without a server waits for Associated.
type mirror struct {
	session.NopListener
	dp      *dataplane.Dataplane
	vips    map[netip.Addr]bool
	byKey   map[dataplane.ExpectKey][]session.Expectation
	pending map[session.ID][]session.Expectation
	servers map[session.ID]cluster.ServerID
	cands   []dataplane.ExpectCand // scratch for write
	ctr     *Counters
}

func newMirror(dp *dataplane.Dataplane, vips []netip.Addr) *mirror {
	m := &mirror{dp: dp, vips: map[netip.Addr]bool{}, byKey: map[dataplane.ExpectKey][]session.Expectation{},
		pending: map[session.ID][]session.Expectation{}, servers: map[session.ID]cluster.ServerID{}}
	for _, v := range vips {
		m.vips[v.Unmap()] = true
	}
	return m
}

// keyOf is the data plane's key for e: flows to a VIP port, or — an
// endpoint where the client receives — flows from that endpoint (symmetric
// RTP: the client sends from where it receives), so the client's media is
// placed from its own signalling, before the server's answer arrives.
func (m *mirror) keyOf(e session.Expectation) (dataplane.ExpectKey, bool) {
	proto := uint8(17)
	if e.Proto == session.TCP {
		proto = 6
	}
	k := dataplane.ExpectKey{Dst: netip.AddrPortFrom(e.Dst.Addr().Unmap(), e.Dst.Port()), Proto: proto}
	switch {
	case m.vips[k.Dst.Addr()]:
		return k, true
	case e.Receiver == inspect.SideClient && k.Dst.Port() != 0:
		k.BySource = true
		return k, true
	}
	return k, false
}

// sameExpectation tells whether a and b are one expectation: one session's
// flow to Dst (the tracker updates the rest in place, e.g. Src once the
// peer's address is known; the key's protocol is the mirror key's).
func sameExpectation(a, b session.Expectation) bool {
	return a.Session == b.Session && a.Dst == b.Dst
}

// upsert replaces e's entry of list (sameExpectation), or appends e.
func upsert(list []session.Expectation, e session.Expectation) []session.Expectation {
	for i := range list {
		if sameExpectation(list[i], e) {
			list[i] = e
			return list
		}
	}
	return append(list, e)
}

// ExpectationAdded installs e (or parks it until its session has a
// server). An expectation re-announced unchanged replaces its entry: its
// key stays in the data plane throughout.
func (m *mirror) ExpectationAdded(e session.Expectation) {
	k, ok := m.keyOf(e)
	if !ok {
		return
	}
	if srv, ok := m.servers[e.Session]; ok {
		e.Server, e.HasServer = srv, true
	}
	if !e.HasServer {
		m.pending[e.Session] = upsert(m.pending[e.Session], e)
		return
	}
	m.byKey[k] = upsert(m.byKey[k], e)
	m.write(k)
}

// ExpectationRemoved removes e's candidate.
func (m *mirror) ExpectationRemoved(e session.Expectation) {
	k, ok := m.keyOf(e)
	if !ok {
		return
	}
	list := m.byKey[k]
	for i := range list {
		if sameExpectation(list[i], e) {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(m.byKey, k)
	} else {
		m.byKey[k] = list
	}
	p := m.pending[e.Session]
	for i := range p {
		if p[i].Dst == e.Dst {
			m.pending[e.Session] = append(p[:i], p[i+1:]...)
			break
		}
	}
	m.write(k)
}

// Associated installs the session's parked expectations on its server.
func (m *mirror) Associated(s session.Session) {
	id, server := s.ID, s.Server
	m.servers[id] = server
	for _, e := range m.pending[id] {
		e.Server, e.HasServer = server, true
		k, _ := m.keyOf(e)
		m.byKey[k] = append(m.byKey[k], e)
		m.write(k)
	}
	delete(m.pending, id)
}

// SessionEnded forgets the session's server.
func (m *mirror) SessionEnded(s session.Session, _ session.EndReason) {
	delete(m.servers, s.ID)
	delete(m.pending, s.ID)
}

func (m *mirror) write(k dataplane.ExpectKey) {
	list := m.byKey[k]
	if len(list) > dataplane.MaxExpectCands {
		m.ctr.ExpectMany++
		list = list[:dataplane.MaxExpectCands]
	}
	m.cands = m.cands[:0]
	for _, e := range list {
		c := dataplane.ExpectCand{Src: e.Src, Server: e.Server, Session: uint32(e.Session)}
		if k.BySource {
			c.Src = netip.Addr{} // the key is the client itself
		}
		m.cands = append(m.cands, c)
	}
	if err := m.dp.ExpectSet(k, m.cands); err != nil {
		m.ctr.ExpectErr++
		return
	}
	m.ctr.ExpectSet++
}
