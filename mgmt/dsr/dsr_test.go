package dsr

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func procWith(t *testing.T, vals map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for k, v := range vals {
		p := filepath.Join(root, "sys/net/ipv4/conf", k)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(v+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func addrs(s ...string) func() ([]netip.Addr, error) {
	return func() ([]netip.Addr, error) {
		var out []netip.Addr
		for _, x := range s {
			out = append(out, netip.MustParseAddr(x))
		}
		return out, nil
	}
}

var good = map[string]string{"all/arp_ignore": "1", "lo/arp_ignore": "1", "all/arp_announce": "2", "lo/arp_announce": "2"}

func TestCheckGood(t *testing.T) {
	p, err := Check(Options{VIPs: []netip.Addr{netip.MustParseAddr("10.0.0.100")}, Proc: procWith(t, good),
		LoAddrs: addrs("127.0.0.1", "10.0.0.100")})
	if err != nil || len(p) != 0 {
		t.Fatalf("problems %v %v", p, err)
	}
}

func TestCheckReportsEachProblemWithFix(t *testing.T) {
	bad := map[string]string{"all/arp_ignore": "0", "lo/arp_ignore": "1", "all/arp_announce": "0", "lo/arp_announce": "2"}
	p, err := Check(Options{VIPs: []netip.Addr{netip.MustParseAddr("10.0.0.100"), netip.MustParseAddr("fd00::1")},
		Proc: procWith(t, bad), LoAddrs: addrs("127.0.0.1")})
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{
		{"VIP 10.0.0.100 is not configured on lo", "ip addr add 10.0.0.100/32 dev lo"},
		{"VIP fd00::1 is not configured on lo", "ip addr add fd00::1/128 dev lo"},
		{"net.ipv4.conf.all.arp_ignore is 0, want 1", "sysctl -w net.ipv4.conf.all.arp_ignore=1"},
		{"net.ipv4.conf.all.arp_announce is 0, want 2", "sysctl -w net.ipv4.conf.all.arp_announce=2"},
	}
	if len(p) != len(want) {
		t.Fatalf("got %v", p)
	}
	for i := range want {
		if p[i] != want[i] {
			t.Errorf("problem %d: %+v, want %+v", i, p[i], want[i])
		}
	}
	if !strings.Contains(p[0].String(), "fix: ip addr add") {
		t.Fatal(p[0].String())
	}
}

func TestCheckErrors(t *testing.T) {
	if _, err := Check(Options{}); !errors.Is(err, ErrNoVIP) {
		t.Fatal(err)
	}
	_, err := Check(Options{VIPs: []netip.Addr{netip.MustParseAddr("10.0.0.1")}, Proc: t.TempDir(), LoAddrs: addrs()})
	if err == nil {
		t.Fatal("missing sysctl files not reported")
	}
	// The real system: lo always holds 127.0.0.1 (or ::1).
	if a, err := loopbackAddrs(); err != nil || len(a) == 0 {
		t.Fatalf("loopback addresses: %v %v", a, err)
	}
}
