package lab

import (
	"errors"
	"testing"
	"time"
)

func TestParseProgress(t *testing.T) {
	out := "frame=0\nout_time_us=560000\nprogress=continue\nout_time_us=2000000\nspeed=1x\nprogress=end\n"
	if d, end := ParseProgress(out); d != 2*time.Second || !end {
		t.Fatalf("got %v %v", d, end)
	}
	if d, end := ParseProgress("out_time_us=N/A\nprogress=continue\n"); d != 0 || end {
		t.Fatalf("N/A: got %v %v", d, end)
	}
}

func FuzzParseProgress(f *testing.F) {
	f.Add("out_time_us=2000000\nprogress=end\n")
	f.Add("out_time_us=-5\n")
	f.Fuzz(func(t *testing.T, in string) { ParseProgress(in) })
}

func FuzzStateChanges(f *testing.F) {
	f.Add(`{"ts":"2026-11-25T22:50:11.424Z","msg":"server state changed","server":"s3","from":"active","state":"failed","reason":"x"}`)
	f.Add("EAL: x\n{\"msg\":\"server state changed\",\"ts\":\"\"}\n")
	f.Fuzz(func(t *testing.T, in string) {
		for _, c := range StateChanges(in) {
			if c.At.IsZero() {
				t.Fatalf("change without a time: %+v", c)
			}
		}
	})
}

func FuzzFinalCounters(f *testing.F) {
	f.Add(`{"msg":"final counters","counters":{"rx":1,"tx":1,"server_packets":[1]}}`)
	f.Add(`{"msg":"final counters","counters":7}`)
	f.Fuzz(func(t *testing.T, in string) {
		if _, err := finalCounters(in); err != nil && !errors.Is(err, ErrProc) {
			t.Fatalf("error %v does not wrap ErrProc", err)
		}
	})
}
