package gen

import (
	"bytes"
	"errors"
	"math"
	"testing"
)

func TestIPv6NeedsVIP(t *testing.T) {
	o := DefaultOptions()
	o.IPv6Share, o.Packets = 1, 500
	_, st := generate(t, o)
	if st.IPv6Flows != 0 || st.FlowsOpened == 0 {
		t.Fatalf("ipv6 flows without an IPv6 VIP: %+v", st)
	}
}

func TestOptionsValidate(t *testing.T) {
	for name, mod := range map[string]func(*Options){
		"flows":   func(o *Options) { o.Flows = 0 },
		"share":   func(o *Options) { o.TCPShare = 1.5 },
		"nan":     func(o *Options) { o.Noise = math.NaN() },
		"sum":     func(o *Options) { o.Noise, o.Garbage = 0.6, 0.6 },
		"size":    func(o *Options) { o.Size = "huge" },
		"order":   func(o *Options) { o.Order = "sorted" },
		"vips":    func(o *Options) { o.VIPs = nil },
		"packets": func(o *Options) { o.Packets = -1 },
		"mac":     func(o *Options) { o.DstMAC = o.DstMAC[:4] },
	} {
		o := DefaultOptions()
		mod(&o)
		if _, err := Generate(&bytes.Buffer{}, o); !errors.Is(err, ErrOptions) {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

func TestFeistelIsPermutation(t *testing.T) {
	for _, n := range []uint64{1, 2, 3, 5, 17, 1000, 4096, 70001} {
		f := newFeistel(n, n*31)
		seen := make([]bool, n)
		for x := uint64(0); x < n; x++ {
			y := f.at(x)
			if y >= n || seen[y] {
				t.Fatalf("n=%d: %d -> %d repeats or out of range", n, x, y)
			}
			seen[y] = true
		}
	}
}
