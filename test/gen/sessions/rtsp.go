package sessions

import (
	"fmt"
	"net/netip"
	"strings"
)

// rtspSession is one RTSP session: a TCP control connection to the VIP's
// RTSP port (OPTIONS, DESCRIBE, SETUP video, SETUP audio, PLAY, TEARDOWN)
// and, per stream, RTP and RTCP between the client_port and server_port
// pairs agreed in SETUP.
type rtspSession struct {
	id           int
	session      string
	client, vip  netip.AddrPort // control connection
	cPort, sPort [2]uint16      // RTP ports per stream (video, audio); RTCP is +1
	ssrc         [2]uint32
	cSeq, sSeq   uint32 // next TCP sequence numbers of each side
	cseq         int    // RTSP CSeq of the next request
}

func (r *rtspSession) url() string {
	return fmt.Sprintf("rtsp://%s:%d/stream%d", host(r.vip.Addr()), r.vip.Port(), r.id)
}

// media endpoints of stream i: client and server RTP (rtcp adds 1).
func (r *rtspSession) media(i int, rtcp bool) (c, s netip.AddrPort) {
	d := uint16(0)
	if rtcp {
		d = 1
	}
	return netip.AddrPortFrom(r.client.Addr(), r.cPort[i]+d), netip.AddrPortFrom(r.vip.Addr(), r.sPort[i]+d)
}

func (r *rtspSession) transport(i int, reply bool) string {
	t := fmt.Sprintf("RTP/AVP;unicast;client_port=%d-%d", r.cPort[i], r.cPort[i]+1)
	if reply {
		t += fmt.Sprintf(";server_port=%d-%d;ssrc=%08X", r.sPort[i], r.sPort[i]+1, r.ssrc[i])
	}
	return t
}

// describeSDP is the presentation: H.264 video and G.711 audio.
func (r *rtspSession) describeSDP() string {
	a := r.vip.Addr()
	return fmt.Sprintf("v=0\r\no=- %d 1 IN %s %s\r\ns=SARA stream %d\r\nc=IN %s %s\r\nt=0 0\r\na=control:*\r\n"+
		"m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:stream=0\r\n"+
		"m=audio 0 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=control:stream=1\r\n",
		r.id, ipVer(a), a, r.id, ipVer(a), a)
}

// exchange returns the request and reply texts of step k.
func (r *rtspSession) exchange(k int) (req, rep string) {
	cseq := k + 1
	reply := func(extra string, body string) string {
		var s strings.Builder
		fmt.Fprintf(&s, "RTSP/1.0 200 OK\r\nCSeq: %d\r\n%s", cseq, extra)
		if body != "" {
			fmt.Fprintf(&s, "Content-Base: %s/\r\nContent-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s", r.url(), len(body), body)
		} else {
			s.WriteString("\r\n")
		}
		return s.String()
	}
	sess := "Session: " + r.session + "\r\n"
	switch k {
	case 0:
		return fmt.Sprintf("OPTIONS %s RTSP/1.0\r\nCSeq: %d\r\nUser-Agent: sara-gen\r\n\r\n", r.url(), cseq),
			reply("Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n", "")
	case 1:
		return fmt.Sprintf("DESCRIBE %s RTSP/1.0\r\nCSeq: %d\r\nAccept: application/sdp\r\n\r\n", r.url(), cseq),
			reply("", r.describeSDP())
	case 2:
		return fmt.Sprintf("SETUP %s/stream=0 RTSP/1.0\r\nCSeq: %d\r\nTransport: %s\r\n\r\n", r.url(), cseq, r.transport(0, false)),
			reply("Transport: "+r.transport(0, true)+"\r\n"+r.sessionTimeout(), "")
	case 3:
		return fmt.Sprintf("SETUP %s/stream=1 RTSP/1.0\r\nCSeq: %d\r\nTransport: %s\r\n%s\r\n", r.url(), cseq, r.transport(1, false), sess),
			reply("Transport: "+r.transport(1, true)+"\r\n"+r.sessionTimeout(), "")
	case 4:
		return fmt.Sprintf("PLAY %s/ RTSP/1.0\r\nCSeq: %d\r\nRange: npt=0.000-\r\n%s\r\n", r.url(), cseq, sess),
			reply(sess+fmt.Sprintf("RTP-Info: url=%s/stream=0;seq=1;rtptime=0,url=%s/stream=1;seq=1;rtptime=0\r\n", r.url(), r.url()), "")
	}
	return fmt.Sprintf("TEARDOWN %s/ RTSP/1.0\r\nCSeq: %d\r\n%s\r\n", r.url(), cseq, sess), reply(sess, "")
}

func (r *rtspSession) sessionTimeout() string { return "Session: " + r.session + ";timeout=60\r\n" }

// segment emits a data segment of the client (up) or the server.
func (r *rtspSession) segment(b *builder, up bool, flags int, data []byte) ([]byte, error) {
	if up {
		f, err := b.tcpFrame(r.client, r.vip, true, r.cSeq, r.sSeq, flags, data)
		r.cSeq += uint32(len(data)) + uint32(btoi(flags&(flagSYN|flagFIN) != 0))
		return f, err
	}
	f, err := b.tcpFrame(r.vip, r.client, false, r.sSeq, r.cSeq, flags, data)
	r.sSeq += uint32(len(data)) + uint32(btoi(flags&(flagSYN|flagFIN) != 0))
	return f, err
}

func btoi(v bool) int {
	if v {
		return 1
	}
	return 0
}
