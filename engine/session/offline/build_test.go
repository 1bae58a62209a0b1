package offline

import (
	"bytes"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// capture builds a pcap in memory, one UDP datagram per call.
type capture struct {
	t   *testing.T
	buf bytes.Buffer
	w   *pcapgo.Writer
	ts  time.Time
}

func newCapture(t *testing.T) *capture {
	c := &capture{t: t, ts: time.Unix(1_700_000_000, 0)}
	c.w = pcapgo.NewWriter(&c.buf)
	if err := c.w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *capture) udp(src, dst string, payload string) {
	c.t.Helper()
	s, d := netip.MustParseAddrPort(src), netip.MustParseAddrPort(dst)
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2},
		EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP,
		SrcIP: s.Addr().AsSlice(), DstIP: d.Addr().AsSlice()}
	u := &layers.UDP{SrcPort: layers.UDPPort(s.Port()), DstPort: layers.UDPPort(d.Port())}
	_ = u.SetNetworkLayerForChecksum(ip)
	sb := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(sb, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		eth, ip, u, gopacket.Payload(payload)); err != nil {
		c.t.Fatal(err)
	}
	c.ts = c.ts.Add(10 * time.Millisecond)
	ci := gopacket.CaptureInfo{Timestamp: c.ts, CaptureLength: len(sb.Bytes()), Length: len(sb.Bytes())}
	if err := c.w.WritePacket(ci, sb.Bytes()); err != nil {
		c.t.Fatal(err)
	}
}

func (c *capture) analyze(cfg Config) *Report {
	c.t.Helper()
	r, err := Analyze(bytes.NewReader(c.buf.Bytes()), cfg)
	if err != nil {
		c.t.Fatal(err)
	}
	return r
}

// sipMessage builds a SIP message with an optional SDP body announcing port.
func sipMessage(start, callID, cseq, toTag string, sdpAddr string, port int) string {
	body := ""
	if port > 0 {
		body = "v=0\r\no=- 1 1 IN IP4 " + sdpAddr + "\r\ns=-\r\nc=IN IP4 " + sdpAddr + "\r\nt=0 0\r\n" +
			"m=audio " + itoa(port) + " RTP/AVP 0\r\n"
	}
	to := "<sip:b@example.com>"
	if toTag != "" {
		to += ";tag=" + toTag
	}
	h := start + "\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK" + callID + cseq[:1] + "\r\n" +
		"From: <sip:a@example.com>;tag=f1\r\nTo: " + to + "\r\nCall-ID: " + callID + "\r\nCSeq: " + cseq + "\r\n" +
		"Max-Forwards: 70\r\n"
	if body != "" {
		h += "Content-Type: application/sdp\r\n"
	}
	return h + "Content-Length: " + itoa(len(body)) + "\r\n\r\n" + body
}

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	for {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(b[n:])
		}
	}
}
