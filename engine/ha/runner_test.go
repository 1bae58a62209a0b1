package ha

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"
)

type lockedVIP struct {
	mu sync.Mutex
	fakeVIP
}

func (v *lockedVIP) TakeVIP() error { v.mu.Lock(); defer v.mu.Unlock(); return v.fakeVIP.TakeVIP() }
func (v *lockedVIP) ReleaseVIP() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.fakeVIP.ReleaseVIP()
}
func (v *lockedVIP) owned() bool { v.mu.Lock(); defer v.mu.Unlock(); return v.fakeVIP.owned }

func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out after %v waiting for %s", d, what)
}

// TestRunnersOverLoopback: two runners on 127.0.0.1 with real sockets,
// sealing and timers: they settle, the backup converges on 2000 published
// changes, a forged datagram is rejected, and when the primary's context
// ends the backup takes over (planned failure).
func TestRunnersOverLoopback(t *testing.T) {
	var conns [2]*net.UDPConn
	for i := range conns {
		c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatalf("loopback UDP: %v", err)
		}
		defer c.Close()
		conns[i] = c
	}
	var runners [2]*Runner
	var tables [2]*Table
	var vips [2]*lockedVIP
	for i := range runners {
		cfg := testConfig(uint32(i+1), uint32(2-i), 200-100*i)
		cfg.Peer = conns[1-i].LocalAddr().String()
		cfg.HeartbeatPeriod, cfg.Misses, cfg.InitWait = 50*time.Millisecond, 4, 300*time.Millisecond
		tables[i], vips[i] = NewTable(), &lockedVIP{}
		r, err := NewRunner(cfg, RunnerDeps{VIP: vips[i], Source: tables[i], Sink: tables[i], Conn: conns[i]})
		if err != nil {
			t.Fatal(err)
		}
		runners[i] = r
	}
	ctx0, stop0 := context.WithCancel(context.Background())
	ctx1, stop1 := context.WithCancel(context.Background())
	done := make(chan int, 2)
	go func() { runners[0].Run(ctx0); done <- 0 }()
	time.Sleep(350 * time.Millisecond) // node 0 alone: primary
	go func() { runners[1].Run(ctx1); done <- 1 }()
	defer func() { stop0(); stop1(); <-done; <-done }()

	a, b := runners[0].Node(), runners[1].Node()
	waitFor(t, 2*time.Second, "roles", func() bool {
		ra, _ := a.Role()
		rb, _ := b.Role()
		return ra == RolePrimary && rb == RoleBackup && b.Stats(time.Now()).InSync
	})
	rng := newSim(t, 11).rng
	for i := 0; i < 2000; i++ {
		rec := randomRecord(rng, 3000)
		tables[0].Apply(rec)
		if err := a.Publish(rec, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 2*time.Second, "convergence", func() bool { return tables[0].Diff(tables[1]) == 0 })

	forged := append(AppendFrame(nil, &Frame{Type: TypeHello, Role: RolePrimary, Epoch: 99}), make([]byte, 33)...)
	if _, err := conns[0].WriteToUDP(forged, conns[1].LocalAddr().(*net.UDPAddr)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, time.Second, "auth reject", func() bool { return runners[1].Counters().AuthRejected == 1 })
	if _, e := b.Role(); e != 1 {
		t.Fatalf("forged hello changed the epoch to %d", e)
	}

	stop0()
	if <-done != 0 {
		t.Fatal("wrong runner stopped")
	}
	done <- 0 // for the deferred drain
	waitFor(t, time.Second, "takeover", func() bool { r, _ := b.Role(); return r == RolePrimary && vips[1].owned() })
	if st := b.Stats(time.Now()); st.Takeovers[ReasonPeerLeaving] != 1 || st.TakeoversUnsynced != 0 {
		t.Fatalf("takeover reasons %v unsynced %d", st.Takeovers, st.TakeoversUnsynced)
	}
}
