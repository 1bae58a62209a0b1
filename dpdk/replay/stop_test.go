package replay_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/sara-lb/sara/dpdk/dataplane"
)

// TestStopUnderLoad stops a worker that is forwarding without pause (a
// capture replayed forever, busy polling): the burst it has staged when it
// sees the stop (received, parsed, its buckets prefetched, not yet
// forwarded) still goes out, so every received frame is accounted for as
// forwarded or dropped and no mbuf is left behind once the port is closed.
func TestStopUnderLoad(t *testing.T) {
	in := writePcap(t, func(fw *frameWriter) {
		for i := range 256 {
			fw.raw(fw.udp4(client(i), vip4, 20000+i, 9000, 64))
		}
	})
	cfg := baseConfig()
	cfg.IdlePolls = 0
	cfg.Ports = []dataplane.PortSpec{{Name: fmt.Sprintf("net_pcap_stop%d", time.Now().UnixNano()%1e6),
		Devargs: "rx_pcap=" + in + ",infinite_rx=1"}}
	cfg.Workers = 1
	dp, err := dataplane.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer dp.Close()
	if _, err := publishAll(dp); err != nil {
		t.Fatal(err)
	}
	if err := dp.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for dp.Totals().RX < 100000 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	dp.Stop()
	c := dp.Totals()
	if c.RX < 100000 {
		t.Fatalf("only %d frames received in 10 s", c.RX)
	}
	if got := c.Forwarded() + c.DropTotal(); got != c.RX {
		t.Errorf("%d frames received, %d forwarded + %d dropped: %d unaccounted for", c.RX, c.Forwarded(),
			c.DropTotal(), int64(c.RX)-int64(got))
	}
	if err := dp.ClosePorts(); err != nil {
		t.Fatal(err)
	}
	if n := dp.MbufsInUse(); n != 0 {
		t.Errorf("%d mbufs in use after the port closed", n)
	}
	t.Logf("%d frames received, %d forwarded, %d flows", c.RX, c.Forwarded(), c.FlowsCreated)
}
