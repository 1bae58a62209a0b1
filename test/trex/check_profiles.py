"""Loads every SARA TRex profile against trex_stub.py and checks what it builds.

    SARA_TREX_PCAPS=DIR python3 check_profiles.py

DIR holds the files of `sara gen trex --dir DIR`. Exits non-zero on the
first problem; prints one line per profile variant checked.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import trex_stub  # noqa: E402

trex_stub.install()


def load(name):
    import importlib
    return importlib.import_module(name).register()


def streams(name, tunables=(), **kwargs):
    got = load(name).get_streams(tunables=list(tunables), **kwargs)
    if not got:
        raise SystemExit("%s %s: no streams" % (name, tunables))
    return got


def main():
    checks = []
    v = streams("stl_voice", ["--calls", "1000", "--ipv6-share", "0.25"])
    assert {s.name for s in v} == {"voice_rtp", "voice_rtcp", "voice_rtp6"}, [s.name for s in v]
    assert sum(s.mode.pps for s in v if s.name.startswith("voice_rtp")) == 50 * 1000
    checks.append("stl_voice --calls 1000 --ipv6-share 0.25: %d streams, %d RTP pps" % (len(v), 50 * 1000))
    v = streams("stl_voice", calls=200)  # older TRex: -t calls=200 as keyword arguments
    assert sum(s.mode.pps for s in v if s.name == "voice_rtp") == 200 * 50
    checks.append("stl_voice calls=200 (keyword tunables)")
    m = streams("stl_mix", ["--flows", "1000", "--flow-pps", "12"])
    bg = sum(s.mode.pps for s in m if s.name.startswith("bg_"))
    assert abs(bg - 1000 * 12) < 1e-6, bg
    checks.append("stl_mix: %d streams, background %d pps" % (len(m), bg))
    for t in ([], ["--ipv6"]):
        streams("stl_64b", t + ["--flows", "1000"])
        checks.append("stl_64b %s" % " ".join(t))
    for t in ([], ["--syn"]):
        streams("stl_new_flows", t)
        checks.append("stl_new_flows %s" % " ".join(t))
    r = streams("stl_replay")
    checks.append("stl_replay: %d streams (one per frame)" % len(r))
    prof = load("astf_sip").get_profile(tunables=["--templates", "8", "--cps", "2", "--hold-ms", "1000"])
    assert len(prof.templates) == 16
    checks.append("astf_sip --templates 8: %d templates" % len(prof.templates))
    try:
        load("astf_sip").get_profile(tunables=["--templates", "2", "--cps", "100"])
        raise SystemExit("astf_sip accepted overlapping calls")
    except trex_stub.ASTFError:
        checks.append("astf_sip rejects overlapping calls")
    for c in checks:
        print("ok", c)


if __name__ == "__main__":
    main()
