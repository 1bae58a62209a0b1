// Package ealtest starts DPDK's EAL once for a test binary: the TestMain
// of every package whose tests need a running EAL.
package ealtest

import (
	"fmt"
	"os"
	"testing"

	"github.com/sara-lb/sara/dpdk/eal"
)

// Main initialises the EAL with eal.Build(base, lcores, 1 worker, a unique
// file prefix) and runs the tests; the test binary exits 1 when the EAL
// does not start.
func Main(m *testing.M, base []string, lcores string) {
	args, err := eal.Build(base, lcores, 1, "", nil)
	if err == nil {
		err = eal.Init(args)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "EAL:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}
