package sysload

import (
	"math"
	"net"
	"os"
	"path/filepath"
	"testing"
)

// fakeRoot writes a procfs/sysfs fixture and returns the two roots.
func fakeRoot(t *testing.T, stat string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"proc/stat":                      stat,
		"proc/meminfo":                   "MemTotal:       1000 kB\nMemFree: 10 kB\nMemAvailable:    250 kB\n",
		"proc/net/sockstat":              "sockets: used 14\nTCP: inuse 1 orphan 0 tw 0 alloc 1 mem 50\nUDP: inuse 0 mem 30\nUDPLITE: inuse 0\n",
		"proc/sys/net/ipv4/tcp_mem":      "100\t200\t300\n",
		"proc/sys/net/ipv4/udp_mem":      "10 40 80\n",
		"proc/sys/net/core/somaxconn":    "4096\n",
		"proc/sys/net/core/rmem_default": "212992\n",
		"proc/diskstats": "   7       0 loop0 0 0 0 0 0 0 0 0 9 0 0 0 0 0 0 0 0\n" +
			" 253       0 vda 1 0 0 0 0 0 0 0 8 0 0 0 0 0 0 0 0\n" +
			" 253       1 vda1 1 0 0 0 0 0 0 0 8 0 0 0 0 0 0 0 0\n",
		"proc/net/tcp": "  sl  local_address rem_address   st tx_queue rx_queue tr\n" +
			"   0: 00000000:13C4 00000000:0000 0A 00000000:00000400 00:00000000 00000000\n" +
			"   1: 0100007F:13C4 0100007F:9C40 01 00000000:00000FFF 00:00000000 00000000\n",
		"proc/net/tcp6": "  sl  local_address rem_address   st tx_queue rx_queue tr\n" +
			"   0: 00000000000000000000000000000000:13C4 00000000000000000000000000000000:0000 0A 00000000:00000800 00:00000000 00000000\n",
		"proc/net/udp": "  sl  local_address rem_address   st tx_queue rx_queue tr\n" +
			"   0: 00000000:13C4 00000000:0000 07 00000000:00006800 00:00000000 00000000\n",
		"sys/block/vda/size":   "1\n",
		"sys/block/loop0/size": "1\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "proc"), filepath.Join(dir, "sys")
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func TestSampleFixture(t *testing.T) {
	proc, sys := fakeRoot(t, "cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3 4\n")
	s, err := New(Config{Proc: proc, Sys: sys, ServicePort: 5060, ServiceProto: "tcp"})
	if err != nil {
		t.Fatal(err)
	}
	// 100 jiffies later: 60 busy (user 40, system 20), 30 idle, 10 iowait.
	if err := os.WriteFile(filepath.Join(proc, "stat"), []byte("cpu  140 0 120 730 110 0 0 0 0 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	v, r, err := s.Sample()
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"cpu", v.CPU, 0.6},
		{"mem", v.Mem, 0.75},
		{"netbuf", v.NetBuf, 0.75},   // max(50/200, 30/40)
		{"ioq", v.IOQueue, 8.0 / 32}, // vda only: loop0 excluded, vda1 is a partition
		{"backlog", v.Backlog, 0.5},  // max(0x400, 0x800 on tcp6) / 4096; ESTABLISHED ignored
	}
	for _, c := range checks {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v, want %v (raw %+v)", c.name, c.got, c.want, r)
		}
	}
	if r.CPUTotal != 100 || r.InFlightIOs != 8 || r.BacklogQueue != 0x800 || r.BacklogSize != 4096 {
		t.Errorf("raw %+v", r)
	}
	// UDP service with a configured limit: 0x6800 bytes / 0x10000.
	s2, _ := New(Config{Proc: proc, Sys: sys, ServicePort: 5060, ServiceProto: "udp", BacklogLimit: 0x10000, IODivisor: 4})
	v2, _, err := s2.Sample()
	if err != nil || !near(v2.Backlog, float64(0x6800)/0x10000) || v2.IOQueue != 1 {
		t.Errorf("udp: %+v %v", v2, err)
	}
}

func TestSampleMissingFiles(t *testing.T) {
	proc, sys := fakeRoot(t, "cpu 1 1 1 1 1\n")
	_ = os.Remove(filepath.Join(proc, "meminfo"))
	s, err := New(Config{Proc: proc, Sys: sys})
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := s.Sample()
	if err == nil || v.Mem != 0 || !near(v.NetBuf, 0.75) {
		t.Fatalf("missing meminfo: %+v %v", v, err)
	}
	if _, err := New(Config{Proc: proc, ServicePort: 1, ServiceProto: "sctp"}); err == nil {
		t.Fatal("bad proto accepted")
	}
}

// TestRealBacklog fills a real listen queue on loopback (connections never
// accepted) and reads it back from this machine's /proc/net/tcp.
func TestRealBacklog(t *testing.T) {
	if _, err := os.Stat("/proc/net/tcp"); err != nil {
		t.Skip("no /proc/net/tcp on this system")
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := uint16(ln.Addr().(*net.TCPAddr).Port)
	const n = 5
	for i := 0; i < n; i++ {
		c, err := net.Dial("tcp4", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	s, err := New(Config{ServicePort: port, ServiceProto: "tcp", BacklogLimit: 100})
	if err != nil {
		t.Fatal(err)
	}
	v, r, err := s.Sample()
	if err != nil {
		t.Fatal(err)
	}
	if r.BacklogQueue != n || !near(v.Backlog, n/100.0) {
		t.Fatalf("backlog queue %d (%v), want %d", r.BacklogQueue, v.Backlog, n)
	}
	for _, x := range []float64{v.CPU, v.Mem, v.NetBuf, v.IOQueue} {
		if x < 0 || x > 1 || math.IsNaN(x) {
			t.Fatalf("component out of range: %+v", v)
		}
	}
	t.Logf("this machine: %+v raw %+v", v, r)
}
