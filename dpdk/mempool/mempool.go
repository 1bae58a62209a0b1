// Package mempool creates DPDK packet-buffer pools and reports how many
// buffers are in use, which tests compare against a baseline to prove no
// mbuf leaks.
package mempool

/*
#cgo pkg-config: libdpdk
#include <stdlib.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
*/
import "C"

import (
	"fmt"
	"syscall"
	"unsafe"
)

// Pool is a pktmbuf pool living in DPDK memory.
type Pool struct {
	mp   *C.struct_rte_mempool
	name string
}

// Config sizes a pool.
type Config struct {
	Name     string // unique within the process
	Mbufs    uint32 // number of buffers; 2^q - 1 is the most memory-efficient
	Cache    uint32 // per-lcore cache size
	DataRoom uint16 // buffer data room; 0 means RTE_MBUF_DEFAULT_BUF_SIZE
	Socket   int    // NUMA socket, -1 for any
}

// New creates a packet-buffer pool.
func New(cfg Config) (*Pool, error) {
	if cfg.DataRoom == 0 {
		cfg.DataRoom = C.RTE_MBUF_DEFAULT_BUF_SIZE
	}
	name := C.CString(cfg.Name)
	defer C.free(unsafe.Pointer(name))
	mp := C.rte_pktmbuf_pool_create(name, C.uint(cfg.Mbufs), C.uint(cfg.Cache), 0,
		C.uint16_t(cfg.DataRoom), C.int(cfg.Socket))
	if mp == nil {
		return nil, fmt.Errorf("mempool: create %q (%d mbufs): %w", cfg.Name, cfg.Mbufs,
			syscall.Errno(C.rte_errno))
	}
	return &Pool{mp: mp, name: cfg.Name}, nil
}

// Ptr returns the struct rte_mempool pointer for other binding packages.
func (p *Pool) Ptr() unsafe.Pointer { return unsafe.Pointer(p.mp) }

// InUse returns the number of buffers currently allocated from the pool
// (including those sitting in per-lcore caches' complement).
func (p *Pool) InUse() int { return int(C.rte_mempool_in_use_count(p.mp)) }

// Avail returns the number of free buffers.
func (p *Pool) Avail() int { return int(C.rte_mempool_avail_count(p.mp)) }

// Close frees the pool; every buffer must have been returned.
func (p *Pool) Close() error {
	if p.mp != nil {
		C.rte_mempool_free(p.mp)
		p.mp = nil
	}
	return nil
}
