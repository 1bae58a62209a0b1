package gateway

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/sara-lb/sara/engine/announce"
)

var (
	client  = netip.MustParseAddr("10.201.0.1")
	srvMAC  = net.HardwareAddr{2, 0, 0, 0, 0, 7}
	t0      = time.Unix(1_800_000_000, 0)
	replyA  = []byte("RTSP/1.0 200 OK\r\nCSeq: 3\r\nTransport: RTP/AVP;unicast;client_port=27568-27569;server_port=35458-35459\r\nSession: aaaa;timeout=60\r\n\r\n")
	replyB  = []byte("RTSP/1.0 200 OK\r\nCSeq: 4\r\nTransport: RTP/AVP;unicast;client_port=27570-27571;server_port=35460-35461\r\nSession: bbbb;timeout=60\r\n\r\n")
	replyC  = []byte("RTSP/1.0 200 OK\r\nCSeq: 5\r\nTransport: RTP/AVP;unicast;client_port=27572-27573;server_port=35462-35463\r\nSession: cccc;timeout=60\r\n\r\n")
	rtspSrc = netip.AddrPortFrom(vip, 8554)
	rtspDst = netip.AddrPortFrom(client, 40000)
)

// tcpFrame builds a server->client TCP segment.
func tcpFrame(t testing.TB, seq uint32, flags string, payload []byte) []byte {
	eth := &layers.Ethernet{SrcMAC: srvMAC, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 9}, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolTCP,
		SrcIP: rtspSrc.Addr().AsSlice(), DstIP: rtspDst.Addr().AsSlice()}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(rtspSrc.Port()), DstPort: layers.TCPPort(rtspDst.Port()), Seq: seq, Window: 1000, ACK: true}
	for _, f := range flags {
		switch f {
		case 'S':
			tcp.SYN = true
		case 'F':
			tcp.FIN = true
		case 'R':
			tcp.RST = true
		}
	}
	_ = tcp.SetNetworkLayerForChecksum(ip)
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		eth, ip, tcp, gopacket.Payload(payload)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func keys(c collector) []string {
	var s []string
	for _, m := range c {
		s = append(s, string(m.Key))
	}
	return s
}

func TestTCPInOrder(t *testing.T) {
	var got collector
	p := NewPipeline(PipelineConfig{VIPs: []netip.Addr{vip}, Ports: fixPorts,
		HostIDs: map[[6]byte]uint32{[6]byte(srvMAC): 42}}, got.emit)
	seq := uint32(1000)
	feed := func(s uint32, flags string, b []byte) { p.Frame(t0, tcpFrame(t, s, flags, b)) }
	feed(seq, "S", nil)
	seq++
	feed(seq, "", replyA[:30]) // A split in two
	if len(got) != 0 {
		t.Fatal("announced half a message")
	}
	feed(seq+30, "", replyA[30:])
	feed(seq+30, "", replyA[30:]) // retransmission: nothing new
	seq += uint32(len(replyA))
	half := uint32(len(replyB) / 2)
	feed(seq+half, "", replyB[half:]) // B's first half lost: gap
	feed(seq, "", replyB[:half])      // ...retransmitted: B starts again
	feed(seq+half, "", replyB[half:])
	seq += uint32(len(replyB))
	feed(seq-5, "", append(append([]byte(nil), replyB[len(replyB)-5:]...), replyC...)) // overlaps 5 old bytes
	seq += uint32(len(replyC))
	feed(seq, "F", nil)
	if k := keys(got); len(k) != 3 || k[0] != "aaaa" || k[1] != "bbbb" || k[2] != "cccc" {
		t.Fatalf("announced %q", k)
	}
	for _, m := range got {
		if !m.HasHostID || m.HostID != 42 || m.Server != rtspSrc || m.Client != rtspDst || m.Kind != announce.KindRTSP {
			t.Fatalf("announcement %+v", m)
		}
	}
	c := p.Counters()
	if c.Retransmits != 2 || c.Gaps != 1 || c.Unsynced != 1 || c.Announced != 3 || len(p.conns.m) != 0 {
		t.Fatalf("%+v, %d connections", c, len(p.conns.m))
	}
	checkCounters(t, c)
}

func TestTCPJoinMidStreamAndLimits(t *testing.T) {
	var got collector
	p := NewPipeline(PipelineConfig{Ports: fixPorts, MaxConns: 1, ConnIdle: time.Minute}, got.emit)
	// No SYN seen: a segment in the middle of a message is skipped, the
	// next one starting a message is followed.
	p.Frame(t0, tcpFrame(t, 500, "", replyA[10:]))
	p.Frame(t0, tcpFrame(t, 500+uint32(len(replyA)-10), "", replyB))
	if k := keys(got); len(k) != 1 || k[0] != "bbbb" {
		t.Fatalf("announced %q", k)
	}
	// A second connection does not fit (MaxConns 1)...
	other := tcpFrame(t, 1, "", replyC)
	binary.BigEndian.PutUint16(other[14+20+2:], 40001) // destination port
	p.Frame(t0, other)
	if c := p.Counters(); c.ConnsFull != 1 || c.Unsynced != 1 {
		t.Fatalf("%+v", c)
	}
	// ...until the first one has been idle for ConnIdle.
	p.Frame(t0.Add(2*time.Minute), other)
	if c := p.Counters(); c.ConnsIdle != 1 || len(got) != 2 || string(got[1].Key) != "cccc" {
		t.Fatalf("%+v", c)
	}
	p.Frame(t0.Add(2*time.Minute), tcpFrame(t, 9, "R", nil))
	checkCounters(t, p.Counters())
}

func TestStartsMessage(t *testing.T) {
	for s, want := range map[string]bool{
		"RTSP/1.0 200 OK\r\n": true, "SIP/2.0 180 Ringing": true, "BYE sip:a@b SIP/2.0": true, "$\x00\x01": true,
		"v=0\r\n": false, "Content-Length: 0": false, "": false, " SIP": false, "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ ": false,
	} {
		if startsMessage([]byte(s)) != want {
			t.Errorf("%q: %v", s, !want)
		}
	}
}

func TestFrameNoAllocs(t *testing.T) {
	src := pcapFile(t, "sip_calls")
	var ok200 []byte
	for ok200 == nil {
		b, _, err := src.ReadPacketData()
		if errors.Is(err, io.EOF) {
			t.Fatal("no 200 OK with SDP")
		}
		if len(b) > 400 && string(b[42:49]) == "SIP/2.0" {
			ok200 = append([]byte(nil), b...)
		}
	}
	n := 0
	p := NewPipeline(PipelineConfig{VIPs: []netip.Addr{vip}, Ports: fixPorts}, func(*announce.Message) error { n++; return nil })
	if a := testing.AllocsPerRun(100, func() { p.Frame(t0, ok200) }); a != 0 || n == 0 {
		t.Fatalf("UDP: %v allocations, %d announcements", a, n)
	}
	seg := tcpFrame(t, 1, "", replyA)
	seq := uint32(1)
	p.Frame(t0, seg) // creates the connection
	if a := testing.AllocsPerRun(100, func() {
		seq += uint32(len(replyA))
		binary.BigEndian.PutUint32(seg[14+20+4:], seq) // checksum not verified
		p.Frame(t0, seg)
	}); a != 0 {
		t.Fatalf("TCP: %v allocations", a)
	}
	if c := p.Counters(); c.Retransmits+c.Gaps != 0 || c.Announced < 200 {
		t.Fatalf("%+v", c)
	}
}
