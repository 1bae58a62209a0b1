// Package lab builds SARA's live lab: a topology of network namespaces and
// veth pairs (client, router, dispatcher, three direct-server-return
// servers behind a bridge), runs the real dispatcher (`sara run` on DPDK
// net_af_packet) and `sara agent` in it, drives real third-party peers
// through it (sipp for SIP with RTP, GStreamer's RTSP server and ffmpeg for
// RTSP), and checks on the servers' side, from per-server captures decoded
// by tshark, where every packet of every session went.
//
// Scenarios (Calls, RTSP, Trunk, Drain, ServerFailure) each return a
// Result: JSON plus a readable summary. A check that needs a piece the
// dispatcher does not run yet is reported as pending with the reason, never
// as passed. Everything is torn down by Lab.Close, also on SIGINT/SIGTERM
// (HandleSignals). See README.md and docs/lab.md.
package lab
