package api_test

import (
	"sync"
	"testing"
)

// TestConcurrentRequests mixes reads and mutations from several clients:
// every request is counted once and every answer is well-formed (run with
// -race to check the server's shared state).
func TestConcurrentRequests(t *testing.T) {
	h := newHarness(t, cfgWith(writeTok, ""), 20)
	const clients, each = 6, 25
	var wg sync.WaitGroup
	errs := make(chan string, clients*each)
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				var code int
				switch i % 5 {
				case 0:
					code, _, _ = h.do("POST", "/api/v1/servers/s1/drain", writeTok, "")
				case 1:
					code, _, _ = h.do("GET", "/api/v1/sessions?server=s2&limit=3", "", "")
				case 2:
					code, _, _ = h.do("GET", "/api/v1/servers", "", "")
				case 3:
					code, _, _ = h.do("GET", "/api/v1/status", "", "")
				case 4:
					code, _, _ = h.do("POST", "/api/v1/reload", "", "") // 401
					if code == 401 {
						code = 200
					}
				}
				if code != 200 {
					errs <- "unexpected status"
				}
			}
		}(c)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	rc := h.srv.Counters()
	if rc.Requests != clients*each || rc.Mutations != clients*each/5 || rc.Unauthorized != clients*each/5 {
		t.Fatalf("counters %+v", rc)
	}
}
