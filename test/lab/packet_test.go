package lab

import (
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

// line joins tshark fields with tabs (time, proto, src, dst, udp ports,
// tcp ports, Call-ID, method, SDP ports, RTSP method, transport).
func line(f ...string) string { return strings.Join(f, "\t") }

func TestParseLine(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want Packet
	}{
		{"sip invite with sdp", line("1795643835.435801000", "17", "10.90.1.2", "10.90.9.100", "35770", "5060", "", "", "1-18272@10.90.1.2", "INVITE", "30000", "", ""),
			Packet{Server: 2, T: 1795643835.435801, Proto: 17, Src: netip.MustParseAddrPort("10.90.1.2:35770"),
				Dst: netip.MustParseAddrPort("10.90.9.100:5060"), CallID: "1-18272@10.90.1.2", SIPMethod: "INVITE", SDPPorts: []int{30000}}},
		{"rtsp setup over tcp", line("1.5", "6", "10.90.1.2", "10.90.9.100", "", "", "36262", "8554", "", "", "", "SETUP", "RTP/AVP/UDP;unicast;client_port=27568-27569"),
			Packet{Server: 2, T: 1.5, Proto: 6, TCP: true, Src: netip.MustParseAddrPort("10.90.1.2:36262"),
				Dst: netip.MustParseAddrPort("10.90.9.100:8554"), RTSPMethod: "SETUP", Transport: "RTP/AVP/UDP;unicast;client_port=27568-27569"}},
		{"icmp quoting udp keeps the outer header", line("2", "1,17", "10.90.1.2,10.90.9.100", "10.90.9.100,10.90.1.2", "20000", "30000", "", "", "", "", "", "", ""),
			Packet{Server: 2, T: 2, Proto: 1, Src: netip.MustParseAddrPort("10.90.1.2:20000"), Dst: netip.MustParseAddrPort("10.90.9.100:30000")}},
		{"two sdp media lines", line("3", "17", "10.90.1.2", "10.90.9.100", "5060", "5060", "", "", "x", "INVITE", "30000,30002", "", ""),
			Packet{Server: 2, T: 3, Proto: 17, Src: netip.MustParseAddrPort("10.90.1.2:5060"), Dst: netip.MustParseAddrPort("10.90.9.100:5060"),
				CallID: "x", SIPMethod: "INVITE", SDPPorts: []int{30000, 30002}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseLine(c.in, 2)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestParseLineErrors(t *testing.T) {
	for _, in := range []string{
		"",
		line("1", "17", "10.90.1.2"),
		line("x", "17", "10.90.1.2", "10.90.9.100", "1", "2", "", "", "", "", "", "", ""),
		line("1", "udp", "10.90.1.2", "10.90.9.100", "1", "2", "", "", "", "", "", "", ""),
		line("1", "17", "not-an-ip", "10.90.9.100", "1", "2", "", "", "", "", "", "", ""),
		line("1", "17", "10.90.1.2", "10.90.9.100", "70000", "2", "", "", "", "", "", "", ""),
	} {
		if _, err := ParseLine(in, 0); !errors.Is(err, ErrDecode) {
			t.Errorf("ParseLine(%q) = %v, want ErrDecode", in, err)
		}
	}
}

func TestClientPorts(t *testing.T) {
	for in, want := range map[string][]int{
		"RTP/AVP/UDP;unicast;client_port=27568-27569":                  {27568, 27569},
		"RTP/AVP;unicast;client_port=5000":                             {5000},
		"RTP/AVP/TCP;unicast;interleaved=0-1":                          nil,
		"RTP/AVP;unicast; client_port=6000-6001;server_port=7000-7001": {6000, 6001},
		"RTP/AVP;unicast;client_port=0-99999":                          nil,
		"":                                                             nil,
	} {
		if got := ClientPorts(in); !reflect.DeepEqual(got, want) {
			t.Errorf("ClientPorts(%q) = %v, want %v", in, got, want)
		}
	}
}

func FuzzParseLine(f *testing.F) {
	f.Add(line("1795643835.435801000", "17", "10.90.1.2", "10.90.9.100", "35770", "5060", "", "", "1-1@h", "INVITE", "30000", "", ""))
	f.Add(line("1.5", "6", "10.90.1.2", "10.90.9.100", "", "", "36262", "8554", "", "", "", "SETUP", "RTP/AVP/UDP;unicast;client_port=1-2"))
	f.Add(line("2", "1,17", "10.90.1.2,10.90.9.100", "10.90.9.100,10.90.1.2", "20000", "30000", "", "", "", "", "", "", ""))
	f.Add("\t\t\t\t\t\t\t\t\t\t\t\t")
	f.Fuzz(func(t *testing.T, in string) {
		p, err := ParseLine(in, 1)
		if err != nil {
			if !errors.Is(err, ErrDecode) {
				t.Fatalf("error %v does not wrap ErrDecode", err)
			}
			return
		}
		if !p.Src.Addr().IsValid() || !p.Dst.Addr().IsValid() || p.Server != 1 {
			t.Fatalf("accepted packet without addresses: %+v", p)
		}
		for _, port := range p.SDPPorts {
			if port <= 0 || port > 65535 {
				t.Fatalf("SDP port %d out of range", port)
			}
		}
		for _, port := range ClientPorts(p.Transport) {
			if port <= 0 || port > 65535 {
				t.Fatalf("client port %d out of range", port)
			}
		}
	})
}
