"""Helpers shared by SARA's TRex STL profiles (test/trex/stl_*.py).

Every stream sends a template frame written by `sara gen trex --dir DIR`
(one frame per pcap, read with STLPktBuilder(pkt=...)) and rewrites its
client address per packet with the field engine, so a few templates make
many flows. Templates live in $SARA_TREX_PCAPS, default test/trex/pcap.
"""
import ipaddress
import os

try:  # TRex >= 2.8x ships the API as trex.stl.api; older as trex_stl_lib.api
    from trex.stl.api import *  # noqa: F401,F403
except ImportError:
    from trex_stl_lib.api import *  # noqa: F401,F403

HERE = os.path.dirname(os.path.abspath(__file__))
PCAP_DIR = os.environ.get("SARA_TREX_PCAPS", os.path.join(HERE, "pcap"))

# Client addresses of the templates (test/gen/sessions.TemplateClient{,6}).
CLIENT4 = "100.64.0.1"
CLIENT6_LOW32 = 1  # 2001:db8:5a52::1: the field engine rewrites the low 32 bits
MAX_CLIENTS4 = (1 << 22) - 1  # 100.64.0.1 .. 100.127.255.255: all of 100.64.0.0/10


def pcap(name):
    """Path of a template written by `sara gen trex`; fails early if absent."""
    path = os.path.join(PCAP_DIR, name)
    if not os.path.exists(path):
        raise STLError("%s missing: run `sara gen trex --dir %s`" % (path, PCAP_DIR))
    return path


def last_client4(n):
    """The n-th IPv4 client address counting from CLIENT4."""
    if not 1 <= n <= MAX_CLIENTS4:
        raise STLError("clients must be in 1..%d, got %d" % (MAX_CLIENTS4, n))
    return str(ipaddress.IPv4Address(CLIENT4) + (n - 1))


def client_vm(clients, l4="UDP", ipv6=False, op="inc"):
    """Field engine writing one of `clients` client addresses per packet and
    fixing checksums: the IPv4 header checksum in software (STLVmFixIpv4),
    the UDP/TCP checksum by the NIC (STLVmFixChecksumHw)."""
    if ipv6:
        ins = [STLVmFlowVar(name="client", min_value=CLIENT6_LOW32, max_value=CLIENT6_LOW32 + clients - 1,
                            size=4, op=op),
               STLVmWrFlowVar(fv_name="client", pkt_offset="IPv6.src", offset_fixup=12)]
        l3 = "IPv6"
    else:
        ins = [STLVmFlowVar(name="client", min_value=CLIENT4, max_value=last_client4(clients), size=4, op=op),
               STLVmWrFlowVar(fv_name="client", pkt_offset="IP.src"),
               STLVmFixIpv4(offset="IP")]
        l3 = "IP"
    l4type = CTRexVmInsFixHwCs.L4_TYPE_UDP if l4 == "UDP" else CTRexVmInsFixHwCs.L4_TYPE_TCP
    ins.append(STLVmFixChecksumHw(l3_offset=l3, l4_offset=l4, l4_type=l4type))
    return STLScVmRaw(ins)


def stream(template, pps, clients, l4="UDP", ipv6=False, op="inc", isg=0.0):
    """A continuous stream of `template` at `pps` packets/s from `clients` clients."""
    return STLStream(name=template.replace(".pcap", ""),
                     packet=STLPktBuilder(pkt=pcap(template), vm=client_vm(clients, l4, ipv6, op)),
                     mode=STLTXCont(pps=pps),
                     isg=isg)


def parser(doc):
    """An argparse parser for a profile's tunables."""
    import argparse
    return argparse.ArgumentParser(description=doc, formatter_class=argparse.ArgumentDefaultsHelpFormatter)


def parse(p, tunables, kwargs):
    """Parse a profile's tunables however TRex passes them: newer TRex hands
    get_streams the words after `-t` as `tunables` (start -f F -t --calls 10);
    older TRex passes `-t calls=10` as keyword arguments."""
    argv = list(tunables or ())
    for k, v in sorted(kwargs.items()):
        flag = "--" + k.replace("_", "-")
        if v is True:
            argv.append(flag)
        elif v is not False and v is not None:
            argv += [flag, str(v)]
    return p.parse_args(argv)
