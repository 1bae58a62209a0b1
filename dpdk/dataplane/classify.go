package dataplane

/*
#include <stdlib.h>
#include "dp_parse.h"

static int dp_classify(const uint8_t *d, uint32_t len, struct dp_pkt *p) {
	memset(p, 0, sizeof(*p));
	return dp_parse(d, len, p);
}

// dp_parse_agree runs the parser with and without its fast path on the
// same frame: 1 when both give the same result and the same struct dp_pkt.
static int dp_parse_agree(const uint8_t *d, uint32_t len) {
	struct dp_pkt a, b;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	int ra = dp_parse(d, len, &a), rb = dp_parse_full(d, len, &b);
	return ra == rb && memcmp(&a, &b, sizeof(a)) == 0;
}

// dp_parse_fast_takes tells whether the fast path parses the frame (1) or
// leaves it to the full parser (0).
static int dp_parse_fast_takes(const uint8_t *d, uint32_t len) {
	struct dp_pkt p;
	return dp_parse_fast4(d, len, &p);
}
*/
import "C"

import (
	"net/netip"
	"unsafe"
)

// FlowKey is the 5-tuple the data plane keys a flow by.
type FlowKey struct {
	Src, Dst netip.AddrPort
	Proto    uint8 // 6 TCP, 17 UDP
}

// Classification is what the worker's parser makes of one frame.
type Classification struct {
	Drop     string // "" when the frame parses, else the drop reason
	Key      FlowKey
	TCPFlags uint8
}

// Classify runs the worker's C frame parser on one frame. It is one cgo
// call per frame: for tests, fuzzing and tools, never a packet path.
func Classify(frame []byte) Classification {
	var p C.struct_dp_pkt
	buf := C.CBytes(frame) // C copy: the parser may read any byte up to len
	defer C.free(buf)
	r := C.dp_classify((*C.uint8_t)(buf), C.uint32_t(len(frame)), &p)
	if r >= 0 {
		return Classification{Drop: DropReasons[r]}
	}
	c := Classification{TCPFlags: uint8(p.tcp_flags)}
	k4 := (*C.struct_dp_key4)(unsafe.Pointer(&p.anon0[0]))
	k6 := (*C.struct_dp_key6)(unsafe.Pointer(&p.anon0[0]))
	be := func(v C.uint16_t) uint16 { return uint16(v)>>8 | uint16(v)<<8 }
	if p.family == 4 {
		src := *(*[4]byte)(unsafe.Pointer(&k4.src))
		dst := *(*[4]byte)(unsafe.Pointer(&k4.dst))
		c.Key = FlowKey{netip.AddrPortFrom(netip.AddrFrom4(src), be(k4.sport)),
			netip.AddrPortFrom(netip.AddrFrom4(dst), be(k4.dport)), uint8(k4.proto)}
	} else {
		src := *(*[16]byte)(unsafe.Pointer(&k6.src[0]))
		dst := *(*[16]byte)(unsafe.Pointer(&k6.dst[0]))
		c.Key = FlowKey{netip.AddrPortFrom(netip.AddrFrom16(src), be(k6.sport)),
			netip.AddrPortFrom(netip.AddrFrom16(dst), be(k6.dport)), uint8(k6.proto)}
	}
	return c
}

// parseAgrees tells whether the worker's parser gives frame the same
// classification (result and every parsed field) with and without its
// IPv4 fast path (parse_test.go).
func parseAgrees(frame []byte) bool {
	buf := C.CBytes(frame)
	defer C.free(buf)
	return C.dp_parse_agree((*C.uint8_t)(buf), C.uint32_t(len(frame))) == 1
}

// parseFastTakes tells whether the parser's IPv4 fast path parses frame
// (it is for the test of the fast path's reach).
func parseFastTakes(frame []byte) bool {
	buf := C.CBytes(frame)
	defer C.free(buf)
	return C.dp_parse_fast_takes((*C.uint8_t)(buf), C.uint32_t(len(frame))) == 1
}
