package agent

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ErrDrainFile reports a drain file or time that does not parse.
var ErrDrainFile = errors.New("agent: bad drain time")

// The drain file is how `sara agent drain` talks to the running agent: it
// holds one line, the planned-failure time in unix seconds (a comment with
// the RFC 3339 form may follow after '#'). The agent stats the file before
// every heartbeat; while it exists, heartbeats carry flag 3 with that
// Timestamp. `undrain` removes it. The file survives an agent restart, so a
// server in maintenance stays drained until undrained.

// WriteDrain atomically writes a drain at `at` to path (temp file + rename).
func WriteDrain(path string, at time.Time) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("agent: drain: %w", err)
	}
	tmp := path + ".tmp"
	body := fmt.Sprintf("%d # %s\n", at.Unix(), at.UTC().Format(time.RFC3339))
	if err := os.WriteFile(tmp, []byte(body), 0o644); err != nil {
		return fmt.Errorf("agent: drain: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("agent: drain: %w", err)
	}
	return nil
}

// ClearDrain removes the drain file (no error if absent).
func ClearDrain(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("agent: undrain: %w", err)
	}
	return nil
}

// ParseDrain parses a drain file's content.
func ParseDrain(b []byte) (time.Time, error) {
	line, _, _ := bytes.Cut(b, []byte{'\n'})
	line, _, _ = bytes.Cut(line, []byte{'#'})
	n, err := strconv.ParseUint(string(bytes.TrimSpace(line)), 10, 32)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %q", ErrDrainFile, line)
	}
	return time.Unix(int64(n), 0), nil
}

// ParseWhen parses a drain time given on the command line: RFC 3339
// ("2026-11-25T22:00:00Z"), unix seconds ("1764108000") or a delay from now
// ("+90s", "+5m").
func ParseWhen(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if d, ok := strings.CutPrefix(s, "+"); ok {
		dur, err := time.ParseDuration(d)
		if err != nil || dur < 0 {
			return time.Time{}, fmt.Errorf("%w: delay %q", ErrDrainFile, s)
		}
		return now.Add(dur).Truncate(time.Second), nil
	}
	if n, err := strconv.ParseUint(s, 10, 32); err == nil {
		return time.Unix(int64(n), 0), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil || t.Unix() < 0 || t.Unix() > 1<<32-1 {
		return time.Time{}, fmt.Errorf("%w: %q (want RFC 3339, unix seconds or +duration)", ErrDrainFile, s)
	}
	return t, nil
}

// drainWatch caches the drain file, re-reading it only when it changes.
type drainWatch struct {
	path  string
	mod   time.Time
	size  int64
	set   bool
	at    time.Time
	err   error // last parse/read error (kept state unchanged)
	exist bool
}

// poll returns the current drain time and whether a drain is set.
func (w *drainWatch) poll() (time.Time, bool, bool) {
	fi, err := os.Stat(w.path)
	if err != nil {
		changed := w.exist
		w.exist, w.set, w.err = false, false, nil
		return time.Time{}, false, changed
	}
	if w.exist && fi.ModTime().Equal(w.mod) && fi.Size() == w.size {
		return w.at, w.set, false
	}
	w.exist, w.mod, w.size = true, fi.ModTime(), fi.Size()
	b, err := os.ReadFile(w.path)
	if err == nil {
		var at time.Time
		if at, err = ParseDrain(b); err == nil {
			w.at, w.set, w.err = at, true, nil
			return w.at, true, true
		}
	}
	w.err = err // keep the previous state on a bad file
	return w.at, w.set, true
}
