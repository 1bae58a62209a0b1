"""A stand-in for TRex's Python API, for checking SARA's profiles without TRex.

It installs modules trex.stl.api and trex.astf.api whose classes take the
parameters TRex documents (a misspelt keyword fails with TypeError), check
what can be checked offline (template files exist, field-engine offsets name
layers the template has, variable ranges, SIP Content-Length, program
labels) and record what the profiles build. Used by check_profiles.py.
"""
import ipaddress
import struct
import sys
import types


class STLError(Exception):
    pass


class ASTFError(Exception):
    pass


def read_pcap(path):
    """Frames of a classic little-endian microsecond pcap: [(bytes, ts_usec)]."""
    with open(path, "rb") as f:
        data = f.read()
    magic, _, _, _, _, _, link = struct.unpack("<IHHiIII", data[:24])
    if magic != 0xA1B2C3D4 or link != 1:
        raise STLError("%s: not an Ethernet microsecond pcap" % path)
    out, off = [], 24
    while off < len(data):
        sec, usec, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        out.append((data[off + 16:off + 16 + incl], sec * 1000000 + usec))
        off += 16 + incl
    return out


def layers(frame):
    """Layer names of an Ethernet frame: Ether, Dot1Q, IP/IPv6, UDP/TCP."""
    names, et, off = ["Ether"], struct.unpack("!H", frame[12:14])[0], 14
    if et == 0x8100:
        names.append("Dot1Q")
        et, off = struct.unpack("!H", frame[16:18])[0], 18
    if et == 0x0800:
        names.append("IP")
        proto, off = frame[off + 9], off + (frame[off] & 15) * 4
    elif et == 0x86DD:
        names.append("IPv6")
        proto, off = frame[off + 6], off + 40
    else:
        return names
    names.append({17: "UDP", 6: "TCP"}.get(proto, "L4?"))
    return names


FIELDS = {"IP": {"src", "dst"}, "IPv6": {"src", "dst"}, "UDP": {"sport", "dport"}, "TCP": {"sport", "dport"}}


def check_offset(frame_layers, off, what):
    name, _, field = off.partition(".")
    if name not in frame_layers or (field and field not in FIELDS.get(name, ())):
        raise STLError("%s: offset %r not in a %s frame" % (what, off, "/".join(frame_layers)))


def ip_value(v):
    return int(ipaddress.ip_address(v)) if isinstance(v, str) else int(v)


# ---- STL ---------------------------------------------------------------------------------

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


# ---- ASTF --------------------------------------------------------------------------------

def check_sip(buf):
    """A SIP message must end its headers with CRLFCRLF and carry an exact Content-Length."""
    text = buf.decode()
    head, sep, body = text.partition("\r\n\r\n")
    if not sep or "\nContent-Length: %d\r" % len(body) not in head + "\r":
        raise ASTFError("SIP message with a wrong Content-Length or no header end: %r" % text[:60])


class ASTFProgram(object):
    def __init__(self, file=None, side="c", commands=None, stream=True):
        self.stream, self.cmds, self.labels = stream, [], set()

    def send_msg(self, buf):
        if isinstance(buf, str):
            buf = buf.encode()
        if buf.startswith(b"SIP/2.0") or b" SIP/2.0\r\n" in buf.split(b"\r\n", 1)[0] + b"\r\n":
            check_sip(buf)
        self.cmds.append(("send_msg", len(buf)))

    def recv_msg(self, pkts, clear=False):
        if pkts < 1:
            raise ASTFError("recv_msg(%r)" % pkts)
        self.cmds.append(("recv_msg", pkts))

    def delay(self, usec):
        self.cmds.append(("delay", usec))

    def set_var(self, var_id, val):
        self.cmds.append(("set_var", var_id))

    def set_label(self, label):
        if label in self.labels:
            raise ASTFError("label %s defined twice" % label)
        self.labels.add(label)

    def jmp_nz(self, var_id, label):
        if label not in self.labels or ("set_var", var_id) not in self.cmds:
            raise ASTFError("jmp_nz(%r, %r) before its variable or label" % (var_id, label))
        self.cmds.append(("jmp_nz", label))


class ASTFIPGenDist(object):
    def __init__(self, ip_range, distribution="seq", per_core_distribution=None):
        if ip_value(ip_range[0]) > ip_value(ip_range[1]):
            raise ASTFError("ip range %r" % ip_range)


class ASTFIPGenGlobal(object):
    def __init__(self, ip_offset="1.0.0.0"):
        ip_value(ip_offset)


class ASTFIPGen(object):
    def __init__(self, glob=ASTFIPGenGlobal(), dist_client=None, dist_server=None):
        pass


class ASTFAssociationRule(object):
    def __init__(self, port=80, ip_start=None, ip_end=None, l7_map=None):
        self.port = port


class ASTFTCPClientTemplate(object):
    def __init__(self, program=None, ip_gen=None, cluster=None, glob_info=None, port=80, cps=1, limit=None,
                 cont=False):
        if cps <= 0:
            raise ASTFError("cps must be positive")
        self.program, self.port = program, port


class ASTFTCPServerTemplate(object):
    def __init__(self, program=None, assoc=None, glob_info=None):
        self.program, self.assoc = program, assoc or ASTFAssociationRule()


class ASTFTemplate(object):
    def __init__(self, client_template=None, server_template=None, tg_name=None):
        if client_template.port != server_template.assoc.port:
            raise ASTFError("client port %d, server association %d" % (client_template.port,
                                                                       server_template.assoc.port))
        self.c, self.s = client_template, server_template


class ASTFProfile(object):
    def __init__(self, default_ip_gen, default_c_glob_info=None, default_s_glob_info=None, templates=None,
                 cap_list=None):
        self.templates = templates if isinstance(templates, list) else [templates]
        ports = [t.s.assoc.port for t in self.templates]
        if len(set(ports)) != len(ports):
            raise ASTFError("two server templates share an association port")


def install():
    """Make `from trex.stl.api import *` and `from trex.astf.api import *` load the stand-ins."""
    this = sys.modules[__name__]
    for pkg in ("trex", "trex.stl", "trex.astf"):
        sys.modules.setdefault(pkg, types.ModuleType(pkg))
    stl, astf = types.ModuleType("trex.stl.api"), types.ModuleType("trex.astf.api")
    for name in dir(this):
        if name.startswith(("STL", "CTRex")):
            setattr(stl, name, getattr(this, name))
        elif name.startswith("ASTF"):
            setattr(astf, name, getattr(this, name))
    sys.modules["trex.stl.api"], sys.modules["trex.astf.api"] = stl, astf
