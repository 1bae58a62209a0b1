// Package ethdev opens DPDK ports (virtual devices created at run time, or
// devices probed by the EAL), configures one rx and one tx queue per worker,
// starts and stops them and reads their statistics.
package ethdev

/*
#cgo pkg-config: libdpdk
#include <stdlib.h>
#include <string.h>
#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>

static int sara_port_by_name(const char *name, uint16_t *port) {
	return rte_eth_dev_get_port_by_name(name, port);
}
static int sara_configure(uint16_t port, uint16_t nq, struct rte_mempool *mp, uint16_t nrxd, uint16_t ntxd) {
	struct rte_eth_conf conf;
	memset(&conf, 0, sizeof(conf));
	int rc = rte_eth_dev_configure(port, nq, nq, &conf);
	if (rc < 0) return rc;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nrxd, &ntxd);
	if (rc < 0) return rc;
	int sock = rte_eth_dev_socket_id(port);
	for (uint16_t q = 0; q < nq; q++) {
		rc = rte_eth_rx_queue_setup(port, q, nrxd, sock, NULL, mp);
		if (rc < 0) return rc;
		rc = rte_eth_tx_queue_setup(port, q, ntxd, sock, NULL);
		if (rc < 0) return rc;
	}
	return 0;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"syscall"
	"unsafe"
)

// ErrTooFewQueues is returned when a device offers fewer queues than workers.
var ErrTooFewQueues = errors.New("ethdev: device has too few queues")

// Port is an open DPDK port.
type Port struct {
	ID      uint16
	Name    string
	hotplug bool // created by Open: removed by Close
	started bool
}

// Open creates the virtual device name with devargs (e.g. "net_pcap0",
// "rx_pcap=in.pcap,tx_pcap=out.pcap") unless a port of that name already
// exists (a device given to the EAL with --vdev or probed from PCI), and
// returns it.
func Open(name, devargs string) (*Port, error) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var id C.uint16_t
	if C.sara_port_by_name(cname, &id) == 0 {
		return &Port{ID: uint16(id), Name: name}, nil
	}
	bus := C.CString("vdev")
	defer C.free(unsafe.Pointer(bus))
	cargs := C.CString(devargs)
	defer C.free(unsafe.Pointer(cargs))
	if rc := C.rte_eal_hotplug_add(bus, cname, cargs); rc < 0 {
		return nil, fmt.Errorf("ethdev: create %s,%s: %w", name, devargs, syscall.Errno(-rc))
	}
	if rc := C.sara_port_by_name(cname, &id); rc != 0 {
		return nil, fmt.Errorf("ethdev: %s created but has no port: %w", name, syscall.Errno(-rc))
	}
	return &Port{ID: uint16(id), Name: name, hotplug: true}, nil
}

// MaxQueues returns the most rx and tx queues the device supports.
func (p *Port) MaxQueues() (rx, tx int, err error) {
	var info C.struct_rte_eth_dev_info
	if rc := C.rte_eth_dev_info_get(C.uint16_t(p.ID), &info); rc != 0 {
		return 0, 0, fmt.Errorf("ethdev: %s info: %w", p.Name, syscall.Errno(-rc))
	}
	return int(info.max_rx_queues), int(info.max_tx_queues), nil
}

// Configure sets up queues rx and tx queues fed from pool (a *rte_mempool).
func (p *Port) Configure(queues int, pool unsafe.Pointer, rxDesc, txDesc int) error {
	mrx, mtx, err := p.MaxQueues()
	if err != nil {
		return err
	}
	if queues > mrx || queues > mtx {
		return fmt.Errorf("%w: %s has %d rx / %d tx queues, %d workers need %d each",
			ErrTooFewQueues, p.Name, mrx, mtx, queues, queues)
	}
	rc := C.sara_configure(C.uint16_t(p.ID), C.uint16_t(queues), (*C.struct_rte_mempool)(pool),
		C.uint16_t(rxDesc), C.uint16_t(txDesc))
	if rc < 0 {
		return fmt.Errorf("ethdev: configure %s with %d queues: %w", p.Name, queues, syscall.Errno(-rc))
	}
	return nil
}

// Start starts the port and enables promiscuous mode where supported (the
// dispatcher receives frames for the VIP's MAC, which may not be the port's).
func (p *Port) Start() error {
	if rc := C.rte_eth_dev_start(C.uint16_t(p.ID)); rc < 0 {
		return fmt.Errorf("ethdev: start %s: %w", p.Name, syscall.Errno(-rc))
	}
	C.rte_eth_promiscuous_enable(C.uint16_t(p.ID))
	p.started = true
	return nil
}

// MAC returns the port's Ethernet address.
func (p *Port) MAC() [6]byte {
	var a C.struct_rte_ether_addr
	C.rte_eth_macaddr_get(C.uint16_t(p.ID), &a)
	var m [6]byte
	copy(m[:], C.GoBytes(unsafe.Pointer(&a.addr_bytes[0]), 6))
	return m
}

// Close stops and closes the port, and removes a device Open created (for
// net_pcap this flushes and closes the tx capture file).
func (p *Port) Close() error {
	var errs []error
	if p.started {
		if rc := C.rte_eth_dev_stop(C.uint16_t(p.ID)); rc < 0 {
			errs = append(errs, fmt.Errorf("ethdev: stop %s: %w", p.Name, syscall.Errno(-rc)))
		}
		p.started = false
	}
	if rc := C.rte_eth_dev_close(C.uint16_t(p.ID)); rc < 0 {
		errs = append(errs, fmt.Errorf("ethdev: close %s: %w", p.Name, syscall.Errno(-rc)))
	}
	if p.hotplug {
		bus := C.CString("vdev")
		defer C.free(unsafe.Pointer(bus))
		name := C.CString(p.Name)
		defer C.free(unsafe.Pointer(name))
		if rc := C.rte_eal_hotplug_remove(bus, name); rc < 0 {
			errs = append(errs, fmt.Errorf("ethdev: remove %s: %w", p.Name, syscall.Errno(-rc)))
		}
	}
	return errors.Join(errs...)
}
