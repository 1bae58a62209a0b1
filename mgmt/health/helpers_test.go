package health

import (
	"testing"
	"time"

	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/mgmt/heartbeat"
	"github.com/sara-lb/sara/mgmt/loadvec"
)

const d = 200 * time.Millisecond

var epoch = time.Unix(1700000000, 0)

type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time { return c.t }

// rig is a monitor with two servers (hosts 10 and 20) on a fake clock, and
// an agent model for host 10 that sends beats with consecutive Seq.
type rig struct {
	t   *testing.T
	m   *Monitor
	clk *fakeClock
	seq uint16
	ev  <-chan Event
}

func newRig(t *testing.T, mod func(*Config)) *rig {
	t.Helper()
	cfg := Defaults()
	if mod != nil {
		mod(&cfg)
	}
	clk := &fakeClock{t: epoch}
	m, err := New(cfg, []Server{{ID: 0, Host: 10, Name: "a", Weight: 1}, {ID: 1, Host: 20, Name: "b", Weight: 1}},
		Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := m.Subscribe(64)
	return &rig{t: t, m: m, clk: clk, ev: ev, seq: 1000}
}

// at moves the clock to epoch+off.
func (r *rig) at(off time.Duration) time.Time { r.clk.t = epoch.Add(off); return r.clk.t }

// beat sends host 10's next heartbeat at epoch+off.
func (r *rig) beat(off time.Duration, f heartbeat.Flag, ts uint32) {
	r.seq++
	r.m.Heartbeat(heartbeat.Message{Host: 10, Seq: r.seq, Flag: f, Timestamp: ts}, r.at(off))
}

func (r *rig) vector(off time.Duration, cpu float64) {
	r.m.LoadVector(loadvec.Message{Host: 10, Load: cluster.LoadVector{CPU: cpu}}, r.at(off))
}

func (r *rig) state() cluster.State {
	s, _ := r.m.Status(0)
	return s.State
}

func (r *rig) want(s cluster.State, what string) {
	r.t.Helper()
	if got := r.state(); got != s {
		st, _ := r.m.Status(0)
		r.t.Fatalf("%s: state %v (%s), want %v", what, got, st.Reason, s)
	}
}

// activate brings host 10 from its initial Failed to Active: first beat at
// 0, k more good periods, a vector. Returns the time of the last beat.
func (r *rig) activate() time.Duration {
	r.vector(0, 0.5)
	var off time.Duration
	for i := 0; i <= r.m.cfg.Damping; i++ {
		off = time.Duration(i) * d
		r.beat(off, heartbeat.FlagUp, 0)
	}
	r.want(cluster.Active, "after damping")
	return off
}

// events drains the subscription.
func (r *rig) events() []Event {
	var out []Event
	for {
		select {
		case e := <-r.ev:
			out = append(out, e)
		default:
			return out
		}
	}
}
