package replay_test

import (
	"path/filepath"
	"testing"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/engine/cluster"
)

// TestReconfigureAddsAServer adds a server with Reconfigure and publishes a
// sequence that names only it: every frame goes to the new server's MAC.
func TestReconfigureAddsAServer(t *testing.T) {
	in := udpFlows(t, 50, 2)
	out := filepath.Join(t.TempDir(), "out.pcap")
	added := [6]byte{2, 0, 0, 0, 0, 0x42}
	c := replayWith2(t, in, out, func(dp *dataplane.Dataplane) error {
		if err := dp.Reconfigure(append(append([][6]byte(nil), servers...), added), baseTimeouts()); err != nil {
			return err
		}
		return dp.Publish(dataplane.Policy{Sequence: dataplane.RoundRobin([]cluster.ServerID{3}, 1024)})
	})
	if c.TX != 100 || c.ServerPackets[3] != 100 {
		t.Fatalf("tx %d, server packets %v", c.TX, c.ServerPackets)
	}
	for _, b := range readPcap(t, out) {
		if [6]byte(b[0:6]) != added {
			t.Fatalf("frame to %x, want the added server", b[0:6])
		}
	}
	// a sequence naming a server beyond the configured ones is refused
	if err := replayErr(t, in, func(dp *dataplane.Dataplane) error {
		return dp.Publish(dataplane.Policy{Sequence: dataplane.RoundRobin([]cluster.ServerID{3}, 1024)})
	}); err == nil {
		t.Fatal("published a sequence naming an unknown server")
	}
}
