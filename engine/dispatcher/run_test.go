package dispatcher_test

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/sara-lb/sara/config"
	"github.com/sara-lb/sara/engine/announce"
	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/dispatcher"
	"github.com/sara-lb/sara/mgmt/auth"
	"github.com/sara-lb/sara/mgmt/heartbeat"
	"github.com/sara-lb/sara/mgmt/loadvec"
)

const testKey = "000102030405060708090a0b0c0d0e0f"

// agent sends what `sara agent` sends: heartbeats and load vectors.
type agent struct {
	host uint32
	cpu  float64
	s    *auth.Sealer
	seq  uint16
}

func (a *agent) send(t *testing.T, conn net.Conn) {
	a.seq++
	now := uint32(time.Now().Unix())
	for _, body := range [][]byte{
		heartbeat.Message{Host: a.host, Seq: a.seq, Flag: heartbeat.FlagUp, Timestamp: now}.Append(nil),
		loadvec.Message{Host: a.host, Seq: a.seq, Timestamp: now, Load: cluster.LoadVector{CPU: a.cpu}}.Append(nil),
	} {
		if _, err := conn.Write(a.s.Seal(nil, body)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRunFollowsAgents runs the dispatcher with its management plane and
// control loop: two of three servers report (one busier than the other),
// and the published selection gives the idle one more new sessions and the
// silent one none.
func TestRunFollowsAgents(t *testing.T) {
	c := fixtureConfig(t)
	c.Dataplane.Ports = []config.Port{{Name: "net_null_run0"}}
	c.Dataplane.IdlePolls = 1
	c.Mgmt.Listen = "127.0.0.1:0"
	key, err := auth.ParseKey(1, testKey)
	if err != nil {
		t.Fatal(err)
	}
	c.Mgmt.Key = key
	c.Mgmt.HeartbeatPeriod = 50 * time.Millisecond
	c.Mgmt.LoadPeriod = 100 * time.Millisecond
	c.Mgmt.Damping = 1
	c.Control.Interval = 100 * time.Millisecond
	d, err := dispatcher.New(c, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	conn, err := net.Dial("udp", d.Management().Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var agents []*agent
	for i, cpu := range []float64{0.1, 0.7} {
		s, err := auth.NewSealer(c.Servers[i].HostID, key, nil)
		if err != nil {
			t.Fatal(err)
		}
		agents = append(agents, &agent{host: c.Servers[i].HostID, cpu: cpu, s: s})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { _, err := d.Run(ctx, time.Second); done <- err }()
	deadline := time.Now().Add(2500 * time.Millisecond)
	var shares map[cluster.ServerID]int
	for time.Now().Before(deadline) {
		for _, a := range agents {
			a.send(t, conn)
		}
		time.Sleep(40 * time.Millisecond)
		shares = d.Control().Last().Shares
		if shares[0] > 0 && shares[1] > 0 && shares[0] > shares[1] {
			break
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	t.Logf("selection shares after agents reported: %v", shares)
	if shares[2] != 0 {
		t.Errorf("silent server got %d slots", shares[2])
	}
	if !(shares[0] > shares[1] && shares[1] > 0) {
		t.Errorf("shares %v: want the idle server (0) above the busy one (1), both used", shares)
	}
}

// TestRunReceivesGatewayAnnouncements checks the wiring of the gateway's
// announcement receiver into `sara run`: an authenticated announcement is
// received and handed to the signalling path, which applies it (here to a
// session it has not seen: counted as an orphan); a forged one is refused.
func TestRunReceivesGatewayAnnouncements(t *testing.T) {
	c := fixtureConfig(t)
	c.Dataplane.Ports = []config.Port{{Name: "net_null_ann0"}}
	c.Gateway.AnnounceListen = "127.0.0.1:0"
	c.Gateway.HostID = 77
	key, err := auth.ParseKey(1, testKey)
	if err != nil {
		t.Fatal(err)
	}
	c.Gateway.Key.Key = key
	c.Gateway.KeyID = 1
	d, err := dispatcher.New(c, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := d.Run(ctx, time.Second); done <- err }()
	addr := d.Announcements().Addr().String()
	for i, k := range []auth.Key{key, mustKey(t, "ffeeddccbbaa99887766554433221100")} {
		s, err := auth.NewSealer(77, k, nil)
		if err != nil {
			t.Fatal(err)
		}
		snd, err := announce.Dial(addr, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		m := &announce.Message{Type: announce.TypeAnnounce, Kind: announce.KindSIP, Op: announce.OpExpectMedia,
			Key: []byte(fmt.Sprintf("call-%d@test", i)), Client: netip.MustParseAddrPort("10.201.0.1:5060"),
			Server: netip.MustParseAddrPort("10.201.0.2:5060")}
		if err := snd.Send(m); err != nil {
			t.Fatal(err)
		}
		snd.Close()
	}
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) && d.Announcements().Counters().Datagrams < 2 {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // the path polls the queue
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	rc := d.Announcements().Counters()
	if rc.Announcements != 1 || rc.Datagrams != 2 {
		t.Fatalf("receiver counters %+v: want 1 announcement of 2 datagrams", rc)
	}
	if ac := d.AnnounceCounters(); ac.Queued != 1 || ac.Orphans+ac.NoSession != 1 {
		t.Fatalf("signalling path's announcement counters %+v", ac)
	}
}

func mustKey(t *testing.T, hex string) auth.Key {
	k, err := auth.ParseKey(1, hex)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
