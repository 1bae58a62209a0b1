// Package dataplane runs SARA's C worker loop on DPDK worker lcores and is
// the Go side of it: it builds the C structures (configuration, per-worker
// flow tables, the published policy) in DPDK memory, launches and stops the
// loops, publishes policy by pointer swap and reads counters by field access.
// Go never handles single packets. See README.md for threads and data flow.
package dataplane

/*
#cgo pkg-config: libdpdk
#cgo CFLAGS: -O3 -msse4.2 -Wall -Wno-unused-function
#include <stdlib.h>
#include <rte_malloc.h>
#include "dp.h"
#include "dp_go.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/sara-lb/sara/dpdk/eal"
	"github.com/sara-lb/sara/dpdk/ethdev"
	"github.com/sara-lb/sara/dpdk/mempool"
)

// ErrLcores is returned when the EAL has fewer worker lcores than workers.
var ErrLcores = errors.New("dataplane: not enough worker lcores")

var instances atomic.Uint32

// Dataplane is a running (or ready) set of workers with their ports.
type Dataplane struct {
	cfg        Config
	pool       *mempool.Pool
	ports      []*ethdev.Port
	conf       *C.struct_dp_conf
	shared     *C.struct_dp_shared
	pol        [2]*C.struct_dp_policy
	cur        int // index in pol of the published policy
	workers    []*C.struct_dp_worker
	wsC        **C.struct_dp_worker // C array of workers for the signalling calls
	lcores     []uint
	started    bool
	sig        sigState
	exp        expectState
	pubMu      sync.Mutex   // Publish and Reconfigure
	standby    bool         // SetStandby; guarded by pubMu
	lastPolicy Policy       // the last published; guarded by pubMu
	nsrv       atomic.Int32 // len(cfg.ServerMACs), for readers of counters
}

// New builds the data plane: mempool, ports (one rx/tx queue pair per
// worker), per-worker flow tables and an empty policy (no server
// selectable until Publish). The EAL must be initialised. On error,
// everything built so far is released.
func New(cfg Config) (d *Dataplane, err error) {
	cfg.Defaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	lcores := eal.WorkerLcores()
	if len(lcores) < cfg.Workers {
		return nil, fmt.Errorf("%w: %d workers, EAL has %d (set dataplane.lcores)", ErrLcores, cfg.Workers, len(lcores))
	}
	built := &Dataplane{cfg: cfg, lcores: lcores[:cfg.Workers]}
	built.nsrv.Store(int32(len(cfg.ServerMACs)))
	d = built
	defer func() {
		if err != nil {
			built.Close() // the named result is already nil here
		}
	}()
	id := instances.Add(1)
	d.pool, err = mempool.New(mempool.Config{Name: fmt.Sprintf("sara_mp%d", id),
		Mbufs: cfg.Mbufs, Cache: cfg.MbufCache, Socket: -1})
	if err != nil {
		return nil, err
	}
	for _, ps := range cfg.Ports {
		p, err := ethdev.Open(ps.Name, ps.Devargs)
		if err != nil {
			return nil, err
		}
		d.ports = append(d.ports, p)
		if err := p.Configure(cfg.Workers, d.pool.Ptr(), 1024, 1024); err != nil {
			return nil, err
		}
	}
	if err := d.buildConf(); err != nil {
		return nil, err
	}
	if err := d.buildPolicy(); err != nil {
		return nil, err
	}
	if err := d.buildExpect(id); err != nil {
		return nil, err
	}
	for i := 0; i < cfg.Workers; i++ {
		w, err := d.newWorker(id, i)
		if err != nil {
			return nil, err
		}
		d.workers = append(d.workers, w)
	}
	d.wsC = (**C.struct_dp_worker)(C.calloc(C.size_t(len(d.workers)), C.size_t(unsafe.Sizeof(uintptr(0)))))
	copy(unsafe.Slice(d.wsC, len(d.workers)), d.workers)
	d.sig.init()
	return d, nil
}

func zmalloc[T any](name string) (*T, error) {
	var z T
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	p := C.rte_zmalloc(cname, C.size_t(unsafe.Sizeof(z)), C.RTE_CACHE_LINE_SIZE)
	if p == nil {
		return nil, fmt.Errorf("dataplane: rte_zmalloc %s (%d bytes): out of DPDK memory", name, unsafe.Sizeof(z))
	}
	return (*T)(p), nil
}

func (d *Dataplane) buildPolicy() (err error) {
	if d.shared, err = zmalloc[C.struct_dp_shared]("dp_shared"); err != nil {
		return err
	}
	for i := range d.pol {
		if d.pol[i], err = zmalloc[C.struct_dp_policy]("dp_policy"); err != nil {
			return err
		}
	}
	d.writeServers(d.pol[0])
	C.dp_publish(d.shared, d.pol[0])
	return nil
}

func (d *Dataplane) newWorker(inst uint32, i int) (*C.struct_dp_worker, error) {
	w, err := zmalloc[C.struct_dp_worker]("dp_worker")
	if err != nil {
		return nil, err
	}
	w.id = C.uint16_t(i)
	w.queue = C.uint16_t(i)
	w.nports = C.uint16_t(len(d.ports))
	for pi, p := range d.ports {
		w.ports[pi] = C.uint16_t(p.ID)
		mac := p.MAC()
		C.memcpy(unsafe.Pointer(&w.port_mac[pi]), unsafe.Pointer(&mac[0]), 6)
	}
	w.cursor = C.uint32_t(i * d.cfg.SelectionSlots / d.cfg.Workers)
	w.rnd = C.uint32_t(0x9e3779b9 ^ uint32(i+1)*0x85ebca6b) // never 0
	w.conf = d.conf
	w.shared = d.shared
	for j, r := range []**C.struct_rte_ring{&w.to_go, &w.from_go} {
		name := C.CString(fmt.Sprintf("sara%d_w%d_sig%d", inst, i, j))
		*r = C.dp_ring(name, C.uint(d.cfg.SigRingSize), C.int(eal.SocketOf(d.lcores[i])))
		C.free(unsafe.Pointer(name))
		if *r == nil {
			d.freeWorker(w)
			return nil, fmt.Errorf("dataplane: signalling ring of worker %d: %w", i, eal.LastErrno())
		}
	}
	if err := d.buildEventRings(inst, i, w); err != nil {
		d.freeWorker(w)
		return nil, err
	}
	sock := C.int(eal.SocketOf(d.lcores[i]))
	for fam, t := range map[int]*C.struct_dp_ftable{4: &w.t4, 6: &w.t6} {
		klen := C.sizeof_struct_dp_key4
		if fam == 6 {
			klen = C.sizeof_struct_dp_key6
		}
		name := C.CString(fmt.Sprintf("sara%d_w%d_v%d", inst, i, fam))
		rc := C.dp_ftable_init(t, name, C.uint32_t(d.cfg.FlowTableSize), C.uint32_t(klen), sock)
		C.free(unsafe.Pointer(name))
		if rc < 0 {
			d.freeWorker(w)
			return nil, fmt.Errorf("dataplane: flow table of worker %d (IPv%d, %d entries): %w",
				i, fam, d.cfg.FlowTableSize, eal.Errno(int(-rc)))
		}
	}
	return w, nil
}

func (d *Dataplane) freeWorker(w *C.struct_dp_worker) {
	d.drainSig(w)
	for _, r := range []*C.struct_rte_ring{w.to_go, w.from_go, w.ev_out, w.ev_in} {
		C.rte_ring_free(r)
	}
	if w.t4.mem != nil {
		C.dp_ftable_free(&w.t4)
	}
	if w.t6.mem != nil {
		C.dp_ftable_free(&w.t6)
	}
	C.rte_free(unsafe.Pointer(w))
}

// Start launches one C loop per worker lcore after starting the ports.
func (d *Dataplane) Start() error {
	if d.started {
		return nil
	}
	for _, p := range d.ports {
		if err := p.Start(); err != nil {
			return err
		}
	}
	C.dp_clock_init()
	// the Go runtime's threads off the workers' CPUs (when there are others)
	if _, err := eal.KeepOffLcores(d.lcores[:len(d.workers)]); err != nil {
		return err
	}
	for i, w := range d.workers {
		w.stop = 0
		if err := eal.Launch(d.lcores[i], C.dp_worker_fn(), unsafe.Pointer(w)); err != nil {
			d.stopWorkers(i)
			return err
		}
	}
	d.started = true
	return nil
}

// Stop asks every worker to return and waits for them. Ports stay open, so
// counters remain readable.
func (d *Dataplane) Stop() {
	if d.started {
		d.stopWorkers(len(d.workers))
		d.started = false
	}
}

func (d *Dataplane) stopWorkers(n int) {
	for _, w := range d.workers[:n] {
		C.dp_set_stop(w)
	}
	for i := range d.workers[:n] {
		eal.Wait(d.lcores[i])
	}
}

// Ports returns the data plane's ports.
func (d *Dataplane) Ports() []*ethdev.Port { return d.ports }

// MbufsInUse returns the pool's allocated buffers: 0 after Close of the
// ports means no mbuf leaked.
func (d *Dataplane) MbufsInUse() int { return d.pool.InUse() }

// ClosePorts stops the workers and closes every port (flushing capture
// files), keeping the pool for a leak check.
func (d *Dataplane) ClosePorts() error {
	d.Stop()
	for _, w := range d.workers {
		d.drainSig(w) // mbufs still on their way to or from Go
	}
	var errs []error
	for _, p := range d.ports {
		errs = append(errs, p.Close())
	}
	d.ports = nil
	return errors.Join(errs...)
}

// Close stops the workers and releases ports, tables, policy and pool.
func (d *Dataplane) Close() error {
	err := d.ClosePorts()
	for _, w := range d.workers {
		d.freeWorker(w)
	}
	d.workers = nil
	if d.wsC != nil {
		C.free(unsafe.Pointer(d.wsC))
		d.wsC = nil
	}
	d.closeExpect()
	d.sig.free()
	for i, p := range d.pol {
		if p != nil {
			C.rte_free(unsafe.Pointer(p))
			d.pol[i] = nil
		}
	}
	for _, p := range []unsafe.Pointer{unsafe.Pointer(d.shared), unsafe.Pointer(d.conf)} {
		if p != nil {
			C.rte_free(p)
		}
	}
	d.shared, d.conf = nil, nil
	if d.pool != nil {
		d.pool.Close()
		d.pool = nil
	}
	return err
}

// waitSeen waits until every running worker has read policy version v, so
// the other buffer is no longer read by anyone.
func (d *Dataplane) waitSeen(v uint64) error {
	deadline := time.Now().Add(time.Second)
	for _, w := range d.workers {
		for d.started && w.running != 0 && uint64(C.dp_policy_seen(w)) < v {
			if time.Now().After(deadline) {
				return fmt.Errorf("dataplane: worker %d did not adopt policy %d within 1s", w.id, v)
			}
			time.Sleep(20 * time.Microsecond)
		}
	}
	return nil
}

// Lcores returns the worker lcores, worker i on Lcores()[i].
func (d *Dataplane) Lcores() []uint { return append([]uint(nil), d.lcores...) }

// Servers returns the number of configured servers (ids 0..n-1), as last
// set by New or Reconfigure; safe from any goroutine.
func (d *Dataplane) Servers() int { return int(d.nsrv.Load()) }

// SelectionSlots returns the length of a published selection sequence.
func (d *Dataplane) SelectionSlots() int { return d.cfg.SelectionSlots }
