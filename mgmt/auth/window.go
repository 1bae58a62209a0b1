package auth

// WindowSize is the width of the anti-replay window in counter values: the
// RFC 4303 (IPsec ESP) sliding bitmap of 64 bits.
const WindowSize = 64

// Window is an RFC 4303 Appendix A style anti-replay window over a sender's
// 64-bit message counter: the highest counter accepted so far and a bitmap
// of the WindowSize counters just below it. A counter is fresh if it is above
// the top, or inside the window and not yet seen. Check is done before the
// MAC is verified (cheap rejection); Update only after, so forged messages
// never move the window. The zero Window accepts any first counter.
type Window struct {
	top  uint64 // highest counter accepted
	bits uint64 // bit i set: counter top-i seen (bit 0 = top)
	used bool   // any counter accepted yet
}

// Check reports whether counter c would be accepted.
func (w *Window) Check(c uint64) bool {
	if !w.used || c > w.top {
		return true
	}
	off := w.top - c
	if off >= WindowSize {
		return false // too old: left of the window
	}
	return w.bits&(1<<off) == 0
}

// Update records counter c as seen (call after Check and MAC verification).
func (w *Window) Update(c uint64) {
	switch {
	case !w.used:
		w.top, w.bits, w.used = c, 1, true
	case c > w.top:
		shift := c - w.top
		if shift >= WindowSize {
			w.bits = 1
		} else {
			w.bits = w.bits<<shift | 1
		}
		w.top = c
	default:
		if off := w.top - c; off < WindowSize {
			w.bits |= 1 << off
		}
	}
}
