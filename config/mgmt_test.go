package config

import (
	"strings"
	"testing"
	"time"
)

func TestMgmtSection(t *testing.T) {
	base := "vips: [10.0.0.100]\nservers: [{name: s1, mac: \"02:00:00:00:00:01\"}]\n"
	c, err := Parse([]byte(base + "mgmt:\n  key: 000102030405060708090a0b0c0d0e0f\n  heartbeat_period: 100ms\n  failover: rebalance\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Mgmt.Key.IsZero() || c.Mgmt.HeartbeatPeriod != 100*time.Millisecond || c.Mgmt.Misses != 3 || c.Mgmt.Failover != "rebalance" {
		t.Fatalf("mgmt %+v", c.Mgmt)
	}
	_, err = Parse([]byte(base + "mgmt:\n  key: 0001\n  failover: retry\n"))
	if err == nil || !strings.Contains(err.Error(), "mgmt.failover:") || !strings.Contains(err.Error(), "mgmt.key") {
		t.Fatalf("problems not reported: %v", err)
	}
}
