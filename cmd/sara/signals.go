package main

import (
	"context"
	"os/signal"
	"syscall"
	"time"
)

// stopContext is done on SIGINT or SIGTERM, or after d when d > 0: how every
// long-running subcommand knows when to stop cleanly. Call cancel when done.
func stopContext(parent context.Context, d time.Duration) (ctx context.Context, cancel context.CancelFunc) {
	ctx, stop := signal.NotifyContext(parent, syscall.SIGINT, syscall.SIGTERM)
	if d <= 0 {
		return ctx, stop
	}
	ctx, timeout := context.WithTimeout(ctx, d)
	return ctx, func() { timeout(); stop() }
}
