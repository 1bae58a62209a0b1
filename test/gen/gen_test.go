package gen

import (
	"bytes"
	"math"
	"net/netip"
	"slices"
	"testing"
)

func generate(t testing.TB, o Options) ([]byte, Stats) {
	t.Helper()
	var buf bytes.Buffer
	st, err := Generate(&buf, o)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), st
}

func vipSet(o Options) map[netip.Addr]bool {
	m := map[netip.Addr]bool{}
	for _, v := range o.VIPs {
		m[v] = true
	}
	return m
}

func TestDeterministic(t *testing.T) {
	o := DefaultOptions()
	o.Packets, o.Flows = 3000, 300
	a, _ := generate(t, o)
	b, _ := generate(t, o)
	if !bytes.Equal(a, b) {
		t.Fatal("same seed gave different bytes")
	}
	o.Seed = 2
	c, _ := generate(t, o)
	if bytes.Equal(a, c) {
		t.Fatal("different seeds gave the same bytes")
	}
}

// within checks a count against n·p with a 5-sigma binomial tolerance.
func within(t *testing.T, name string, got uint64, n int, p float64) {
	t.Helper()
	mean := float64(n) * p
	tol := 5*math.Sqrt(mean*(1-p)) + 1
	if math.Abs(float64(got)-mean) > tol {
		t.Errorf("%s = %d, want %.0f ± %.0f", name, got, mean, tol)
	}
}

// TestClassesParseIndependently classifies every frame from its bytes and
// checks the counts against Stats and the requested shares, and the TCP
// state machine of every flow.
func TestClassesParseIndependently(t *testing.T) {
	o := DefaultOptions()
	o.Packets, o.Flows = 20000, 2000
	o.VIPs = append(o.VIPs, netip.MustParseAddr("10.0.0.101"), netip.MustParseAddr("fd00::100"))
	o.IPv6Share = 0.25
	o.Garbage, o.Noise, o.Fragments = 0.05, 0.05, 0.03
	raw, st := generate(t, o)
	frames := readPcap(t, raw)
	if len(frames) != o.Packets || st.Frames != uint64(o.Packets) {
		t.Fatalf("%d frames read, stats %d, want %d", len(frames), st.Frames, o.Packets)
	}
	var counts [4]uint64
	var tagged, syn uint64
	flows := map[string]int{} // frames seen per VIP 5-tuple
	v6flows, tcpflows := 0, 0
	vips := vipSet(o)
	for i, f := range frames {
		if i > 0 && f.ci.Timestamp.Sub(frames[i-1].ci.Timestamp).Microseconds() != 1 {
			t.Fatalf("frame %d: timestamp %v not 1µs after %v", i, f.ci.Timestamp, frames[i-1].ci.Timestamp)
		}
		if len(f.data) >= 6 && !bytes.Equal(f.data[:6], o.DstMAC) {
			t.Fatalf("frame %d: dst MAC %x", i, f.data[:6])
		}
		d := classify(f.data, vips)
		counts[d.class]++
		if d.tagged && d.class != cGarbage {
			tagged++
		}
		if d.class == cNoise || d.class == cVIP {
			if !d.checksum {
				t.Fatalf("frame %d: bad L4 checksum (class %d v6 %v tagged %v tcp %v): %x", i, d.class, d.v6, d.tagged, d.tcp != nil, f.data)
			}
		}
		if d.class != cVIP {
			continue
		}
		k := flows[d.tuple]
		flows[d.tuple] = k + 1
		if k == 0 {
			if d.v6 {
				v6flows++
			}
			if d.tcp != nil {
				tcpflows++
			}
		}
		if tcp := d.tcp; tcp != nil {
			first := k == 0
			if tcp.SYN != first || tcp.ACK == first || tcp.FIN || tcp.RST {
				t.Fatalf("frame %d: TCP frame %d of its flow has SYN=%v ACK=%v", i, k, tcp.SYN, tcp.ACK)
			}
			if tcp.PSH != (len(d.payload) > 0) {
				t.Fatalf("frame %d: PSH=%v with %d payload bytes", i, tcp.PSH, len(d.payload))
			}
			if tcp.SYN {
				syn++
			}
		}
	}
	if counts[cVIP] != st.VIP || counts[cNoise] != st.Noise || counts[cGarbage] != st.Garbage || counts[cFragment] != st.Fragments {
		t.Errorf("classified vip/noise/garbage/fragment = %v, stats %+v", counts, st)
	}
	if tagged != st.VLAN || syn != st.SYN || uint64(len(flows)) != st.FlowsOpened ||
		uint64(tcpflows) != st.TCPFlows || uint64(v6flows) != st.IPv6Flows || syn != st.TCPFlows {
		t.Errorf("tagged %d syn %d flows %d tcp %d v6 %d; stats %+v", tagged, syn, len(flows), tcpflows, v6flows, st)
	}
	if len(flows) != o.Flows {
		t.Errorf("%d distinct VIP flows, want %d", len(flows), o.Flows)
	}
	n := o.Packets
	within(t, "garbage", st.Garbage, n, o.Garbage)
	within(t, "noise", st.Noise, n, o.Noise)
	within(t, "fragments", st.Fragments, n, o.Fragments)
	within(t, "vlan", st.VLAN, int(st.VIP+st.Noise+st.Fragments), o.VLANShare)
	within(t, "tcp flows", st.TCPFlows, o.Flows, o.TCPShare)
	within(t, "ipv6 flows", st.IPv6Flows, o.Flows, o.IPv6Share)
	for k, c := range st.GarbageKinds {
		within(t, GarbageKind(k).String(), c, int(st.Garbage), 1/float64(NumGarbageKinds))
	}
}

// TestOrderOpensEveryFlowFirst: in both orders, with only VIP frames,
// a flow's j-th frame is in round j: the first Flows frames open every flow.
func TestOrderOpensEveryFlowFirst(t *testing.T) {
	sequence := map[string][]string{} // order → tuples of rounds 0 and 1
	for _, order := range []string{OrderRoundRobin, OrderRandom} {
		o := DefaultOptions()
		o.Order, o.Flows, o.Packets = order, 1500, 4500
		o.Noise, o.Garbage, o.Fragments = 0, 0, 0
		raw, st := generate(t, o)
		seen := map[string]int{}
		vips := vipSet(o)
		for i, f := range readPcap(t, raw) {
			d := classify(f.data, vips)
			if d.class != cVIP {
				t.Fatalf("%s: frame %d not a VIP frame", order, i)
			}
			// frame i is in round i/flows: its flow has had exactly i/flows frames before
			if seen[d.tuple] != i/o.Flows {
				t.Fatalf("%s: frame %d is frame %d of its flow, want %d", order, i, seen[d.tuple], i/o.Flows)
			}
			seen[d.tuple]++
			if i < 2*o.Flows {
				sequence[order] = append(sequence[order], d.tuple)
			}
		}
		if len(seen) != o.Flows || st.FlowsOpened != uint64(o.Flows) {
			t.Fatalf("%s: %d flows", order, len(seen))
		}
	}
	// round-robin repeats the same order every round; random reshuffles it
	n := len(sequence[OrderRandom]) / 2
	rr, rnd := sequence[OrderRoundRobin], sequence[OrderRandom]
	if !slices.Equal(rr[:n], rr[n:]) || slices.Equal(rnd[:n], rnd[n:]) || slices.Equal(rr[:n], rnd[:n]) {
		t.Error("round-robin rounds differ, or random rounds are not shuffled")
	}
}

func TestSizes(t *testing.T) {
	o := DefaultOptions()
	o.Packets, o.Flows, o.Size = 4000, 400, SizeMin
	o.VIPs = append(o.VIPs, netip.MustParseAddr("fd00::1"))
	o.IPv6Share = 0.3
	raw, _ := generate(t, o)
	vips := vipSet(o)
	for i, f := range readPcap(t, raw) {
		d := classify(f.data, vips)
		if d.class == cGarbage {
			continue
		}
		// the frame's headers: Ethernet + IP + UDP or TCP (+4 for a SYN's MSS)
		want := 14 + 20 + 8
		if d.v6 {
			want += 20
		}
		if d.tcp != nil {
			want += 12
			if d.tcp.SYN {
				want += 4
			}
		}
		if d.class == cFragment {
			want = 14 + 20 + 24 // 24: the largest multiple of 8 that fits 60 bytes
		}
		want = max(want, 60)
		if d.tagged {
			want += 4
		}
		if len(f.data) != want {
			t.Fatalf("size 64: frame %d (class %d, v6 %v, tagged %v) is %d bytes, want %d", i, d.class, d.v6, d.tagged, len(f.data), want)
		}
	}
	o.Size, o.IPv6Share = SizeMix, 0
	o.VIPs = o.VIPs[:1]
	raw, _ = generate(t, o)
	sizes := map[int]int{}
	for _, f := range readPcap(t, raw) {
		d := classify(f.data, vipSet(o))
		if d.class != cVIP || d.tagged {
			continue
		}
		sizes[len(f.data)]++
		if d.udp != nil && len(f.data) == frameRTP && (d.payload[0] != 0x80 || len(d.payload) != rtpHeader+rtpG711) {
			t.Fatalf("RTP frame with payload %x...", d.payload[:2])
		}
	}
	for s := range sizes {
		if s != frameMin && s != frameRTP && s != frameMid && s != frameMax {
			t.Errorf("unexpected mix frame size %d", s)
		}
	}
	if sizes[frameRTP] == 0 || sizes[frameMin] == 0 || sizes[frameMid] == 0 || sizes[frameMax] == 0 {
		t.Errorf("mix sizes %v miss a class", sizes)
	}
}
