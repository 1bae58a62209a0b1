package sessions

import (
	"net/netip"
	"time"
)

// Background flows: UDP datagrams to VIP ports 61000..61999 or TCP
// connections to VIP port 443 or 8443, a client frame every 100 ms (IMIX
// sizes: 60, 590, 1514 bytes in 7:4:1), each answered by a 60-byte frame.
const bgGap = 100 * time.Millisecond

// flow is one background flow.
type flow struct {
	tcp         bool
	client, vip netip.AddrPort
	cSeq, sSeq  uint32
	h           uint64 // per-flow hash: sizes
}

// imix is the frame size of the flow's n-th client frame.
func (f *flow) imix(n int) int {
	switch x := mix64(f.h+uint64(n)) % 12; {
	case x < 7:
		return 60
	case x < 11:
		return 590
	}
	return 1514
}

// payload is the L4 payload making a frame of size bytes (IPv6 frames are
// 20 bytes larger, at most 1514); none when the headers fill the frame.
func (f *flow) payload(size int, small bool) int {
	v6 := f.client.Addr().Is6()
	hdr := 14 + 20 + 8
	if f.tcp {
		hdr = 14 + 20 + 20
	}
	if v6 {
		hdr += 20
		if size > 60 {
			size = min(size+20, 1514)
		}
	}
	if small {
		size = 60
	}
	return max(size-hdr, 0)
}

// script lays out the flow from start to end.
func (f *flow) script(sc *script, start, end time.Duration, small bool) {
	us := time.Microsecond
	if !f.tcp {
		sc.periodic(start, end, every(bgGap), func(b *builder, n int) ([]byte, error) {
			return b.udpFrame(f.client, f.vip, true, b.fill(0, f.payload(f.imix(n), small)))
		})
		sc.periodic(start+200*us, end, every(bgGap), func(b *builder, n int) ([]byte, error) {
			return b.udpFrame(f.vip, f.client, false, b.fill(0, f.payload(60, true)))
		})
		return
	}
	seg := func(up bool, flags int, n int) func(*builder, int) ([]byte, error) {
		return func(b *builder, _ int) ([]byte, error) {
			data := b.fill(0, n)
			if up {
				fr, err := b.tcpFrame(f.client, f.vip, true, f.cSeq, f.sSeq, flags, data)
				f.cSeq += uint32(n + btoi(flags&(flagSYN|flagFIN) != 0))
				return fr, err
			}
			fr, err := b.tcpFrame(f.vip, f.client, false, f.sSeq, f.cSeq, flags, data)
			f.sSeq += uint32(n + btoi(flags&(flagSYN|flagFIN) != 0))
			return fr, err
		}
	}
	sc.once(start, seg(true, flagSYN, 0))
	sc.once(start+100*us, seg(false, flagSYN|flagACK, 0))
	sc.once(start+200*us, seg(true, flagACK, 0))
	sc.periodic(start+time.Millisecond, end, every(bgGap), func(b *builder, n int) ([]byte, error) {
		n = f.payload(f.imix(n), small)
		return seg(true, flagACK|flagPSH*btoi(n > 0), n)(b, n)
	})
	sc.periodic(start+time.Millisecond+200*us, end, every(bgGap), seg(false, flagACK, 0))
	sc.once(end, seg(true, flagFIN|flagACK, 0))
	sc.once(end+100*us, seg(false, flagFIN|flagACK, 0))
	sc.once(end+200*us, seg(true, flagACK, 0))
}

// truth lists the flow in both directions (flows of no session).
func (f *flow) truth() []TruthFlow {
	if f.tcp {
		return []TruthFlow{tcpFlow(f.client, f.vip, ""), tcpFlow(f.vip, f.client, "")}
	}
	return []TruthFlow{udpFlow(f.client, f.vip, ""), udpFlow(f.vip, f.client, "")}
}

// mix64 is SplitMix64's finaliser: a well-mixed hash of x.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
