package sessions

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// call is one SIP call: UDP signalling from the client's port to the VIP's
// SIP port, G.711 media between the ports the SDP offer and answer name.
type call struct {
	id                  int
	callID, fromTag, to string
	client, vip         netip.AddrPort // signalling endpoints
	cMedia, sMedia      netip.AddrPort // RTP endpoints (RTCP: port + 1)
	cSSRC, sSSRC        uint32
	cSeq, sSeq          uint16
}

// host renders an address as it appears in a SIP URI or Via.
func host(a netip.Addr) string {
	if a.Is6() {
		return "[" + a.String() + "]"
	}
	return a.String()
}

// ipVer is the SDP address type of a.
func ipVer(a netip.Addr) string {
	if a.Is6() {
		return "IP6"
	}
	return "IP4"
}

// sdp is a G.711 offer or answer announcing media at m.
func sdp(m netip.AddrPort, sess uint32) string {
	return fmt.Sprintf("v=0\r\no=- %d 1 IN %s %s\r\ns=-\r\nc=IN %s %s\r\nt=0 0\r\nm=audio %d RTP/AVP 0\r\n"+
		"a=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=sendrecv\r\n",
		sess, ipVer(m.Addr()), m.Addr(), ipVer(m.Addr()), m.Addr(), m.Port())
}

// request builds a SIP request of the call from the client.
func (c *call) request(method string, cseq int, branch int, body string) []byte {
	var s strings.Builder
	uri := fmt.Sprintf("sip:service@%s:%d", host(c.vip.Addr()), c.vip.Port())
	fmt.Fprintf(&s, "%s %s SIP/2.0\r\n", method, uri)
	fmt.Fprintf(&s, "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-%d-%d\r\n", host(c.client.Addr()), c.client.Port(), c.id, branch)
	fmt.Fprintf(&s, "From: <sip:u%d@%s>;tag=%s\r\n", c.id, host(c.client.Addr()), c.fromTag)
	to := fmt.Sprintf("<%s>", uri)
	if method != "INVITE" {
		to += ";tag=" + c.to
	}
	fmt.Fprintf(&s, "To: %s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n", to, c.callID, cseq, method)
	fmt.Fprintf(&s, "Contact: <sip:u%d@%s:%d>\r\nMax-Forwards: 70\r\n", c.id, host(c.client.Addr()), c.client.Port())
	return finish(&s, body)
}

// response builds a SIP response of the server to the request with cseq.
func (c *call) response(code int, reason, method string, cseq, branch int, body string) []byte {
	var s strings.Builder
	fmt.Fprintf(&s, "SIP/2.0 %d %s\r\n", code, reason)
	fmt.Fprintf(&s, "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-%d-%d\r\n", host(c.client.Addr()), c.client.Port(), c.id, branch)
	fmt.Fprintf(&s, "From: <sip:u%d@%s>;tag=%s\r\n", c.id, host(c.client.Addr()), c.fromTag)
	to := fmt.Sprintf("<sip:service@%s:%d>", host(c.vip.Addr()), c.vip.Port())
	if code > 100 {
		to += ";tag=" + c.to
	}
	fmt.Fprintf(&s, "To: %s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n", to, c.callID, cseq, method)
	if code > 100 && method == "INVITE" {
		fmt.Fprintf(&s, "Contact: <sip:service@%s:%d>\r\n", host(c.vip.Addr()), c.vip.Port())
	}
	return finish(&s, body)
}

// finish appends the body headers and the body.
func finish(s *strings.Builder, body string) []byte {
	if body != "" {
		s.WriteString("Content-Type: application/sdp\r\n")
	}
	fmt.Fprintf(s, "Content-Length: %d\r\n\r\n%s", len(body), body)
	return []byte(s.String())
}

// script lays out the call from start to end (BYE at end).
func (c *call) script(sc *script, start, end time.Duration, small bool) {
	ms := time.Millisecond
	up := func(p []byte) func(*builder, int) ([]byte, error) {
		return func(b *builder, _ int) ([]byte, error) { return b.udpFrame(c.client, c.vip, true, p) }
	}
	down := func(p []byte) func(*builder, int) ([]byte, error) {
		return func(b *builder, _ int) ([]byte, error) { return b.udpFrame(c.vip, c.client, false, p) }
	}
	sc.once(start, up(c.request("INVITE", 1, 1, sdp(c.cMedia, c.cSSRC))))
	sc.once(start+1*ms, down(c.response(100, "Trying", "INVITE", 1, 1, "")))
	sc.once(start+5*ms, down(c.response(180, "Ringing", "INVITE", 1, 1, "")))
	sc.once(start+25*ms, down(c.response(200, "OK", "INVITE", 1, 1, sdp(c.sMedia, c.sSSRC))))
	sc.once(start+26*ms, up(c.request("ACK", 1, 2, "")))
	size := func(v6 bool) int {
		if small {
			return minPayload(v6)
		}
		return rtpHeader + g711Payload
	}
	rtcpC, rtcpS := port1(c.cMedia), port1(c.sMedia)
	sc.periodic(start+30*ms, end, every(voiceGap), func(b *builder, n int) ([]byte, error) {
		return b.udpFrame(c.cMedia, c.sMedia, true, b.rtp(ptPCMU, n == 0, c.cSeq+uint16(n), uint32(n)*160, c.cSSRC, size(c.cMedia.Addr().Is6())))
	})
	sc.periodic(start+40*ms, end, every(voiceGap), func(b *builder, n int) ([]byte, error) {
		return b.udpFrame(c.sMedia, c.cMedia, false, b.rtp(ptPCMU, n == 0, c.sSeq+uint16(n), uint32(n)*160, c.sSSRC, size(c.cMedia.Addr().Is6())))
	})
	sc.periodic(start+30*ms+rtcpFirst, end, every(rtcpGap), func(b *builder, n int) ([]byte, error) {
		return b.udpFrame(rtcpC, rtcpS, true, b.rtcp(true, small, c.cSSRC, c.sSSRC, time.Duration(n)*rtcpGap, uint32(n)*250))
	})
	sc.periodic(start+40*ms+rtcpFirst, end, every(rtcpGap), func(b *builder, n int) ([]byte, error) {
		return b.udpFrame(rtcpS, rtcpC, false, b.rtcp(false, small, c.sSSRC, c.cSSRC, time.Duration(n)*rtcpGap, uint32(n)*250))
	})
	sc.once(end, up(c.request("BYE", 2, 3, "")))
	sc.once(end+1*ms, down(c.response(200, "OK", "BYE", 2, 3, "")))
}

// truth lists the call's flows as `sara inspect --json` reports them.
func (c *call) truth() TruthSession {
	return TruthSession{Kind: "sip", ID: c.callID, Flows: []TruthFlow{
		udpFlow(c.client, c.vip, RoleSignalling), udpFlow(c.vip, c.client, RoleSignalling),
		udpFlow(c.cMedia, c.sMedia, RoleMedia), udpFlow(c.sMedia, c.cMedia, RoleMedia),
		udpFlow(port1(c.cMedia), port1(c.sMedia), RoleMedia), udpFlow(port1(c.sMedia), port1(c.cMedia), RoleMedia),
	}}
}

// port1 is the RTCP endpoint of an RTP endpoint.
func port1(a netip.AddrPort) netip.AddrPort { return netip.AddrPortFrom(a.Addr(), a.Port()+1) }
