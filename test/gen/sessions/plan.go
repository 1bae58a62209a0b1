package sessions

import (
	"container/heap"
	"fmt"
	"net/netip"
	"time"
)

// Kinds of sessions, in client-address order.
const (
	kindCall = iota
	kindRTSP
	kindFlow
)

// planner assigns addresses, ports and times and builds every script.
type planner struct {
	o      *Options
	st     *Stats
	v4, v6 []netip.Addr
	vips   map[string]bool
	used   [3]map[netip.Addr]int // sessions per VIP, per kind
	ramp   time.Duration         // session starts are spread over [0, ramp)
	life   time.Duration         // every session lasts this long
}

func newPlanner(o *Options, st *Stats) *planner {
	p := &planner{o: o, st: st, vips: map[string]bool{}, ramp: o.Duration / 10}
	p.life = o.Duration - p.ramp - 10*time.Millisecond
	for _, v := range o.VIPs {
		p.vips[v.String()] = true
		if v.Is4() {
			p.v4 = append(p.v4, v)
		} else {
			p.v6 = append(p.v6, v)
		}
	}
	for k := range p.used {
		p.used[k] = map[netip.Addr]int{}
	}
	return p
}

// slot is what the planner gives the i-th session of a kind.
type slot struct {
	client, vip netip.Addr
	nth         int    // sessions of this kind on this VIP before this one
	h           uint64 // per-session hash: ports, tags, SSRCs
	start       time.Duration
}

// assign picks the i-th session's client address (100.64.0.0 + n + 1 or
// 2001:db8:5a52:: + n + 1, n counting calls, then RTSP sessions, then
// flows), family, VIP and start time.
func (p *planner) assign(kind, i, total int) slot {
	o := p.o
	h := mix64(o.Seed ^ mix64(uint64(kind)<<40|uint64(i)))
	n := uint32(i + 1)
	if kind >= kindRTSP {
		n += uint32(o.Calls)
	}
	if kind >= kindFlow {
		n += uint32(o.RTSP)
	}
	s := slot{h: h, start: p.ramp * time.Duration(i) / time.Duration(total)}
	if float64(h>>11)/(1<<53) < o.IPv6Share {
		p.st.IPv6Sessions++
		a := netip.MustParseAddr("2001:db8:5a52::").As16()
		a[12], a[13], a[14], a[15] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
		s.client, s.vip = netip.AddrFrom16(a), p.v6[i%len(p.v6)]
	} else {
		x := uint32(100<<24|64<<16) + n
		s.client, s.vip = netip.AddrFrom4([4]byte{byte(x >> 24), byte(x >> 16), byte(x >> 8), byte(x)}), p.v4[i%len(p.v4)]
	}
	s.nth = p.used[kind][s.vip]
	p.used[kind][s.vip]++
	return s
}

// plan builds the scripts of every call, RTSP session and flow, and the truth.
func (p *planner) plan() (queue, *Truth) {
	o := p.o
	truth := &Truth{Sessions: []TruthSession{}, Unmatched: []TruthFlow{}}
	var q queue
	push := func(f func(*script)) {
		sc := &script{id: len(q)}
		f(sc)
		sc.pick()
		if sc.next >= 0 {
			q = append(q, sc)
		}
	}
	for i := 0; i < o.Calls; i++ {
		s := p.assign(kindCall, i, o.Calls)
		h := s.h
		c := &call{id: i, callID: fmt.Sprintf("%d-%08x@sara-gen", i, uint32(h)),
			fromTag: fmt.Sprintf("%08x", uint32(h>>32)), to: fmt.Sprintf("s%08x", uint32(h>>16)),
			client: netip.AddrPortFrom(s.client, 10000+uint16(h%50000)), vip: netip.AddrPortFrom(s.vip, o.SIPPort),
			cMedia: netip.AddrPortFrom(s.client, 16384+2*uint16((h>>20)%8000)),
			sMedia: netip.AddrPortFrom(s.vip, 20000+2*uint16(s.nth%MaxCallsPerVIP)),
			cSSRC:  uint32(h >> 8), sSSRC: uint32(h>>24) ^ 0x5a52, cSeq: uint16(h >> 3), sSeq: uint16(h >> 13)}
		push(func(sc *script) { c.script(sc, s.start, s.start+p.life, o.Min) })
		truth.Sessions = append(truth.Sessions, p.filter(c.truth()))
	}
	for i := 0; i < o.RTSP; i++ {
		s := p.assign(kindRTSP, i, o.RTSP)
		h := s.h
		base := 40000 + 4*uint16(s.nth%MaxRTSPPerVIP)
		cb := 16384 + 4*uint16((h>>20)%8000)
		r := &rtspSession{id: i, session: fmt.Sprintf("%016X", h^0x5a52),
			client: netip.AddrPortFrom(s.client, 10000+uint16(h%50000)), vip: netip.AddrPortFrom(s.vip, o.RTSPPort),
			cPort: [2]uint16{cb, cb + 2}, sPort: [2]uint16{base, base + 2},
			ssrc: [2]uint32{uint32(h >> 8), uint32(h >> 24)}, cSeq: uint32(h >> 17), sSeq: uint32(h >> 29)}
		push(func(sc *script) { r.script(sc, s.start, s.start+p.life, o.Min) })
		truth.Sessions = append(truth.Sessions, p.filter(r.truth()))
	}
	for i := 0; i < o.Flows; i++ {
		s := p.assign(kindFlow, i, o.Flows)
		h := s.h
		f := &flow{tcp: i%2 == 1, h: h, client: netip.AddrPortFrom(s.client, 10000+uint16(h%50000)),
			vip: netip.AddrPortFrom(s.vip, 61000+uint16((h>>16)%1000)), cSeq: uint32(h >> 17), sSeq: uint32(h >> 29)}
		if f.tcp {
			f.vip = netip.AddrPortFrom(s.vip, []uint16{443, 8443}[(h>>16)%2])
		}
		push(func(sc *script) { f.script(sc, s.start, s.start+p.life, o.Min) })
		truth.Unmatched = append(truth.Unmatched, p.filter(TruthSession{Flows: f.truth()}).Flows...)
	}
	heap.Init(&q)
	return q, truth
}

// filter drops the flows not written with ToVIPOnly.
func (p *planner) filter(t TruthSession) TruthSession {
	if p.o.ToVIPOnly {
		t.Flows = toVIP(t.Flows, p.vips)
	}
	return t
}
