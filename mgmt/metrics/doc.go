// Package metrics exports SARA's state to Prometheus. Collector is a
// custom prometheus.Collector: on each scrape it takes one snapshot of
// every api.Backend view (workers, ports, servers, admission, HA) and
// turns it into const metrics, so a scrape never touches a worker (the
// backend reads the workers' counters by field access) and nothing is
// kept between scrapes. Handler serves it, with the Go runtime and process
// collectors, on the API's /metrics.
package metrics
