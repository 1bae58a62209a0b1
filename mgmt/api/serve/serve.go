// Package serve starts SARA's operations endpoint in one call: the API of
// mgmt/api with the Prometheus metrics of mgmt/metrics mounted at /metrics
// and, when the configuration enables it, the dashboard at /.
package serve

import (
	"context"

	"go.uber.org/zap"

	"github.com/sara-lb/sara/mgmt/api"
	"github.com/sara-lb/sara/mgmt/metrics"
)

// New returns the API server over b with /metrics mounted.
func New(cfg api.Config, b api.Backend, log *zap.Logger) (*api.Server, error) {
	s, err := api.New(cfg, b, log)
	if err != nil {
		return nil, err
	}
	metrics.Mount(s, b)
	return s, nil
}

// Run serves the API, metrics and dashboard on cfg.Listen until ctx is
// done (then returns nil after a graceful shutdown). It is the one call
// the dispatcher makes: go serve.Run(ctx, c.API, backend, log).
func Run(ctx context.Context, cfg api.Config, b api.Backend, log *zap.Logger) error {
	s, err := New(cfg, b, log)
	if err != nil {
		return err
	}
	return s.Run(ctx)
}
