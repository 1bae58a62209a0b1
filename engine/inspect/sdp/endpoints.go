package sdp

import (
	"net/netip"

	"github.com/sara-lb/sara/engine/inspect"
)

// Endpoints appends to r one inspect.Media per announced RTP port of d
// (one per m= line, or Count of them for port/count), received by side
// receiver (the sender of the SDP). fallback is used as the address when
// the SDP gives no usable c= (FQDN, missing): normally the packet's source.
func Endpoints(d *Description, receiver inspect.Side, fallback netip.Addr, r *inspect.Result) {
	if d.Dropped {
		r.MediaDropped = true
	}
	for i := 0; i < d.N; i++ {
		m := &d.Media[i]
		addr := d.Conn
		if m.HasConn {
			addr = m.Conn
		}
		hold := addr.IsValid() && addr.IsUnspecified()
		if !addr.IsValid() {
			addr = fallback
		}
		dir := d.Dir
		if m.HasDir {
			dir = m.Dir
		}
		hold = hold || dir == inspect.Inactive || dir == inspect.SendOnly
		tr := inspect.UDP
		if len(m.Proto) >= 4 && (string(m.Proto[:4]) == "TCP/" || string(m.Proto) == "TCP") {
			tr = inspect.TCP
		}
		for k := uint16(0); k < m.Count; k++ {
			e := r.AddMedia()
			if e == nil {
				return
			}
			e.Receiver, e.Addr, e.Transport, e.Dir, e.Hold = receiver, addr, tr, dir, hold
			e.Index, e.Multicast = uint8(i), addr.IsMulticast()
			if m.Port == 0 {
				e.Refused = true
				continue
			}
			e.Port = m.Port + 2*k
			switch {
			case m.RTCPMux:
				e.RTCPPort = e.Port
			case m.RTCPPort != 0 && k == 0:
				e.RTCPPort, e.RTCPAddr = m.RTCPPort, m.RTCPAddr
			default:
				e.RTCPPort = e.Port + 1
			}
		}
	}
}
