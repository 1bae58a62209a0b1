package sip

import (
	"encoding/json"
	"net/netip"
	"os"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/ip4defrag"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/sara-lb/sara/engine/inspect"
)

// TestTorturePcap feeds the RFC 4475 messages as captured UDP datagrams
// (IP-fragmented where long, reassembled here as the data plane's
// reassembly would) and compares each accepted message's Call-ID with
// tshark's reading of the same frame.
func TestTorturePcap(t *testing.T) {
	var frames struct {
		Frames []struct {
			Frame  int
			File   string
			Bytes  int    `json:"udp_payload_bytes"`
			CallID string `json:"tshark_call_id"`
		}
	}
	b, err := os.ReadFile("testdata/rfc4475_udp_frames.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &frames); err != nil {
		t.Fatal(err)
	}
	want := map[int]int{} // frame number → index in frames
	for i, f := range frames.Frames {
		want[f.Frame] = i
	}
	f, err := os.Open("testdata/rfc4475_udp.pcap")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	src := gopacket.NewPacketSource(rd, rd.LinkType())
	defrag := ip4defrag.NewIPv4Defragmenter()
	in := New()
	var r inspect.Result
	n, checked := 0, 0
	for pkt := range src.Packets() {
		n++
		ip4, _ := pkt.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		if ip4 == nil {
			continue
		}
		whole, err := defrag.DefragIPv4(ip4)
		if err != nil {
			t.Fatalf("frame %d: defrag: %v", n, err)
		}
		if whole == nil {
			continue // fragment of a datagram not complete yet
		}
		var udp layers.UDP
		if err := udp.DecodeFromBytes(whole.Payload, gopacket.NilDecodeFeedback); err != nil {
			t.Fatalf("frame %d: udp: %v", n, err)
		}
		i, ok := want[n]
		if !ok {
			t.Fatalf("frame %d completes a datagram the index does not list", n)
		}
		exp := frames.Frames[i]
		if len(udp.Payload) != exp.Bytes {
			t.Fatalf("frame %d (%s): %d payload bytes, index says %d", n, exp.File, len(udp.Payload), exp.Bytes)
		}
		meta := inspect.Meta{
			Src:       netip.AddrPortFrom(netip.AddrFrom4([4]byte(whole.SrcIP.To4())), uint16(udp.SrcPort)),
			Dst:       netip.AddrPortFrom(netip.AddrFrom4([4]byte(whole.DstIP.To4())), uint16(udp.DstPort)),
			Transport: inspect.UDP,
		}
		err = in.Inspect(meta, udp.Payload, &r)
		_, mustReject := rejectTorture[exp.File]
		if mustReject != (err != nil) {
			t.Errorf("%s: err = %v, reject expected %v", exp.File, err, mustReject)
		}
		if err == nil {
			checked++
			if string(r.Key) != exp.CallID {
				t.Errorf("%s: Call-ID %q, tshark %q", exp.File, r.Key, exp.CallID)
			}
		}
	}
	t.Logf("%d frames read, %d datagrams accepted and matched tshark", n, checked)
	if checked < 30 {
		t.Fatalf("only %d datagrams checked", checked)
	}
}
