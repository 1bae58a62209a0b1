package ethdev

/*
#include <rte_ethdev.h>
*/
import "C"

import (
	"fmt"
	"syscall"
)

// Stats are a port's basic counters.
type Stats struct {
	RxPackets uint64 `json:"rx_packets"`
	TxPackets uint64 `json:"tx_packets"`
	RxBytes   uint64 `json:"rx_bytes"`
	TxBytes   uint64 `json:"tx_bytes"`
	RxMissed  uint64 `json:"rx_missed"`  // dropped by the device: no rx descriptor
	RxErrors  uint64 `json:"rx_errors"`  // erroneous frames
	TxErrors  uint64 `json:"tx_errors"`  // failed transmissions
	RxNoMbuf  uint64 `json:"rx_no_mbuf"` // rx buffer allocation failures
}

// Stats reads the port's counters.
func (p *Port) Stats() (Stats, error) {
	var s C.struct_rte_eth_stats
	if rc := C.rte_eth_stats_get(C.uint16_t(p.ID), &s); rc != 0 {
		return Stats{}, fmt.Errorf("ethdev: stats %s: %w", p.Name, syscall.Errno(-rc))
	}
	return Stats{
		RxPackets: uint64(s.ipackets), TxPackets: uint64(s.opackets),
		RxBytes: uint64(s.ibytes), TxBytes: uint64(s.obytes),
		RxMissed: uint64(s.imissed), RxErrors: uint64(s.ierrors),
		TxErrors: uint64(s.oerrors), RxNoMbuf: uint64(s.rx_nombuf),
	}, nil
}
