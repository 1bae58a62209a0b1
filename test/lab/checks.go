package lab

import (
	"fmt"
	"time"
)

// sipChecks asserts what every SIP scenario must hold and returns the calls
// as the servers saw them. excused(call) exempts calls a scenario expects to
// break (those a killed server held) from the completion and placement checks.
func sipChecks(res *Result, r *Run, want int, excused func(*Session) bool) []*Session {
	callMap, _ := SIPCalls(r.Packets)
	stray := Stray(r.Packets)
	calls := sessionList(callMap)
	res.Attempted += r.UAC.Created
	res.Completed += r.UAC.Successful
	if excused == nil {
		excused = func(*Session) bool { return false }
	}
	nExcused := 0
	for _, c := range calls {
		if excused(c) {
			nExcused++
		}
	}
	res.Expect("sip_calls_completed", r.UAC.Created == want && r.UAC.Successful+nExcused >= want && r.UAC.Successful+r.UAC.Failed == want,
		"sipp UAC: %d created, %d successful, %d failed, %d excused (want %d; exit: %v)",
		r.UAC.Created, r.UAC.Successful, r.UAC.Failed, nExcused, want, r.UACErr)
	res.Expect("sip_calls_seen", len(calls) == want, "%d Call-IDs reached the servers (want %d)", len(calls), want)

	split, media, short := 0, 0, 0
	per := make([]int, NumServers)
	for _, c := range calls {
		if srv, ok := c.Sig.One(); ok {
			per[srv]++
		} else if !excused(c) {
			split++
		}
		if excused(c) {
			continue
		}
		n := 0
		for _, k := range c.Media.Packets {
			n += k
		}
		media += n
		if n < RTPPackets {
			short++
		}
	}
	res.Expect("sip_signalling_one_server", split == 0,
		"%d of %d calls had SIP messages on more than one server", split, len(calls)-nExcused)
	uasAgree := len(r.UAS) == NumServers
	detail := ""
	for i, st := range r.UAS {
		detail += fmt.Sprintf(" %s: captures %d, UAS %d ok/%d failed;", ServerName(i), per[i], st.Successful, st.Failed)
		if st.Successful != per[i] || st.Failed != 0 {
			uasAgree = uasAgree && excusedOn(calls, i, excused)
		}
	}
	res.Expect("sip_server_side_counts", uasAgree && len(calls) > 0, "each UAS completed the calls its capture shows:%s", detail)
	res.Expect("sip_media_delivered", short == 0 && len(calls) > nExcused && stray == 0,
		"%d RTP packets of %d calls reached the servers, %d calls with fewer than the %d sipp played; %d datagrams of no session",
		media, len(calls)-nExcused, short, RTPPackets, stray)
	mediaChecks(res, r, "sip", calls, excused, !r.EarlyMedia)
	return calls
}

// excusedOn reports whether server i holds an excused call (its UAS counts
// then legitimately differ from the captures).
func excusedOn(calls []*Session, i int, excused func(*Session) bool) bool {
	for _, c := range calls {
		if c.Sig.Packets[i] > 0 && excused(c) {
			return true
		}
	}
	return false
}

// rtspChecks asserts what every RTSP scenario must hold.
func rtspChecks(res *Result, r *Run, tr Traffic) []*Session {
	sessMap, _ := RTSPSessions(r.Packets)
	sessions := sessionList(sessMap)
	want := tr.RTSPTCP + tr.RTSPUDP
	ok := 0
	var bad []RTSPClient
	for _, c := range r.RTSPClients {
		if c.Err == "" && c.Ended && c.Played >= StreamLength*3/4 {
			ok++
		} else {
			bad = append(bad, c)
		}
	}
	res.Attempted += want
	res.Completed += ok
	res.Expect("rtsp_sessions_completed", ok == want,
		"%d of %d ffmpeg clients played ≥ %v to the end; failures: %+v", ok, want, StreamLength*3/4, bad)
	kinds := map[string]int{}
	split := 0
	for _, s := range sessions {
		kinds[s.Kind]++
		if _, one := s.Sig.One(); !one {
			split++
		}
	}
	res.Expect("rtsp_sessions_seen", len(sessions) == want && kinds["rtsp-tcp"] == tr.RTSPTCP && kinds["rtsp-udp"] == tr.RTSPUDP,
		"%d RTSP connections reached the servers: %v (want %d interleaved, %d UDP)", len(sessions), kinds, tr.RTSPTCP, tr.RTSPUDP)
	res.Expect("rtsp_connection_one_server", split == 0,
		"%d of %d RTSP connections (interleaved media included) had packets on more than one server", split, len(sessions))
	mediaChecks(res, r, "rtsp_udp", sessions, func(*Session) bool { return false }, false)
	return sessions
}

// spreadCheck asserts that at least want servers received sessions.
func spreadCheck(res *Result, sessions []*Session, want int) {
	per, _ := Spread(sessions)
	used, most, total := 0, 0, 0
	for _, n := range per {
		if n > 0 {
			used++
		}
		most, total = max(most, n), total+n
	}
	share := 0.0
	if total > 0 {
		share = float64(most) / float64(total)
	}
	res.Extra["max_server_share"] = share
	res.Expect("spread_over_servers", used >= want, "sessions per server %v (want ≥ %d servers used; busiest has %.0f%%)",
		per, want, 100*share)
}

// finish fills the common result fields.
func finish(res *Result, r *Run, sessions []*Session) *Result {
	res.setSpread(sessions)
	res.Dispatcher = r.Counters
	res.Seconds = time.Since(r.Start).Seconds()
	res.Extra["uas"] = r.UAS
	if len(r.RTSPClients) > 0 {
		res.Extra["rtsp_clients"] = r.RTSPClients
	}
	return res
}
