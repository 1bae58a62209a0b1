// Package gateway is the gateway inspector (`sara gateway`): on the
// servers' default route it captures server->client signalling (which the
// dispatcher never sees: direct server return), inspects it with the SIP
// and RTSP inspectors (Dir FromServer) and tells the dispatcher what it
// learnt — media endpoints announced by the servers, ends of sessions — as
// sealed engine/announce messages over UDP.
//
//	pcap (BPF: signalling source ports, VIP sources) ─► Pipeline.Frame
//	   ─► gopacket layers ─► UDP datagram | TCP in-order ─► inspect.Stream
//	   ─► sip|rtsp Inspect ─► announce.FromResult ─► Sender (seal, UDP) ─► dispatcher
//
// Config is the `gateway:` configuration section.
package gateway
