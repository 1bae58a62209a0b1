package dataplane

/*
#include <string.h>
#include "dp.h"
#include "dp_sig.h"
*/
import "C"

import (
	"unsafe"
)

// Timeout classes (enum dp_tclass).
const (
	classUDP   = C.DP_TC_UDP
	classTCP   = C.DP_TC_TCP
	classSIP   = C.DP_TC_SIP
	classRTSP  = C.DP_TC_RTSP
	classMedia = C.DP_TC_MEDIA
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
		c.udp_class[p] = classUDP
		c.tcp_class[p] = classTCP
	}
	for _, p := range cfg.SIPPortsUDP {
		c.udp_class[p] = classSIP
		c.udp_sip[p/64] |= 1 << (p % 64)
	}
	for _, p := range cfg.SIPPortsTCP {
		c.tcp_class[p] = classSIP
		c.tcp_sig[p/64] |= 1 << (p % 64)
	}
	for _, p := range cfg.RTSPPortsTCP {
		c.tcp_class[p] = classRTSP
		c.tcp_sig[p/64] |= 1 << (p % 64)
	}
	return nil
}
