package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"
)

// errRamp is returned when the run gave too few samples inside the ramp.
var errRamp = errors.New("too few samples while the flow table filled")

// newFlowRate measures flows created per second on one worker: pcap holds
// flows frames of flows distinct 5-tuples (one frame each), so during the
// first pass of the infinite_rx replay every frame opens a flow. `sara run`
// logs flows_live every 20 ms; the rate is the slope of flows_live between
// the first and the last sample strictly inside the ramp (0 < live < flows).
func newFlowRate(o *opts, pcap string, flows int) (float64, error) {
	mbufs := flows + 16383
	cfg, err := saraConfig(o, pcap, mbufs, flows)
	if err != nil {
		return 0, err
	}
	cmd := exec.Command(o.sara, "run", "-c", cfg, "--duration", "300s", "--stats", "20ms")
	var ramp []stats
	after := 0
	err = follow(cmd, 300*time.Second, func(line string) bool {
		s, ok := parseStats(line)
		if !ok {
			return true
		}
		if s.flows > 0 && s.flows < uint64(flows) {
			ramp = append(ramp, s)
		}
		if s.flows >= uint64(flows) {
			after++
		}
		return after < 3
	})
	r, rerr := slope(ramp)
	if rerr != nil {
		return 0, fmt.Errorf("%w (run: %v)", rerr, err)
	}
	fmt.Fprintf(os.Stderr, "bench: new flows: %d samples in the ramp, %.0f flows/s\n", len(ramp), r)
	return r, nil
}

// slope is the rate of flows created between the first and last sample.
func slope(s []stats) (float64, error) {
	if len(s) < 2 {
		return 0, fmt.Errorf("%w: %d", errRamp, len(s))
	}
	a, b := s[0], s[len(s)-1]
	dt := b.ts.Sub(a.ts).Seconds()
	if dt < 0.03 || b.flows <= a.flows {
		return 0, fmt.Errorf("%w: %d over %.3f s", errRamp, b.flows-a.flows, dt)
	}
	return float64(b.flows-a.flows) / dt, nil
}
