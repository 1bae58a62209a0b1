package gateway

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket"

	"github.com/sara-lb/sara/engine/announce"
	"github.com/sara-lb/sara/mgmt/auth"
)

const hexKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

func testConfig(t *testing.T, announceTo string) Config {
	var c Config
	c.SetDefaults()
	c.Interface, c.HostID, c.Announce, c.HelloPeriod = "test0", 900, announceTo, time.Hour
	c.SIPUDPPorts, c.SIPTCPPorts, c.RTSPTCPPorts = fixPorts.SIPUDP, fixPorts.SIPTCP, fixPorts.RTSPTCP
	if err := c.Key.UnmarshalText([]byte(hexKey)); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestGatewayToReceiver runs the gateway on a capture file, sealing and
// sending over loopback UDP to the dispatcher's receiver, which opens
// every announcement with the gateway's configured identity and key.
func TestGatewayToReceiver(t *testing.T) {
	cfg := testConfig(t, "127.0.0.1:1")
	opener, err := cfg.Opener(0)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 64)
	rcv, err := announce.Listen("127.0.0.1:0", opener, func(m *announce.Message) { got <- string(m.Key) }, announce.ReceiverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = rcv.Run(ctx) }()
	cfg.Announce = rcv.Addr().String()
	g, err := Build(cfg, nil, nil, pcapFile(t, "sip_calls"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if err := g.Run(ctx); err != nil {
		t.Fatal(err)
	}
	sent := g.Sender().Counters()
	if sent.Sent != g.Pipeline().Counters().Announced || sent.Sent != 8 || sent.Hellos != 1 {
		t.Fatalf("sender %+v, pipeline %+v", sent, g.Pipeline().Counters())
	}
	for i := range sent.Sent {
		select {
		case <-got:
		case <-time.After(5 * time.Second):
			t.Fatalf("%d of %d announcements received: %+v", i, sent.Sent, rcv.Counters())
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for rcv.Counters().Hellos != 1 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if c := rcv.Counters(); c.Hellos != 1 || c.Auth.Accepted != sent.Sent+1 {
		t.Fatalf("receiver %+v", c)
	}
}

// idle is a live source with no traffic.
type idle struct{ reads int }

func (s *idle) ReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	s.reads++
	time.Sleep(time.Millisecond)
	return nil, gopacket.CaptureInfo{}, ErrNoPacket
}

type broken struct{}

func (broken) ReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	return nil, gopacket.CaptureInfo{}, errors.New("interface gone")
}

func TestRunStopsOnCancelAndError(t *testing.T) {
	cfg := testConfig(t, "127.0.0.1:9")
	src := &idle{}
	g, err := Build(cfg, nil, nil, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- g.Run(ctx) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
	g2, _ := Build(cfg, nil, nil, broken{}, nil)
	defer g2.Close()
	if err := g2.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "interface gone") {
		t.Fatalf("capture error: %v", err)
	}
}

func TestConfig(t *testing.T) {
	var c Config
	c.SetDefaults()
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if err := c.Check(); !errors.Is(err, ErrNotConfigured) || strings.Count(err.Error(), "required") != 3 {
		t.Fatalf("check: %v", err)
	}
	c.Announce, c.AnnounceListen, c.MaxConns, c.SnapLen, c.SIPUDPPorts = "nope", "x", 0, 10, []uint16{0}
	err := c.Validate()
	for _, f := range []string{"announce:", "announce_listen:", "max_conns:", "snaplen:", "sip_udp_ports[0]:"} {
		if err == nil || !strings.Contains(err.Error(), f) {
			t.Errorf("missing %q in %v", f, err)
		}
	}
	var k Key
	secret := []byte("0123456789abcdef-sixteen+")
	if err := k.UnmarshalText([]byte("base64:" + base64.StdEncoding.EncodeToString(secret))); err != nil {
		t.Fatal(err)
	}
	hexK := Key{}
	if err := hexK.UnmarshalText([]byte(fmt.Sprintf("%x", secret))); err != nil {
		t.Fatal(err)
	}
	// Same secret both ways: a message sealed with one opens with the other.
	s, _ := auth.NewSealer(5, k.Key, nil)
	o := auth.NewOpener(0)
	_ = o.AddHost(5, hexK.Key)
	if _, err := o.Open(s.Seal(nil, []byte("body")), time.Now()); err != nil {
		t.Fatalf("base64 and hex keys differ: %v", err)
	}
	for _, bad := range []string{"zz", "base64:!!", "0011"} {
		if err := (&Key{}).UnmarshalText([]byte(bad)); !errors.Is(err, auth.ErrKey) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if out := fmt.Sprintf("%v %+v %#v %s", k, k, k, k); strings.Contains(out, "0123") || !strings.Contains(out, "redacted") {
		t.Fatalf("key printed: %s", out)
	}
}
