package session

import (
	"errors"
	"testing"
	"time"

	"github.com/sara-lb/sara/engine/inspect"
)

func TestFlowTimeoutsPerRole(t *testing.T) {
	to := Timeouts{UDP: 10 * time.Second, TCP: 20 * time.Second, SIP: 40 * time.Second,
		RTSP: 50 * time.Second, Media: 30 * time.Second}
	tr := newTracker(t, func(c *Config) { c.Timeouts = to })
	udpPlain := udp("10.1.0.1:1000", "192.0.2.10:53")
	tcpPlain := FlowKey{Src: ap("10.1.0.1:1001"), Dst: ap("192.0.2.10:80"), Proto: TCP}
	_, _ = tr.Pin(t0, udpPlain, 1)
	_, _ = tr.Pin(t0, tcpPlain, 1)
	sip := mustSignal(t, tr, t0, fromClient(cli, vip), sipMsg("to@x", inspect.EventNew, inspect.INVITE))
	_ = sip
	rtspKey := "10.0.0.5:41000"
	mustSignal(t, tr, t0, tcpMeta(rtspKey, rtspVIP, inspect.FromClient), rtspMsg(inspect.KeyConnection, "", inspect.EventNew))
	for _, tc := range []struct {
		name string
		key  FlowKey
		want time.Duration
	}{
		{"udp", udpPlain, to.UDP},
		{"tcp", tcpPlain, to.TCP},
		{"sip", udp(cli, vip), to.SIP},
		{"rtsp", FlowKey{Src: ap(rtspKey), Dst: ap(rtspVIP), Proto: TCP}, to.RTSP},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, ok := tr.Lookup(t0, tc.key)
			if !ok || f.Timeout != tc.want {
				t.Fatalf("flow %+v (found %v): timeout want %v", f, ok, tc.want)
			}
			if f, _ := tr.Lookup(t0.Add(tc.want-time.Millisecond), tc.key); f.Status == StatusInactive {
				t.Fatal("inactive before its timeout")
			}
			if f, _ := tr.Lookup(t0.Add(tc.want), tc.key); f.Status != StatusInactive {
				t.Fatalf("status %v at its timeout, want inactive", f.Status)
			}
			drain(tr, t0.Add(2*tc.want-time.Second))
			if _, ok := tr.Lookup(t0, tc.key); !ok {
				t.Fatal("purged before twice its timeout")
			}
			drain(tr, t0.Add(2*tc.want+time.Second))
			if _, ok := tr.Lookup(t0, tc.key); ok {
				t.Fatal("still there after twice its timeout")
			}
		})
	}
	checkInvariants(t, tr)
}

// A long call whose signalling is silent stays alive while its media flows.
func TestMediaKeepsSessionAlive(t *testing.T) {
	tr := newTracker(t, nil)
	id := call(t, tr, t0, cli, "long@x", "10.0.0.1:30000", "192.0.2.10:20000", 1)
	k := udp("10.0.0.1:30000", "192.0.2.10:20000")
	now := t0
	for i := 0; i < 60; i++ { // 10 minutes, a packet every 10 s
		now = now.Add(10 * time.Second)
		if v := tr.Observe(now, k); v.Session != id {
			t.Fatalf("at %v: verdict %+v", now.Sub(t0), v)
		}
		tr.Expire(now, 1000)
	}
	if _, ok := tr.Session(id); !ok {
		t.Fatal("session purged while its media flowed")
	}
	drain(tr, now.Add(2*DefaultTimeouts().SIP+time.Second))
	if c := tr.Counters(); c.SessionsEnded[EndTimeout] != 1 {
		t.Fatalf("timeouts %d, want 1", c.SessionsEnded[EndTimeout])
	}
	checkInvariants(t, tr)
}

// Expire never visits more entries than its budget.
func TestExpireIsIncremental(t *testing.T) {
	tr := newTracker(t, nil)
	for i := 0; i < 1000; i++ {
		_, _ = tr.Pin(t0, udp("10.2.0.1:"+itoa(1000+i), "192.0.2.10:9"), 0)
	}
	later := t0.Add(time.Hour)
	calls := 0
	for {
		n := tr.Expire(later, 16)
		if n > 16 {
			t.Fatalf("Expire visited %d entries, budget 16", n)
		}
		calls++
		if n < 16 {
			break
		}
	}
	if f, _, _ := tr.Len(); f != 0 || calls < 1000/16 {
		t.Fatalf("%d flows left after %d calls", f, calls)
	}
	checkInvariants(t, tr)
}

func TestTablesFull(t *testing.T) {
	tr := newTracker(t, func(c *Config) { c.MaxSessions, c.MaxFlows, c.MaxExpectations = 1, 2, 1 })
	mustSignal(t, tr, t0, fromClient(cli, vip), sipMsg("1@x", inspect.EventNew, inspect.INVITE, media(inspect.SideClient, "10.0.0.1:30000", 0)))
	if _, err := tr.Signal(t0, fromClient(cli, vip), sipMsg("2@x", inspect.EventNew, inspect.INVITE)); !errors.Is(err, ErrSessionsFull) {
		t.Fatalf("err %v, want ErrSessionsFull", err)
	}
	_, _ = tr.Pin(t0, udp("10.3.0.1:1", "192.0.2.10:9"), 0)
	if _, err := tr.Pin(t0, udp("10.3.0.1:2", "192.0.2.10:9"), 0); !errors.Is(err, ErrFlowsFull) {
		t.Fatalf("err %v, want ErrFlowsFull", err)
	}
	if c := tr.Counters(); c.SessionsFull != 1 || c.FlowsFull != 1 || c.ExpFull != 1 {
		t.Fatalf("counters %+v", c)
	}
}

func TestNoSessionAndConfig(t *testing.T) {
	tr := newTracker(t, nil)
	if _, err := tr.Signal(t0, fromClient(cli, vip), sipMsg("", inspect.EventNone, inspect.REGISTER)); !errors.Is(err, ErrNoSession) {
		t.Fatalf("REGISTER: err %v", err)
	}
	if tr.Counters().NoSession != 1 {
		t.Fatal("NoSession not counted")
	}
	bad := DefaultConfig()
	bad.Timeouts.SIP, bad.Tick = -time.Second, time.Minute
	if _, err := New(bad); !errors.Is(err, ErrConfig) {
		t.Fatalf("New(bad): %v", err)
	}
}

func TestObserveHitAllocatesNothing(t *testing.T) {
	tr := newTracker(t, nil)
	id := call(t, tr, t0, cli, "alloc@x", "10.0.0.1:30000", "192.0.2.10:20000", 1)
	k := udp("10.0.0.1:30000", "192.0.2.10:20000")
	tr.Observe(t0, k)
	miss := udp("10.9.9.9:1", "192.0.2.10:1")
	if n := testing.AllocsPerRun(1000, func() {
		if v := tr.Observe(t0, k); v.Session != id {
			t.Fatal("wrong session")
		}
		tr.Observe(t0, miss)
	}); n != 0 {
		t.Fatalf("Observe allocates %.1f per run", n)
	}
}
