package lab

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestResultPendingIsNotAPass(t *testing.T) {
	r := newResult("x")
	r.Expect("a", true, "fine")
	r.Expect("b", false, "%d lost", 3)
	r.Wait("c", WaitGateway, "observed %d", 7)
	if f := r.Failed(); len(f) != 1 || f[0].Name != "b" || f[0].Detail != "3 lost" {
		t.Fatalf("failed checks %+v", f)
	}
	var back Result
	if err := json.Unmarshal([]byte(r.JSON()), &back); err != nil {
		t.Fatal(err)
	}
	if back.Checks[2].Status != Pending || back.Checks[2].WaitsFor != WaitGateway {
		t.Fatalf("pending check lost in JSON: %+v", back.Checks[2])
	}
	s := r.Summary()
	for _, want := range []string{"[pass   ] a: fine", "[fail   ] b: 3 lost", "[pending] c: observed 7 (waits for: " + WaitGateway + ")"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
}

func TestFinalCounters(t *testing.T) {
	log := `EAL: Detected CPU lcores: 2
{"level":"info","msg":"stats","rx_mpps":"0.000"}
{"level":"info","msg":"final counters","counters":{"rx":1136,"tx":1124,"sig_decide":90,"expect_hit":4,"server_packets":[374,373,377],"drops":{"no_server":2}}}
`
	c, err := finalCounters(log)
	if err != nil {
		t.Fatal(err)
	}
	if c.RX != 1136 || c.TX != 1124 || c.SigDecide != 90 || c.ExpectHit != 4 || len(c.ServerPackets) != 3 || c.Drops["no_server"] != 2 {
		t.Fatalf("counters %+v", c)
	}
	if _, err := finalCounters("EAL: only\n"); !errors.Is(err, ErrProc) {
		t.Fatalf("no counters: %v", err)
	}
}

func TestPolicyLine(t *testing.T) {
	for line, want := range map[string]bool{
		`{"level":"info","logger":"control","msg":"policy","sequence":1024,"load":0.25}`: true,
		`{"msg":"policy","load":0.25,"sequence":512}`:                                    true,
		`{"msg":"policy","sequence":0,"load":0.25}`:                                      false,
		`{"msg":"policy","load":0.2}` + "\n" + `{"x":1,"sequence":1024}`:                 false,
	} {
		if got := policyRe.MatchString(line); got != want {
			t.Errorf("%q: %v, want %v", line, got, want)
		}
	}
}
