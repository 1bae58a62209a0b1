package dataplane

import (
	"math/rand/v2"
	"testing"
)

// TestPortBit holds the worker's "is this a signalling port" question to
// the configured ports for every port number: the summary word may let a
// port through to the bitmap but never hide a configured one, and it
// rules out most other ports on its own.
func TestPortBit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]uint16, 40)
	for i := range random {
		random[i] = uint16(rng.IntN(65536))
	}
	sets := map[string][]uint16{
		"sip":      {5060},
		"sip+rtsp": {5060, 5061, 554, 8554},
		"edges":    {0, 1, 63, 64, 65535},
		"random":   random,
		"none":     nil,
	}
	for name, ports := range sets {
		var bits portBitmap
		var summary portSummary
		in := map[uint16]bool{}
		for _, p := range ports {
			setPortBit(&bits, &summary, p)
			in[p] = true
		}
		passed := 0 // ports the summary lets through
		for p := 0; p < 65536; p++ {
			if got := portBit(&bits, summary, uint16(p)); got != in[uint16(p)] {
				t.Fatalf("%s: port %d: dp_port_bit %v, configured %v", name, p, got, in[uint16(p)])
			}
			if summaryHas(summary, uint16(p)) {
				passed++
			}
		}
		// each configured port opens one bit of 64: 1/64 of all ports
		if limit := 65536 / 64 * len(ports); passed > limit {
			t.Errorf("%s: the summary lets %d ports through, more than %d", name, passed, limit)
		}
		if len(ports) > 0 && len(ports) < 8 && passed > 65536/8 {
			t.Errorf("%s: the summary lets %d of 65536 ports through", name, passed)
		}
	}
}
