package dataplane

/*
#include <string.h>
#include <rte_malloc.h>
#include "dp_go.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"net/netip"
	"unsafe"

	"github.com/sara-lb/sara/dpdk/eal"
	"github.com/sara-lb/sara/engine/cluster"
)

// ErrExpectFull is returned when the expectation table has no room.
var ErrExpectFull = errors.New("dataplane: expectation table full")

// ExpectKey is what an announced flow is matched on: destination and
// transport (6 TCP, 17 UDP); with BySource, Dst is instead the client's own
// media endpoint and the key matches flows FROM it (symmetric RTP).
type ExpectKey struct {
	Dst      netip.AddrPort
	Proto    uint8
	BySource bool
}

// ExpectCand is one session expecting a flow: from Src when known
// (invalid: any client), to be sent to Server.
type ExpectCand struct {
	Src     netip.Addr
	Server  cluster.ServerID
	Session uint32
}

// MaxExpectCands is the most sessions one ExpectKey can tell apart.
const MaxExpectCands = C.DP_XCANDS

type pendingFree struct {
	pos    C.int32_t
	idx    uint32
	epochs [MaxWorkers]uint64 // each worker's loop count at removal (no allocation)
}

type expectState struct {
	xt      *C.struct_dp_xtable
	key     *C.struct_dp_xkey  // scratch in C memory: no allocation per call
	cands   *C.struct_dp_xcand // scratch: MaxExpectCands entries
	index   map[ExpectKey]uint32
	free    []uint32
	pending []pendingFree
	// portKeys counts the installed keys per side and port (index
	// by_src*65536 + the port's network-order value, as the C port
	// filter): its bit is set while the count is not zero.
	portKeys []uint32
}

func (d *Dataplane) buildExpect(inst uint32) error {
	if !d.cfg.Signalling {
		return nil
	}
	xt, err := zmalloc[C.struct_dp_xtable]("dp_xtable")
	if err != nil {
		return err
	}
	name := C.CString(fmt.Sprintf("sara%d_expect", inst))
	defer C.free(unsafe.Pointer(name))
	if rc := C.dp_xtable_init(xt, name, C.uint32_t(d.cfg.ExpectTableSize), -1); rc < 0 {
		C.rte_free(unsafe.Pointer(xt))
		return fmt.Errorf("dataplane: expectation table (%d): %w", d.cfg.ExpectTableSize, errnoErr(-rc))
	}
	d.exp = expectState{xt: xt, index: map[ExpectKey]uint32{},
		key:      (*C.struct_dp_xkey)(C.calloc(1, C.sizeof_struct_dp_xkey)),
		cands:    (*C.struct_dp_xcand)(C.calloc(MaxExpectCands, C.sizeof_struct_dp_xcand)),
		portKeys: make([]uint32, 2*65536)}
	for i := d.cfg.ExpectTableSize; i > 0; i-- {
		d.exp.free = append(d.exp.free, i-1)
	}
	d.conf.xt = xt
	return nil
}

func (d *Dataplane) closeExpect() {
	C.free(unsafe.Pointer(d.exp.key))
	C.free(unsafe.Pointer(d.exp.cands))
	d.exp.key, d.exp.cands = nil, nil
	if d.exp.xt != nil {
		C.dp_xtable_free(d.exp.xt)
		C.rte_free(unsafe.Pointer(d.exp.xt))
		d.exp.xt = nil
	}
}

// portRef adds delta (+1 or -1) to the live keys of k's side and port and
// sets or clears the workers' filter bit when the count leaves or reaches
// zero: set before the first key is added, cleared after the last is gone.
func (d *Dataplane) portRef(k ExpectKey, delta int) {
	p := k.Dst.Port()
	be := p>>8 | p<<8
	side := 0
	if k.BySource {
		side = 1
	}
	i := side*65536 + int(be)
	before := d.exp.portKeys[i]
	after := uint32(int(before) + delta)
	d.exp.portKeys[i] = after
	if (before == 0) != (after == 0) {
		on := C.int(0)
		if after != 0 {
			on = 1
		}
		C.dp_xport_set(d.exp.xt, C.uint32_t(side), C.uint16_t(be), on)
	}
}

func xkey(x *C.struct_dp_xkey, k ExpectKey) {
	*x = C.struct_dp_xkey{}
	a := k.Dst.Addr().As16() // IPv4 as ::ffff:a.b.c.d
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&x.dst[0])), 16), a[:])
	p := k.Dst.Port()
	x.dport = C.uint16_t(p>>8 | p<<8)
	x.proto = C.uint8_t(k.Proto)
	if k.BySource {
		x.by_src = 1
	}
}

// ExpectSet installs the candidates expecting k (replacing any), or
// removes k when cands is empty. Workers see the change at their next
// lookup; a removed entry's memory is reused only after every worker has
// passed a loop (ExpectReclaim). Go is the table's only writer: call it from
// one goroutine.
func (d *Dataplane) ExpectSet(k ExpectKey, cands []ExpectCand) error {
	x := d.exp.xt
	if x == nil {
		return fmt.Errorf("dataplane: expectations need Signalling")
	}
	key := d.exp.key
	xkey(key, k)
	idx, ok := d.exp.index[k]
	if len(cands) == 0 {
		if !ok {
			return nil
		}
		pos := C.dp_xdel(x, key)
		delete(d.exp.index, k)
		d.portRef(k, -1)
		if pos >= 0 {
			d.exp.pending = append(d.exp.pending, pendingFree{pos: pos, idx: idx, epochs: d.epochs()})
		}
		d.ExpectReclaim()
		return nil
	}
	if len(cands) > MaxExpectCands {
		cands = cands[:MaxExpectCands] // the oldest announcements win; counted by the caller
	}
	if !ok {
		d.ExpectReclaim()
		if len(d.exp.free) == 0 {
			return ErrExpectFull
		}
		idx = d.exp.free[len(d.exp.free)-1]
		d.exp.free = d.exp.free[:len(d.exp.free)-1]
		d.portRef(k, +1) // the filter bit before the key: a worker that finds the key looked it up
	}
	cs := unsafe.Slice(d.exp.cands, MaxExpectCands)
	for i, c := range cands {
		cs[i] = C.struct_dp_xcand{}
		if c.Src.IsValid() {
			a := c.Src.As16() // IPv4 as ::ffff:a.b.c.d
			copy(unsafe.Slice((*byte)(unsafe.Pointer(&cs[i].src[0])), 16), a[:])
			cs[i].has_src = 1
		}
		cs[i].server = C.uint16_t(c.Server)
		cs[i].session = C.uint32_t(c.Session)
	}
	if rc := C.dp_xput(x, key, C.uint32_t(idx), d.exp.cands, C.uint32_t(len(cands))); rc < 0 {
		if !ok {
			d.exp.free = append(d.exp.free, idx)
			d.portRef(k, -1)
		}
		return fmt.Errorf("%w: %v", ErrExpectFull, k)
	}
	d.exp.index[k] = idx
	return nil
}

// ExpectLen returns the number of expectation keys installed.
func (d *Dataplane) ExpectLen() int { return len(d.exp.index) }

func (d *Dataplane) epochs() (e [MaxWorkers]uint64) {
	for i, w := range d.workers {
		e[i] = uint64(C.dp_epoch(w))
	}
	return e
}

// ExpectReclaim frees removed entries that no worker can still be reading.
func (d *Dataplane) ExpectReclaim() {
	keep := d.exp.pending[:0]
	for _, p := range d.exp.pending {
		safe := true
		for i, w := range d.workers {
			if d.started && w.running != 0 && uint64(C.dp_epoch(w)) <= p.epochs[i] {
				safe = false
				break
			}
		}
		if safe {
			C.dp_xfree_pos(d.exp.xt, p.pos)
			d.exp.free = append(d.exp.free, p.idx)
		} else {
			keep = append(keep, p)
		}
	}
	d.exp.pending = keep
}

func errnoErr(e C.int) error { return eal.Errno(int(e)) }
