package gen

import "math/bits"

// mix64 is the splitmix64 finaliser: a fast bijective 64-bit hash.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// unit maps a hash to [0,1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// feistel is a keyed bijection on [0, n): a 4-round balanced Feistel network
// on the smallest even number of bits covering n, with cycle walking. It lets
// the generator permute a million flows without storing a permutation.
type feistel struct {
	half uint
	mask uint64
	n    uint64
	keys [4]uint64
}

// newFeistel returns a permutation of [0, n) keyed by key.
func newFeistel(n, key uint64) feistel {
	b := uint(bits.Len64(n - 1))
	if b < 2 {
		b = 2
	}
	b += b & 1
	f := feistel{half: b / 2, mask: 1<<(b/2) - 1, n: n}
	for i := range f.keys {
		key = mix64(key + 0x9e3779b97f4a7c15)
		f.keys[i] = key
	}
	return f
}

func (f *feistel) round(x uint64) uint64 {
	l, r := x>>f.half, x&f.mask
	for _, k := range f.keys {
		l, r = r, l^(mix64(r^k)&f.mask)
	}
	return l<<f.half | r
}

// at returns the image of x < n.
func (f *feistel) at(x uint64) uint64 {
	y := f.round(x)
	for y >= f.n {
		y = f.round(y)
	}
	return y
}
