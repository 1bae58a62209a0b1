package config

import (
	"strings"
	"testing"
	"time"
)

func TestHASection(t *testing.T) {
	base := "vips: [10.0.0.100]\nservers: [{name: s1, mac: \"02:00:00:00:00:01\"}]\n"
	c, err := Parse([]byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if c.HA.Enabled || c.HA.Listen != "0.0.0.0:7422" || c.HA.HeartbeatPeriod != 200*time.Millisecond || c.HA.Misses != 3 {
		t.Fatalf("defaults %+v", c.HA)
	}
	on := base + "ha:\n  enabled: true\n  role: backup\n  node_id: 2\n  peer_id: 1\n  peer: 192.0.2.1:7422\n" +
		"  key: 00112233445566778899aabbccddeeff\n  heartbeat_period: 100ms\n  interface: eth1\n  preempt: true\n"
	c, err = Parse([]byte(on))
	if err != nil {
		t.Fatal(err)
	}
	if !c.HA.Enabled || c.HA.Role != "backup" || c.HA.NodeID != 2 || c.HA.Key.IsZero() ||
		c.HA.HeartbeatPeriod != 100*time.Millisecond || c.HA.Interface != "eth1" || !c.HA.Preempt {
		t.Fatalf("ha %+v", c.HA)
	}
	_, err = Parse([]byte(base + "ha:\n  enabled: true\n  role: leader\n  node_id: 1\n  peer_id: 1\n  log_size: 1000\n  bogus: 1\n"))
	for _, want := range []string{"ha.role:", "ha.peer_id:", "ha.log_size:", "ha.key:", "ha.peer:", "ha.bogus: unknown key"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("problem %q not reported: %v", want, err)
		}
	}
}

func TestHAEnv(t *testing.T) {
	t.Setenv("SARA_HA_PRIORITY", "250")
	t.Setenv("SARA_HA_ROLE", "primary")
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if c.HA.Priority != 250 || c.HA.Role != "primary" {
		t.Fatalf("env not applied: %+v", c.HA)
	}
}
