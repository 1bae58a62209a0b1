// Package dpdk is the root of SARA's own thin binding to Debian's DPDK 22.11
// and of its C data plane. Each sub-package wraps one DPDK library:
//
//	eal        environment init (once per process), main-lcore calls, lcore launch
//	mempool    packet-buffer pools and their in-use counts
//	ethdev     ports on virtual or physical devices, queues, statistics
//	dataplane  the C worker loop (parse, flow table, MAC rewrite, tx), its
//	           tables and counters, and the policy Go publishes to it
//
// Go never touches single packets: it builds C structures, launches the C
// loop on worker lcores, publishes policy by pointer swap and reads counters
// by field access. See README.md for threads and data flow.
package dpdk
