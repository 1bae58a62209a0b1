package replay_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/dpdk/replay"
	"github.com/sara-lb/sara/engine/cluster"
)

// TestNewFlowsWithinABurst checks the worker's two-pass lookup (first
// buckets for the whole burst, then each frame in order) when a burst
// inserts flows: every new flow comes twice back to back (its second frame
// in the same burst must find the flow the first created), known flows are
// mixed into bursts of new ones, and the table is filled to 88 % so inserts
// move residents to their other bucket (a first-pass result must not be
// used after that). Every flow keeps one
// server, no flow is created twice, the counters add up.
func TestNewFlowsWithinABurst(t *testing.T) {
	// a small table too: an insert then often moves a flow of the same burst
	for _, c := range []struct{ flows, table int }{{3600, 4096}, {56, 64}} {
		t.Run(fmt.Sprintf("%d-of-%d", c.flows, c.table), func(t *testing.T) { newFlowsInBursts(t, c.flows, c.table) })
	}
}

func newFlowsInBursts(t *testing.T, flows, table int) {
	frames := 0
	in := writePcap(t, func(fw *frameWriter) {
		flow := func(i, n int) {
			f := fw.udp4(client(i%1000), vip4, 10000+i, 7000+i%7, 64)
			for range n {
				fw.raw(f)
				frames++
			}
		}
		for i := 0; i < flows/2; i++ { // the first half, new
			flow(i, 2)
		}
		for i := 0; i < flows/2; i++ { // known flows and new ones in the same bursts
			flow(i, 1)
			flow(flows/2+i, 2)
		}
		for i := 0; i < flows; i++ { // all known
			flow(i, 1)
		}
	})
	cfg := baseConfig()
	cfg.FlowTableSize = uint32(table)
	cfg.Mbufs = 8191
	out := filepath.Join(t.TempDir(), "out.pcap")
	res, err := replay.Run(cfg, in, out, func(dp *dataplane.Dataplane) (func(), error) {
		return nil, dp.Publish(dataplane.Policy{Sequence: dataplane.RoundRobin([]cluster.ServerID{0, 1, 2}, 1024)})
	})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Counters
	if c.FlowsCreated+c.TableFull < uint64(flows) || c.FlowsCreated > uint64(flows) {
		t.Errorf("%d flows created, %d without room, for %d flows", c.FlowsCreated, c.TableFull, flows)
	}
	if c.FwdNew != c.FlowsCreated || c.FwdHit+c.FwdNew+c.FwdStateless != uint64(frames) || c.TX != uint64(frames) {
		t.Errorf("counters: new %d hit %d stateless %d tx %d, want new = created (%d), all %d forwarded",
			c.FwdNew, c.FwdHit, c.FwdStateless, c.TX, c.FlowsCreated, frames)
	}
	serverOf := map[flowKey][6]byte{}
	moved := 0
	for _, b := range readPcap(t, out) {
		k, dst := keyOf(t, b), [6]byte(b[0:6])
		if s, ok := serverOf[k]; ok && s != dst {
			moved++
		}
		serverOf[k] = dst
	}
	if moved != 0 || len(serverOf) != flows {
		t.Errorf("%d frames went to another server than their flow's earlier frames; %d flows in the output, want %d",
			moved, len(serverOf), flows)
	}
}
