package gen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// Stats counts what Generate wrote. VIP + Noise + Garbage + Fragments = Frames.
type Stats struct {
	Frames    uint64
	Bytes     uint64 // frame bytes (pcap caplen sum)
	VIP       uint64 // frames of flows to a VIP
	Noise     uint64
	Garbage   uint64
	Fragments uint64
	VLAN      uint64 // tagged frames (VIP, noise, fragments)

	FlowsOpened uint64 // flows whose first frame was written
	TCPFlows    uint64 // of FlowsOpened
	IPv6Flows   uint64 // of FlowsOpened
	SYN         uint64 // TCP frames with SYN (one per opened TCP flow)

	GarbageKinds [NumGarbageKinds]uint64
}

// generator is the state of one Generate call.
type generator struct {
	o     *Options
	rng   *rand.Rand
	fs    *flowSpace
	b     *builder
	sent  []uint32 // frames written per flow
	bytes []uint32 // TCP payload bytes written per flow
	perm  feistel
	round uint64
	vipK  uint64 // VIP frames written
	st    Stats
}

// Generate writes o.Packets frames as a pcap (Ethernet link type,
// microsecond timestamps from o.Start, or 2024-01-01 if zero) to w. The
// output depends only on o.
func Generate(w io.Writer, o Options) (Stats, error) {
	if err := o.Validate(); err != nil {
		return Stats{}, err
	}
	if o.Start.IsZero() {
		o.Start = DefaultOptions().Start
	}
	g := &generator{
		o:     &o,
		rng:   rand.New(rand.NewPCG(o.Seed, o.Seed^0x5a52_4147_454e)),
		fs:    newFlowSpace(&o),
		b:     newBuilder(&o),
		sent:  make([]uint32, o.Flows),
		bytes: make([]uint32, o.Flows),
	}
	if len(g.fs.v4) == 0 {
		// Fragments are IPv4 only; without an IPv4 VIP their share goes to flows.
		o.Fragments = 0
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	pw := pcapgo.NewWriter(bw)
	if err := pw.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		return g.st, fmt.Errorf("gen: write header: %w", err)
	}
	for i := 0; i < o.Packets; i++ {
		frame, err := g.next()
		if err != nil {
			return g.st, fmt.Errorf("gen: frame %d: %w", i, err)
		}
		ts := o.Start.Add(time.Duration(i) * time.Microsecond)
		ci := gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(frame), Length: len(frame)}
		if err := pw.WritePacket(ci, frame); err != nil {
			return g.st, fmt.Errorf("gen: write frame %d: %w", i, err)
		}
		g.st.Frames++
		g.st.Bytes += uint64(len(frame))
	}
	if err := bw.Flush(); err != nil {
		return g.st, fmt.Errorf("gen: flush: %w", err)
	}
	return g.st, nil
}

// next draws the class of the next frame and builds it.
func (g *generator) next() ([]byte, error) {
	u := g.rng.Float64()
	switch o := g.o; {
	case u < o.Garbage:
		g.st.Garbage++
		return g.garbage()
	case u < o.Garbage+o.Noise:
		g.st.Noise++
		return g.noise()
	case u < o.Garbage+o.Noise+o.Fragments:
		g.st.Fragments++
		return g.fragment()
	}
	g.st.VIP++
	return g.vipFrame()
}

// vlan returns a VLAN id for a frame of flow-independent class, or 0.
func (g *generator) vlan(id uint16) uint16 {
	if g.rng.Float64() < g.o.VLANShare {
		g.st.VLAN++
		return id
	}
	return 0
}

// nextFlow returns the flow of the next VIP frame: the k-th VIP frame is in
// round k/Flows and visits flow (k mod Flows), permuted per round when the
// order is random, so every flow's j-th frame comes after every flow's
// (j-1)-th.
func (g *generator) nextFlow() uint32 {
	n := uint64(g.o.Flows)
	r, j := g.vipK/n, g.vipK%n
	g.vipK++
	if g.o.Order == OrderRoundRobin {
		return uint32(j)
	}
	if j == 0 || r != g.round {
		g.round = r
		g.perm = newFeistel(n, g.o.Seed^mix64(r+1))
	}
	return uint32(g.perm.at(j))
}
