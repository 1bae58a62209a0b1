"""SARA STL profile: every packet a new flow (flow setup rate).

Minimum-size UDP frames, or TCP SYNs with --syn, whose (client address,
source port) walks 2^22-1 addresses x 64512 ports (STLVmTupleGen), so a
packet repeats a 5-tuple only after 2.7e11 packets. Read SARA's
flows_created per second until table_full starts counting.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sara_trex as s  # noqa: E402


class SaraNewFlows(object):
    def get_streams(self, tunables=(), direction=0, port_id=0, **kwargs):
        p = s.parser(__doc__)
        p.add_argument("--syn", action="store_true", help="TCP SYNs (bg_tcp_syn.pcap) instead of UDP")
        a = s.parse(p, tunables, kwargs)
        name, l4 = ("bg_tcp_syn.pcap", "TCP") if a.syn else ("min64_udp.pcap", "UDP")
        vm = s.STLScVmRaw([
            s.STLVmTupleGen(ip_min=s.CLIENT4, ip_max=s.last_client4(s.MAX_CLIENTS4),
                          port_min=1024, port_max=65535, name="tuple"),
            s.STLVmWrFlowVar(fv_name="tuple.ip", pkt_offset="IP.src"),
            s.STLVmWrFlowVar(fv_name="tuple.port", pkt_offset=l4 + ".sport"),
            s.STLVmFixIpv4(offset="IP"),
            s.STLVmFixChecksumHw(l3_offset="IP", l4_offset=l4,
                               l4_type=s.CTRexVmInsFixHwCs.L4_TYPE_TCP if a.syn else s.CTRexVmInsFixHwCs.L4_TYPE_UDP),
        ])
        return [s.STLStream(name="new_flows", packet=s.STLPktBuilder(pkt=s.pcap(name), vm=vm),
                          mode=s.STLTXCont(pps=1000000))]


def register():
    return SaraNewFlows()
