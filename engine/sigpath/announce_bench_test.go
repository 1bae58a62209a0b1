package sigpath

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/sara-lb/sara/engine/announce"
	"github.com/sara-lb/sara/mgmt/auth"
)

// handoff delivers each sealed datagram to the receiver at once: the
// in-process "wire" of the inproc benchmark.
type handoff struct{ r *announce.Receiver }

func (h handoff) Write(b []byte) (int, error) { return len(b), h.r.Handle(b, time.Now()) }

// BenchmarkAnnounceToInstall measures, per announcement, the time from the
// gateway's Send (number, encode, seal, write) to the expectations being
// written into the data plane's expectation table (receiver: open, decode
// -> Path.Announce -> drainAnnouncements -> tracker -> mirror -> ExpectSet).
// inproc hands the datagram straight to the receiver; udp sends it over
// loopback to a receiver goroutine, as in production. Each announcement is
// a new SDP answer for one of 256 sessions: the previous answer's RTP and
// RTCP expectations are removed and two new ones installed.
func BenchmarkAnnounceToInstall(b *testing.B) {
	for _, mode := range []string{"inproc", "udp"} {
		b.Run(mode, func(b *testing.B) { benchAnnounce(b, mode) })
	}
}

func benchAnnounce(b *testing.B, mode string) {
	p, dp := annPath(b)
	const sessions = 256
	var msgs []*announce.Message
	for i := range sessions {
		id := fmt.Sprintf("bench-%d@x", i)
		annInvite(b, p, id, uint16(i%2))
		msgs = append(msgs, annAnswer(id, uint16(20000+4*i)), annAnswer(id, uint16(20002+4*i)))
	}
	key, _ := auth.NewKey(1, bytes.Repeat([]byte{7}, 32))
	opener := auth.NewOpener(0)
	_ = opener.AddHost(9, key)
	sealer, _ := auth.NewSealer(9, key, nil)
	var snd *announce.Sender
	switch mode {
	case "inproc":
		snd = announce.NewSender(handoff{announce.NewReceiver(opener, p.Announce, announce.ReceiverOptions{})}, sealer, nil)
	case "udp":
		rcv, err := announce.Listen("127.0.0.1:0", opener, p.Announce, announce.ReceiverOptions{})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() { _ = rcv.Run(ctx) }()
		if snd, err = announce.Dial(rcv.Addr().String(), sealer, nil); err != nil {
			b.Fatal(err)
		}
		defer snd.Close()
	}
	q := p.announceQueue()
	one := func(i int, lat []time.Duration) []time.Duration {
		m := msgs[i%len(msgs)]
		applied := q.ctr.applied.Load()
		t0 := time.Now()
		if err := snd.Send(m); err != nil {
			b.Fatal(err)
		}
		for spins := 0; q.ctr.applied.Load() == applied; spins++ {
			if p.drainAnnouncements(time.Now()) == 0 {
				runtime.Gosched()
			}
			if spins%4096 == 4095 && time.Since(t0) > 5*time.Second {
				b.Fatalf("announcement %d not applied: %+v", i, p.AnnounceCounters())
			}
		}
		return append(lat, time.Since(t0))
	}
	for i := range len(msgs) { // warm up: every session has its expectations
		one(i, nil)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		lat = one(i, lat)
	}
	b.StopTimer()
	// every answer's RTP and RTCP towards the VIP, plus the client's own
	// endpoint (all sessions share it here), installed by source
	if c := p.Counters(); c.ExpectErr != 0 || dp.ExpectLen() != 2*sessions+2 {
		b.Fatalf("mirror %+v, %d keys installed (want %d)", c, dp.ExpectLen(), 2*sessions+2)
	}
	if c := p.AnnounceCounters(); c.Dropped+c.Orphans+c.Failed != 0 {
		b.Fatalf("%+v", c)
	}
	slices.Sort(lat)
	us := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Nanoseconds()) / 1e3 }
	b.ReportMetric(us(0.5), "p50-µs")
	b.ReportMetric(us(0.99), "p99-µs")
}
