package ha

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func sh(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// inNetns runs fn on a thread switched into namespace ns: sockets created
// there stay in it. A thread that cannot switch back stays locked (Go
// discards it).
func inNetns(ns string, fn func() error) error {
	runtime.LockOSThread()
	orig, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer orig.Close()
	target, err := os.Open("/var/run/netns/" + ns)
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer target.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return err
	}
	ferr := fn()
	if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("setns back: %w", err)
	}
	runtime.UnlockOSThread()
	return ferr
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// TestAnnouncerOnVeth sends the announcements through a veth pair in a
// namespace of its own and captures them on the other end: every VIP is
// announced Count times, from the interface's MAC, and ReleaseVIP cancels
// the repeats.
func TestAnnouncerOnVeth(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespace, AF_PACKET)")
	}
	var sfx [2]byte
	_, _ = rand.Read(sfx[:])
	ns := "sara-ha-" + hex.EncodeToString(sfx[:])
	sh(t, "ip", "netns", "add", ns)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	sh(t, "ip", "-n", ns, "link", "add", "va", "type", "veth", "peer", "name", "vb")
	sh(t, "ip", "-n", ns, "link", "set", "va", "address", "02:00:5e:00:01:02")
	sh(t, "ip", "-n", ns, "link", "set", "va", "up")
	sh(t, "ip", "-n", ns, "link", "set", "vb", "up")

	vips := []netip.Addr{netip.MustParseAddr("10.0.0.100"), netip.MustParseAddr("2001:db8::100")}
	var a *Announcer
	var capFD int
	err := inNetns(ns, func() error {
		var err error
		if a, err = NewAnnouncer("va", vips, 3, 100*time.Millisecond); err != nil {
			return err
		}
		vb, err := net.InterfaceByName("vb")
		if err != nil {
			return err
		}
		if capFD, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, int(htons(unix.ETH_P_ALL))); err != nil {
			return err
		}
		return unix.Bind(capFD, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: vb.Index})
	})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	defer unix.Close(capFD)
	tv := unix.NsecToTimeval(int64(50 * time.Millisecond))
	if err := unix.SetsockoptTimeval(capFD, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		t.Fatal(err)
	}
	want, _ := Announcements(testMAC, vips)
	// capture counts the announcements seen within d, returning early once
	// it saw `enough` of each (0: never early).
	capture := func(d time.Duration, enough int) (arps, nas int) {
		buf := make([]byte, 2048)
		for end := time.Now().Add(d); time.Now().Before(end) && (enough == 0 || arps < enough || nas < enough); {
			n, _, err := unix.Recvfrom(capFD, buf, 0)
			if err != nil {
				continue // timeout
			}
			switch f := buf[:n]; {
			case bytes.Equal(f, want[0]):
				arps++
			case bytes.Equal(f, want[1]):
				nas++
			}
		}
		return
	}
	if err := a.TakeVIP(); err != nil {
		t.Fatal(err)
	}
	arps, nas := capture(5*time.Second, 3) // generous: timers run late on a loaded machine
	a2, n2 := capture(250*time.Millisecond, 0)
	if arps+a2 != 3 || nas+n2 != 3 {
		t.Fatalf("captured %d gratuitous ARPs and %d NAs, want 3 and 3", arps+a2, nas+n2)
	}
	if err := a.TakeVIP(); err != nil {
		t.Fatal(err)
	}
	if err := a.ReleaseVIP(); err != nil {
		t.Fatal(err)
	}
	if arps, nas := capture(400*time.Millisecond, 0); arps != 1 || nas != 1 {
		t.Fatalf("after release: %d ARPs %d NAs, want the first burst only", arps, nas)
	}
	if sent, errs := a.Counts(); sent != 8 || errs != 0 {
		t.Fatalf("counts sent %d errors %d", sent, errs)
	}
}
