package sessions

import (
	"bufio"
	"container/heap"
	"fmt"
	"io"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// Stats counts what Generate wrote.
type Stats struct {
	Frames, Bytes uint64
	ToVIP         uint64 // frames whose destination is a VIP
	Calls, RTSP   int
	Flows         int // background flows
	IPv6Sessions  int // calls, RTSP sessions and flows over IPv6
	Duration      time.Duration
}

// Generate writes the capture described by o to w (Ethernet pcap,
// microsecond timestamps from o.Start) and returns its statistics and
// truth. The output depends only on o.
func Generate(w io.Writer, o Options) (Stats, *Truth, error) {
	if err := o.Validate(); err != nil {
		return Stats{}, nil, err
	}
	if o.Start.IsZero() {
		o.Start = DefaultOptions().Start
	}
	st := Stats{Calls: o.Calls, RTSP: o.RTSP, Flows: o.Flows, Duration: o.Duration}
	q, truth := newPlanner(&o, &st).plan()
	b := newBuilder(&o)
	bw := bufio.NewWriterSize(w, 1<<20)
	pw := pcapgo.NewWriter(bw)
	if err := pw.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		return st, nil, fmt.Errorf("sessions: write header: %w", err)
	}
	for q.Len() > 0 {
		sc := q[0]
		at := sc.at()
		frame, err := sc.step(b)
		if err != nil {
			return st, nil, fmt.Errorf("sessions: frame %d: %w", st.Frames, err)
		}
		if sc.next < 0 {
			heap.Pop(&q)
		} else {
			heap.Fix(&q, 0)
		}
		to := string(b.eth.DstMAC) == string(o.DstMAC)
		if o.ToVIPOnly && !to {
			continue
		}
		ci := gopacket.CaptureInfo{Timestamp: o.Start.Add(at), CaptureLength: len(frame), Length: len(frame)}
		if err := pw.WritePacket(ci, frame); err != nil {
			return st, nil, fmt.Errorf("sessions: write frame %d: %w", st.Frames, err)
		}
		st.Frames++
		st.Bytes += uint64(len(frame))
		if to {
			st.ToVIP++
		}
	}
	if err := bw.Flush(); err != nil {
		return st, nil, fmt.Errorf("sessions: flush: %w", err)
	}
	return st, truth, nil
}
