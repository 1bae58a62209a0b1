"""SARA STL profile: the session mix of `sara gen sessions`, client -> VIP.

Per-stream rates: voice RTP (214 B, 50/s per call) and RTCP, SIP INVITEs
at --cps, background UDP and TCP in IMIX sizes (60/590/1514 in 7:4:1, 10
packets/s per flow). Scale the whole mix with TRex's -m.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sara_trex as s  # noqa: E402

IMIX = ((60, 7), (590, 4), (1514, 1))


class SaraMix(object):
    def get_streams(self, tunables=(), direction=0, port_id=0, **kwargs):
        p = s.parser(__doc__)
        p.add_argument("--calls", type=int, default=10000, help="concurrent calls")
        p.add_argument("--cps", type=float, default=100.0, help="new calls per second (INVITEs)")
        p.add_argument("--flows", type=int, default=10000, help="background flows, half UDP, half TCP")
        p.add_argument("--flow-pps", type=float, default=10.0, help="packets/s per background flow")
        a = s.parse(p, tunables, kwargs)
        streams = [s.stream("voice_rtp.pcap", pps=50 * a.calls, clients=a.calls),
                   s.stream("voice_rtcp.pcap", pps=max(a.calls / 5.0, 1), clients=a.calls),
                   s.stream("sip_invite.pcap", pps=a.cps, clients=a.calls)]
        half = max(a.flows // 2, 1)
        for proto in ("udp", "tcp"):
            for size, weight in IMIX:
                pps = half * a.flow_pps * weight / 12.0
                streams.append(s.stream("bg_%s_%d.pcap" % (proto, size), pps=pps, clients=half,
                                        l4=proto.upper(), op="random"))
        return streams


def register():
    return SaraMix()
