package lab

import (
	"os"
	"testing"

	"github.com/sara-lb/sara/config"
	"github.com/sara-lb/sara/mgmt/agent"
)

// TestConfigsValidate loads the lab's SARA configuration and an agent's
// with the project's own loaders: a renamed or removed key fails here,
// without root, before the lab would fail to start.
func TestConfigsValidate(t *testing.T) {
	l := &Lab{Options: Options{Dir: t.TempDir()}, Prefix: "saralabtest"}
	path, err := l.WriteConfig("check")
	if err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path)
	if err != nil {
		b, _ := os.ReadFile(path)
		t.Fatalf("%v\n%s", err, b)
	}
	if len(c.Servers) != NumServers || c.VIPs[0] != VIP || c.Dataplane.Ports[0].Devargs != "iface=port0" {
		t.Fatalf("config %+v", c)
	}
	for i := range NumServers {
		if c.Servers[i].MAC.String() != ServerMAC(i) || c.Servers[i].HostID != uint32(i+1) {
			t.Fatalf("server %d: %+v", i, c.Servers[i])
		}
		p, err := l.AgentConfig(i)
		if err != nil {
			t.Fatal(err)
		}
		a, err := agent.Load(p)
		if err != nil {
			t.Fatalf("agent %d: %v", i, err)
		}
		if a.HostID != uint32(i+1) || a.Dispatcher != "10.90.2.2:7420" {
			t.Fatalf("agent %d: %+v", i, a)
		}
	}
}
