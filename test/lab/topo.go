package lab

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// build creates the topology:
//
//	cl (client 10.90.1.2) ── rt (router, ip_forward; VIP/32 on-link: resolved by ARP, answered by the dispatcher)
//	                          │ rs 10.90.2.1
//	sw: bridge br0 ───────────┼── dp: port0 (DPDK net_af_packet, no IP, MAC PortMAC)
//	                          ├── dp: mg0 10.90.2.2 (kernel, management)
//	                          ├── db: port0 (MAC StandbyMAC), mg0 10.90.2.3: the hot standby (failover scenario)
//	                          └── s1..s3: eth0 10.90.2.11..13, VIP on lo, arp_ignore=1, arp_announce=2
//
// The router resolves the VIP like any on-link address: the dispatcher's
// data plane answers ARP for it (a hot standby does not), and a standby
// that takes over moves it with gratuitous ARP (locktime 0: a fresh entry
// is replaced at once).
// Offloads are off on every veth (the DPDK port sees frames as the wire
// carries them: full checksums, no GSO), IPv6 is off (no ND noise), and the
// bridge has static FDB entries for the servers and the dispatcher port
// (no flooding of frames meant for one server to the others).
func (l *Lab) build() error {
	if err := os.MkdirAll(markerDir, 0o755); err != nil {
		return fmt.Errorf("%w: %w", ErrSetup, err)
	}
	if err := os.WriteFile(markerDir+l.Prefix, []byte(fmt.Sprint(os.Getpid())), 0o644); err != nil {
		return fmt.Errorf("%w: %w", ErrSetup, err)
	}
	roles := []string{"cl", "rt", "sw", "dp", "db"}
	for i := range NumServers {
		roles = append(roles, fmt.Sprintf("s%d", i+1))
	}
	for _, r := range roles {
		if err := l.addNetns(l.NS(r)); err != nil {
			return err
		}
	}
	cl, rt, sw, dp, db := l.NS("cl"), l.NS("rt"), l.NS("sw"), l.NS("dp"), l.NS("db")
	steps := [][]string{
		{"ip", "-n", sw, "link", "add", "br0", "type", "bridge"},
		{"ip", "-n", sw, "link", "set", "br0", "up"},
	}
	if err := l.sh(steps...); err != nil {
		return err
	}
	pfx := func(a fmt.Stringer, bits int) string { return fmt.Sprintf("%s/%d", a, bits) }
	if err := l.veth(cl, "eth0", rt, "rc", ""); err != nil {
		return err
	}
	if err := l.veth(rt, "rs", sw, "p-r", "br0"); err != nil {
		return err
	}
	if err := l.veth(dp, "port0", sw, "p-d", "br0"); err != nil {
		return err
	}
	if err := l.veth(dp, "mg0", sw, "p-m", "br0"); err != nil {
		return err
	}
	if err := l.veth(db, "port0", sw, "p-d2", "br0"); err != nil {
		return err
	}
	if err := l.veth(db, "mg0", sw, "p-m2", "br0"); err != nil {
		return err
	}
	steps = [][]string{
		{"ip", "-n", cl, "addr", "add", pfx(ClientIP, 24), "dev", "eth0"},
		{"ip", "-n", cl, "route", "add", "default", "via", RouterCli.String()},
		{"ip", "-n", rt, "addr", "add", pfx(RouterCli, 24), "dev", "rc"},
		{"ip", "-n", rt, "addr", "add", pfx(RouterSrv, 24), "dev", "rs"},
		{"ip", "netns", "exec", rt, "sysctl", "-qw", "net.ipv4.ip_forward=1",
			"net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.rs.rp_filter=0", "net.ipv4.conf.rc.rp_filter=0",
			"net.ipv4.neigh.rs.locktime=0"},
		{"ip", "-n", rt, "route", "add", pfx(VIP, 32), "dev", "rs"},
		{"ip", "-n", dp, "link", "set", "port0", "address", PortMAC},
		{"ip", "-n", dp, "addr", "add", pfx(MgmtIP, 24), "dev", "mg0"},
		{"bridge", "-n", sw, "fdb", "replace", PortMAC, "dev", "p-d", "master", "static"},
		{"ip", "-n", db, "link", "set", "port0", "address", StandbyMAC},
		{"ip", "-n", db, "addr", "add", pfx(StandbyIP, 24), "dev", "mg0"},
		{"bridge", "-n", sw, "fdb", "replace", StandbyMAC, "dev", "p-d2", "master", "static"},
	}
	for i := range NumServers {
		s, port := l.ServerNS(i), fmt.Sprintf("p-s%d", i+1)
		if err := l.veth(s, "eth0", sw, port, "br0"); err != nil {
			return err
		}
		steps = append(steps,
			[]string{"ip", "-n", s, "link", "set", "eth0", "address", ServerMAC(i)},
			[]string{"ip", "-n", s, "addr", "add", pfx(ServerIP(i), 24), "dev", "eth0"},
			[]string{"ip", "-n", s, "route", "add", "default", "via", RouterSrv.String()},
			[]string{"ip", "-n", s, "addr", "add", pfx(VIP, 32), "dev", "lo"},
			[]string{"ip", "netns", "exec", s, "sysctl", "-qw",
				"net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.lo.arp_ignore=1",
				"net.ipv4.conf.all.arp_announce=2", "net.ipv4.conf.lo.arp_announce=2",
				"net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.eth0.rp_filter=0"},
			[]string{"bridge", "-n", sw, "fdb", "replace", ServerMAC(i), "dev", port, "master", "static"})
	}
	return l.sh(steps...)
}

// addNetns creates a namespace with lo up and IPv6 off, recorded for Close.
func (l *Lab) addNetns(name string) error {
	if err := l.sh([]string{"ip", "netns", "add", name}); err != nil {
		return err
	}
	l.mu.Lock()
	closed := l.closed
	if !closed {
		l.netns = append(l.netns, name)
	}
	l.mu.Unlock()
	if closed { // torn down meanwhile (SIGINT)
		_ = exec.Command("ip", "netns", "del", name).Run()
		return fmt.Errorf("%w: the lab is closed", ErrSetup)
	}
	return l.sh([]string{"ip", "-n", name, "link", "set", "lo", "up"},
		[]string{"ip", "netns", "exec", name, "sysctl", "-qw",
			"net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"})
}

// veth joins namespaces a and b with a veth pair created directly inside
// them (names only need to be unique per namespace), brings both ends up
// with offloads off, and enslaves b's end to bridge br if br is not "".
func (l *Lab) veth(a, aIf, b, bIf, br string) error {
	steps := [][]string{
		{"ip", "link", "add", aIf, "netns", a, "type", "veth", "peer", "name", bIf, "netns", b},
		{"ip", "netns", "exec", a, "ethtool", "-K", aIf, "tx", "off", "rx", "off", "tso", "off", "gso", "off", "gro", "off"},
		{"ip", "netns", "exec", b, "ethtool", "-K", bIf, "tx", "off", "rx", "off", "tso", "off", "gso", "off", "gro", "off"},
	}
	if br != "" {
		steps = append(steps, []string{"ip", "-n", b, "link", "set", bIf, "master", br})
	}
	steps = append(steps, []string{"ip", "-n", a, "link", "set", aIf, "up"}, []string{"ip", "-n", b, "link", "set", bIf, "up"})
	return l.sh(steps...)
}

// sh runs each command in turn and stops at the first failure.
func (l *Lab) sh(cmds ...[]string) error {
	for _, c := range cmds {
		l.logf("%s", strings.Join(c, " "))
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			return fmt.Errorf("%w: %s: %w: %s", ErrSetup, strings.Join(c, " "), err, strings.TrimSpace(string(out)))
		}
	}
	return nil
}
