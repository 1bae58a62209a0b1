"""SARA STL profile: the 64-byte worst case over --flows live flows.

Minimum-size RTP frames (60 bytes + FCS) from --flows client addresses to
one VIP media port, addresses in turn (op inc), so every flow stays live.
Drive the rate with TRex's -m (e.g. -m 14.88mpps on 10GbE).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sara_trex as s  # noqa: E402


class Sara64(object):
    def get_streams(self, tunables=(), direction=0, port_id=0, **kwargs):
        p = s.parser(__doc__)
        p.add_argument("--flows", type=int, default=1000000, help="live flows (client addresses)")
        p.add_argument("--ipv6", action="store_true", help="IPv6 frames (min64_udp6.pcap, 74 bytes)")
        a = s.parse(p, tunables, kwargs)
        name = "min64_udp6.pcap" if a.ipv6 else "min64_udp.pcap"
        return [s.stream(name, pps=1000000, clients=a.flows, ipv6=a.ipv6)]


def register():
    return Sara64()
