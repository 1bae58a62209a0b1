package lab

import (
	"net/netip"
	"sort"
)

// Placement counts, per server, the packets of one flow class of a session.
type Placement struct {
	Packets map[int]int `json:"packets"` // server index → packets
	First   float64     `json:"first"`   // arrival of the first packet (unix seconds)
}

func (p *Placement) add(pk Packet) {
	if p.Packets == nil {
		p.Packets = map[int]int{}
		p.First = pk.T
	}
	p.Packets[pk.Server]++
	if pk.T < p.First {
		p.First = pk.T
	}
}

// Servers returns the servers that received packets, in order.
func (p Placement) Servers() []int {
	var s []int
	for k := range p.Packets {
		s = append(s, k)
	}
	sort.Ints(s)
	return s
}

// One returns the only server that received packets, if exactly one did.
func (p Placement) One() (int, bool) {
	if s := p.Servers(); len(s) == 1 {
		return s[0], true
	}
	return -1, false
}

// Session is one SIP call (by Call-ID) or RTSP session (by its TCP
// connection) as the servers saw it: where its signalling and its media went.
type Session struct {
	ID    string    `json:"id"`
	Kind  string    `json:"kind"` // sip, rtsp-udp, rtsp-tcp
	Sig   Placement `json:"signalling"`
	Media Placement `json:"media"`
	// Flows are the client→VIP media flows, by VIP port.
	Flows map[uint16]*Placement `json:"flows,omitempty"`
}

// addMedia counts a media packet in the session and in its flow.
func (s *Session) addMedia(p Packet) {
	s.Media.add(p)
	if s.Flows == nil {
		s.Flows = map[uint16]*Placement{}
	}
	f := s.Flows[p.Dst.Port()]
	if f == nil {
		f = &Placement{}
		s.Flows[p.Dst.Port()] = f
	}
	f.add(p)
}

// Announcements returns, for each VIP media port a server's reply announced
// (the m= port of an SDP from the SIP port, the server_port of an RTSP
// reply), when the first such reply left a server. Only replies (source
// port SIP or RTSP) count; pk are the servers' outbound packets.
func Announcements(pk []Packet) map[uint16]float64 {
	at := map[uint16]float64{}
	note := func(port int, t float64) {
		if old, ok := at[uint16(port)]; !ok || t < old {
			at[uint16(port)] = t
		}
	}
	for _, p := range pk {
		switch {
		case p.Proto == 17 && p.Src.Port() == uint16(SIPPort):
			for _, port := range p.SDPPorts {
				note(port, p.T)
				note(port+1, p.T)
			}
		case p.TCP && p.Src.Port() == uint16(RTSPPort):
			for _, port := range PortsOf(p.Transport, "server_port=") {
				note(port, p.T)
			}
		}
	}
	return at
}

// SIPCalls groups the packets the servers received into calls: SIP
// messages by Call-ID; media by the client's RTP (and RTCP) source port
// announced in the call's INVITE SDP. Unattributed holds the indexes of the
// UDP datagrams (other than SIP) that belong to no call.
func SIPCalls(pk []Packet) (calls map[string]*Session, unattributed map[int]bool) {
	calls = map[string]*Session{}
	media := map[netip.AddrPort]string{} // client RTP/RTCP source → Call-ID
	for _, p := range pk {
		if p.Proto != 17 || p.CallID == "" {
			continue
		}
		c := calls[p.CallID]
		if c == nil {
			c = &Session{ID: p.CallID, Kind: "sip"}
			calls[p.CallID] = c
		}
		c.Sig.add(p)
		if p.SIPMethod == "INVITE" {
			for _, port := range p.SDPPorts {
				media[netip.AddrPortFrom(p.Src.Addr(), uint16(port))] = p.CallID
				media[netip.AddrPortFrom(p.Src.Addr(), uint16(port+1))] = p.CallID
			}
		}
	}
	unattributed = map[int]bool{}
	for i, p := range pk {
		if p.Proto != 17 || p.CallID != "" || p.Dst.Port() == uint16(SIPPort) {
			continue
		}
		if id, ok := media[p.Src]; ok {
			calls[id].addMedia(p)
		} else {
			unattributed[i] = true
		}
	}
	return calls, unattributed
}

// RTSPSessions groups the packets into RTSP sessions, one per client TCP
// connection to the RTSP port; UDP media by the client_port pair its SETUP
// requests announced. Interleaved sessions (RTP inside the connection)
// have no media flow of their own. Unattributed holds the indexes of the UDP
// datagrams that belong to no session.
func RTSPSessions(pk []Packet) (sessions map[netip.AddrPort]*Session, unattributed map[int]bool) {
	sessions = map[netip.AddrPort]*Session{}
	media := map[netip.AddrPort]netip.AddrPort{} // client media source → connection
	for _, p := range pk {
		if !p.TCP || p.Dst.Port() != uint16(RTSPPort) {
			continue
		}
		s := sessions[p.Src]
		if s == nil {
			s = &Session{ID: p.Src.String(), Kind: "rtsp-tcp"}
			sessions[p.Src] = s
		}
		s.Sig.add(p)
		if p.RTSPMethod == "SETUP" {
			if ports := ClientPorts(p.Transport); len(ports) > 0 {
				s.Kind = "rtsp-udp"
				for _, port := range ports {
					media[netip.AddrPortFrom(p.Src.Addr(), uint16(port))] = p.Src
				}
			}
		}
	}
	unattributed = map[int]bool{}
	for i, p := range pk {
		if p.Proto != 17 {
			continue
		}
		if c, ok := media[p.Src]; ok {
			sessions[c].addMedia(p)
		} else {
			unattributed[i] = true
		}
	}
	return sessions, unattributed
}

// Stray counts the UDP datagrams, other than SIP, that neither a SIP call
// nor an RTSP session claims: traffic the scenario did not send.
func Stray(pk []Packet) int {
	_, sip := SIPCalls(pk)
	_, rtsp := RTSPSessions(pk)
	n := 0
	for i := range sip {
		if rtsp[i] {
			n++
		}
	}
	return n
}

// Spread counts the sessions whose signalling reached exactly one server,
// per server; split counts those whose signalling reached several.
func Spread(sessions []*Session) (perServer []int, split int) {
	perServer = make([]int, NumServers)
	for _, s := range sessions {
		if srv, ok := s.Sig.One(); ok && srv < NumServers {
			perServer[srv]++
		} else {
			split++
		}
	}
	return perServer, split
}
