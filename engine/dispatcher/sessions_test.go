package dispatcher_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/sara-lb/sara/config"
	"github.com/sara-lb/sara/mgmt/api"
	"github.com/sara-lb/sara/mgmt/api/client"
)

// TestAPIListsLiveSessions runs `sara run`'s dispatcher on a looping
// capture of real sipp calls and lists the sessions through the API: each
// Call-ID once, on a server, with its signalling and media flows; the
// Call-ID filter finds one.
func TestAPIListsLiveSessions(t *testing.T) {
	pcap, err := filepath.Abs(filepath.Join(fixtures, "sip_calls.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	c := fixtureConfig(t)
	c.Dataplane.Ports = []config.Port{{Name: "net_pcap_sess0", Devargs: "rx_pcap=" + pcap + ",infinite_rx=1"}}
	c.API.Listen = "127.0.0.1:0"
	d := running(t, c)
	cl, err := client.New(d.APIAddr().String(), "", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var page api.SessionPage
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if page, err = cl.Sessions(context.Background(), api.SessionQuery{Limit: 100}); err == nil && page.Total >= 4 {
			break
		}
	}
	if err != nil || page.Total != 4 {
		t.Fatalf("sessions: %d, %v (want the capture's 4 calls)", page.Total, err)
	}
	seen := map[string]bool{}
	for _, s := range page.Sessions {
		if s.Protocol != "sip" || s.CallID == "" || s.Server == "" || seen[s.CallID] {
			t.Fatalf("session %+v", s)
		}
		seen[s.CallID] = true
		if len(s.Flows) < 2 {
			t.Errorf("session %s lists %d flows, want its signalling and media", s.CallID, len(s.Flows))
		}
	}
	one, err := cl.Sessions(context.Background(), api.SessionQuery{CallID: page.Sessions[0].CallID, Limit: 10})
	if err != nil || one.Total != 1 || one.Sessions[0].CallID != page.Sessions[0].CallID {
		t.Fatalf("filter by Call-ID: %+v, %v", one, err)
	}
}
