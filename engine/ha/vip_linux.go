package ha

import (
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Announcer is the VIPOwner of a dispatcher whose VIP traffic arrives on a
// kernel-visible interface: TakeVIP sends a gratuitous ARP for every IPv4
// VIP and an unsolicited neighbour advertisement for every IPv6 VIP from
// the interface's MAC, through an AF_PACKET raw socket, then repeats them
// Count-1 times every Interval (for switches and hosts that missed the
// first). ReleaseVIP stops pending repeats: the new owner's announcements
// move the traffic, nothing is withdrawn. It needs CAP_NET_RAW.
type Announcer struct {
	mu       sync.Mutex
	fd       int
	ifindex  int
	frames   [][]byte
	count    int
	interval time.Duration
	timer    *time.Timer
	left     int
	sent     uint64
	errs     uint64
}

// DefaultAnnounceInterval spaces repeated announcements.
const DefaultAnnounceInterval = 200 * time.Millisecond

// NewAnnouncer opens a raw socket on interface ifname (in the calling
// thread's network namespace) and prepares the frames for vips. count ≥ 1
// announcements are sent per TakeVIP, interval apart.
func NewAnnouncer(ifname string, vips []netip.Addr, count int, interval time.Duration) (*Announcer, error) {
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		return nil, fmt.Errorf("%w: interface %q: %w", ErrAnnounce, ifname, err)
	}
	frames, err := Announcements(ifi.HardwareAddr, vips)
	if err != nil {
		return nil, err
	}
	// Protocol 0: the socket sends only, it receives nothing.
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("%w: AF_PACKET socket: %w", ErrAnnounce, err)
	}
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Ifindex: ifi.Index}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("%w: bind %s: %w", ErrAnnounce, ifname, err)
	}
	return &Announcer{fd: fd, ifindex: ifi.Index, frames: frames, count: max(count, 1), interval: interval}, nil
}

// TakeVIP sends the announcements now and schedules the repeats. It
// returns the first send error (the repeats still run).
func (a *Announcer) TakeVIP() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.timer != nil {
		a.timer.Stop()
	}
	a.left = a.count - 1
	err := a.sendLocked()
	if a.left > 0 && a.fd >= 0 {
		a.timer = time.AfterFunc(a.interval, a.repeat)
	}
	return err
}

func (a *Announcer) repeat() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.left <= 0 || a.fd < 0 {
		return
	}
	a.left--
	_ = a.sendLocked()
	if a.left > 0 {
		a.timer = time.AfterFunc(a.interval, a.repeat)
	}
}

func (a *Announcer) sendLocked() error {
	if a.fd < 0 {
		return fmt.Errorf("%w: closed", ErrAnnounce)
	}
	var first error
	for _, f := range a.frames {
		to := unix.SockaddrLinklayer{Ifindex: a.ifindex, Halen: 6}
		copy(to.Addr[:], f[:6])
		if err := unix.Sendto(a.fd, f, 0, &to); err != nil {
			a.errs++
			if first == nil {
				first = fmt.Errorf("%w: send: %w", ErrAnnounce, err)
			}
			continue
		}
		a.sent++
	}
	return first
}

// ReleaseVIP cancels the pending repeats.
func (a *Announcer) ReleaseVIP() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.left = 0
	if a.timer != nil {
		a.timer.Stop()
	}
	return nil
}

// Counts returns the frames sent and the send errors.
func (a *Announcer) Counts() (sent, errs uint64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.sent, a.errs
}

// Close stops the repeats and closes the socket.
func (a *Announcer) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.left = 0
	if a.timer != nil {
		a.timer.Stop()
	}
	if a.fd < 0 {
		return nil
	}
	err := unix.Close(a.fd)
	a.fd = -1
	return err
}

// NopVIP is the VIPOwner of a node with no interface to announce on (the
// VIP moves by other means, or tests).
type NopVIP struct{}

// TakeVIP does nothing.
func (NopVIP) TakeVIP() error { return nil }

// ReleaseVIP does nothing.
func (NopVIP) ReleaseVIP() error { return nil }

// NewVIPOwner returns an Announcer for vips on cfg.Interface, sending
// cfg.Announce announcements DefaultAnnounceInterval apart, and its Close;
// NopVIP (and a no-op close) when the interface or the count is empty.
func NewVIPOwner(cfg Config, vips []netip.Addr) (VIPOwner, func() error, error) {
	if cfg.Interface == "" || cfg.Announce == 0 || len(vips) == 0 {
		return NopVIP{}, func() error { return nil }, nil
	}
	a, err := NewAnnouncer(cfg.Interface, vips, cfg.Announce, DefaultAnnounceInterval)
	if err != nil {
		return nil, nil, err
	}
	return a, a.Close, nil
}
