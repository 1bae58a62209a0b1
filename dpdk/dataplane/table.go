package dataplane

/*
#include <stdint.h>
int dp_table_check(uint32_t entries, uint32_t n);
*/
import "C"

// TableCheck runs the C flow table's self-check on a table of entries
// slots filled with n keys; it returns how many keys did not fit, or a
// negative failed-step number. For tests; needs the EAL (DPDK memory).
func TableCheck(entries, n uint32) int {
	return int(C.dp_table_check(C.uint32_t(entries), C.uint32_t(n)))
}
