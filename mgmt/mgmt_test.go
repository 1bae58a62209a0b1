package mgmt

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/mgmt/auth"
	"github.com/sara-lb/sara/mgmt/health"
	"github.com/sara-lb/sara/mgmt/heartbeat"
	"github.com/sara-lb/sara/mgmt/loadvec"
)

func TestConfigDefaultsAndValidate(t *testing.T) {
	c := Defaults()
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	h, err := c.Health()
	if err != nil || h.Period != 200*time.Millisecond || h.Misses != 3 || h.Damping != 3 || h.Failover != health.PolicyDrop {
		t.Fatalf("health config %+v %v", h, err)
	}
	bad := Config{Listen: "nope", Failover: "retry", HostKeys: []HostKey{{}, {}}}
	err = bad.Validate()
	for _, f := range []string{"listen:", "heartbeat_period:", "misses:", "load_period:", "load_misses:",
		"failover:", "max_skew:", "host_keys[0].host_id:", "host_keys[1].key:", "host_keys[1]: duplicate"} {
		if err == nil || !strings.Contains(err.Error(), f) {
			t.Errorf("missing problem %q in %v", f, err)
		}
	}
}

func TestKeysFor(t *testing.T) {
	shared, _ := auth.NewKey(0, bytes.Repeat([]byte{1}, 16))
	own, _ := auth.NewKey(0, bytes.Repeat([]byte{2}, 16))
	c := Defaults()
	if len(c.keysFor(1)) != 0 {
		t.Fatal("keys without configuration")
	}
	c.Key, c.KeyID = shared, 4
	c.HostKeys = []HostKey{{Host: 2, KeyID: 9, Key: own}}
	if ks := c.keysFor(1); len(ks) != 1 || ks[0].ID() != 4 {
		t.Fatalf("shared: %v", ks)
	}
	if ks := c.keysFor(2); len(ks) != 1 || ks[0].ID() != 9 {
		t.Fatalf("own: %v", ks)
	}
	_, err := New(Defaults(), []health.Server{{ID: 0, Host: 1}}, Options{})
	if !errors.Is(err, ErrNoKey) {
		t.Fatalf("New without key: %v", err)
	}
}

// TestPlaneEndToEnd sends sealed heartbeats and a vector over loopback and
// watches the server become Active, then Failed when they stop.
func TestPlaneEndToEnd(t *testing.T) {
	key, _ := auth.NewKey(0, bytes.Repeat([]byte{7}, 32))
	c := Defaults()
	c.Listen, c.Key, c.HeartbeatPeriod, c.Damping = "127.0.0.1:0", key, 50*time.Millisecond, 1
	p, err := New(c, []health.Server{{ID: 0, Host: 5, Name: "s"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := p.Monitor.Subscribe(8)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()
	conn, err := net.Dial("udp", p.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	se, _ := auth.NewSealer(5, key.WithID(c.KeyID), nil)
	_, _ = conn.Write(se.Seal(nil, loadvec.Message{Host: 5, Load: cluster.LoadVector{CPU: 1}}.Append(nil)))
	for i := uint16(1); i <= 3; i++ {
		_, _ = conn.Write(se.Seal(nil, heartbeat.Message{Host: 5, Seq: i, Flag: heartbeat.FlagUp}.Append(nil)))
		time.Sleep(c.HeartbeatPeriod)
	}
	want := []cluster.State{cluster.Active, cluster.Failed}
	for _, w := range want {
		select {
		case e := <-ev:
			if e.To != w {
				t.Fatalf("event %+v, want to %v", e, w)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no transition to %v; status %+v", w, p.Monitor.Snapshot())
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if lc := p.Listener.Counters(); lc.Heartbeats != 3 || lc.LoadVectors != 1 {
		t.Fatalf("counters %+v", lc)
	}
}

func TestWeightsConfig(t *testing.T) {
	var c Config
	c.SetDefaults()
	if w := c.Weights.Cluster(); w != cluster.DefaultWeights {
		t.Fatalf("default weights %+v", w)
	}
	h, err := c.Health()
	if err != nil || h.Weights != cluster.DefaultWeights {
		t.Fatalf("health weights %+v, %v", h.Weights, err)
	}
	c.Weights = Weights{Backlog: 1}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if h, _ := c.Health(); h.Weights.Backlog != 1 || h.Weights.CPU != 0 {
		t.Fatalf("configured weights not applied: %+v", h.Weights)
	}
	c.Weights = Weights{}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "weights: at least one") {
		t.Fatalf("all-zero weights: %v", err)
	}
	c.Weights = Weights{CPU: 2}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "weights.cpu") {
		t.Fatalf("weight 2: %v", err)
	}
}
