package netns

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/test/netnstest"
)

// writeAgentConfig writes agent i's YAML (host_id i, dispatcher 10.77.i.1)
// into dir and returns its path.
func writeAgentConfig(t *testing.T, dir string, i int) string {
	t.Helper()
	p := filepath.Join(dir, fmt.Sprintf("agent%d.yaml", i))
	body := fmt.Sprintf(`agent:
  host_id: %d
  dispatcher: 10.77.%d.1:%d
  key: %s
  heartbeat_period: %v
  load_period: %v
  drain_file: %s
  service_port: 8080
  service_proto: tcp
  vips: [10.0.0.100]
  probe: {kind: tcp, target: "127.0.0.1:8080", interval: %v, timeout: 300ms}
`, i, i, port, hexKey, d, lp, filepath.Join(dir, fmt.Sprintf("agent%d.drain", i)), d)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// checkDSR runs `sara agent check` in namespace ns: it must fail with the
// `ip addr add` fix on a bare namespace and pass once the VIP is on lo and
// the ARP sysctls (namespace-local) are set.
func checkDSR(t *testing.T, bin, ns, cfg string) {
	t.Helper()
	check := func() (string, error) {
		out, err := exec.Command("ip", "netns", "exec", ns, bin, "agent", "check", "-c", cfg).CombinedOutput()
		return string(out), err
	}
	if out, err := check(); err == nil || !strings.Contains(out, "fix: ip addr add 10.0.0.100/32 dev lo") {
		t.Fatalf("check on a bare namespace: %v\n%s", err, out)
	}
	netnstest.Run(t, "ip", "-n", ns, "addr", "add", "10.0.0.100/32", "dev", "lo")
	for _, s := range []string{"all.arp_ignore=1", "lo.arp_ignore=1", "all.arp_announce=2", "lo.arp_announce=2"} {
		netnstest.Run(t, "ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf."+s)
	}
	if out, err := check(); err != nil || !strings.HasPrefix(out, "ok:") {
		t.Fatalf("check after the fixes: %v\n%s", err, out)
	}
}

// selectable is the simplest server selection over a snapshot: every
// server whose state may take new sessions.
func selectable(snap []cluster.ServerView) map[cluster.ServerID]bool {
	out := map[cluster.ServerID]bool{}
	for _, v := range snap {
		if v.State.Selectable() {
			out[v.ID] = true
		}
	}
	return out
}
