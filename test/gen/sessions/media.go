package sessions

import (
	"encoding/binary"
	"time"
)

// Media constants: G.711 at 20 ms per packet, H.264 video at 30 frames/s.
const (
	rtpHeader    = 12
	g711Payload  = 160 // 20 ms of 8 kHz G.711: a 214-byte IPv4 frame
	voiceGap     = 20 * time.Millisecond
	videoPayload = 1200 // H.264 FU-A fragment: a 1254-byte IPv4 frame
	videoFPS     = 30
	videoGOP     = 30 // an I-frame (8 packets) every 30 frames, others 2 packets
	rtcpGap      = 5 * time.Second
	rtcpFirst    = 200 * time.Millisecond // first report after media starts
)

// Payload types.
const (
	ptPCMU = 0
	ptH264 = 96
)

// minPayload is the UDP payload of a 60-byte frame (a 64-byte frame with
// FCS): 18 bytes over IPv4; over IPv6 no payload fits, so only the RTP
// header (a 74-byte frame).
func minPayload(v6 bool) int {
	if v6 {
		return rtpHeader
	}
	return 60 - 14 - 20 - 8
}

// rtp writes an RTP packet of n bytes (header included) in the scratch.
func (b *builder) rtp(pt byte, marker bool, seq uint16, ts, ssrc uint32, n int) []byte {
	p := b.scratch[:rtpHeader]
	p[0], p[1] = 0x80, pt // V=2
	if marker {
		p[1] |= 0x80
	}
	binary.BigEndian.PutUint16(p[2:], seq)
	binary.BigEndian.PutUint32(p[4:], ts)
	binary.BigEndian.PutUint32(p[8:], ssrc)
	return b.fill(rtpHeader, n)
}

// rtcp writes an RTCP sender report (sender) or receiver report with one
// report block about peer; with short, a receiver report without blocks
// (8 bytes: the 64-byte worst case).
func (b *builder) rtcp(sender, short bool, ssrc, peer uint32, at time.Duration, packets uint32) []byte {
	p := b.scratch
	clear(p[:32])
	p[0] = 0x80
	switch {
	case short:
		p[1] = 201
		binary.BigEndian.PutUint16(p[2:], 1)
		binary.BigEndian.PutUint32(p[4:], ssrc)
		return p[:8]
	case sender:
		p[1] = 200
		binary.BigEndian.PutUint16(p[2:], 6) // length in 32-bit words - 1
		binary.BigEndian.PutUint32(p[4:], ssrc)
		binary.BigEndian.PutUint32(p[8:], uint32(at/time.Second)+2208988800) // NTP seconds
		binary.BigEndian.PutUint32(p[16:], uint32(at/time.Millisecond)*8)    // RTP timestamp
		binary.BigEndian.PutUint32(p[20:], packets)
		binary.BigEndian.PutUint32(p[24:], packets*g711Payload)
		return p[:28]
	}
	p[0] |= 1 // one report block
	p[1] = 201
	binary.BigEndian.PutUint16(p[2:], 7)
	binary.BigEndian.PutUint32(p[4:], ssrc)
	binary.BigEndian.PutUint32(p[8:], peer)
	binary.BigEndian.PutUint32(p[16:], packets) // extended highest sequence number
	return p[:32]
}

// videoGap is the gap after the n-th video packet: packets of a frame go
// 100 µs apart, the frame's last waits for the next frame's slot.
func videoGap(n int) time.Duration {
	frame, k := videoPacket(n)
	last := k == videoPackets(frame)-1
	if !last {
		return 100 * time.Microsecond
	}
	return time.Second/videoFPS - time.Duration(k)*100*time.Microsecond
}

// videoPackets is the number of packets of video frame f.
func videoPackets(f int) int {
	if f%videoGOP == 0 {
		return 8
	}
	return 2
}

// videoPacket maps the n-th video packet to (frame, packet in frame).
func videoPacket(n int) (frame, k int) {
	perGOP := 8 + 2*(videoGOP-1)
	g, r := n/perGOP, n%perGOP
	if r < 8 {
		return g * videoGOP, r
	}
	r -= 8
	return g*videoGOP + 1 + r/2, r % 2
}
