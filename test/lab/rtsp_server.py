#!/usr/bin/python3
"""RTSP server of SARA's lab and fixtures: GStreamer's gst-rtsp-server (a real third-party
RTSP implementation) serving a short audio test stream.

Usage: rtsp_server.py ADDRESS PORT SECONDS
Serves rtsp://ADDRESS:PORT/test until killed. Each client gets its own
pipeline: two SECONDS-long sines as two RTP streams, PCMU (payload 0) and
PCMA (payload 8), so one RTSP session carries two SETUPs.
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main():
    buffers = int(float(sys.argv[3]) * 25)  # 320 samples at 8 kHz = 40 ms per buffer
    launch = (
        f"( audiotestsrc num-buffers={buffers} samplesperbuffer=320 ! audio/x-raw,rate=8000,channels=1 "
        "! mulawenc ! rtppcmupay name=pay0 pt=0 "
        f"audiotestsrc num-buffers={buffers} samplesperbuffer=320 freq=880 "
        "! audio/x-raw,rate=8000,channels=1 ! alawenc ! rtppcmapay name=pay1 pt=8 )"
    )
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address(sys.argv[1])
    server.set_service(sys.argv[2])
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch)
    factory.set_shared(False)
    server.get_mount_points().add_factory("/test", factory)
    server.attach(None)
    print("rtsp server ready", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
