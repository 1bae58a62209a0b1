package agent

import (
	"context"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/mgmt"
	"github.com/sara-lb/sara/mgmt/auth"
	"github.com/sara-lb/sara/mgmt/health"
	"github.com/sara-lb/sara/mgmt/probe"
)

// TestAgentAgainstPlane runs a real agent against a real dispatcher-side
// plane on loopback: Active, drained, undrained, application down; a
// second plane (the hot standby, agent.standby) hears the same.
func TestAgentAgainstPlane(t *testing.T) {
	key, _ := auth.ParseKey(1, hexKey)
	mc := mgmt.Defaults()
	mc.Listen, mc.Key, mc.HeartbeatPeriod, mc.LoadPeriod, mc.Damping = "127.0.0.1:0", key, 30*time.Millisecond, 60*time.Millisecond, 1
	plane, err := mgmt.New(mc, []health.Server{{ID: 0, Host: 7, Name: "s7"}}, mgmt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	planeDone := make(chan error, 1)
	go func() { planeDone <- plane.Run(ctx) }()
	standby, err := mgmt.New(mc, []health.Server{{ID: 0, Host: 7, Name: "s7"}}, mgmt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	standbyDone := make(chan error, 1)
	go func() { standbyDone <- standby.Run(ctx) }()

	app, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	ac := Defaults()
	ac.HostID, ac.Dispatcher, ac.Key, ac.KeyID = 7, plane.Listener.Addr().String(), key, mc.KeyID
	ac.Standby = []string{standby.Listener.Addr().String()}
	ac.HeartbeatPeriod, ac.LoadPeriod = 30*time.Millisecond, 60*time.Millisecond
	ac.DrainFile = filepath.Join(t.TempDir(), "drain")
	ac.ServicePort, ac.ServiceProto = uint16(app.Addr().(*net.TCPAddr).Port), "tcp"
	ac.Probe = probe.Config{Kind: "tcp", Target: app.Addr().String(), Interval: 30 * time.Millisecond, Timeout: 200 * time.Millisecond}
	a, err := New(ac, nil)
	if err != nil {
		t.Fatal(err)
	}
	agentCtx, stopAgent := context.WithCancel(ctx)
	agentDone := make(chan error, 1)
	go func() { agentDone <- a.Run(agentCtx) }()

	waitState := func(want cluster.State, what string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			s, _ := plane.Monitor.Status(0)
			s2, _ := standby.Monitor.Status(0)
			if s.State == want && s2.State == want {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		s, _ := plane.Monitor.Status(0)
		s2, _ := standby.Monitor.Status(0)
		t.Fatalf("%s: state %v (%s), standby's view %v, want %v", what, s.State, s.Reason, s2.State, want)
	}
	waitState(cluster.Active, "agent started")
	if err := WriteDrain(ac.DrainFile, time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	waitState(cluster.Draining, "drained")
	if err := ClearDrain(ac.DrainFile); err != nil {
		t.Fatal(err)
	}
	waitState(cluster.Active, "undrained")
	app.Close()
	waitState(cluster.AppDown, "application stopped")

	stopAgent()
	select {
	case err := <-agentDone:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("agent did not stop")
	}
	c := a.Counters()
	lc := plane.Listener.Counters()
	if c.Heartbeats == 0 || c.LoadVectors == 0 || c.ProbeFailures == 0 || lc.LoadVectors == 0 ||
		lc.Heartbeats == 0 || lc.Auth.Accepted != lc.Heartbeats+lc.LoadVectors {
		t.Fatalf("agent %+v listener %+v", c, lc)
	}
	if s, _ := plane.Monitor.Status(0); !s.HasLoad {
		t.Fatal("no load vector stored")
	}
	near := func(a, b uint64) bool { return a+1 >= b && b+1 >= a } // the last datagram may still be in flight
	if sc := standby.Listener.Counters(); sc.Heartbeats == 0 || !near(sc.Heartbeats, lc.Heartbeats) || !near(sc.LoadVectors, lc.LoadVectors) {
		t.Fatalf("standby heard %d heartbeats %d vectors, the dispatcher %d %d", sc.Heartbeats, sc.LoadVectors, lc.Heartbeats, lc.LoadVectors)
	}
	cancel()
	<-planeDone
	<-standbyDone
}
