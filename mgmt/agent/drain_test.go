package agent

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestDrainFileRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sub", "drain")
	w := drainWatch{path: p}
	if _, set, changed := w.poll(); set || changed {
		t.Fatal("no file: no drain")
	}
	at := time.Unix(1800000000, 0)
	if err := WriteDrain(p, at); err != nil {
		t.Fatal(err)
	}
	if got, set, changed := w.poll(); !set || !changed || !got.Equal(at) {
		t.Fatalf("after drain: %v %v %v", got, set, changed)
	}
	if _, set, changed := w.poll(); !set || changed {
		t.Fatal("unchanged file reported as changed")
	}
	if err := os.WriteFile(p, []byte("garbage\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, set, _ := w.poll(); !set || !got.Equal(at) || !errors.Is(w.err, ErrDrainFile) {
		t.Fatalf("bad file must keep state: %v %v %v", got, set, w.err)
	}
	if err := ClearDrain(p); err != nil {
		t.Fatal(err)
	}
	if _, set, changed := w.poll(); set || !changed {
		t.Fatal("undrain not seen")
	}
	if err := ClearDrain(p); err != nil {
		t.Fatal("second undrain must be a no-op")
	}
}

func TestParseWhen(t *testing.T) {
	now := time.Unix(1700000000, 500)
	cases := map[string]int64{"+90s": 1700000090, "1700000123": 1700000123, "2023-11-14T22:13:20Z": 1700000000, " +0s ": 1700000000}
	for in, want := range cases {
		got, err := ParseWhen(in, now)
		if err != nil || got.Unix() != want {
			t.Errorf("%q: %v %v, want %d", in, got.Unix(), err, want)
		}
	}
	for _, bad := range []string{"", "+-5s", "tomorrow", "99999999999", "1960-01-01T00:00:00Z"} {
		if _, err := ParseWhen(bad, now); !errors.Is(err, ErrDrainFile) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParseDrain(f *testing.F) {
	f.Add([]byte("1800000000 # 2027-01-15T08:00:00Z\n"))
	f.Add([]byte("\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		at, err := ParseDrain(b)
		if err == nil && (at.Unix() < 0 || at.Unix() > 1<<32-1) {
			t.Fatalf("time %v does not fit the heartbeat Timestamp", at)
		}
	})
}
