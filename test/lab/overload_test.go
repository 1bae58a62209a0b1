package lab

import (
	"net/netip"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/sara-lb/sara/config"
	"github.com/sara-lb/sara/mgmt/agent"
)

// TestOverloadConfig: the scenario's edit turns SA2C on and off in a
// configuration `sara run` loads; the agents carry the lab's backlog limit.
func TestOverloadConfig(t *testing.T) {
	l := &Lab{Options: Options{Dir: t.TempDir()}, Prefix: "saralabtest"}
	for _, on := range []bool{true, false} {
		path, err := l.WriteConfig("overload", overloadConfig(on))
		if err != nil {
			t.Fatal(err)
		}
		c, err := config.Load(path)
		if err != nil {
			b, _ := os.ReadFile(path)
			t.Fatalf("%v\n%s", err, b)
		}
		if c.Control.Admission != on || c.Control.Interval != ControlInterval || c.Mgmt.Weights.Backlog != 1 {
			t.Fatalf("sa2c %v: control %+v weights %+v", on, c.Control, c.Mgmt.Weights)
		}
	}
	// A layout the edit does not know is refused, not run with SA2C on.
	if got := overloadConfig(false)("vips: [10.0.0.1]\n"); !strings.Contains(got, "overload_config_edit_failed") {
		t.Fatalf("unknown layout edited into %q", got)
	}
	p, err := l.AgentConfig(0)
	if err != nil {
		t.Fatal(err)
	}
	if a, err := agent.Load(p); err != nil || a.BacklogLimit != BacklogLimit || int(a.ServicePort) != SIPPort {
		t.Fatalf("agent %+v: %v", a, err)
	}
}

func TestPolicyTrace(t *testing.T) {
	log := `{"msg":"forwarding","control":true}
{"msg":"policy","sequence":0,"load":0,"p_new":1,"p_est":0,"reject_all":false}
{"msg":"policy","sequence":1024,"load":0.2,"p_new":0,"p_est":0,"reject_all":false}
{"msg":"policy","sequence":1024,"load":0.75,"p_new":0.33,"p_est":0,"reject_all":false}
not json
{"msg":"policy","sequence":1024,"load":0.5,"p_new":0,"p_est":0,"reject_all":false}`
	if m, refusing, all := policyTrace(log); m != 0.75 || !refusing || all {
		t.Fatalf("trace: max %v refusing %v reject-all %v", m, refusing, all)
	}
	// "No server yet" (p_new = 1 on an empty sequence) is not SA2C refusing.
	if _, refusing, _ := policyTrace(`{"msg":"policy","sequence":0,"load":0,"p_new":1}`); refusing {
		t.Fatal("an empty sequence counted as admission")
	}
	if _, _, all := policyTrace(`{"msg":"policy","sequence":1024,"load":1.1,"p_new":1,"p_est":1,"reject_all":true}`); !all {
		t.Fatal("reject-all missed")
	}
}

// TestMeasureOverload counts, from what the servers received, the calls
// that reached none, were established, lost their BYE or their media.
func TestMeasureOverload(t *testing.T) {
	client := netip.AddrPortFrom(ClientIP, 5070)
	sip := netip.AddrPortFrom(VIP, uint16(SIPPort))
	var pk []Packet
	msg := func(srv int, id, method string, sdp ...int) {
		pk = append(pk, Packet{Server: srv, T: float64(len(pk)), Src: client, Dst: sip, Proto: 17, CallID: id,
			SIPMethod: method, SDPPorts: sdp})
	}
	rtp := func(srv, port, n int) { // from the client's announced port, as sipp sends it
		for range n {
			pk = append(pk, Packet{Server: srv, T: float64(len(pk)), Src: netip.AddrPortFrom(ClientIP, uint16(port)),
				Dst: netip.AddrPortFrom(VIP, 20000), Proto: 17})
		}
	}
	// a: complete; b: established, BYE lost; c: established, media short;
	// d: INVITE only (never answered); e: split over two servers.
	for k, id := range []string{"a", "b", "c"} {
		msg(k, id, "INVITE", UACMediaBase+2*k)
		msg(k, id, "ACK")
	}
	rtp(0, UACMediaBase, RTPPackets)
	rtp(1, UACMediaBase+2, RTPPackets)
	rtp(2, UACMediaBase+4, RTPPackets-5)
	msg(0, "a", "BYE")
	msg(2, "c", "BYE")
	msg(0, "d", "INVITE")
	msg(0, "e", "INVITE")
	msg(1, "e", "INVITE")
	r := &Run{Packets: pk, UAC: SIPStats{Created: 7, Successful: 2, Failed: 5}, UAS: []SIPStats{{Failed: 1}, {}, {Failed: 2}},
		DispatcherLog: `{"msg":"policy","sequence":1024,"load":0.9,"p_new":1,"reject_all":false}`}
	o := measureOverload(r, true, 2e9)
	want := OverloadRun{SA2C: true, Offered: 7, Completed: 2, Failed: 5, CallsPerSec: 1, NoServer: 2, Established: 3,
		NoBye: 1, BrokenMedia: 1, Split: 1, UASFailed: 3, MaxLoad: 0.9, Refusing: true}
	o.Drops = nil
	if !reflect.DeepEqual(o, want) {
		t.Fatalf("measured %+v\nwant     %+v", o, want)
	}
}
