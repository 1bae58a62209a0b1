package announce

import (
	"net/netip"
	"testing"

	"github.com/sara-lb/sara/engine/inspect"
	"github.com/sara-lb/sara/engine/inspect/rtsp"
	"github.com/sara-lb/sara/engine/inspect/sip"
)

var (
	vip = netip.MustParseAddrPort("10.201.0.2:8554")
	cli = netip.MustParseAddrPort("10.201.0.1:40000")
	gw  = inspect.Meta{Src: vip, Dst: cli, Transport: inspect.TCP, Dir: inspect.FromServer}
)

func TestFromRTSPSetupReply(t *testing.T) {
	msg := []byte("RTSP/1.0 200 OK\r\nCSeq: 3\r\nTransport: RTP/AVP;unicast;client_port=27568-27569;server_port=35458-35459\r\n" +
		"Session: IwwwY2mFfbQfSV0h;timeout=60\r\n\r\n")
	var r inspect.Result
	if err := rtsp.New().Inspect(gw, msg, &r); err != nil {
		t.Fatal(err)
	}
	var m Message
	if !m.FromResult(&r, gw) {
		t.Fatal("nothing to announce")
	}
	if m.Kind != KindRTSP || m.Op != OpExpectMedia || string(m.Key) != "IwwwY2mFfbQfSV0h" || m.Client != cli ||
		m.Server != vip || m.N != 2 || m.Media[1].Receiver != inspect.SideServer || m.Media[1].Port != 35458 {
		t.Fatalf("%+v", m)
	}
	b, err := m.Append(nil)
	var d Message
	if err != nil || d.Decode(b) != nil || !equal(&d, &m) {
		t.Fatalf("round trip: %v", err)
	}
}

func TestFromSIP(t *testing.T) {
	bye200 := []byte("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.201.0.1;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\n" +
		"To: <sip:b@y>;tag=2\r\nCall-ID: call-1@x\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n")
	var r inspect.Result
	if err := sip.New().Inspect(gw, bye200, &r); err != nil {
		t.Fatal(err)
	}
	var m Message
	if !m.FromResult(&r, gw) || m.Op != OpEndSession || m.Kind != KindSIP || string(m.Key) != "call-1@x" || m.N != 0 {
		t.Fatalf("BYE 200: %+v", m)
	}
	ringing := []byte("SIP/2.0 180 Ringing\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@y>;tag=2\r\nCall-ID: c@x\r\nCSeq: 1 INVITE\r\n\r\n")
	if err := sip.New().Inspect(gw, ringing, &r); err != nil {
		t.Fatal(err)
	}
	if m.FromResult(&r, gw) {
		t.Fatal("a 180 without SDP has nothing to announce")
	}
}
