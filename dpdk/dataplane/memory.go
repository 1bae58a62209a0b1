package dataplane

/*
#include <stdlib.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include "dp.h"
#include "dp_sig.h"

extern uint64_t dp_ftable_mapped;

// dp_heap_bytes is the DPDK heap memory allocated on every socket, plus
// the flow tables mapped outside it (on transparent huge pages when the EAL
// has no hugepages, dp_table.c).
static uint64_t dp_heap_bytes(void)
{
	uint64_t sum = __atomic_load_n(&dp_ftable_mapped, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < rte_socket_count(); i++) {
		struct rte_malloc_socket_stats s;
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &s) == 0)
			sum += s.heap_allocsz_bytes;
	}
	return sum;
}
*/
import "C"

import (
	"fmt"
	"unsafe"

	"github.com/sara-lb/sara/dpdk/eal"
)

// TableMemory is the memory one table of each kind takes at a given
// capacity: the DPDK heap (rte_malloc_get_socket_stats) and the flow tables
// mapped outside it, measured before and after building it exactly as New
// does.
type TableMemory struct {
	Entries     uint32 `json:"entries"`      // requested capacity
	FlowCap     uint32 `json:"flow_cap"`     // entries a flow table holds (cap after init)
	Flow4Bytes  uint64 `json:"flow4_bytes"`  // one worker's IPv4 flow table
	Flow6Bytes  uint64 `json:"flow6_bytes"`  // one worker's IPv6 flow table
	ExpectBytes uint64 `json:"expect_bytes"` // the expectation table (one per data plane)
}

// MeasureTables builds and frees one IPv4 flow table, one IPv6 flow table
// and one expectation table of entries entries each, and returns the heap
// memory each took. The EAL must be initialised, and nothing else in the
// process may allocate DPDK memory meanwhile (the figure is a difference of
// heap totals).
func MeasureTables(entries uint32) (TableMemory, error) {
	m := TableMemory{Entries: entries}
	measure := func(build func(name *C.char) C.int, free func()) (uint64, error) {
		name := C.CString(fmt.Sprintf("sara_mem_%d", instances.Add(1)))
		defer C.free(unsafe.Pointer(name))
		before := C.dp_heap_bytes()
		if rc := build(name); rc < 0 {
			return 0, fmt.Errorf("dataplane: measure tables of %d entries: %w", entries, eal.Errno(int(-rc)))
		}
		after := C.dp_heap_bytes()
		free()
		return uint64(after - before), nil
	}
	var t C.struct_dp_ftable
	var x C.struct_dp_xtable
	var err error
	for _, k := range []struct {
		klen C.uint32_t
		out  *uint64
	}{{C.sizeof_struct_dp_key4, &m.Flow4Bytes}, {C.sizeof_struct_dp_key6, &m.Flow6Bytes}} {
		*k.out, err = measure(func(n *C.char) C.int { return C.dp_ftable_init(&t, n, C.uint32_t(entries), k.klen, -1) },
			func() { m.FlowCap = uint32(t.cap); C.dp_ftable_free(&t) })
		if err != nil {
			return m, err
		}
	}
	m.ExpectBytes, err = measure(func(n *C.char) C.int { return C.dp_xtable_init(&x, n, C.uint32_t(entries), -1) },
		func() { C.dp_xtable_free(&x) })
	return m, err
}
