package metrics_test

import (
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"

	"github.com/sara-lb/sara/mgmt/api"
	"github.com/sara-lb/sara/mgmt/api/apitest"
	"github.com/sara-lb/sara/mgmt/metrics"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// fakeAt returns a Fake whose clock reads t0 + *elapsed.
func fakeAt(elapsed *time.Duration) *apitest.Fake {
	f := apitest.New(func() time.Time { return t0.Add(*elapsed) }, 6)
	f.Start = t0
	return f
}

// gathered indexes families by name.
type gathered map[string]*dto.MetricFamily

func gather(t *testing.T, reg prometheus.Gatherer) gathered {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	g := gathered{}
	for _, mf := range mfs {
		g[mf.GetName()] = mf
	}
	return g
}

// metric returns the sample of family name whose labels include want.
func (g gathered) metric(t *testing.T, name string, want map[string]string) *dto.Metric {
	t.Helper()
	mf, ok := g[name]
	if !ok {
		t.Fatalf("no family %s", name)
	}
next:
	for _, m := range mf.GetMetric() {
		have := map[string]string{}
		for _, lp := range m.GetLabel() {
			have[lp.GetName()] = lp.GetValue()
		}
		for k, v := range want {
			if have[k] != v {
				continue next
			}
		}
		return m
	}
	t.Fatalf("%s%v: no such sample", name, want)
	return nil
}

func (g gathered) value(t *testing.T, name string, labels map[string]string) float64 {
	t.Helper()
	m := g.metric(t, name, labels)
	switch {
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Counter != nil:
		return m.Counter.GetValue()
	}
	t.Fatalf("%s is neither gauge nor counter", name)
	return 0
}

type L = map[string]string

func TestCollectorValues(t *testing.T) {
	el := 10 * time.Second
	f := fakeAt(&el)
	reg := metrics.Registry(f, nil)
	g := gather(t, reg)
	checks := []struct {
		name   string
		labels L
		want   float64
	}{
		{"sara_worker_rx_packets_total", L{"worker": "1"}, 10 * apitest.RXPerSecond},
		{"sara_worker_dropped_packets_total", L{"worker": "0", "reason": "not_vip"}, 10 * apitest.DropPerSecond},
		{"sara_worker_dropped_packets_total", L{"worker": "0", "reason": "tx_full"}, 0},
		{"sara_worker_forwarded_packets_total", L{"worker": "0", "path": "hit"}, 10 * (apitest.RXPerSecond - apitest.DropPerSecond)},
		{"sara_worker_busy_ratio", L{"worker": "1"}, 0.35},
		{"sara_worker_flows", L{"worker": "0"}, 100},
		{"sara_server_state", L{"server": "s2", "state": "active"}, 1},
		{"sara_server_state", L{"server": "s2", "state": "draining"}, 0},
		{"sara_server_load", L{"server": "s1"}, apitest.Load(0, 10)},
		{"sara_server_load_forecast", L{"server": "s3"}, apitest.Load(2, 11)},
		{"sara_server_load_component", L{"server": "s2", "component": "mem"}, 0.2},
		{"sara_server_sessions", L{"server": "s1"}, 2},
		{"sara_server_forwarded_packets_total", L{"server": "s2"}, 20000},
		{"sara_sessions", nil, 6},
		{"sara_sessions_created_total", nil, 10 * apitest.NewPerSecond},
		{"sara_admission_threshold", L{"threshold": "t2", "source": "current"}, 0.85},
		{"sara_admission_region", L{"region": "accept"}, 1},
		{"sara_admission_region", L{"region": "reject-all"}, 0},
		{"sara_admission_decisions_total", L{"class": "new", "outcome": "rejected"}, 2},
		{"sara_admission_intervals_total", L{"region": "accept"}, 10},
		{"sara_ha_role", L{"role": "standalone"}, 1},
		{"sara_ha_role", L{"role": "primary"}, 0},
		{"sara_info", L{"version": "test", "node": "fake", "role": "standalone"}, 1},
		{"sara_start_time_seconds", nil, float64(t0.Unix())},
	}
	for _, c := range checks {
		if got := g.value(t, c.name, c.labels); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s%v = %g, want %g", c.name, c.labels, got, c.want)
		}
	}
	// the SIP decision histogram merges both workers' log2 buckets:
	// 3 in [1024,2048) ns, 5 in [2048,4096), 2 in [4096,8192), per worker
	h := g.metric(t, "sara_sip_decision_latency_seconds", nil).GetHistogram()
	if h.GetSampleCount() != 20 {
		t.Errorf("sip latency count %d", h.GetSampleCount())
	}
	cum := map[float64]uint64{}
	for _, b := range h.GetBucket() {
		cum[b.GetUpperBound()] = b.GetCumulativeCount()
	}
	if cum[2048e-9] != 6 || cum[4096e-9] != 16 || cum[8192e-9] != 20 || cum[1024e-9] != 0 {
		t.Errorf("sip latency buckets %v", cum)
	}
	ai := g.metric(t, "sara_announce_install_latency_seconds", nil).GetHistogram()
	if ai.GetSampleCount() != 7 || ai.GetSampleSum() != 0.004 {
		t.Errorf("announce install %v", ai)
	}
	// values move with the backend: later and after a drain
	el = 20 * time.Second
	if err := f.Drain("s2", time.Time{}); err != nil {
		t.Fatal(err)
	}
	g = gather(t, reg)
	if v := g.value(t, "sara_worker_rx_packets_total", L{"worker": "0"}); v != 20*apitest.RXPerSecond {
		t.Errorf("rx after 20 s = %g", v)
	}
	if g.value(t, "sara_server_state", L{"server": "s2", "state": "draining"}) != 1 ||
		g.value(t, "sara_server_state", L{"server": "s2", "state": "active"}) != 0 {
		t.Error("drain not reflected in sara_server_state")
	}
}

func TestLint(t *testing.T) {
	el := time.Second
	problems, err := testutil.CollectAndLint(metrics.New(fakeAt(&el), func() api.RequestCounters { return api.RequestCounters{} }))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
}

// TestScrapeThroughAPI mounts /metrics on an API server with a read token:
// the token protects it, and refused requests show up in the API counters.
func TestScrapeThroughAPI(t *testing.T) {
	cfg := api.Defaults()
	cfg.ReadToken = "read-token-0123456789"
	el := 5 * time.Second
	f := fakeAt(&el)
	s, err := api.New(cfg, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	metrics.Mount(s, f)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	resp, err := http.Get(ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("no token: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+cfg.ReadToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("with token: %d", resp.StatusCode)
	}
	for _, want := range []string{
		`sara_api_rejected_requests_total{reason="unauthorized"} 1`,
		`sara_api_requests_total 2`,
		`sara_server_load{server="s1"}`,
		`sara_worker_dropped_packets_total{reason="not_vip",worker="1"} 5000`,
		`sara_sip_decision_latency_seconds_bucket{le="+Inf"} 20`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
}

// haFake reports a primary with takeovers and lag.
type haFake struct{ *apitest.Fake }

func (haFake) HA() api.HAStatus {
	return api.HAStatus{Enabled: true, Role: "primary", Epoch: 4, PeerAlive: true, LagRecords: 3,
		Lag: 250 * time.Millisecond, Replicated: 99, TakeoverReasons: map[string]uint64{"peer-silent": 2}}
}

func TestHAMetrics(t *testing.T) {
	el := time.Second
	g := gather(t, metrics.Registry(haFake{fakeAt(&el)}, nil))
	for _, c := range []struct {
		name   string
		labels L
		want   float64
	}{
		{"sara_ha_role", L{"role": "primary"}, 1},
		{"sara_ha_role", L{"role": "standalone"}, 0},
		{"sara_ha_enabled", nil, 1},
		{"sara_ha_epoch", nil, 4},
		{"sara_ha_lag_records", nil, 3},
		{"sara_ha_lag_seconds", nil, 0.25},
		{"sara_ha_replicated_records_total", nil, 99},
		{"sara_ha_takeovers_total", L{"reason": "peer-silent"}, 2},
	} {
		if got := g.value(t, c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %g, want %g", c.name, c.labels, got, c.want)
		}
	}
}
