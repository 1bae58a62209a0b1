"""TRex STL API stand-in (trex.stl.api) for check_profiles.py: see trex_stub.py."""
from trex_stub import STLError, check_offset, ip_value, layers, read_pcap


class STLVmFlowVar(object):
    def __init__(self, name, init_value=None, min_value=0, max_value=255, size=4, step=1, op="inc"):
        if op not in ("inc", "dec", "random") or size not in (1, 2, 4, 8):
            raise STLError("flow var %s: op %r size %r" % (name, op, size))
        if ip_value(min_value) > ip_value(max_value) or ip_value(max_value) >= 1 << (8 * size):
            raise STLError("flow var %s: range %r..%r does not fit %d bytes" % (name, min_value, max_value, size))
        self.name, self.min, self.max = name, min_value, max_value


class STLVmTupleGen(object):
    def __init__(self, ip_min="0.0.0.1", ip_max="0.0.0.10", port_min=1025, port_max=65535, name=None,
                 limit_flows=100000, flags=0):
        if ip_value(ip_min) > ip_value(ip_max) or not 0 <= port_min <= port_max <= 65535 or not name:
            raise STLError("tuple gen %r: bad range" % name)
        self.name = name


class STLVmWrFlowVar(object):
    def __init__(self, fv_name, pkt_offset, offset_fixup=0, add_val=0, is_big=True):
        self.fv_name, self.offset = fv_name, pkt_offset


class STLVmFixIpv4(object):
    def __init__(self, offset):
        self.offset = offset


class CTRexVmInsFixHwCs(object):
    L4_TYPE_UDP = 11
    L4_TYPE_TCP = 13


class STLVmFixChecksumHw(object):
    def __init__(self, l3_offset, l4_offset, l4_type):
        self.l3, self.l4, self.l4_type = l3_offset, l4_offset, l4_type


class STLScVmRaw(object):
    def __init__(self, list_of_commands=None, split_by_field=None, cache_size=None):
        self.commands = list(list_of_commands or [])
        declared = set()
        for c in self.commands:
            if isinstance(c, STLVmFlowVar):
                declared.add(c.name)
            elif isinstance(c, STLVmTupleGen):
                declared.update({c.name + ".ip", c.name + ".port"})
            elif isinstance(c, STLVmWrFlowVar) and c.fv_name not in declared:
                raise STLError("write of undeclared variable %r" % c.fv_name)


class STLPktBuilder(object):
    def __init__(self, pkt=None, pkt_buffer=None, vm=None, path_relative_to_profile=False, build_raw=False,
                 remove_fcs=True):
        if pkt_buffer is None:
            frames = read_pcap(pkt)
            if len(frames) != 1:
                raise STLError("%s: %d frames, a template has one" % (pkt, len(frames)))
            pkt_buffer = frames[0][0]
        self.frame, self.vm = pkt_buffer, vm
        fl = layers(pkt_buffer)
        for c in (vm.commands if vm else []):
            if isinstance(c, STLVmWrFlowVar):
                check_offset(fl, c.offset, pkt)
            elif isinstance(c, STLVmFixIpv4):
                check_offset(fl, c.offset, pkt)
            elif isinstance(c, STLVmFixChecksumHw):
                check_offset(fl, c.l3, pkt)
                check_offset(fl, c.l4, pkt)
                want = CTRexVmInsFixHwCs.L4_TYPE_UDP if c.l4 == "UDP" else CTRexVmInsFixHwCs.L4_TYPE_TCP
                if c.l4_type != want:
                    raise STLError("%s: l4_type %r for %s" % (pkt, c.l4_type, c.l4))


class STLTXCont(object):
    def __init__(self, pps=None, bps_L1=None, bps_L2=None, percentage=None):
        if pps is not None and pps <= 0:
            raise STLError("pps must be positive, got %r" % pps)
        self.pps = pps


class STLTXSingleBurst(object):
    def __init__(self, pps=None, total_pkts=1, bps_L1=None, bps_L2=None, percentage=None):
        self.pps = pps


class STLStream(object):
    def __init__(self, name=None, packet=None, mode=STLTXCont(pps=1), enabled=True, self_start=True, isg=0,
                 flow_stats=None, next=None, stream_id=None, action_count=0, random_seed=0,
                 mac_src_override_by_pkt=None, mac_dst_override_mode=None, dummy_stream=False,
                 start_paused=False, core_id=-1):
        self.name, self.packet, self.mode = name, packet, mode


class STLProfile(object):
    def __init__(self, streams=None):
        self.streams = streams or []

    def get_streams(self):
        return self.streams

    @staticmethod
    def load_pcap(pcap_file, ipg_usec=None, speedup=1.0, loop_count=1, vm=None, packet_hook=None,
                  split_mode=None, min_ipg_usec=None):
        frames = read_pcap(pcap_file)
        if not frames or loop_count < 0:
            raise STLError("%s: no frames or negative loop_count" % pcap_file)
        return STLProfile([STLStream(name=i, packet=STLPktBuilder(pkt_buffer=f, vm=vm),
                                     mode=STLTXSingleBurst(total_pkts=1, percentage=100))
                           for i, (f, _) in enumerate(frames, 1)])
