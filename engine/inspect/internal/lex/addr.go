package lex

import "net/netip"

// Addr parses a textual IPv4 or IPv6 address (no zone, no brackets)
// without allocating, unlike netip.ParseAddr on a converted string.
func Addr(b []byte) (netip.Addr, bool) {
	for _, c := range b {
		if c == ':' {
			return addr6(b)
		}
	}
	a, ok := addr4(b)
	if !ok {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(a), true
}

func addr4(b []byte) ([4]byte, bool) {
	var a [4]byte
	n, digits, val := 0, 0, 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == '.' {
			if digits == 0 || n == 4 {
				return a, false
			}
			a[n] = byte(val)
			n++
			digits, val = 0, 0
			continue
		}
		c := b[i]
		if c < '0' || c > '9' || (digits == 1 && val == 0) || digits == 3 {
			return a, false // non-digit, leading zero, or too long
		}
		val = val*10 + int(c-'0')
		if val > 255 {
			return a, false
		}
		digits++
	}
	return a, n == 4
}

func hexVal(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func addr6(b []byte) (netip.Addr, bool) {
	var ip [16]byte
	ellipsis := -1 // byte index in ip where "::" was
	i, n := 0, 0   // position in b, bytes written to ip
	if len(b) >= 2 && b[0] == ':' && b[1] == ':' {
		ellipsis, i = 0, 2
		if i == len(b) {
			return netip.AddrFrom16(ip), true
		}
	}
	for n < 16 {
		start, val := i, 0
		for i < len(b) && i-start < 4 && hexVal(b[i]) >= 0 {
			val = val<<4 | hexVal(b[i])
			i++
		}
		if i == start {
			return netip.Addr{}, false
		}
		if i < len(b) && b[i] == '.' { // embedded IPv4 in the last 32 bits
			if ellipsis < 0 && n != 12 || n > 12 {
				return netip.Addr{}, false
			}
			v4, ok := addr4(b[start:])
			if !ok {
				return netip.Addr{}, false
			}
			copy(ip[n:], v4[:])
			n += 4
			i = len(b)
			break
		}
		ip[n], ip[n+1] = byte(val>>8), byte(val)
		n += 2
		if i == len(b) {
			break
		}
		if b[i] != ':' {
			return netip.Addr{}, false
		}
		i++
		if i < len(b) && b[i] == ':' {
			if ellipsis >= 0 {
				return netip.Addr{}, false
			}
			ellipsis = n
			i++
			if i == len(b) {
				break
			}
		} else if i == len(b) {
			return netip.Addr{}, false // trailing single colon
		}
	}
	if i != len(b) {
		return netip.Addr{}, false
	}
	if n < 16 {
		if ellipsis < 0 {
			return netip.Addr{}, false
		}
		gap := 16 - n
		copy(ip[ellipsis+gap:], ip[ellipsis:n])
		for j := ellipsis; j < ellipsis+gap; j++ {
			ip[j] = 0
		}
	} else if ellipsis >= 0 {
		// "::" must stand for at least one group (RFC 4291 / netip).
		return netip.Addr{}, false
	}
	return netip.AddrFrom16(ip), true
}
