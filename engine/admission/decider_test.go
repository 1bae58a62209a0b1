package admission

import (
	"math/rand"
	"testing"
	"time"
)

// script is a Rand returning fixed draws in turn.
type script struct {
	x []float64
	i int
}

func (s *script) Float64() float64 { v := s.x[s.i%len(s.x)]; s.i++; return v }

// TestPacingSequence follows eq (3) with T_0 = 100 ms, p_new = .5:
// start at 0 (admit, deadline 100); 50 admit; 100 reject, T = 50 → 150;
// 120 admit; 150 reject, T = 25 → 175; 175 reject, T = 12.5 → 187.5;
// a new pace epoch (l < T1 happened) restarts at T_0.
func TestPacingSequence(t *testing.T) {
	var now time.Duration
	d := NewDecider(&script{x: []float64{0}}, func() time.Duration { return now })
	d.Apply(Policy{Region: DropNew, PNew: .5, Pacing: Paced, PaceT0Ns: int64(100 * time.Millisecond)})
	ms := time.Millisecond
	steps := []struct {
		at     time.Duration
		admit  bool
		period time.Duration
	}{
		{0, true, 100 * ms}, {50 * ms, true, 100 * ms}, {100 * ms, false, 50 * ms}, {120 * ms, true, 50 * ms},
		{150 * ms, false, 25 * ms}, {175 * ms, false, 12500 * time.Microsecond}, {180 * ms, true, 12500 * time.Microsecond},
	}
	for i, s := range steps {
		now = s.at
		if got := d.AdmitNew(); got != s.admit || d.PacePeriod() != s.period {
			t.Fatalf("step %d at %v: admit=%v period=%v, want %v %v", i, s.at, got, d.PacePeriod(), s.admit, s.period)
		}
	}
	d.Apply(Policy{Region: DropNew, PNew: .5, Pacing: Paced, PaceT0Ns: int64(100 * ms), PaceEpoch: 1})
	now = 200 * ms
	if !d.AdmitNew() || d.PacePeriod() != 100*ms {
		t.Fatalf("epoch change did not reset the period: %v", d.PacePeriod())
	}
	if c := d.Counters; c.NewRejected != 3 || c.NewAdmitted != 5 {
		t.Fatalf("counters %+v", c)
	}
}

// TestDecisionsPerRegion: Bernoulli draws against p_new and p_est, and the
// rule that established signalling is never rejected, at RejectAll either.
func TestDecisionsPerRegion(t *testing.T) {
	r := &script{x: []float64{0.29, 0.30}}
	d := NewDecider(r, nil)
	d.Apply(Policy{Region: DropNew, PNew: .3})
	if d.AdmitNew() || !d.AdmitNew() { // .29 < .3 → reject; .30 ≥ .3 → admit
		t.Fatal("Bernoulli draw vs p_new")
	}
	if d.DropMedia() || !d.AdmitInDialog() {
		t.Fatal("media/in-dialog must pass in DropNew")
	}
	d.Apply(Policy{Region: EstablishedOnly, PNew: 1})
	if d.AdmitNew() || !d.AdmitInDialog() {
		t.Fatal("EstablishedOnly")
	}
	d.Apply(Policy{Region: DegradeMedia, PNew: 1, PEst: .3})
	r.i = 0
	if !d.DropMedia() || d.DropMedia() || !d.AdmitInDialog() {
		t.Fatal("DegradeMedia: .29 < .3 drop, .30 keep, signalling kept")
	}
	d.Apply(Policy{Region: RejectAll, RejectAll: true, PNew: 1, PEst: 1})
	if d.AdmitNew() || !d.AdmitInDialog() || !d.DropMedia() {
		t.Fatal("RejectAll: new refused, media dropped, in-dialog signalling kept")
	}
	d.Apply(Policy{Region: Accept, NoServers: true, PNew: 1})
	if d.AdmitNew() {
		t.Fatal("NoServers admitted a new session")
	}
	c := d.Counters
	if c.NewAdmitted != 1 || c.NewRejected != 4 || c.InDialogAdmitted != 4 || c.InDialogRejected != 0 || c.MediaDropped != 2 || c.MediaForwarded != 2 {
		t.Fatalf("counters %+v", c)
	}
}

// TestBernoulliRate: with a seeded source the admitted fraction is 1 − p_new.
func TestBernoulliRate(t *testing.T) {
	d := NewDecider(rand.New(rand.NewSource(3)), nil)
	d.Apply(Policy{Region: DropNew, PNew: .25})
	n := 0
	for i := 0; i < 20000; i++ {
		if d.AdmitNew() {
			n++
		}
	}
	if f := float64(n) / 20000; f < .74 || f > .76 {
		t.Fatalf("admitted fraction %v, want .75", f)
	}
}

func BenchmarkAdmitNewBernoulli(b *testing.B) {
	d := NewDecider(rand.New(rand.NewSource(1)), nil)
	d.Apply(Policy{Region: DropNew, PNew: .3})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		d.AdmitNew()
	}
}

func BenchmarkAdmitNewPaced(b *testing.B) {
	var now time.Duration
	d := NewDecider(nil, func() time.Duration { now += time.Microsecond; return now })
	d.Apply(Policy{Region: DropNew, PNew: .001, Pacing: Paced, PaceT0Ns: int64(time.Millisecond)})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		d.AdmitNew()
	}
}
