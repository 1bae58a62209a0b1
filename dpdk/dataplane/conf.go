package dataplane

/*
#include <string.h>
#include "dp.h"
#include "dp_sig.h"
*/
import "C"

import (
	"encoding/binary"
	"slices"
	"unsafe"
)

// Timeout classes of a flow (enum dp_tclass), as in FlowRecord.Class: the
// timeout a flow gets, and for SIP and RTSP, that it is signalling.
const (
	ClassUDP   = C.DP_TC_UDP
	ClassTCP   = C.DP_TC_TCP
	ClassSIP   = C.DP_TC_SIP
	ClassRTSP  = C.DP_TC_RTSP
	ClassMedia = C.DP_TC_MEDIA
)

// buildConf writes the read-only worker configuration into DPDK memory.
func (d *Dataplane) buildConf() (err error) {
	if d.conf, err = zmalloc[C.struct_dp_conf]("dp_conf"); err != nil {
		return err
	}
	c, cfg := d.conf, &d.cfg
	for _, v := range cfg.VIPs {
		if v.Is4() || v.Is4In6() {
			a := v.Unmap().As4()
			C.memcpy(unsafe.Pointer(&c.vip4[c.nvip4]), unsafe.Pointer(&a[0]), 4)
			c.nvip4++
		} else {
			a := v.As16()
			C.memcpy(unsafe.Pointer(&c.vip6[c.nvip6][0]), unsafe.Pointer(&a[0]), 16)
			c.nvip6++
		}
	}
	c.burst = C.uint32_t(cfg.Burst)
	c.idle_polls = C.uint32_t(cfg.IdlePolls)
	c.idle_sleep_us = C.uint32_t(cfg.IdleSleep.Microseconds())
	c.purge_every = 16
	c.purge_budget = 32
	if cfg.TCPSynOnly {
		c.tcp_syn_only = 1
	}
	if cfg.FailoverRebalance {
		c.failover_rebalance = 1
	}
	if cfg.Signalling {
		c.sig_enabled = 1
	}
	if cfg.GatewayTap {
		c.gateway_tap = 1
	}
	if cfg.Lockstep {
		c.lockstep = 1
	}
	if cfg.FlowEvents {
		c.flow_events = 1
	}
	for p := range c.udp_class {
		c.udp_class[p] = ClassUDP
		c.tcp_class[p] = ClassTCP
	}
	for _, p := range cfg.SIPPortsUDP {
		c.udp_class[p] = ClassSIP
	}
	for _, p := range cfg.SIPPortsTCP {
		c.tcp_class[p] = ClassSIP
	}
	for _, p := range cfg.RTSPPortsTCP {
		c.tcp_class[p] = ClassRTSP
	}
	if cfg.Signalling { // the port bitmaps alone answer the workers' "hand it to Go?"
		for _, p := range cfg.SIPPortsUDP {
			setPortBit(&c.udp_sip, &c.udp_sip_any, p)
		}
		for _, p := range slices.Concat(cfg.SIPPortsTCP, cfg.RTSPPortsTCP) {
			setPortBit(&c.tcp_sig, &c.tcp_sig_any, p)
		}
	}
	return nil
}

// portBitmap is a port bitmap of struct dp_conf (udp_sip, tcp_sig).
type portBitmap = [65536 / 64]C.uint64_t

// portSummary is the summary word of a port bitmap (udp_sip_any, tcp_sig_any).
type portSummary = C.uint64_t

// setPortBit sets port p in a port bitmap and in its summary word.
func setPortBit(bits *portBitmap, summary *portSummary, p uint16) {
	bits[p/64] |= 1 << (p % 64)
	*summary |= 1 << C.dp_port_summary_bit(wirePort(p))
}

// wirePort is port p as a worker loads it from a frame: network order.
func wirePort(p uint16) C.uint16_t {
	var be [2]byte
	binary.BigEndian.PutUint16(be[:], p)
	return C.uint16_t(binary.NativeEndian.Uint16(be[:]))
}

// portBit is the worker's question (dp_port_bit) for port p, in host order.
func portBit(bits *portBitmap, summary portSummary, p uint16) bool {
	return C.dp_port_bit(&bits[0], summary, wirePort(p)) == 1
}

// summaryHas tells whether the summary word lets port p (host order)
// through to the bitmap.
func summaryHas(summary portSummary, p uint16) bool {
	return summary>>C.dp_port_summary_bit(wirePort(p))&1 == 1
}
