"""SARA ASTF profile: SIP-like calls (UDP signalling + G.711 media) at a call rate.

ASTF sends fixed payloads, so distinct concurrent calls need distinct
templates: call template k has its own client address (100.64.<k>.1),
Call-ID, SIP port on the VIP (--sip-port + k, list them all in SARA's
signalling.sip_udp_ports) and media port (20000 + 2k, announced in its SDP).
A call: INVITE (SDP offer) -> 100/180/200 (SDP answer) -> ACK, --hold-ms of
RTP (172-byte payloads every 20 ms, client -> VIP) on a second template, BYE
-> 200. Calls of one template never overlap while --cps <= --templates /
(hold + 0.1 s), which the profile checks.
Tunables: --vip, --templates, --cps, --hold-ms, --sip-port.
"""
import os
import sys

try:
    from trex.astf.api import *  # noqa: F401,F403
except ImportError:
    from trex_astf_lib.api import *  # noqa: F401,F403

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sara_trex as s  # noqa: E402


def sip(first, headers, body=""):
    """A SIP message with CRLF line ends and an exact Content-Length."""
    text = first + "\r\n" + "".join(h + "\r\n" for h in headers)
    if body:
        text += "Content-Type: application/sdp\r\n"
    return (text + "Content-Length: %d\r\n\r\n%s" % (len(body), body)).encode()


def sdp(addr, port):
    return ("v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\n" % (addr, addr, port))


class SaraSIP(object):
    def call(self, k, vip, sip_port, hold_us):
        """Client and server programs of call template k."""
        client = "100.64.%d.1" % k
        call_id, tag = "%d-astf@sara-gen" % k, "astf%d" % k
        uri = "sip:service@%s:%d" % (vip, sip_port)
        common = ["From: <sip:u%d@%s>;tag=%s" % (k, client, tag), "Call-ID: %s" % call_id]
        via = "Via: SIP/2.0/UDP %s:5060;branch=z9hG4bK-astf-%d-" % (client, k)

        def req(method, cseq, branch, body="", to_tag=True):
            to = "To: <%s>" % uri + (";tag=s%d" % k if to_tag else "")
            return sip("%s %s SIP/2.0" % (method, uri),
                       [via + str(branch), to] + common + ["CSeq: %d %s" % (cseq, method), "Max-Forwards: 70",
                                                          "Contact: <sip:u%d@%s:5060>" % (k, client)], body)

        def rep(code, reason, method, cseq, branch, body=""):
            to = "To: <%s>" % uri + (";tag=s%d" % k if code > 100 else "")
            return sip("SIP/2.0 %d %s" % (code, reason),
                       [via + str(branch), to] + common + ["CSeq: %d %s" % (cseq, method)], body)

        c = ASTFProgram(stream=False)
        c.send_msg(req("INVITE", 1, 1, sdp(client, 16384), to_tag=False))
        c.recv_msg(3)  # 100 Trying, 180 Ringing, 200 OK
        c.send_msg(req("ACK", 1, 2))
        c.delay(hold_us)
        c.send_msg(req("BYE", 2, 3))
        c.recv_msg(1)

        srv = ASTFProgram(stream=False)
        srv.recv_msg(1)
        srv.send_msg(rep(100, "Trying", "INVITE", 1, 1))
        srv.send_msg(rep(180, "Ringing", "INVITE", 1, 1))
        srv.send_msg(rep(200, "OK", "INVITE", 1, 1, sdp(vip, 20000 + 2 * k)))
        srv.recv_msg(2)  # ACK, BYE
        srv.send_msg(rep(200, "OK", "BYE", 2, 3))
        return client, c, srv

    def media(self, hold_us):
        """RTP for hold_us: a 172-byte datagram (RTP header + 160 bytes) every 20 ms."""
        rtp = b"\x80\x00" + b"\x00" * 10 + b"\xd5" * 160
        c = ASTFProgram(stream=False)
        c.set_var("n", max(hold_us // 20000, 1))
        c.set_label("rtp:")
        c.send_msg(rtp)
        c.delay(20000)
        c.jmp_nz("n", "rtp:")
        srv = ASTFProgram(stream=False)
        srv.recv_msg(max(hold_us // 20000, 1))
        return c, srv

    def get_profile(self, tunables=(), **kwargs):
        p = s.parser(__doc__)
        p.add_argument("--vip", default="10.0.0.100", help="the cluster's IPv4 VIP")
        p.add_argument("--templates", type=int, default=64, help="distinct concurrent calls (1..250)")
        p.add_argument("--cps", type=float, default=20.0, help="new calls per second, all templates")
        p.add_argument("--hold-ms", type=int, default=2000, help="media time of a call")
        p.add_argument("--sip-port", type=int, default=5060, help="SIP port of template 0 on the VIP")
        a = s.parse(p, tunables, kwargs)
        if not 1 <= a.templates <= 250:
            raise ASTFError("templates must be in 1..250")
        hold_us = a.hold_ms * 1000
        per = a.cps / a.templates
        if per * (a.hold_ms / 1000.0 + 0.1) > 1:
            raise ASTFError("cps %.1f overlaps calls of a template: at most %.1f with %d templates and %d ms"
                            % (a.cps, a.templates / (a.hold_ms / 1000.0 + 0.1), a.templates, a.hold_ms))
        templates = []
        for k in range(a.templates):
            client, c, srv = self.call(k, a.vip, a.sip_port + k, hold_us)
            gen = ASTFIPGen(glob=ASTFIPGenGlobal(ip_offset="0.0.0.0"),
                            dist_client=ASTFIPGenDist(ip_range=[client, client], distribution="seq"),
                            dist_server=ASTFIPGenDist(ip_range=[a.vip, a.vip], distribution="seq"))
            templates.append(ASTFTemplate(
                client_template=ASTFTCPClientTemplate(program=c, ip_gen=gen, port=a.sip_port + k, cps=per),
                server_template=ASTFTCPServerTemplate(program=srv, assoc=ASTFAssociationRule(port=a.sip_port + k))))
            mc, ms = self.media(hold_us)
            templates.append(ASTFTemplate(
                client_template=ASTFTCPClientTemplate(program=mc, ip_gen=gen, port=20000 + 2 * k, cps=per),
                server_template=ASTFTCPServerTemplate(program=ms, assoc=ASTFAssociationRule(port=20000 + 2 * k))))
        default = ASTFIPGen(glob=ASTFIPGenGlobal(ip_offset="0.0.0.0"),
                            dist_client=ASTFIPGenDist(ip_range=["100.64.0.1", "100.64.0.1"], distribution="seq"),
                            dist_server=ASTFIPGenDist(ip_range=[a.vip, a.vip], distribution="seq"))
        return ASTFProfile(default_ip_gen=default, templates=templates)


def register():
    return SaraSIP()
