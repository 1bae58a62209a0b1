package cluster

import "testing"

func TestScalarWeightsAndCap(t *testing.T) {
	v := LoadVector{CPU: 0.8, Mem: 0.5, NetBuf: 0.2, IOQueue: 0.1, Backlog: 0.5}
	got := DefaultWeights.Scalar(v)
	want := 0.5*0.8 + 0.1*0.5 + 0.1*0.2 + 0.1*0.1 + 0.2*0.5
	if d := got - want; d > 1e-12 || d < -1e-12 {
		t.Fatalf("Scalar = %v, want %v", got, want)
	}
	if got := (Weights{CPU: 2}).Scalar(LoadVector{CPU: 1}); got != 1 {
		t.Fatalf("Scalar not capped at 1: %v", got)
	}
}

func TestStates(t *testing.T) {
	for s := Active; s <= MonitorFailed; s++ {
		if s.Selectable() != (s == Active) {
			t.Errorf("%v.Selectable() = %v", s, s.Selectable())
		}
		if s.KeepsSessions() == (s == Failed) {
			t.Errorf("%v.KeepsSessions() = %v", s, s.KeepsSessions())
		}
	}
	if Draining.String() != "draining" || State(9).String() != "state(9)" {
		t.Fatal("String names wrong")
	}
}
