package ha

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestPairInNamespaces: two runners in two network namespaces joined by a
// veth pair, each with an Announcer on its end. The backup converges on the
// primary's changes; when the primary's address disappears (a crash as the
// network sees it), the backup takes over after n·d and its gratuitous ARP
// and neighbour advertisement reach the other end.
func TestPairInNamespaces(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespaces, AF_PACKET)")
	}
	var sfx [2]byte
	_, _ = rand.Read(sfx[:])
	nsA, nsB := "sara-haA-"+hex.EncodeToString(sfx[:]), "sara-haB-"+hex.EncodeToString(sfx[:])
	for _, ns := range []string{nsA, nsB} {
		sh(t, "ip", "netns", "add", ns)
		t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	}
	sh(t, "ip", "link", "add", "a0", "netns", nsA, "address", "02:00:00:00:0a:01", "type", "veth",
		"peer", "name", "b0", "netns", nsB, "address", "02:00:00:00:0b:01")
	sh(t, "ip", "-n", nsA, "addr", "add", "10.9.0.1/24", "dev", "a0")
	sh(t, "ip", "-n", nsB, "addr", "add", "10.9.0.2/24", "dev", "b0")
	sh(t, "ip", "-n", nsA, "link", "set", "a0", "up")
	sh(t, "ip", "-n", nsB, "link", "set", "b0", "up")

	vips := []netip.Addr{netip.MustParseAddr("10.9.0.100"), netip.MustParseAddr("fd00:9::100")}
	type side struct {
		conn  *net.UDPConn
		ann   *Announcer
		table *Table
		r     *Runner
	}
	var sides [2]side
	var capFD int
	for i, ns := range []string{nsA, nsB} {
		err := inNetns(ns, func() (err error) {
			ip, ifname := net.IPv4(10, 9, 0, byte(1+i)), []string{"a0", "b0"}[i]
			if sides[i].conn, err = net.ListenUDP("udp", &net.UDPAddr{IP: ip, Port: 7421}); err != nil {
				return err
			}
			if sides[i].ann, err = NewAnnouncer(ifname, vips, 1, DefaultAnnounceInterval); err != nil {
				return err
			}
			if i == 0 { // capture on A's end what B announces
				ifi, err := net.InterfaceByName("a0")
				if err != nil {
					return err
				}
				if capFD, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, int(htons(unix.ETH_P_ALL))); err != nil {
					return err
				}
				return unix.Bind(capFD, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: ifi.Index})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		defer sides[i].conn.Close()
		defer sides[i].ann.Close()
	}
	defer unix.Close(capFD)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{}, 2)
	for i := range sides {
		cfg := testConfig(uint32(i+1), uint32(2-i), 200-100*i)
		cfg.Peer = []string{"10.9.0.2:7421", "10.9.0.1:7421"}[i]
		cfg.HeartbeatPeriod, cfg.Misses, cfg.InitWait = 100*time.Millisecond, 4, 400*time.Millisecond
		sides[i].table = NewTable()
		r, err := NewRunner(cfg, RunnerDeps{VIP: sides[i].ann, Source: sides[i].table, Sink: sides[i].table, Conn: sides[i].conn})
		if err != nil {
			t.Fatal(err)
		}
		sides[i].r = r
		go func() { r.Run(ctx); done <- struct{}{} }()
		if i == 0 {
			waitFor(t, 2*time.Second, "A primary", func() bool { ro, _ := r.Node().Role(); return ro == RolePrimary })
		}
	}
	defer func() { cancel(); <-done; <-done }()
	a, b := sides[0].r.Node(), sides[1].r.Node()
	waitFor(t, 3*time.Second, "B in sync", func() bool { return b.Stats(time.Now()).InSync })
	rng := newSim(t, 18).rng
	for i := 0; i < 3000; i++ {
		rec := randomRecord(rng, 4000)
		sides[0].table.Apply(rec)
		_ = a.Publish(rec, time.Now())
	}
	waitFor(t, 3*time.Second, "convergence", func() bool { return sides[0].table.Diff(sides[1].table) == 0 })

	garp, _ := GratuitousARP(net.HardwareAddr{2, 0, 0, 0, 0xb, 1}, vips[0])
	na, _ := UnsolicitedNA(net.HardwareAddr{2, 0, 0, 0, 0xb, 1}, vips[1])
	tv := unix.NsecToTimeval(int64(20 * time.Millisecond))
	_ = unix.SetsockoptTimeval(capFD, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	sh(t, "ip", "-n", nsA, "addr", "del", "10.9.0.1/24", "dev", "a0") // A can no longer send
	crashed := time.Now()
	var sawARP, sawNA time.Duration
	buf := make([]byte, 2048)
	for time.Since(crashed) < 3*time.Second && (sawARP == 0 || sawNA == 0) {
		n, _, err := unix.Recvfrom(capFD, buf, 0)
		if err != nil {
			continue
		}
		switch {
		case sawARP == 0 && bytes.Equal(buf[:n], garp):
			sawARP = time.Since(crashed)
		case sawNA == 0 && bytes.Equal(buf[:n], na):
			sawNA = time.Since(crashed)
		}
	}
	if sawARP == 0 || sawNA == 0 {
		t.Fatalf("announcements not captured (ARP %v, NA %v); B: %+v", sawARP, sawNA, b.Stats(time.Now()))
	}
	st := b.Stats(time.Now())
	if st.Takeovers[ReasonPeerSilent] != 1 || st.TakeoversUnsynced != 0 || sides[0].table.Diff(sides[1].table) != 0 {
		t.Fatalf("B after takeover: %+v", st)
	}
	t.Logf("gratuitous ARP from the backup %v after the primary lost its address (n·d = 400ms), NA %v", sawARP, sawNA)
}
