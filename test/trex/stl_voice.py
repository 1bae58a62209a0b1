"""SARA STL profile: G.711 voice, the client -> VIP half of N concurrent calls.

Each call is one client address sending RTP (214-byte frames, 50 packets/s)
and RTCP receiver reports (every 5 s) to the VIP, as in `sara gen sessions`.
Tunables: --calls N, --ipv6-share F (needs voice_rtp6.pcap: an IPv6 --vip
given to `sara gen trex`).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sara_trex as s  # noqa: E402


class SaraVoice(object):
    def get_streams(self, tunables=(), direction=0, port_id=0, **kwargs):
        p = s.parser(__doc__)
        p.add_argument("--calls", type=int, default=10000, help="concurrent calls (client addresses)")
        p.add_argument("--ipv6-share", type=float, default=0.0, help="fraction of calls over IPv6")
        a = s.parse(p, tunables, kwargs)
        v6 = int(round(a.calls * a.ipv6_share))
        v4 = a.calls - v6
        streams = []
        if v4:
            streams += [s.stream("voice_rtp.pcap", pps=50 * v4, clients=v4),
                        s.stream("voice_rtcp.pcap", pps=max(v4 / 5.0, 1), clients=v4)]
        if v6:
            streams.append(s.stream("voice_rtp6.pcap", pps=50 * v6, clients=v6, ipv6=True))
        return streams


def register():
    return SaraVoice()
