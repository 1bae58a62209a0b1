package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"runtime"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/inspect/sip"
	"github.com/sara-lb/sara/engine/session"
	"github.com/sara-lb/sara/test/gen/sessions"
)

// goMemCalls is the number of calls goSessionMemory keeps live.
const goMemCalls = 2000

// goSessionMemory measures the Go heap that live SIP calls take in the
// control plane's session tracker (engine/session): it feeds the first
// 0.6 s of a `sara gen sessions` capture of goMemCalls calls (every call set
// up, its RTP and RTCP flowing both ways, none ended yet) through the SIP
// inspector and Tracker.Signal/Observe, as sara inspect does, and divides
// the live heap's growth (after a GC) by the sessions the tracker holds:
// go_bytes_per_session, with go_flows_per_session and
// go_expectations_per_session of that state.
func goSessionMemory(res map[string]any) error {
	o := sessions.DefaultOptions()
	o.Calls, o.RTSP, o.Flows, o.Duration = goMemCalls, 0, 0, sessions.MinDuration
	var capture bytes.Buffer
	if _, _, err := sessions.Generate(&capture, o); err != nil {
		return err
	}
	tr, err := session.New(session.DefaultConfig())
	if err != nil {
		return err
	}
	in := sip.New()
	before := liveHeap()
	if err := feed(&capture, o, tr, in, o.Start.Add(600*time.Millisecond)); err != nil {
		return err
	}
	after := liveHeap()
	flows, sess, exps := tr.Len()
	runtime.KeepAlive(tr)
	runtime.KeepAlive(in)
	runtime.KeepAlive(&capture) // part of the baseline: must not be freed before after
	if after < before {
		return fmt.Errorf("go session memory: heap shrank (%d → %d)", before, after)
	}
	if sess != goMemCalls {
		return fmt.Errorf("go session memory: %d sessions live, want %d", sess, goMemCalls)
	}
	res["go_bytes_per_session"] = int((after - before) / uint64(sess))
	res["go_flows_per_session"] = round3(float64(flows) / float64(sess))
	res["go_expectations_per_session"] = round3(float64(exps) / float64(sess))
	return nil
}

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// feed applies every UDP frame before until to the tracker: SIP (to or
// from the VIP's SIP port) through the inspector and Signal, the rest
// through Observe.
func feed(r io.Reader, o sessions.Options, tr *session.Tracker, in *sip.Inspector, until time.Time) error {
	pr, err := pcapgo.NewReader(r)
	if err != nil {
		return err
	}
	var eth layers.Ethernet
	var ip4 layers.IPv4
	var udp layers.UDP
	var pay gopacket.Payload
	p := gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet, &eth, &ip4, &udp, &pay)
	p.IgnoreUnsupported = true
	var dec []gopacket.LayerType
	var ir inspect.Result
	for {
		data, ci, err := pr.ReadPacketData()
		if errors.Is(err, io.EOF) || (err == nil && !ci.Timestamp.Before(until)) {
			return nil
		}
		if err != nil {
			return err
		}
		if p.DecodeLayers(data, &dec) != nil || len(dec) < 3 {
			continue
		}
		k := session.FlowKey{Src: netip.AddrPortFrom(netip.AddrFrom4([4]byte(ip4.SrcIP.To4())), uint16(udp.SrcPort)),
			Dst: netip.AddrPortFrom(netip.AddrFrom4([4]byte(ip4.DstIP.To4())), uint16(udp.DstPort)), Proto: session.UDP}
		if k.Dst.Port() != o.SIPPort && k.Src.Port() != o.SIPPort {
			tr.Observe(ci.Timestamp, k)
			continue
		}
		m := inspect.Meta{Src: k.Src, Dst: k.Dst, Transport: inspect.UDP, Dir: inspect.FromClient}
		if k.Src.Port() == o.SIPPort {
			m.Dir = inspect.FromServer
		}
		if err := in.Inspect(m, udp.Payload, &ir); err != nil {
			return fmt.Errorf("go session memory: inspect: %w", err)
		}
		d, err := tr.Signal(ci.Timestamp, m, &ir)
		if err == nil && d.NeedsServer {
			err = tr.Assign(d.Session, 0)
		}
		if err != nil {
			return fmt.Errorf("go session memory: signal: %w", err)
		}
	}
}
