// Command tablemem prints, as one JSON array, the DPDK heap memory of the
// data plane's tables (dataplane.MeasureTables) at each capacity given:
//
//	tablemem 65536 1048576
//
// It starts its own EAL without hugepages (--no-huge, its own file prefix,
// one lcore) sized for the largest capacity; `make bench` runs it once.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/dpdk/eal"
)

func main() {
	caps, err := parseCaps(os.Args[1:])
	if err != nil {
		fatal(err)
	}
	res, err := measure(caps)
	if err != nil {
		fatal(err)
	}
	out, _ := json.Marshal(res)
	fmt.Println(string(out))
}

// parseCaps reads capacities (1..2^30).
func parseCaps(args []string) ([]uint32, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("usage: tablemem CAPACITY...")
	}
	var caps []uint32
	for _, a := range args {
		n, err := strconv.ParseUint(a, 10, 32)
		if err != nil || n == 0 || n > 1<<30 {
			return nil, fmt.Errorf("capacity %q: want 1..%d", a, 1<<30)
		}
		caps = append(caps, uint32(n))
	}
	return caps, nil
}

// measure initialises the EAL with room for the largest table and measures
// each capacity in turn.
func measure(caps []uint32) ([]dataplane.TableMemory, error) {
	largest := uint32(0)
	for _, c := range caps {
		largest = max(largest, c)
	}
	// ~200 bytes per entry over the three tables, plus slack.
	mb := 256 + uint64(largest)*256/(1<<20)
	args := []string{"--no-huge", "--no-pci", "--no-shconf", "-m", fmt.Sprint(mb),
		"--file-prefix", fmt.Sprintf("tablemem%d", os.Getpid()), "--lcores", "0@0", "--log-level", "lib.*:error"}
	if err := eal.Init(args); err != nil {
		return nil, err
	}
	var res []dataplane.TableMemory
	for _, c := range caps {
		m, err := dataplane.MeasureTables(c)
		if err != nil {
			return res, err
		}
		res = append(res, m)
	}
	return res, nil
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "tablemem:", err)
	os.Exit(1)
}
