package main

import (
	"math"
	"strings"
	"testing"
)

// FuzzParseGoBench: any `go test -bench` output parses without panic, and
// every result has a name with its package and only metrics that were
// numbers followed by a unit.
func FuzzParseGoBench(f *testing.F) {
	f.Add([]byte("pkg: github.com/x/sip\nBenchmarkA-2 \t 10 \t 5 ns/op \t 0 allocs/op\nPASS\n"))
	f.Add([]byte("BenchmarkB 1 2 p99-µs 3\nFAIL\tgithub.com/x/y\t0.1s\n"))
	f.Add([]byte("Benchmark-2 1 x ns/op\n\x00\xff"))
	f.Fuzz(func(t *testing.T, out []byte) {
		for _, r := range parseGoBench(out) {
			if !strings.Contains(r.name, ".") {
				t.Fatalf("name %q without a package part", r.name)
			}
			for unit := range r.metrics {
				if unit == "" || strings.ContainsAny(unit, " \t\n") {
					t.Fatalf("unit %q", unit)
				}
			}
		}
		_ = failedPackages(out)
		_ = sipRate(parseGoBench(out))
	})
}

// FuzzParseStats: any line parses without panic; an accepted line is a
// stats line with a finite rate.
func FuzzParseStats(f *testing.F) {
	f.Add(`{"ts":"2026-11-25T22:00:00.020Z","msg":"stats","rx_mpps":"2.000","flows_live":40000}`)
	f.Add(`{"ts":"2026-11-25T22:00:00.020Z","msg":"stats","rx_mpps":"NaN"}`)
	f.Add(`{"ts":"2026-11-25T22:00:00.020Z","msg":"stats","rx_mpps":"-Inf"}`)
	f.Add(`{"msg":"stopped"}`)
	f.Add(`not json`)
	f.Fuzz(func(t *testing.T, line string) {
		s, ok := parseStats(line)
		if ok && (math.IsNaN(s.mpps) || math.IsInf(s.mpps, 0) || s.mpps < 0 || s.ts.IsZero()) {
			t.Fatalf("accepted %q as %+v", line, s)
		}
	})
}
