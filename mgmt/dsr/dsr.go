// Package dsr checks a server's direct-server-return setup (DESIGN §2): every
// VIP must be configured on the loopback interface so the server accepts the
// packets the dispatcher forwards at L2, and the server must neither answer
// ARP for the VIP nor announce it (net.ipv4.conf.{all,lo}.arp_ignore = 1,
// arp_announce = 2), or it would steal the VIP from the dispatcher. Check
// returns each problem with the command that fixes it. Used by
// `sara agent check`; no goroutines.
package dsr

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrNoVIP reports a check with no VIP to check.
var ErrNoVIP = errors.New("dsr: no VIP configured")

// Problem is one thing wrong, and the command that fixes it.
type Problem struct {
	What string
	Fix  string
}

// String formats the problem for the terminal.
func (p Problem) String() string { return p.What + "\n    fix: " + p.Fix }

// Options say what to check and where to read; zero fields use the system.
type Options struct {
	VIPs    []netip.Addr
	Proc    string                       // procfs root (default /proc)
	LoAddrs func() ([]netip.Addr, error) // addresses on lo (default: from the kernel)
}

// sysctl is one required ARP setting.
type sysctl struct {
	iface, name string
	want        int
}

var arpSettings = []sysctl{
	{"all", "arp_ignore", 1}, {"lo", "arp_ignore", 1},
	{"all", "arp_announce", 2}, {"lo", "arp_announce", 2},
}

// Check returns every problem found (nil when the setup is right). err is
// set only when the check itself could not run.
func Check(o Options) ([]Problem, error) {
	if len(o.VIPs) == 0 {
		return nil, ErrNoVIP
	}
	if o.Proc == "" {
		o.Proc = "/proc"
	}
	if o.LoAddrs == nil {
		o.LoAddrs = loopbackAddrs
	}
	have, err := o.LoAddrs()
	if err != nil {
		return nil, fmt.Errorf("dsr: addresses of lo: %w", err)
	}
	var probs []Problem
	v4 := false
	for _, vip := range o.VIPs {
		vip = vip.Unmap()
		v4 = v4 || vip.Is4()
		found := false
		for _, a := range have {
			found = found || a.Unmap() == vip
		}
		if !found {
			probs = append(probs, Problem{
				What: fmt.Sprintf("VIP %s is not configured on lo", vip),
				Fix:  fmt.Sprintf("ip addr add %s/%d dev lo", vip, vip.BitLen()),
			})
		}
	}
	if !v4 {
		return probs, nil // ARP settings concern IPv4 only
	}
	for _, s := range arpSettings {
		key := fmt.Sprintf("net.ipv4.conf.%s.%s", s.iface, s.name)
		b, err := os.ReadFile(filepath.Join(o.Proc, "sys", "net", "ipv4", "conf", s.iface, s.name))
		if err != nil {
			return nil, fmt.Errorf("dsr: %s: %w", key, err)
		}
		got, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			return nil, fmt.Errorf("dsr: %s: %q is not a number", key, b)
		}
		if got != s.want {
			probs = append(probs, Problem{
				What: fmt.Sprintf("%s is %d, want %d", key, got, s.want),
				Fix:  fmt.Sprintf("sysctl -w %s=%d", key, s.want),
			})
		}
	}
	return probs, nil
}

// loopbackAddrs lists the addresses on lo through the standard library
// (netlink RTM_GETADDR underneath).
func loopbackAddrs() ([]netip.Addr, error) {
	ifc, err := net.InterfaceByName("lo")
	if err != nil {
		return nil, err
	}
	as, err := ifc.Addrs()
	if err != nil {
		return nil, err
	}
	out := make([]netip.Addr, 0, len(as))
	for _, a := range as {
		if n, ok := a.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(n.IP); ok {
				out = append(out, ip.Unmap())
			}
		}
	}
	return out, nil
}
