package metrics_test

import (
	"io"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sara-lb/sara/mgmt/metrics"
)

// BenchmarkScrape measures one full scrape (collect and encode in the text
// format) over the fake backend: 3 servers, 2 workers.
func BenchmarkScrape(b *testing.B) {
	el := time.Minute
	reg := metrics.Registry(fakeAt(&el), nil)
	h := metrics.Handler(reg)
	req := httptest.NewRequest("GET", "/metrics", nil)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		_, _ = io.Copy(io.Discard, w.Body)
	}
}

// BenchmarkCollect measures the collector alone (no Go/process collectors).
func BenchmarkCollect(b *testing.B) {
	el := time.Minute
	reg := prometheus.NewRegistry()
	reg.MustRegister(metrics.New(fakeAt(&el), nil))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := reg.Gather(); err != nil {
			b.Fatal(err)
		}
	}
}
