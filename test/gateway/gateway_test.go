package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sara-lb/sara/engine/announce"
	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/mgmt/auth"
	"github.com/sara-lb/sara/test/netnstest"
)

const (
	fixtures  = "../fixtures"
	keyHex    = "5ec2e75ec2e75ec2e75ec2e75ec2e75e"
	gatewayID = 900
	serverMAC = "72:d3:f5:32:c3:d3" // the server's MAC in sip_calls.pcap
	serverID  = 5
)

var vip = netip.MustParseAddr("10.201.0.2")

// seen is what the test's receiver collected.
type seen struct {
	mu      sync.Mutex
	answers map[string][]uint16 // Call-ID -> announced server RTP ports
	ends    map[string]bool
	hosts   map[uint32]int
	n       int
}

func (s *seen) add(m *announce.Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	k := string(m.Key)
	if m.HasHostID {
		s.hosts[m.HostID]++
	}
	if m.Op == announce.OpEndSession {
		s.ends[k] = true
	}
	for _, e := range m.Endpoints() {
		if e.Receiver == inspect.SideServer && e.Addr == vip {
			s.answers[k] = append(s.answers[k], e.Port)
		}
	}
}

func (s *seen) count() int { s.mu.Lock(); defer s.mu.Unlock(); return s.n }

// TestGatewayInNetns: `sara gateway` captures on g0 in namespace G; the
// test replays sip_calls.pcap (sipp UAC -> sipp UAS, four calls) with
// tcpreplay into the peer end s0 in namespace S. The gateway's BPF filter
// keeps the server's replies; its announcements go over UDP to a receiver
// the test runs inside G, which authenticates them with the gateway's key.
// Every call's SDP answer (server RTP port) and end must arrive, named
// with the server's host id (learnt from its MAC), and the gateway must
// stop on SIGTERM.
func TestGatewayInNetns(t *testing.T) {
	netnstest.Need(t, "ip", "tcpreplay")
	bin := netnstest.BuildSara(t)
	sfx := netnstest.Suffix(t)
	nsS, nsG := "sgw"+sfx+"s", "sgw"+sfx+"g"
	netnstest.AddNetns(t, nsS)
	netnstest.AddNetns(t, nsG)
	netnstest.Run(t, "ip", "link", "add", "s0", "netns", nsS, "type", "veth", "peer", "name", "g0", "netns", nsG)
	netnstest.Run(t, "ip", "-n", nsS, "link", "set", "s0", "up")
	netnstest.Run(t, "ip", "-n", nsG, "link", "set", "g0", "up")

	key, err := auth.ParseKey(1, keyHex)
	if err != nil {
		t.Fatal(err)
	}
	opener := auth.NewOpener(0)
	_ = opener.AddHost(gatewayID, key)
	got := &seen{answers: map[string][]uint16{}, ends: map[string]bool{}, hosts: map[uint32]int{}}
	var rcv *announce.Receiver
	if err := netnstest.InNetns(nsG, func() (err error) {
		rcv, err = announce.Listen("127.0.0.1:0", opener, got.add, announce.ReceiverOptions{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = rcv.Run(ctx) }()

	dir := t.TempDir()
	cfg := filepath.Join(dir, "sara.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`vips: ["10.201.0.2"]
servers: [{name: s1, mac: %q, host_id: %d}]
log: {format: json}
gateway:
  interface: g0
  announce: %q
  host_id: %d
  key: %q
  hello_period: 100ms
`, serverMAC, serverID, rcv.Addr().String(), gatewayID, keyHex)), 0o600); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, "gateway.log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	gw := exec.Command("ip", "netns", "exec", nsG, bin, "gateway", "-c", cfg, "--stats", "0", "--duration", "60s")
	gw.Stdout, gw.Stderr = logf, logf
	if err := gw.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- gw.Wait() }()
	t.Cleanup(func() {
		if gw.ProcessState == nil {
			_ = gw.Process.Kill()
		}
	})
	// The first hello is sent once the capture is active.
	waitFor(t, 20*time.Second, "the gateway's first hello", func() bool { return rcv.Counters().Hellos > 0 }, logPath)

	out := netnstest.Run(t, "ip", "netns", "exec", nsS, "tcpreplay", "-i", "s0", "--pps", "2000", filepath.Join(fixtures, "sip_calls.pcap"))
	t.Logf("tcpreplay: %s", lastLine(out))
	calls := callIDs(t)
	waitFor(t, 10*time.Second, "an answer and an end per call", func() bool { return got.count() >= 2*len(calls) }, logPath)

	if err := gw.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("gateway exit: %v\n%s", err, readFile(logPath))
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("gateway did not stop on SIGTERM\n%s", readFile(logPath))
	}
	got.mu.Lock()
	defer got.mu.Unlock()
	for i, id := range calls {
		want := uint16(20000 + 4*i) // sipp UAS: media port per call (test/fixtures/README.md)
		if ports := got.answers[id]; len(ports) != 1 || ports[0] != want {
			t.Errorf("call %s: announced server ports %v, want [%d]", id, ports, want)
		}
		if !got.ends[id] {
			t.Errorf("call %s: end not announced", id)
		}
	}
	if got.n != 2*len(calls) || got.hosts[serverID] != got.n {
		t.Errorf("%d announcements, host ids %v", got.n, got.hosts)
	}
	c := rcv.Counters()
	var rejected uint64
	for _, r := range c.Auth.Rejected {
		rejected += r
	}
	if rejected != 0 || c.Malformed != 0 {
		t.Errorf("receiver rejected datagrams: %+v", c)
	}
	final := stoppedLine(t, logPath)
	t.Logf("receiver %+v; gateway %s", c, final)
	if !strings.Contains(final, fmt.Sprintf(`"announced":%d`, 2*len(calls))) {
		t.Errorf("gateway's final counters: %s", final)
	}
}

// callIDs returns the Call-IDs of the fixture in order.
func callIDs(t *testing.T) []string {
	b, err := os.ReadFile(filepath.Join(fixtures, "sip_calls.truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tr struct{ Sessions []struct{ ID string } }
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range tr.Sessions {
		ids = append(ids, s.ID)
	}
	return ids
}

func waitFor(t *testing.T, d time.Duration, what string, ok func() bool, logPath string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s\n%s", what, readFile(logPath))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func readFile(p string) string { b, _ := os.ReadFile(p); return string(b) }

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// stoppedLine returns the gateway's final log line.
func stoppedLine(t *testing.T, logPath string) string {
	for _, l := range strings.Split(readFile(logPath), "\n") {
		if strings.Contains(l, "gateway stopped") {
			return l
		}
	}
	t.Fatalf("no final counters in the log:\n%s", readFile(logPath))
	return ""
}
