package api_test

import (
	"net/url"
	"testing"

	"github.com/sara-lb/sara/mgmt/api"
)

func TestSessionsPagingAndFilters(t *testing.T) {
	c := cfgWith(writeTok, "")
	c.MaxPage = 200
	h := newHarness(t, c, 250)
	cases := []struct {
		query        string
		total, count int
		firstCallID  string
	}{
		{"", 250, api.DefaultPage, "call-0@example.com"},
		{"limit=200&offset=200", 250, 50, "call-200@example.com"},
		{"offset=250", 250, 0, ""},
		{"offset=9999", 250, 0, ""},
		{"server=s2", 83, 83, "call-1@example.com"},
		{"server=s2&offset=80&limit=10", 83, 3, "call-241@example.com"},
		{"server=nobody", 0, 0, ""},
		{"call_id=call-17@example.com", 1, 1, "call-17@example.com"},
		{"call_id=call-17@example.com&server=s1", 0, 0, ""}, // call-17 is on s3
		{"addr=192.0.2.5", 1, 1, "call-4@example.com"},      // i%250+1 = 5
		{"addr=192.0.2.5:40000", 1, 1, "call-4@example.com"},
		{"addr=192.0.2.5:40001", 0, 0, ""},
		{"addr=10.0.0.100:20008", 1, 1, "call-4@example.com"},
		{"addr=10.0.0.100&limit=1", 250, 1, "call-0@example.com"},
		{"addr=::ffff:192.0.2.5", 1, 1, "call-4@example.com"},
	}
	for _, c := range cases {
		var p api.SessionPage
		h.get("/api/v1/sessions?"+c.query, "", &p)
		if p.Total != c.total || len(p.Sessions) != c.count {
			t.Errorf("%q: total %d, %d sessions; want %d, %d", c.query, p.Total, len(p.Sessions), c.total, c.count)
			continue
		}
		if c.count > 0 && p.Sessions[0].CallID != c.firstCallID {
			t.Errorf("%q: first %s, want %s", c.query, p.Sessions[0].CallID, c.firstCallID)
		}
		if p.Sessions == nil {
			t.Errorf("%q: sessions is null", c.query)
		}
	}
	for _, q := range []string{"limit=0", "limit=201", "limit=x", "offset=-1", "addr=host.example", "addr=1.2.3.4:99999"} {
		code, _, b := h.do("GET", "/api/v1/sessions?"+q, "", "")
		if code != 400 {
			t.Errorf("%q: %d, want 400", q, code)
			continue
		}
		errorOf(t, b)
	}
}

func TestQueryValuesRoundTrip(t *testing.T) {
	for _, raw := range []string{"server=s1&call_id=a%40b&addr=1.2.3.4&offset=3&limit=7", "addr=%5B2001%3Adb8%3A%3A1%5D%3A5060", ""} {
		v, _ := url.ParseQuery(raw)
		q, err := api.ParseSessionQuery(v, 100)
		if err != nil {
			t.Fatal(err)
		}
		q2, err := api.ParseSessionQuery(q.Values(), 100)
		if err != nil || q2 != q {
			t.Errorf("%q: round trip %+v → %+v (%v)", raw, q, q2, err)
		}
	}
}
