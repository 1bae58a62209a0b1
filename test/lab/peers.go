package lab

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

var (
	//go:embed sipp/uac.xml
	uacXML []byte
	//go:embed sipp/uas.xml
	uasXML []byte
	//go:embed rtsp_server.py
	rtspServerPy []byte
)

// RTPPackets is how many G.711 packets (20 ms each) every call plays each
// way: 0.5 s, well inside the shortest hold, so no stream is cut by the BYE.
const RTPPackets = 25

// prepare writes the peers' files (sipp scenarios, RTSP server, the RTP
// pcap cut from sipp's own g711a.pcap) into Dir.
func (l *Lab) prepare() error {
	early := bytes.Replace(uacXML, []byte(`<pause milliseconds="150"/>`), nil, 1)
	for name, b := range map[string][]byte{"uac.xml": uacXML, "uac-early.xml": early, "uas.xml": uasXML,
		"rtsp_server.py": rtspServerPy} {
		if err := os.WriteFile(filepath.Join(l.Dir, name), b, 0o644); err != nil {
			return fmt.Errorf("%w: %w", ErrSetup, err)
		}
	}
	out, err := exec.Command("editcap", "-r", "/usr/share/sip-tester/g711a.pcap",
		filepath.Join(l.Dir, "g711.pcap"), fmt.Sprintf("1-%d", RTPPackets)).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: editcap: %w: %s", ErrSetup, err, out)
	}
	return nil
}

// UAS starts sipp's UAS on server i (listening on VIP:5060, one socket,
// RTP from its own media port range) with statistics in Dir/name.csv;
// extra are further sipp options.
func (l *Lab) UAS(i int, name string, extra ...string) (*Proc, error) {
	p, err := l.Start(name, l.ServerNS(i), append([]string{"sipp", "-sf", filepath.Join(l.Dir, "uas.xml"),
		"-i", VIP.String(), "-p", strconv.Itoa(SIPPort), "-t", "u1",
		"-mi", VIP.String(), "-mp", strconv.Itoa(UASMediaBase(i)), "-key", "pcap", filepath.Join(l.Dir, "g711.pcap"),
		"-nostdin", "-timeout", "120s", "-trace_stat", "-stf", filepath.Join(l.Dir, name+".csv"), "-fd", "1",
		"-trace_err", "-error_file", filepath.Join(l.Dir, name+".err")}, extra...)...)
	if err != nil {
		return nil, err
	}
	time.Sleep(300 * time.Millisecond) // sipp binds at once; no readiness line to wait for
	if p.Exited() {
		return nil, fmt.Errorf("%w: sipp UAS on %s exited: %s", ErrProc, ServerName(i), p.Output())
	}
	return p, nil
}

// StopSIPP makes sipp quit (SIGUSR1: it writes its final statistics) and
// returns them.
func StopSIPP(p *Proc) (SIPStats, error) {
	_ = p.Stop(syscall.SIGUSR1, 5*time.Second)
	return ReadSIPStats(strings.TrimSuffix(p.Log, ".log") + ".csv")
}

// Calls describes one sipp UAC run from the client.
type Calls struct {
	N         int           // calls to place (-m)
	Rate      int           // calls per second (-r)
	Hold      time.Duration // time between ACK and BYE (-d)
	Trunk     bool          // all calls on one UDP 5-tuple (-t u1 from port 5060), else one socket per call (-t un)
	RecvLimit time.Duration // per-message receive timeout: a call to a dead server fails after it
	// EarlyMedia starts the RTP right after the ACK, as a phone does,
	// instead of 150 ms later (sipp/uac.xml without its pause).
	EarlyMedia bool
	// Media is the RTP capture the UAC plays each call (a file in Dir;
	// default g711.pcap, RTPPackets packets).
	Media string
}

// UAC starts sipp's UAC in the client namespace for c, statistics in Dir/name.csv.
func (l *Lab) UAC(name string, c Calls) (*Proc, error) {
	transport, port := "un", "5070"
	if c.Trunk {
		transport, port = "u1", strconv.Itoa(SIPPort)
	}
	if c.RecvLimit == 0 {
		c.RecvLimit = 5 * time.Second
	}
	if c.Media == "" {
		c.Media = "g711.pcap"
	}
	scenario := "uac.xml"
	if c.EarlyMedia {
		scenario = "uac-early.xml"
	}
	return l.Start(name, l.NS("cl"), "sipp", "-sf", filepath.Join(l.Dir, scenario),
		"-i", ClientIP.String(), "-p", port, "-t", transport, "-max_socket", "200",
		"-mi", ClientIP.String(), "-mp", strconv.Itoa(UACMediaBase), "-key", "pcap", filepath.Join(l.Dir, c.Media),
		"-m", strconv.Itoa(c.N), "-r", strconv.Itoa(c.Rate), "-l", strconv.Itoa(c.N),
		"-d", strconv.FormatInt(c.Hold.Milliseconds(), 10), "-recv_timeout", strconv.FormatInt(c.RecvLimit.Milliseconds(), 10),
		"-nostdin", "-timeout", "90s", "-trace_stat", "-stf", filepath.Join(l.Dir, name+".csv"), "-fd", "1",
		"-trace_err", "-error_file", filepath.Join(l.Dir, name+".err"),
		fmt.Sprintf("%s:%d", VIP, SIPPort))
}

// RTSPServer starts GStreamer's RTSP server on server i (VIP:8554, streams
// of the given length) and waits until it is ready.
func (l *Lab) RTSPServer(i int, name string, stream time.Duration) (*Proc, error) {
	p, err := l.Start(name, l.ServerNS(i), "/usr/bin/python3", filepath.Join(l.Dir, "rtsp_server.py"),
		VIP.String(), strconv.Itoa(RTSPPort), fmt.Sprintf("%.1f", stream.Seconds()))
	if err != nil {
		return nil, err
	}
	return p, p.WaitOutput("rtsp server ready", 20*time.Second)
}

// FFmpeg starts ffmpeg in the client namespace playing rtsp://VIP:8554/test
// for d over transport "udp" or "tcp" (interleaved), progress on its output.
func (l *Lab) FFmpeg(name, transport string, d time.Duration) (*Proc, error) {
	return l.Start(name, l.NS("cl"), "ffmpeg", "-nostdin", "-loglevel", "error", "-rtsp_transport", transport,
		"-timeout", "5000000", "-i", fmt.Sprintf("rtsp://%s:%d/test", VIP, RTSPPort),
		"-t", fmt.Sprintf("%.1f", d.Seconds()), "-progress", "pipe:1", "-f", "null", "-")
}

// PlayedFor returns how much media an ffmpeg run decoded (its last
// out_time_us progress value) and whether it reached progress=end.
func PlayedFor(p *Proc) (time.Duration, bool) { return ParseProgress(p.Output()) }

// ParseProgress reads ffmpeg's -progress output: the last out_time_us and
// whether progress=end was reached.
func ParseProgress(out string) (time.Duration, bool) {
	var us int64
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, "out_time_us="); ok {
			if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
				us = n
			}
		}
	}
	return time.Duration(us) * time.Microsecond, strings.Contains(out, "progress=end")
}
