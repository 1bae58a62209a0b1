"""A stand-in for TRex's Python API, for checking SARA's profiles without TRex.

It installs modules trex.stl.api and trex.astf.api whose classes take the
parameters TRex documents (a misspelt keyword fails with TypeError), check
what can be checked offline (template files exist, field-engine offsets name
layers the template has, variable ranges, SIP Content-Length, program
labels) and record what the profiles build. Used by check_profiles.py.
This module holds what both share; trex_stub_stl.py and trex_stub_astf.py
the two APIs.
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


def install():
    """Make `from trex.stl.api import *` and `from trex.astf.api import *` load the stand-ins."""
    import trex_stub_astf
    import trex_stub_stl
    for pkg in ("trex", "trex.stl", "trex.astf"):
        sys.modules.setdefault(pkg, types.ModuleType(pkg))
    stl, astf = types.ModuleType("trex.stl.api"), types.ModuleType("trex.astf.api")
    for name in dir(trex_stub_stl):
        if name.startswith(("STL", "CTRex")):
            setattr(stl, name, getattr(trex_stub_stl, name))
    for name in dir(trex_stub_astf):
        if name.startswith("ASTF"):
            setattr(astf, name, getattr(trex_stub_astf, name))
    sys.modules["trex.stl.api"], sys.modules["trex.astf.api"] = stl, astf
