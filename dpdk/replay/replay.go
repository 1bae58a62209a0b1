// Package replay runs the real data plane over a capture file: the input is
// read by DPDK's net_pcap driver (rx_pcap) and every forwarded frame is
// written by it (tx_pcap), so a capture replays through exactly the code
// that forwards live traffic. Run returns once every frame of the input has
// been received and processed and the output file is flushed.
package replay

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/dpdk/ethdev"
)

// ErrStalled is returned when the driver stops delivering frames before the
// whole capture was read.
var ErrStalled = errors.New("replay: capture not consumed")

// Result is what a replay did.
type Result struct {
	Frames   uint64             `json:"frames"`   // frames in the input capture
	Port     ethdev.Stats       `json:"port"`     // driver counters
	Counters dataplane.Counters `json:"counters"` // data-plane totals
	Leaked   int                `json:"mbufs_leaked"`
	Elapsed  time.Duration      `json:"elapsed_ns"`
}

// CountFrames returns the number of frames in a pcap file.
func CountFrames(path string) (uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		return 0, fmt.Errorf("replay: %s: %w", path, err)
	}
	var n uint64
	for {
		_, _, err := r.ZeroCopyReadPacketData()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("replay: %s after %d frames: %w", path, n, err)
		}
		n++
	}
}

// WriteFrames writes frames to a new Ethernet capture at path, the first
// stamped t0 and each next one gap later (a replay's input, say).
func WriteFrames(path string, frames [][]byte, t0 time.Time, gap time.Duration) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := pcapgo.NewWriter(f)
	err = w.WriteFileHeader(65535, layers.LinkTypeEthernet)
	for i, b := range frames {
		if err != nil {
			break
		}
		err = w.WritePacket(gopacket.CaptureInfo{Timestamp: t0.Add(time.Duration(i) * gap), CaptureLength: len(b),
			Length: len(b)}, b)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("replay: %s: %w", path, err)
	}
	return nil
}

// ReadFrames returns every frame of a capture (a replay's output, say).
func ReadFrames(path string) ([][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("replay: %s: %w", path, err)
	}
	var out [][]byte
	for {
		b, _, err := r.ReadPacketData()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("replay: %s after %d frames: %w", path, len(out), err)
		}
		out = append(out, b)
	}
}

// Setup runs after the data plane is built and before it starts (to publish
// a policy, start a signalling consumer). The function it returns, if any,
// runs once every frame has been processed, while the workers still run.
type Setup func(*dataplane.Dataplane) (done func(), err error)

// Run replays in through a data plane configured by cfg (its Ports are
// replaced by one net_pcap port reading in and writing out; one worker) and
// returns the counters. It waits until every frame was received and every
// decision taken (the counters' invariant holds), so the output is
// complete.
func Run(cfg dataplane.Config, in, out string, setup Setup) (*Result, error) {
	frames, err := CountFrames(in)
	if err != nil {
		return nil, err
	}
	cfg.Ports = []dataplane.PortSpec{{Name: fmt.Sprintf("net_pcap_replay%d", time.Now().UnixNano()%1e6),
		Devargs: fmt.Sprintf("rx_pcap=%s,tx_pcap=%s", in, out)}}
	cfg.Workers = 1
	dp, err := dataplane.New(cfg)
	if err != nil {
		return nil, err
	}
	defer dp.Close()
	var done func()
	if setup != nil {
		if done, err = setup(dp); err != nil {
			return nil, err
		}
	}
	if done != nil {
		defer func() {
			if done != nil {
				done()
			}
		}()
	}
	start := time.Now()
	if err := dp.Start(); err != nil {
		return nil, err
	}
	res := &Result{Frames: frames}
	port := dp.Ports()[0]
	last, lastChange := uint64(0), time.Now()
	for {
		st, err := port.Stats()
		if err != nil {
			return nil, err
		}
		got := st.RxPackets + st.RxErrors + st.RxNoMbuf
		c := dp.Totals()
		settled := c.RX == c.Forwarded()+c.ARPReplies+c.DropTotal()-c.Drops["tx_full"]
		if got >= frames && c.RX >= st.RxPackets && settled {
			break
		}
		if got != last {
			last, lastChange = got, time.Now()
		} else if time.Since(lastChange) > 5*time.Second {
			dp.Stop()
			return nil, fmt.Errorf("%w: %d of %d frames after 5 s without progress", ErrStalled, got, frames)
		}
		time.Sleep(time.Millisecond)
	}
	if done != nil { // workers still running: a consumer may still talk to them
		done()
		done = nil
	}
	dp.Stop()
	res.Elapsed = time.Since(start)
	res.Port, _ = port.Stats()
	res.Counters = dp.Totals()
	if err := dp.ClosePorts(); err != nil {
		return nil, err
	}
	res.Leaked = dp.MbufsInUse()
	return res, nil
}
