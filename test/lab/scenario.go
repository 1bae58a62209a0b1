package lab

import (
	"fmt"
	"sort"
	"strings"
	"syscall"
	"time"
)

// Reasons a check is pending: pieces `sara run` does not run yet. Each is
// detected at run time (counters, listening sockets), never assumed.
const (
	WaitSigPath = "signalling path in `sara run` (per-Call-ID SIP decisions, SDP/RTSP expectations); " +
		"the dispatcher's counters show no signalling handed to Go (sig_decide = sig_tap = 0)"
	WaitGateway = "the announcement receiver in `sara run` (gateway.announce_listen): with direct server return only " +
		"`sara gateway` on the router sees the servers' SDP answers and SETUP replies; until its announcements reach the " +
		"dispatcher, client→VIP media matches no expectation (expect_hit = 0) and is balanced on its own 5-tuple"
	WaitMgmt = "management plane and control loop in `sara run` (its forwarding log line says control: false)"
)

// Traffic is what one scenario sends through the dispatcher.
type Traffic struct {
	Calls   *Calls           // sipp UAC run, or nil
	RTSPTCP int              // RTSP sessions with RTP interleaved in the connection (started first)
	RTSPUDP int              // RTSP sessions with RTP over UDP (the servers' RTSP services run for the whole lab)
	EventAt time.Duration    // when Event runs, after the clients start
	Event   func(*Run) error // e.g. drain or kill a server; nil for none
	// Ready, if set, holds Event back (polled every 100 ms, at most 4 s
	// after EventAt) until it returns true.
	Ready    func(*Run) bool
	Deadline time.Duration // bound of the whole run (default 60s)
	// Config, if set, edits the dispatcher's YAML (WriteConfig).
	Config func(string) string
	// UAS, if set, starts server i's UAS instead of Lab.UAS.
	UAS func(i int, name string) (*Proc, error)
}

// Run is what a scenario observed, for its checks.
type Run struct {
	Start, EventTime time.Time
	Packets          []Packet           // what the servers received from the dispatcher
	Announced        map[uint16]float64 // VIP media port → when a server's reply announced it
	UAC              SIPStats
	UACErr           error
	UAS              []SIPStats // per server
	RTSPClients      []RTSPClient
	Counters         Counters
	DispatcherLog    string // what `sara run` logged (JSON lines)
	EarlyMedia       bool   // the UAC started RTP right after the ACK
	Control          bool   // the dispatcher ran its control loop (management plane)

	uas []*Proc // the servers' running UAS, for Event
}

// UASStats reads server i's UAS statistics as sipp last wrote them (every second).
func (r *Run) UASStats(i int) (SIPStats, error) {
	if i >= len(r.uas) {
		return SIPStats{}, fmt.Errorf("%w: no UAS on server %d", ErrStats, i)
	}
	return ReadSIPStats(strings.TrimSuffix(r.uas[i].Log, ".log") + ".csv")
}

// RTSPClient is one ffmpeg run's outcome.
type RTSPClient struct {
	Transport string        `json:"transport"`
	Played    time.Duration `json:"played"`
	Ended     bool          `json:"ended"`
	Err       string        `json:"err,omitempty"`
}

// Placing reports whether announced media matched expectations in the data plane.
func (r *Run) Placing() bool { return r.Counters.ExpectHit > 0 }

// SigPathActive reports whether the dispatcher handed signalling to Go.
func (r *Run) SigPathActive() bool { return r.Counters.SigDecide > 0 || r.Counters.SigTap > 0 }

// StreamLength is the length of every RTSP session the servers stream.
const StreamLength = 2 * time.Second

// run drives one scenario: dispatcher, per-server captures, servers' peers,
// clients, the optional event; then it stops everything in reverse order
// and collects what each side counted. On an error every process it
// started is stopped, so the next scenario finds the ports free.
func (l *Lab) run(name string, tr Traffic) (_ *Run, err error) {
	if tr.Deadline == 0 {
		tr.Deadline = 60 * time.Second
	}
	var started []*Proc
	defer func() {
		if err != nil {
			for _, p := range started {
				_ = p.Stop(syscall.SIGKILL, time.Second)
			}
		}
	}()
	var edits []func(string) string
	if tr.Config != nil {
		edits = append(edits, tr.Config)
	}
	d, err := l.StartDispatcher(name+"-dispatcher", tr.Deadline+10*time.Second, edits...)
	if err != nil {
		return nil, err
	}
	started = append(started, d.Proc)
	caps, err := l.StartCaptures(name)
	started = append(started, caps.procs...)
	if err != nil {
		return nil, err
	}
	var uas []*Proc
	startUAS := func(i int, name string) (*Proc, error) { return l.UAS(i, name) }
	if tr.UAS != nil {
		startUAS = tr.UAS
	}
	for i := range NumServers {
		if tr.Calls != nil {
			p, err := startUAS(i, fmt.Sprintf("%s-uas-%s", name, ServerName(i)))
			if err != nil {
				return nil, err
			}
			uas, started = append(uas, p), append(started, p)
		}
	}
	r := &Run{Start: time.Now(), uas: uas, EarlyMedia: tr.Calls != nil && tr.Calls.EarlyMedia}
	var uac *Proc
	if tr.Calls != nil {
		if uac, err = l.UAC(name+"-uac", *tr.Calls); err != nil {
			return nil, err
		}
		started = append(started, uac)
	}
	var ff []*Proc
	for k := range tr.RTSPTCP + tr.RTSPUDP {
		transport := "tcp"
		if k >= tr.RTSPTCP {
			transport = "udp"
		}
		p, err := l.FFmpeg(fmt.Sprintf("%s-ffmpeg%d-%s", name, k, transport), transport, StreamLength)
		if err != nil {
			return nil, err
		}
		ff, started = append(ff, p), append(started, p)
		r.RTSPClients = append(r.RTSPClients, RTSPClient{Transport: transport})
		time.Sleep(150 * time.Millisecond) // one new connection at a time: a readable order in the captures
	}
	if tr.Event != nil {
		time.Sleep(time.Until(r.Start.Add(tr.EventAt)))
		for limit := time.Now().Add(4 * time.Second); tr.Ready != nil && !tr.Ready(r) && time.Now().Before(limit); {
			time.Sleep(100 * time.Millisecond)
		}
		r.EventTime = time.Now()
		if err := tr.Event(r); err != nil {
			return nil, err
		}
	}
	deadline := r.Start.Add(tr.Deadline)
	if uac != nil {
		r.UACErr = uac.Wait(time.Until(deadline))
		_ = uac.Stop(syscall.SIGUSR1, 5*time.Second)
		if r.UAC, err = ReadSIPStats(strings.TrimSuffix(uac.Log, ".log") + ".csv"); err != nil {
			return nil, err
		}
	}
	for k, p := range ff {
		if err := p.Wait(time.Until(deadline)); err != nil {
			r.RTSPClients[k].Err = err.Error()
			_ = p.Stop(syscall.SIGKILL, time.Second)
		}
		r.RTSPClients[k].Played, r.RTSPClients[k].Ended = PlayedFor(p)
	}
	for i, p := range uas {
		st, err := StopSIPP(p)
		if err != nil && !p.Exited() {
			return nil, fmt.Errorf("UAS %s: %w", ServerName(i), err)
		}
		r.UAS = append(r.UAS, st) // a killed UAS reports what it last wrote
	}
	time.Sleep(200 * time.Millisecond) // the last frames reach the captures
	var out []Packet
	if r.Packets, out, err = caps.Stop(); err != nil {
		return nil, err
	}
	r.Announced = Announcements(out)
	if r.Counters, err = d.Finish(); err != nil {
		return nil, err
	}
	r.DispatcherLog = d.Output()
	r.Control = strings.Contains(r.DispatcherLog, `"control":true`)
	return r, nil
}

// sessionList returns the sessions of a map in a stable order (first packet).
func sessionList[K comparable](m map[K]*Session) []*Session {
	out := make([]*Session, 0, len(m))
	for _, s := range m {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Sig.First < out[j].Sig.First })
	return out
}
