"""TRex ASTF API stand-in (trex.astf.api) for check_profiles.py: see trex_stub.py."""
from trex_stub import ASTFError, ip_value


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
