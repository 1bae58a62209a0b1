package config

import (
	"fmt"
	"net"
)

// MAC is a 48-bit Ethernet address. Unlike net.HardwareAddr it is comparable
// (usable as a map key) and has a fixed size, so it can be copied into the
// data plane's server table as is.
type MAC [6]byte

// ParseMAC parses a 48-bit MAC address in any form net.ParseMAC accepts
// ("02:00:00:00:00:01", "02-00-00-00-00-01", "0200.0000.0001").
func ParseMAC(s string) (MAC, error) {
	var m MAC
	hw, err := net.ParseMAC(s)
	if err != nil || len(hw) != len(m) {
		return m, fmt.Errorf("invalid MAC %q", s)
	}
	copy(m[:], hw)
	return m, nil
}

// String formats the address as six colon-separated lower-case hex bytes.
func (m MAC) String() string { return net.HardwareAddr(m[:]).String() }

// HardwareAddr returns a copy of the address as a net.HardwareAddr.
func (m MAC) HardwareAddr() net.HardwareAddr { return append(net.HardwareAddr(nil), m[:]...) }

// IsZero reports whether the address is 00:00:00:00:00:00.
func (m MAC) IsZero() bool { return m == MAC{} }

// IsMulticast reports whether the group bit (the least significant bit of the
// first byte) is set; broadcast is a multicast address.
func (m MAC) IsMulticast() bool { return m[0]&1 != 0 }

// MarshalText implements encoding.TextMarshaler.
func (m MAC) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseMAC.
func (m *MAC) UnmarshalText(b []byte) error {
	v, err := ParseMAC(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}
