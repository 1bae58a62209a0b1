package config

import (
	"strings"
	"testing"
)

func TestGatewaySection(t *testing.T) {
	c, err := Parse([]byte(`vips: ["10.0.0.100"]
servers: [{name: s1, mac: "02:00:00:00:00:01", host_id: 7}]
signalling: {sip_udp_ports: [5070], rtsp_tcp_ports: [554]}
gateway:
  interface: eth1
  announce: "10.0.0.1:7421"
  announce_listen: "0.0.0.0:7421"
  host_id: 900
  key: "base64:MDEyMzQ1Njc4OWFiY2RlZg=="
  sip_tcp_ports: [5061]
`))
	if err != nil {
		t.Fatal(err)
	}
	g := c.GatewayConfig()
	if g.Interface != "eth1" || g.HostID != 900 || g.Key.IsZero() || g.AuthKey().ID() != 1 || g.Check() != nil {
		t.Fatalf("%+v", g)
	}
	if len(g.SIPUDPPorts) != 1 || g.SIPUDPPorts[0] != 5070 || g.SIPTCPPorts[0] != 5061 || g.RTSPTCPPorts[0] != 554 {
		t.Fatalf("ports %v %v %v", g.SIPUDPPorts, g.SIPTCPPorts, g.RTSPTCPPorts)
	}
	if id := c.ServerHostIDs()[[6]byte{2, 0, 0, 0, 0, 1}]; id != 7 {
		t.Fatalf("host id of s1's MAC: %d", id)
	}
	_, err = Parse([]byte(`vips: ["10.0.0.100"]
servers: [{name: s1, mac: "02:00:00:00:00:01"}]
gateway: {announce: "nowhere", key: "zz"}
`))
	for _, want := range []string{"gateway.announce:", "gateway.key"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in %v", want, err)
		}
	}
}
