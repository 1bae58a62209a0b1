package lab

import (
	"errors"
	"testing"
)

const statsCSV = `StartTime;LastResetTime;CurrentTime;ElapsedTime(P);ElapsedTime(C);TargetRate;CallRate(P);CallRate(C);IncomingCall(P);IncomingCall(C);OutgoingCall(P);OutgoingCall(C);TotalCallCreated;CurrentCall;SuccessfulCall(P);SuccessfulCall(C);FailedCall(P);FailedCall(C);
2026-11-25	22:24:38;x;y;00:00:00;00:00:01;10;0;0;0;0;0;5;5;5;0;0;0;0;
2026-11-25	22:24:38;x;y;00:00:00;00:00:02;10;0;0;0;0;0;12;12;0;0;11;0;1;
`

func TestParseSIPStatsTakesTheLastSample(t *testing.T) {
	got, err := ParseSIPStats(statsCSV)
	if err != nil {
		t.Fatal(err)
	}
	if want := (SIPStats{Created: 12, Incoming: 0, Successful: 11, Failed: 1}); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

// TestParseSIPStatsFailureKinds reads the optional failure columns sipp
// writes (how calls failed: an unexpected message such as a 503, or a
// receive timeout).
func TestParseSIPStatsFailureKinds(t *testing.T) {
	got, err := ParseSIPStats("TotalCallCreated;IncomingCall(C);SuccessfulCall(C);FailedCall(C);FailedUnexpectedMessage(C);FailedTimeoutOnRecv(C)\n" +
		"9;0;4;5;3;2\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := (SIPStats{Created: 9, Successful: 4, Failed: 5, FailedUnexpected: 3, FailedTimeout: 2}); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if _, err := ParseSIPStats("TotalCallCreated;IncomingCall(C);SuccessfulCall(C);FailedCall(C);FailedTimeoutOnRecv(C)\n1;0;1;0;x\n"); !errors.Is(err, ErrStats) {
		t.Fatalf("a malformed failure count: %v", err)
	}
}

func TestParseSIPStatsErrors(t *testing.T) {
	for _, in := range []string{"", "OnlyAHeader;\n", "A;B;\n1;2;\n", "TotalCallCreated;IncomingCall(C);SuccessfulCall(C);FailedCall(C)\nx;1;2;3\n"} {
		if _, err := ParseSIPStats(in); !errors.Is(err, ErrStats) {
			t.Errorf("ParseSIPStats(%q) = %v, want ErrStats", in, err)
		}
	}
}

func FuzzParseSIPStats(f *testing.F) {
	f.Add(statsCSV)
	f.Add("TotalCallCreated;IncomingCall(C);SuccessfulCall(C);FailedCall(C)\n1;2;3;4\n")
	f.Add(";;;\n;;;\n")
	f.Fuzz(func(t *testing.T, in string) {
		if _, err := ParseSIPStats(in); err != nil && !errors.Is(err, ErrStats) {
			t.Fatalf("error %v does not wrap ErrStats", err)
		}
	})
}
