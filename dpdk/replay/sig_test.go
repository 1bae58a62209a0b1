package replay_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/dpdk/replay"
)

// TestSIPToGoOnlyWithSignalling checks that UDP frames to a SIP port are
// handed to Go for a decision when signalling is on, and only then: with
// it off they are forwarded per 5-tuple like any other flow.
func TestSIPToGoOnlyWithSignalling(t *testing.T) {
	const sip, others = 6, 4
	in := writePcap(t, func(fw *frameWriter) {
		for i := 0; i < sip; i++ {
			fw.raw(fw.udp4(client(i), vip4, 5060, 5060, 100))
		}
		for i := 0; i < others; i++ {
			fw.raw(fw.udp4(client(i), vip4, 10000+i, 7000, 100))
		}
	})
	cfg := baseConfig()
	cfg.SIPPortsUDP = []uint16{5060}

	res, err := replay.Run(cfg, in, filepath.Join(t.TempDir(), "off.pcap"), publishAll)
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Counters; c.SigDecide != 0 || c.TX != sip+others {
		t.Errorf("signalling off: sig_decide %d (want 0), tx %d (want %d)", c.SigDecide, c.TX, sip+others)
	}

	cfg.Signalling = true
	res, err = replay.Run(cfg, in, filepath.Join(t.TempDir(), "on.pcap"), func(dp *dataplane.Dataplane) (func(), error) {
		stop, finished := make(chan struct{}), make(chan struct{})
		go func() { // every message decided for server 0
			defer close(finished)
			msgs, servers := make([]dataplane.Signal, 64), make([]uint16, 64)
			for {
				select {
				case <-stop:
					return
				default:
				}
				n := dp.SigDequeue(msgs)
				if n == 0 {
					time.Sleep(100 * time.Microsecond)
					continue
				}
				clear(servers[:n])
				dp.SigComplete(servers[:n])
			}
		}()
		_, err := publishAll(dp)
		return func() { close(stop); <-finished }, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Counters; c.SigDecide != sip || c.FwdSig != sip || c.TX != sip+others || c.ServerPackets[0] < sip {
		t.Errorf("signalling on: sig_decide %d, fwd_sig %d (want %d each), tx %d (want %d), server 0 %d",
			c.SigDecide, c.FwdSig, sip, c.TX, sip+others, c.ServerPackets[0])
	}
}
