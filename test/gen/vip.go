package gen

// vipFrame builds the next frame of the next flow to a VIP.
func (g *generator) vipFrame() ([]byte, error) {
	i := g.nextFlow()
	f := g.fs.at(i)
	k := g.sent[i]
	g.sent[i]++
	if k == 0 {
		g.st.FlowsOpened++
		if f.tcp {
			g.st.TCPFlows++
		}
		if f.v6 {
			g.st.IPv6Flows++
		}
	}
	n := l3{v6: f.v6, src: f.src, dst: f.dst, id: uint16(g.rng.Uint32()), vlan: g.vlan(f.vlan)}
	if !f.tcp {
		size := g.udpSize()
		return g.b.udpFrame(n, f.sport, f.dport, payloadLen(size, f.v6, 8), size == frameRTP, k, f.ssrc)
	}
	if k == 0 {
		g.st.SYN++
		return g.b.tcpFrame(n, f.sport, f.dport, f.isn, 0, true, false, 0)
	}
	size := g.imix()
	pay := payloadLen(size, f.v6, 20)
	if size == frameMin {
		pay = 0 // a pure ACK
	}
	seq := f.isn + 1 + g.bytes[i]
	g.bytes[i] += uint32(pay)
	return g.b.tcpFrame(n, f.sport, f.dport, seq, f.peerISN+1, false, pay > 0, pay)
}

// udpSize draws a UDP frame size: in the mix, 3 in 4 are G.711 RTP frames,
// the rest IMIX.
func (g *generator) udpSize() int {
	if g.o.Size == SizeMin {
		return frameMin
	}
	if g.rng.IntN(4) != 0 {
		return frameRTP
	}
	return g.imix()
}

// imix draws 60, 590 or 1514 bytes in the classic 7:4:1 proportions (or 60
// when every frame is minimum-size).
func (g *generator) imix() int {
	if g.o.Size == SizeMin {
		return frameMin
	}
	switch x := g.rng.IntN(12); {
	case x < 7:
		return frameMin
	case x < 11:
		return frameMid
	}
	return frameMax
}
