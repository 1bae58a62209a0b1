package api_test

import (
	"errors"
	"net/url"
	"testing"

	"github.com/sara-lb/sara/mgmt/api"
	"github.com/sara-lb/sara/mgmt/api/apitest"
)

// FuzzSessionQuery: any query string parses or fails with ErrInvalid; a
// parsed query has a limit in [1, max], survives Values → Parse unchanged,
// and FilterPage honours it.
func FuzzSessionQuery(f *testing.F) {
	for _, s := range []string{"", "server=s1", "call_id=x%40y&limit=5&offset=2", "addr=1.2.3.4:5060",
		"addr=[fe80::1%25eth0]:5060", "addr=::ffff:1.2.3.4", "limit=-1", "offset=99999999999999999999", "addr=%zz"} {
		f.Add(s)
	}
	all := make([]api.Session, 20)
	for i := range all {
		all[i] = apitest.Session(i, t0)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := api.ParseSessionQuery(v, 50)
		if err != nil {
			if !errors.Is(err, api.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if q.Limit < 1 || q.Limit > 50 || q.Offset < 0 {
			t.Fatalf("limits out of range: %+v", q)
		}
		q2, err := api.ParseSessionQuery(q.Values(), 50)
		if err != nil || q2 != q {
			t.Fatalf("round trip %+v → %+v (%v)", q, q2, err)
		}
		p := api.FilterPage(all, q)
		if len(p.Sessions) > q.Limit || p.Total > len(all) || len(p.Sessions) > max(0, p.Total-q.Offset) {
			t.Fatalf("page %d/%d for %+v", len(p.Sessions), p.Total, q)
		}
		for i := range p.Sessions {
			if !q.Match(&p.Sessions[i]) {
				t.Fatalf("page holds a session the query does not match")
			}
		}
	})
}
