package netns

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/mgmt"
	"github.com/sara-lb/sara/mgmt/auth"
	"github.com/sara-lb/sara/mgmt/health"
	"github.com/sara-lb/sara/test/netnstest"
)

const (
	d       = 100 * time.Millisecond // heartbeat period
	n       = 3                      // misses before Failed
	k       = 3                      // damping
	lp      = 300 * time.Millisecond // load period t
	hexKey  = "5a17b1d0c0ffee00112233445566778899aabbccddeeff00"
	badKey  = "deadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef"
	port    = 7420
	slack   = 300 * time.Millisecond // scheduling slack on a loaded 2-core machine
	servers = 3
)

func TestManagementPlaneInNamespaces(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: creates network namespaces and veth pairs (CI runs as root)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs iproute2 (ip)")
	}
	bin := netnstest.BuildSara(t)
	tmp := t.TempDir()
	sfx := netnstest.Suffix(t)
	dns := "sara-d-" + sfx
	netnstest.AddNetns(t, dns)
	agentNS := make([]string, servers)
	cfgs := make([]string, servers)
	for i := range servers {
		agentNS[i] = fmt.Sprintf("sara-a%d-%s", i+1, sfx)
		netnstest.AddNetns(t, agentNS[i])
		netnstest.Link(t, dns, fmt.Sprintf("vd%d-%s", i+1, sfx), fmt.Sprintf("10.77.%d.1/24", i+1),
			agentNS[i], fmt.Sprintf("va%d-%s", i+1, sfx), fmt.Sprintf("10.77.%d.2/24", i+1))
		tcpTarget(t, agentNS[i], "127.0.0.1:8080")
		cfgs[i] = writeAgentConfig(t, tmp, i+1)
	}

	// The dispatcher side: the real plane, its socket created in dns.
	key, _ := auth.ParseKey(1, hexKey)
	mc := mgmt.Defaults()
	mc.Listen, mc.Key, mc.HeartbeatPeriod, mc.Misses, mc.LoadPeriod, mc.Damping, mc.Failover =
		fmt.Sprintf("0.0.0.0:%d", port), key, d, n, lp, k, "rebalance"
	var srv []health.Server
	for i := range servers {
		srv = append(srv, health.Server{ID: cluster.ServerID(i), Host: uint32(i + 1), Name: fmt.Sprintf("s%d", i+1), Weight: 1})
	}
	var capMu sync.Mutex
	var captured []byte      // first real datagram from host 3, for the replay
	var watchHost1 time.Time // after this, record host 1's next heartbeat arrival
	var host1Back time.Time
	tap := func(b []byte) {
		capMu.Lock()
		defer capMu.Unlock()
		if len(b) != 11+auth.TrailerLen {
			return
		}
		if captured == nil && b[3] == 3 {
			captured = append([]byte(nil), b...)
		}
		if b[3] == 1 && !watchHost1.IsZero() && host1Back.IsZero() {
			host1Back = time.Now()
		}
	}
	var plane *mgmt.Plane
	if err := netnstest.InNetns(dns, func() (err error) {
		plane, err = mgmt.New(mc, srv, mgmt.Options{Tap: tap})
		return
	}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	planeDone := make(chan error, 1)
	go func() { planeDone <- plane.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-planeDone })
	events, _ := plane.Monitor.Subscribe(256)

	procs := make([]*process, servers)
	for i := range servers {
		procs[i] = startAgent(t, bin, agentNS[i], cfgs[i], filepath.Join(tmp, fmt.Sprintf("agent%d.log", i+1)))
	}
	dumpLogs := func() {
		for i := range servers {
			b, _ := os.ReadFile(filepath.Join(tmp, fmt.Sprintf("agent%d.log", i+1)))
			t.Logf("agent%d log:\n%s", i+1, b)
		}
	}
	waitFor := func(what string, timeout time.Duration, cond func() bool) time.Time {
		t.Helper()
		deadline := time.Now().Add(timeout)
		for time.Now().Before(deadline) {
			if cond() {
				return time.Now()
			}
			time.Sleep(5 * time.Millisecond)
		}
		dumpLogs()
		t.Fatalf("timeout waiting for %s; snapshot %+v", what, plane.Monitor.Snapshot())
		return time.Time{}
	}
	state := func(id cluster.ServerID) cluster.State { s, _ := plane.Monitor.Status(id); return s.State }

	// 1. All three agents bring their servers to Active.
	waitFor("all servers active", 10*time.Second, func() bool { return len(selectable(plane.Monitor.Snapshot())) == servers })

	// 2. SIGKILL agent 1: Failed within n·d + one period (+ slack), excluded.
	for len(events) > 0 {
		<-events
	}
	killed := time.Now()
	procs[0].kill()
	var failedAt time.Time
	for failedAt.IsZero() {
		select {
		case e := <-events:
			if e.Server == 0 && e.To == cluster.Failed {
				if !e.Failed() || e.Failover != health.PolicyRebalance {
					t.Fatalf("failed event %+v", e)
				}
				failedAt = e.At
			}
		case <-time.After(5 * time.Second):
			t.Fatal("agent 1 never marked failed")
		}
	}
	st, _ := plane.Monitor.Status(0)
	detect, sinceBeat := failedAt.Sub(killed), failedAt.Sub(st.LastBeat)
	t.Logf("detection: %v after SIGKILL, %v after the last heartbeat (n·d = %v, bound n·d + d + slack = %v)",
		detect.Round(time.Millisecond), sinceBeat.Round(time.Millisecond), n*d, n*d+d+slack)
	if sinceBeat < n*d {
		t.Fatalf("failed %v after the last heartbeat, before n·d", sinceBeat)
	}
	if detect > n*d+d+slack {
		t.Fatalf("detection %v exceeds n·d + d + slack", detect)
	}
	if sel := selectable(plane.Monitor.Snapshot()); sel[0] || len(sel) != 2 {
		t.Fatalf("selection after failure: %v", sel)
	}

	// 3. Drain agent 2 through the CLI: Draining, not selectable, keeps sessions.
	if out, err := exec.Command(bin, "agent", "drain", "--now", "-c", cfgs[1]).CombinedOutput(); err != nil {
		t.Fatalf("sara agent drain: %v\n%s", err, out)
	}
	waitFor("server 2 draining", 3*time.Second, func() bool { return state(1) == cluster.Draining })
	if s := state(1); s.Selectable() || !s.KeepsSessions() {
		t.Fatalf("draining state %v: selectable=%v keeps=%v", s, s.Selectable(), s.KeepsSessions())
	}
	if sel := selectable(plane.Monitor.Snapshot()); len(sel) != 1 || !sel[2] {
		t.Fatalf("selection with 1 failed, 1 draining: %v", sel)
	}

	// 4. Restart agent 1: back to Active only after k good periods.
	for len(events) > 0 {
		<-events
	}
	capMu.Lock()
	watchHost1 = time.Now()
	capMu.Unlock()
	procs[0] = startAgent(t, bin, agentNS[0], cfgs[0], filepath.Join(tmp, "agent1.log"))
	var activeAt time.Time
	for activeAt.IsZero() {
		select {
		case e := <-events:
			if e.Server == 0 && e.To == cluster.Active {
				activeAt = e.At
			}
		case <-time.After(5 * time.Second):
			dumpLogs()
			t.Fatal("restarted agent 1 never active again")
		}
	}
	capMu.Lock()
	firstBeat := host1Back
	capMu.Unlock()
	damp := activeAt.Sub(firstBeat)
	t.Logf("recovery: Active %v after the first heartbeat back (k·d = %v)", damp.Round(time.Millisecond), k*d)
	if damp < k*d-d/2 {
		t.Fatalf("re-entered Active after %v, before k·d", damp)
	}

	// 5. A forged and a replayed datagram are rejected and counted.
	before := plane.Listener.Counters()
	capMu.Lock()
	replay := captured
	capMu.Unlock()
	if replay == nil {
		t.Fatal("no datagram from host 3 captured")
	}
	forgeKey, _ := auth.ParseKey(1, badKey)
	forger, _ := auth.NewSealer(3, forgeKey, nil)
	forged := forger.Seal(nil, replay[:11])
	var conn net.Conn
	if err := netnstest.InNetns(dns, func() (err error) { conn, err = net.Dial("udp", fmt.Sprintf("127.0.0.1:%d", port)); return }); err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, m := range [][]byte{forged, replay} {
		if _, err := conn.Write(m); err != nil {
			t.Fatal(err)
		}
	}
	waitFor("forged and replayed datagrams counted", 3*time.Second, func() bool {
		c := plane.Listener.Counters()
		return c.Auth.Rejected[auth.ReasonBadMAC] > before.Auth.Rejected[auth.ReasonBadMAC] &&
			c.Auth.Rejected[auth.ReasonReplay] > before.Auth.Rejected[auth.ReasonReplay]
	})
	after := plane.Listener.Counters()
	if after.Auth.Rejected[auth.ReasonBadMAC]-before.Auth.Rejected[auth.ReasonBadMAC] != 1 ||
		after.Auth.Rejected[auth.ReasonReplay]-before.Auth.Rejected[auth.ReasonReplay] != 1 || state(2) != cluster.Active {
		t.Fatalf("rejections before %+v after %+v, server 3 %v", before.Auth, after.Auth, state(2))
	}
	mc2 := plane.Monitor.Counters()
	if mc2.LostBeats > 50 || mc2.Transitions[cluster.Failed] != 1 || mc2.Transitions[cluster.Draining] != 1 {
		t.Fatalf("monitor counters %+v", mc2)
	}
	t.Logf("listener %+v", after)
	t.Logf("monitor %+v", mc2)
	for _, v := range plane.Monitor.Snapshot() {
		s, _ := plane.Monitor.Status(v.ID)
		t.Logf("%s: %v (%s) load %+v", v.Name, v.State, s.Reason, s.Load)
	}

	// 6. `sara agent check` inside a namespace: fails as set up, passes once
	// the VIP is on lo and the ARP sysctls are set (namespace-local).
	checkDSR(t, bin, agentNS[2], cfgs[2])
}
