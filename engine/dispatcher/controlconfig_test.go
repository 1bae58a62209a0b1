package dispatcher_test

import (
	"testing"

	"github.com/sara-lb/sara/engine/dispatcher"
)

// TestControlConfigAdmissionSwitch: control.admission maps onto SA2C on or
// off; off keeps the operator's thresholds (the load is still reported).
func TestControlConfigAdmissionSwitch(t *testing.T) {
	c := fixtureConfig(t)
	if ad := dispatcher.ControlConfig(c).Admission; ad.Off || ad.T1 != c.Control.T1 {
		t.Fatalf("admission on by default: %+v", ad)
	}
	c.Control.Admission = false
	ad := dispatcher.ControlConfig(c).Admission
	if !ad.Off || ad.T1 != c.Control.T1 || ad.C != c.Control.C || ad.Moving != c.Control.Moving {
		t.Fatalf("control.admission false: %+v", ad)
	}
}
