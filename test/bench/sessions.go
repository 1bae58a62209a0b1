package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/google/gopacket/pcapgo"

	"github.com/sara-lb/sara/test/gen/sessions"
)

// sessionMix is the session case's traffic: 5000 concurrent SIP calls,
// 500 RTSP sessions and 5000 background flows for 2 s, frames to the VIP
// only (what the dispatcher receives), seed 1. Replayed forever, each pass
// repeats the same calls: SIP messages go to Go for their decisions.
func sessionMix() sessions.Options {
	so := sessions.DefaultOptions()
	so.Calls, so.RTSP, so.Flows, so.Duration, so.ToVIPOnly = 5000, 500, 5000, 2*time.Second, true
	return so
}

// sessionsCapture returns the session-mix capture (generated once, kept in
// the work directory) and its number of frames.
func sessionsCapture(o *opts) (string, int, error) {
	pcap := filepath.Join(o.dir, "sessions_5000.pcap")
	if _, err := os.Stat(pcap); err != nil {
		f, err := os.Create(pcap + ".tmp")
		if err != nil {
			return "", 0, err
		}
		st, _, err := sessions.Generate(f, sessionMix())
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", 0, fmt.Errorf("sessions capture: %w", err)
		}
		fmt.Fprintf(os.Stderr, "bench: %s: %d frames\n", filepath.Base(pcap), st.Frames)
		if err := os.Rename(pcap+".tmp", pcap); err != nil {
			return "", 0, err
		}
	}
	n, err := countFrames(pcap)
	return pcap, n, err
}

// countFrames reads a pcap to its end.
func countFrames(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		_, _, err := r.ZeroCopyReadPacketData()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("%s: %w", path, err)
		}
		n++
	}
}
