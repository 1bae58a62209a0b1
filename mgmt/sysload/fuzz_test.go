package sysload

import "testing"

// The /proc parsers must never panic and must keep their invariants on any
// input (files can change format across kernels).

func FuzzParseStat(f *testing.F) {
	f.Add([]byte("cpu  66034 0 22244 87410 843 0 395 2973 0 0\n"))
	f.Add([]byte("cpu 1 2 3"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if c, err := parseStat(b); err == nil && c.busy > c.total {
			t.Fatalf("busy %d > total %d", c.busy, c.total)
		}
	})
}

func FuzzParseMeminfoSockstat(f *testing.F) {
	f.Add([]byte("MemTotal: 10 kB\nMemAvailable: 5 kB\n"))
	f.Add([]byte("TCP: inuse 1 orphan 0 tw 0 alloc 1 mem 0\nUDP: inuse 0 mem 0\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if tot, _, err := parseMeminfo(b); err == nil && tot == 0 {
			t.Fatal("zero MemTotal accepted")
		}
		_, _, _ = parseSockstat(b)
		if p, err := parseTriple(b); err == nil && p == 0 {
			t.Fatal("zero pressure accepted")
		}
		_, _ = parseUint(b)
	})
}

func FuzzParseTables(f *testing.F) {
	f.Add([]byte("  sl local rem st q\n 0: 00000000:13C4 00000000:0000 0A 00000000:00000400 00\n"))
	f.Add([]byte("   7       0 loop0 0 0 0 0 0 0 0 0 9 0 0 0 0 0 0 0 0\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if rx, found, err := maxRxQueue(b, 5060, true); err == nil && !found && rx != 0 {
			t.Fatalf("rx %d without a matching socket", rx)
		}
		_, _ = parseDiskstats(b, func(string) bool { return true })
	})
}
