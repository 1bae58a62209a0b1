package lab

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ErrStats is wrapped when a sipp statistics file cannot be read.
var ErrStats = errors.New("lab: sipp statistics")

// errNoColumn is wrapped (with ErrStats) when the CSV lacks a column.
var errNoColumn = errors.New("no column")

// SIPStats are sipp's cumulative call counters (its -trace_stat CSV).
type SIPStats struct {
	Created    int `json:"created"`
	Incoming   int `json:"incoming"`
	Successful int `json:"successful"`
	Failed     int `json:"failed"`
	// FailedUnexpected: calls failed on a message the scenario did not
	// expect (for the UAC, an error response such as a 503 refusal);
	// FailedTimeout: calls failed waiting for a message (-recv_timeout).
	// Both 0 when the CSV has no such column.
	FailedUnexpected int `json:"failed_unexpected"`
	FailedTimeout    int `json:"failed_timeout"`
}

// ReadSIPStats parses the last line of a sipp statistics CSV (fields
// separated by ';', named by the first line).
func ReadSIPStats(path string) (SIPStats, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return SIPStats{}, fmt.Errorf("%w: %w", ErrStats, err)
	}
	return ParseSIPStats(string(b))
}

// ParseSIPStats parses the text of a sipp statistics CSV.
func ParseSIPStats(text string) (SIPStats, error) {
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) < 2 {
		return SIPStats{}, fmt.Errorf("%w: %d lines, want a header and a sample", ErrStats, len(lines))
	}
	head, last := strings.Split(lines[0], ";"), strings.Split(lines[len(lines)-1], ";")
	col := func(name string) (int, error) {
		for i, h := range head {
			if h == name && i < len(last) {
				n, err := strconv.Atoi(strings.TrimSpace(last[i]))
				if err != nil {
					return 0, fmt.Errorf("%w: %s: %w", ErrStats, name, err)
				}
				return n, nil
			}
		}
		return 0, fmt.Errorf("%w: %w %s", ErrStats, errNoColumn, name)
	}
	var s SIPStats
	var errs []error
	for _, f := range []struct {
		name string
		dst  *int
	}{{"TotalCallCreated", &s.Created}, {"IncomingCall(C)", &s.Incoming},
		{"SuccessfulCall(C)", &s.Successful}, {"FailedCall(C)", &s.Failed}} {
		v, err := col(f.name)
		if err != nil {
			errs = append(errs, err)
		}
		*f.dst = v
	}
	for _, f := range []struct {
		name string
		dst  *int
	}{{"FailedUnexpectedMessage(C)", &s.FailedUnexpected}, {"FailedTimeoutOnRecv(C)", &s.FailedTimeout}} {
		if v, err := col(f.name); err == nil {
			*f.dst = v
		} else if !errors.Is(err, errNoColumn) {
			errs = append(errs, err)
		}
	}
	return s, errors.Join(errs...)
}
