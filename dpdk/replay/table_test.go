package replay_test

import (
	"testing"

	"github.com/sara-lb/sara/dpdk/dataplane"
)

// TestFlowTable checks the C cuckoo table: at half load every key fits and
// is found; at 90% load almost every key fits (two ways per bucket, cuckoo
// paths of up to four moves); no key is lost when residents move (a bug
// in the path search shows as a failed step 4), a key that did not fit is
// never reported found, and deleted keys are gone.
func TestFlowTable(t *testing.T) {
	if r := dataplane.TableCheck(1<<14, 1<<13); r != 0 {
		t.Fatalf("50%% load: result %d, want every key in", r)
	}
	r := dataplane.TableCheck(1<<14, (1<<14)*9/10)
	if r < 0 {
		t.Fatalf("90%% load: failed step %d", -r)
	}
	if r > (1<<14)/50 {
		t.Errorf("90%% load: %d keys of %d did not fit", r, (1<<14)*9/10)
	}
	t.Logf("90%% load: %d of %d keys without room", r, (1<<14)*9/10)
	if r := dataplane.TableCheck(64, 200); r < 200-64 {
		t.Fatalf("overfull: %d keys without room, want at least %d", r, 200-64)
	}
}
