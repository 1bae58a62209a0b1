package health

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/mgmt/heartbeat"
)

func TestFailureBoundary(t *testing.T) {
	r := newRig(t, func(c *Config) { c.Failover = PolicyRebalance })
	last := r.activate()
	r.events()
	nd := 3 * d
	r.m.Evaluate(r.at(last + nd - time.Nanosecond))
	r.want(cluster.Active, "at n·d − ε")
	r.m.Evaluate(r.at(last + nd))
	r.want(cluster.Failed, "at n·d")
	ev := r.events()
	if len(ev) != 1 || !ev[0].Failed() || ev[0].Failover != PolicyRebalance || ev[0].From != cluster.Active {
		t.Fatalf("events %+v", ev)
	}
	if r.m.Snapshot()[0].State.Selectable() {
		t.Fatal("failed server selectable")
	}
}

// TestDetectionWithTicks runs Evaluate on a tick grid of period d at every
// phase: detection always lands in [n·d, n·d + d].
func TestDetectionWithTicks(t *testing.T) {
	for phase := time.Duration(0); phase < d; phase += d / 8 {
		r := newRig(t, nil)
		last := r.activate()
		var detected time.Duration
		for tick := last + phase; detected == 0; tick += d {
			r.m.Evaluate(r.at(tick))
			if r.state() == cluster.Failed {
				detected = tick - last
			}
		}
		if detected < 3*d || detected > 4*d {
			t.Fatalf("phase %v: detected after %v, want within [%v, %v]", phase, detected, 3*d, 4*d)
		}
	}
}

func TestDampingAfterFailure(t *testing.T) {
	r := newRig(t, nil)
	last := r.activate()
	r.m.Evaluate(r.at(last + time.Second))
	r.want(cluster.Failed, "silent")
	back := last + 5*time.Second // vector (at 0) now older than 3·t
	r.beat(back, heartbeat.FlagUp, 0)
	r.want(cluster.Failed, "first beat back")
	r.beat(back+d, heartbeat.FlagUp, 0)
	r.beat(back+2*d, heartbeat.FlagUp, 0)
	r.want(cluster.Failed, "after 2 of 3 good periods")
	r.seq++ // one heartbeat lost: streak restarts
	r.beat(back+4*d, heartbeat.FlagUp, 0)
	r.want(cluster.Failed, "gap during probation")
	for i := 5; i <= 6; i++ {
		r.beat(back+time.Duration(i)*d, heartbeat.FlagUp, 0)
	}
	r.want(cluster.Failed, "2 good after gap")
	// The old vector was discarded on failure: Active also needs a new one
	// within 3·t, which it still has time for.
	r.beat(back+7*d, heartbeat.FlagUp, 0)
	r.want(cluster.Active, "3 good periods after gap")
	st, _ := r.m.Status(0)
	if st.HasLoad || st.LostBeats != 1 {
		t.Fatalf("status %+v", st)
	}
}

func TestSeqGapsAndWrap(t *testing.T) {
	r := newRig(t, nil)
	r.seq = 65533
	last := r.activate() // seqs 65534, 65535, 0, 1
	r.seq += 3           // 2, 3, 4 lost
	r.beat(last+d, heartbeat.FlagUp, 0)
	r.m.Heartbeat(heartbeat.Message{Host: 10, Seq: r.seq - 2, Flag: heartbeat.FlagUp}, r.at(last+d))
	r.m.Heartbeat(heartbeat.Message{Host: 10, Seq: r.seq, Flag: heartbeat.FlagUp}, r.at(last+d))
	c := r.m.Counters()
	if c.LostBeats != 3 || c.Reordered != 2 || c.Heartbeats != 5 {
		t.Fatalf("counters %+v", c)
	}
	r.m.Heartbeat(heartbeat.Message{Host: 10, Seq: r.seq - 1000, Flag: heartbeat.FlagUp}, r.at(last+2*d))
	if c := r.m.Counters(); c.SeqResets != 1 || c.LostBeats != 3 {
		t.Fatalf("restart: %+v", c)
	}
	r.m.Heartbeat(heartbeat.Message{Host: 99, Flag: heartbeat.FlagUp}, r.at(last+2*d))
	if r.m.Counters().UnknownHost != 1 {
		t.Fatal("unknown host not counted")
	}
}

func TestAppDownAndRecovery(t *testing.T) {
	r := newRig(t, nil)
	last := r.activate()
	r.beat(last+d, heartbeat.FlagAppDown, 0)
	r.want(cluster.AppDown, "flag 2")
	for i := 2; i <= 3; i++ {
		r.beat(last+time.Duration(i)*d, heartbeat.FlagUp, 0)
		r.want(cluster.AppDown, "app probation")
	}
	r.beat(last+4*d, heartbeat.FlagUp, 0)
	r.want(cluster.Active, "app back after k good periods")
}

func TestDrainScheduledAndCancelled(t *testing.T) {
	r := newRig(t, nil)
	last := r.activate()
	drainAt := epoch.Add(2 * time.Second)
	ts := uint32(drainAt.Unix())
	for off := last + d; off < 2*time.Second; off += d {
		r.beat(off, heartbeat.FlagPlanned, ts)
		r.want(cluster.Active, "drain scheduled in the future")
	}
	r.m.Evaluate(drainAt.Add(-time.Millisecond))
	r.want(cluster.Active, "just before drain time")
	r.m.Evaluate(drainAt)
	r.want(cluster.Draining, "at drain time")
	s := r.m.Snapshot()[0].State
	if s.Selectable() || !s.KeepsSessions() {
		t.Fatal("draining must keep sessions and take no new ones")
	}
	r.beat(2*time.Second+d, heartbeat.FlagUp, 0)
	r.want(cluster.Active, "undrain")
}

func TestMonitorFailedAndPrecedence(t *testing.T) {
	r := newRig(t, nil)
	last := r.activate() // vector at 0
	off := last
	for off < 3*time.Second-d {
		off += d
		r.beat(off, heartbeat.FlagPlanned, uint32(epoch.Unix())) // draining since epoch
	}
	r.want(cluster.Draining, "draining with a vector")
	r.beat(3*time.Second, heartbeat.FlagPlanned, uint32(epoch.Unix()))
	r.want(cluster.MonitorFailed, "3·t without a vector beats draining")
	r.vector(3*time.Second+d/2, 0.1)
	r.want(cluster.Draining, "vector back")
	r.m.Evaluate(r.at(10 * time.Second))
	r.want(cluster.Failed, "failed beats everything")
}

func TestInitialStateAndValidation(t *testing.T) {
	r := newRig(t, nil)
	for _, v := range r.m.Snapshot() {
		if v.State != cluster.Failed {
			t.Fatalf("initial %+v", v)
		}
	}
	bad := Config{Period: 0, Misses: 0, LoadPeriod: -1, LoadMisses: 0, Damping: -1, Failover: 7}
	if err := bad.Validate(); !errors.Is(err, ErrConfig) {
		t.Fatalf("validate: %v", err)
	}
	if _, err := New(Defaults(), []Server{{ID: 1, Host: 1}, {ID: 2, Host: 1}}, Options{}); !errors.Is(err, ErrServers) {
		t.Fatalf("duplicate host: %v", err)
	}
	if p, err := ParsePolicy("Rebalance"); err != nil || p != PolicyRebalance || p.String() != "rebalance" {
		t.Fatal("ParsePolicy")
	}
	if _, err := ParsePolicy("maybe"); !errors.Is(err, ErrConfig) {
		t.Fatal("bad policy accepted")
	}
}

func TestSnapshotLoadAndEvents(t *testing.T) {
	r := newRig(t, nil)
	r.activate()
	v := r.m.Snapshot()[0]
	if !v.HasLoad || v.Load != 0.25 || v.Name != "a" || v.State != cluster.Active {
		t.Fatalf("view %+v", v)
	}
	ev := r.events()
	if len(ev) != 1 || ev[0].From != cluster.Failed || ev[0].To != cluster.Active || ev[0].Failed() {
		t.Fatalf("events %+v", ev)
	}
	if c := r.m.Counters(); c.Transitions[cluster.Active] != 1 {
		t.Fatalf("transitions %+v", c.Transitions)
	}
}

func TestSlowSubscriberDropsCounted(t *testing.T) {
	r := newRig(t, nil)
	ch, cancel := r.m.Subscribe(1)
	last := r.activate()                 // → Active (1 event, fills ch)
	r.m.Evaluate(r.at(last + time.Hour)) // → Failed: dropped for ch
	if r.m.Counters().EventsDropped != 1 {
		t.Fatalf("dropped %d", r.m.Counters().EventsDropped)
	}
	cancel()
	cancel()
	if e := <-ch; e.To != cluster.Active {
		t.Fatalf("first event %+v", e)
	}
	if _, ok := <-ch; ok {
		t.Fatal("channel not closed")
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	m, err := New(Defaults(), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- m.Run(ctx) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}

// TestSilenceRestartVersusPartition: after a silence, a Seq that continues
// (partition) counts the missing beats; a random new Seq (restart) does not.
func TestSilenceRestartVersusPartition(t *testing.T) {
	r := newRig(t, nil)
	last := r.activate()
	r.seq += 9 // 9 beats lost in a 1 s partition
	r.beat(last+time.Second+d, heartbeat.FlagUp, 0)
	if c := r.m.Counters(); c.LostBeats != 9 || c.SeqResets != 0 {
		t.Fatalf("partition: %+v", c)
	}
	r.seq += 20000 // restarted agent with a new random Seq
	r.beat(last+3*time.Second, heartbeat.FlagUp, 0)
	if c := r.m.Counters(); c.LostBeats != 9 || c.SeqResets != 1 {
		t.Fatalf("restart: %+v", c)
	}
}
