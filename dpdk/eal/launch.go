package eal

/*
#include <rte_launch.h>
#include <rte_lcore.h>
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Launch starts the C function fn (an lcore_function_t) with arg on a worker
// lcore. Both pointers come from the package that owns the C loop.
func Launch(lcore uint, fn, arg unsafe.Pointer) error {
	var rc C.int
	if err := Do(func() {
		rc = C.rte_eal_remote_launch((*C.lcore_function_t)(fn), arg, C.uint(lcore))
	}); err != nil {
		return err
	}
	if rc != 0 {
		return fmt.Errorf("eal: launch on lcore %d: %w", lcore, Errno(int(-rc)))
	}
	return nil
}

// Wait blocks until the function running on lcore returns and gives its
// return value.
func Wait(lcore uint) int {
	var rc C.int
	_ = Do(func() { rc = C.rte_eal_wait_lcore(C.uint(lcore)) })
	return int(rc)
}
