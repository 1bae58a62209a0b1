"""SARA STL profile: replay sessions_small.pcap (`sara gen trex`) as streams.

The capture holds 4 SIP calls, 2 RTSP sessions and 4 background flows for
1 s, frames to the VIP only (s.STLProfile.load_pcap makes one stream per
frame, keeping their order and gaps scaled by --ipg-usec). Use it to check
a lab setup end to end (sessions must stay on one server); for rate tests
use stl_mix.py.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sara_trex as s  # noqa: E402


class SaraReplay(object):
    def get_streams(self, tunables=(), direction=0, port_id=0, **kwargs):
        p = s.parser(__doc__)
        p.add_argument("--ipg-usec", type=float, default=None,
                       help="fixed gap between frames in us (default: the capture's own timing)")
        p.add_argument("--loop-count", type=int, default=1, help="times the capture is sent (0: forever)")
        a = s.parse(p, tunables, kwargs)
        profile = s.STLProfile.load_pcap(s.pcap("sessions_small.pcap"), ipg_usec=a.ipg_usec,
                                       loop_count=a.loop_count)
        return profile.get_streams()


def register():
    return SaraReplay()
