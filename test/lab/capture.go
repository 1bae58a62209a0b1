package lab

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Captures are tcpdump runs on every server's interface, recording the
// frames the dispatcher sent to that server (destination MAC = the server,
// destination IP = the VIP) and the server's replies from the VIP (for
// the time each media port was announced). -p: no promiscuous mode.
type Captures struct {
	procs []*Proc
	files []string
}

// StartCaptures starts one capture per server, named name-sN.pcap in Dir.
// On error the returned Captures holds what started.
func (l *Lab) StartCaptures(name string) (*Captures, error) {
	c := &Captures{}
	for i := range NumServers {
		f := filepath.Join(l.Dir, fmt.Sprintf("%s-%s.pcap", name, ServerName(i)))
		p, err := l.Start(fmt.Sprintf("%s-tcpdump-%s", name, ServerName(i)), l.ServerNS(i), "tcpdump", "-p", "-n",
			"-i", "eth0", "-U", "-s", "0", "-w", f, fmt.Sprintf("(ether dst %s and dst host %s) or (ether src %s and src host %s)", ServerMAC(i), VIP, ServerMAC(i), VIP))
		if err != nil {
			return c, err
		}
		c.procs, c.files = append(c.procs, p), append(c.files, f)
		if err := p.WaitOutput("listening on", 10*time.Second); err != nil {
			return c, err
		}
	}
	return c, nil
}

// Stop ends the captures and decodes them (tshark) into packets tagged
// with their server: what the servers received (in) and sent from the VIP (out).
func (c *Captures) Stop() (in, out []Packet, err error) {
	for _, p := range c.procs {
		_ = p.Stop(syscall.SIGINT, 5*time.Second)
	}
	for i, f := range c.files {
		pk, err := Decode(f, i)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range pk {
			if p.Src.Addr() == VIP {
				out = append(out, p)
			} else {
				in = append(in, p)
			}
		}
	}
	return in, out, nil
}

// tsharkFields are the fields Decode asks tshark for, in ParseLine's order.
var tsharkFields = []string{"frame.time_epoch", "ip.proto", "ip.src", "ip.dst", "udp.srcport", "udp.dstport",
	"tcp.srcport", "tcp.dstport", "sip.Call-ID", "sip.Method", "sdp.media.port", "rtsp.method", "rtsp.transport"}

// Decode runs tshark over one server's capture: its SIP, SDP and RTSP
// dissectors (independent of SARA's inspectors) name the calls and sessions.
func Decode(pcap string, server int) ([]Packet, error) {
	args := []string{"-r", pcap, "-n", "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"}
	for _, f := range tsharkFields {
		args = append(args, "-e", f)
	}
	out, err := exec.Command("tshark", args...).Output()
	if err != nil {
		return nil, fmt.Errorf("%w: tshark %s: %w", ErrDecode, pcap, err)
	}
	var pk []Packet
	for _, line := range strings.Split(string(out), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		p, err := ParseLine(line, server)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", pcap, err)
		}
		pk = append(pk, p)
	}
	return pk, nil
}
