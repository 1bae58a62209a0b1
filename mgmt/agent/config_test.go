package agent

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const hexKey = "000102030405060708090a0b0c0d0e0f1011121314151617"

func TestParse(t *testing.T) {
	c, err := Parse([]byte(`
agent:
  host_id: 7
  dispatcher: 192.0.2.1:7420
  key: ` + hexKey + `
  key_id: 3
  heartbeat_period: 100ms
  service_port: 5060
  cpu_cgroup: lab/s1
  cgroup_root: /run/cg
  vips: [10.0.0.100]
  probe: {kind: tcp, target: "127.0.0.1:5060", interval: 250ms}
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.HostID != 7 || c.Key.ID() != 3 || c.HeartbeatPeriod != 100*time.Millisecond || c.LoadPeriod != time.Second ||
		c.ServiceProto != "udp" || c.Probe.Kind != "tcp" || c.Probe.Interval != 250*time.Millisecond ||
		c.Probe.Timeout != 500*time.Millisecond || c.CPUCgroup != "lab/s1" || c.CgroupRoot != "/run/cg" || len(c.VIPs) != 1 || c.VIPs[0] != netip.MustParseAddr("10.0.0.100") {
		t.Fatalf("config %+v", c)
	}
	if s := fmt.Sprintf("%+v", c); strings.Contains(s, hexKey) || strings.Contains(s, "[0 1 2") {
		t.Fatalf("key leaked in %s", s)
	}
}

func TestParseErrors(t *testing.T) {
	_, err := Parse([]byte("agent:\n  host_id: 0\n  dispatcher: nowhere\n  heartbeat_period: 0s\n  probe: {kind: icmp}\n"))
	for _, f := range []string{"host_id:", "dispatcher:", "key:", "heartbeat_period:", "probe:"} {
		if err == nil || !strings.Contains(err.Error(), f) {
			t.Errorf("missing %q in %v", f, err)
		}
	}
	if !errors.Is(err, ErrConfig) {
		t.Fatal(err)
	}
	if _, err := Parse([]byte("agent:\n  hostid: 1\n")); err == nil || !strings.Contains(err.Error(), "hostid") {
		t.Fatalf("unknown key not rejected: %v", err)
	}
	if _, err := Parse([]byte("agent:\n  key: 0102\n")); err == nil {
		t.Fatal("short key accepted")
	}
}

func TestKeyFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(p, []byte(hexKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Parse([]byte("agent:\n  host_id: 1\n  dispatcher: 127.0.0.1:1\n  key_file: " + p + "\n"))
	if err != nil || c.Key.IsZero() || c.Key.ID() != 1 {
		t.Fatalf("key_file: %v", err)
	}
	_, err = Parse([]byte("agent:\n  host_id: 1\n  dispatcher: 127.0.0.1:1\n  key_file: /nonexistent\n"))
	if !errors.Is(err, ErrConfig) {
		t.Fatal(err)
	}
}
