package lab

import (
	"net/netip"
	"testing"
	"time"
)

// mediaGaps finds the forwarding gap of a transition and the flows it
// stopped, ignoring flows that started later or ended normally.
func TestMediaGaps(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	at := func(d time.Duration) float64 { return float64(t0.Add(d).UnixNano()) / 1e9 }
	vip := netip.AddrPortFrom(VIP, 20000)
	var pk []Packet
	flow := func(port uint16, from, to time.Duration, hole [2]time.Duration) {
		for d := from; d <= to; d += 20 * time.Millisecond {
			if d > hole[0] && d < hole[1] {
				continue
			}
			pk = append(pk, Packet{T: at(d), Src: netip.AddrPortFrom(ClientIP, port), Dst: vip, Proto: 17})
		}
	}
	kill := 3 * time.Second
	flow(30000, 0, 7*time.Second, [2]time.Duration{kill - 10*time.Millisecond, kill + 400*time.Millisecond}) // resumed after 400 ms
	flow(30002, time.Second, kill, [2]time.Duration{})                                                       // stopped at the kill
	flow(30004, 4*time.Second, 11*time.Second, [2]time.Duration{})                                           // started later
	flow(30006, 2*time.Second, 9*time.Second, [2]time.Duration{})                                            // untouched
	pk = append(pk, Packet{T: at(kill), Src: netip.AddrPortFrom(ClientIP, 5070), Dst: netip.AddrPortFrom(VIP, uint16(SIPPort)), Proto: 17, CallID: "x"})
	gaps, stopped, began := mediaGaps(pk, t0.Add(kill), 2*time.Second)
	if len(gaps) != 3 || stopped != 1 {
		t.Fatalf("gaps %v stopped %d; want 3 flows running at the kill, 1 stopped", gaps, stopped)
	}
	if g := gaps[len(gaps)-1]; g < 400*time.Millisecond || g > 440*time.Millisecond {
		t.Fatalf("longest silence %v, want ~420ms", g)
	}
	if d := began.Sub(t0.Add(kill)); d < -30*time.Millisecond || d > 0 {
		t.Fatalf("the silence began %v after the kill, want just before", d)
	}
	if gaps[0] != 0 && gaps[0] > 25*time.Millisecond {
		t.Fatalf("an untouched flow's silence %v", gaps[0])
	}
}
