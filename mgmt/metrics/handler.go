package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sara-lb/sara/mgmt/api"
)

// Path is where Mount serves the metrics.
const Path = "/metrics"

// Registry returns a registry holding a Collector over b and the Go runtime
// and process collectors. requests may be nil (see New).
func Registry(b api.Backend, requests func() api.RequestCounters) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(New(b, requests), collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// Handler serves reg in the Prometheus text or protobuf format; a metric
// that fails to collect is reported in the response, not fatal.
func Handler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError, Registry: reg})
}

// Mount serves the metrics of s's backend b at /metrics on s (behind the
// API's read token, if one is configured), including s's request counters.
func Mount(s *api.Server, b api.Backend) {
	s.Handle(Path, Handler(Registry(b, s.Counters)))
}
