package main

import "testing"

// TestMeasureScales checks that the measured memory is at least what the
// keys and states themselves need and grows linearly with the capacity.
func TestMeasureScales(t *testing.T) {
	res, err := measure([]uint32{1 << 15, 1 << 17})
	if err != nil {
		t.Fatal(err)
	}
	small, big := res[0], res[1]
	for _, m := range res {
		n := uint64(m.Entries)
		// key + 16-byte state per entry at least; expectations hold candidates.
		if m.Flow4Bytes < n*(16+16) || m.Flow6Bytes < n*(48+16) || m.ExpectBytes < n*32 {
			t.Errorf("%d entries: below the keys' own size: %+v", n, m)
		}
		if m.Flow6Bytes <= m.Flow4Bytes {
			t.Errorf("%d entries: IPv6 table (48-byte keys) not larger than IPv4: %+v", n, m)
		}
	}
	for _, p := range [][2]uint64{{small.Flow4Bytes, big.Flow4Bytes}, {small.Flow6Bytes, big.Flow6Bytes},
		{small.ExpectBytes, big.ExpectBytes}} {
		if r := float64(p[1]) / float64(p[0]); r < 3.6 || r > 4.4 {
			t.Errorf("4x the entries took %.2fx the memory (%d → %d)", r, p[0], p[1])
		}
	}
	if _, err := parseCaps([]string{"0"}); err == nil {
		t.Error("capacity 0 accepted")
	}
}
