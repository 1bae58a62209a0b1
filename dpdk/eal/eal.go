// Package eal initialises DPDK's Environment Abstraction Layer once per
// process and runs work on the main lcore.
//
// rte_eal_init pins the calling thread to the main lcore's CPU set, so Init
// runs it on a goroutine locked to a dedicated OS thread that then serves Do
// requests for the life of the process: the pinned thread never runs other
// goroutines, and calls DPDK wants on an EAL thread (lcore launch and wait)
// go through Do.
package eal

/*
#cgo pkg-config: libdpdk
#include <stdlib.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_launch.h>

static int sara_eal_init(int argc, char **argv) {
	int rc = rte_eal_init(argc, argv);
	return rc < 0 ? -rte_errno : rc;
}
static int sara_errno(void) { return rte_errno; }
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"unsafe"
)

// ErrNotInitialised is returned by calls made before Init succeeded.
var ErrNotInitialised = errors.New("eal: not initialised")

var (
	initOnce sync.Once
	initErr  error
	doCh     chan func()
)

// Init initialises the EAL with args (without the program name). Only the
// first call does anything; later calls return the first call's result, so
// tests may call it from every TestMain-like helper.
func Init(args []string) error {
	initOnce.Do(func() {
		doCh = make(chan func())
		res := make(chan error)
		go mainLcore(args, res)
		initErr = <-res
	})
	return initErr
}

// mainLcore initialises the EAL on a locked OS thread and then runs Do
// requests on it forever.
func mainLcore(args []string, res chan<- error) {
	runtime.LockOSThread()
	argv := make([]*C.char, 0, len(args)+1)
	argv = append(argv, C.CString("sara"))
	for _, a := range args {
		argv = append(argv, C.CString(a))
	}
	// EAL keeps pointers into argv: never freed.
	cargv := (**C.char)(C.malloc(C.size_t(len(argv)) * C.size_t(unsafe.Sizeof(argv[0]))))
	copy(unsafe.Slice(cargv, len(argv)), argv)
	if rc := C.sara_eal_init(C.int(len(argv)), cargv); rc < 0 {
		res <- fmt.Errorf("eal: rte_eal_init %q: %w", args, Errno(int(-rc)))
		return
	}
	res <- nil
	for fn := range doCh {
		fn()
	}
}

// Do runs fn on the main lcore's thread and waits for it.
func Do(fn func()) error {
	if doCh == nil || initErr != nil {
		return ErrNotInitialised
	}
	done := make(chan struct{})
	doCh <- func() { fn(); close(done) }
	<-done
	return nil
}

// Errno converts a DPDK error number (rte_errno or a negative return value
// made positive) to an error.
func Errno(e int) error { return syscall.Errno(e) }

// LastErrno returns rte_errno of the calling thread as an error.
func LastErrno() error { return syscall.Errno(C.sara_errno()) }

// MainLcore returns the id of the main lcore.
func MainLcore() uint { return uint(C.rte_get_main_lcore()) }

// WorkerLcores returns the ids of every enabled lcore but the main one.
func WorkerLcores() []uint {
	var ids []uint
	for i := C.rte_get_next_lcore(^C.uint(0), 1, 0); i < C.RTE_MAX_LCORE; i = C.rte_get_next_lcore(i, 1, 0) {
		ids = append(ids, uint(i))
	}
	return ids
}

// SocketOf returns the NUMA socket of an lcore.
func SocketOf(lcore uint) int { return int(C.rte_lcore_to_socket_id(C.uint(lcore))) }
