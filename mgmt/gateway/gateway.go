package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"

	"go.uber.org/zap"

	"github.com/sara-lb/sara/engine/announce"
	"github.com/sara-lb/sara/mgmt/auth"
)

// Gateway reads a Source, runs the Pipeline on each frame and sends its
// announcements (and a hello every HelloPeriod) with an announce.Sender.
// One goroutine: Run.
type Gateway struct {
	src   Source
	pipe  *Pipeline
	snd   *announce.Sender
	hello time.Duration
	now   func() time.Time
	log   *zap.Logger
}

// New assembles a Gateway from its parts; hello ≤ 0 sends no hellos.
func New(src Source, pipe *Pipeline, snd *announce.Sender, hello time.Duration, log *zap.Logger) *Gateway {
	if log == nil {
		log = zap.NewNop()
	}
	return &Gateway{src: src, pipe: pipe, snd: snd, hello: hello, now: time.Now, log: log.Named("gateway")}
}

// Build returns a Gateway for cfg reading src: a Pipeline on the given VIPs
// and server MAC → host id map, and a Sender sealing with cfg's key as
// cfg.HostID towards cfg.Announce. Close it after Run to release the socket.
func Build(cfg Config, vips []netip.Addr, hostIDs map[[6]byte]uint32, src Source, log *zap.Logger) (*Gateway, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	sealer, err := auth.NewSealer(cfg.HostID, cfg.AuthKey(), nil)
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	snd, err := announce.DialAll(append([]string{cfg.Announce}, cfg.Standby...), sealer, nil)
	if err != nil {
		return nil, err
	}
	pipe := NewPipeline(PipelineConfig{VIPs: vips, HostIDs: hostIDs, MaxConns: cfg.MaxConns, ConnIdle: cfg.ConnIdle,
		Ports: Ports{SIPUDP: cfg.SIPUDPPorts, SIPTCP: cfg.SIPTCPPorts, RTSPTCP: cfg.RTSPTCPPorts}},
		func(m *announce.Message) error { return snd.Send(m) })
	return New(src, pipe, snd, cfg.HelloPeriod, log), nil
}

// Pipeline returns the gateway's pipeline (counters).
func (g *Gateway) Pipeline() *Pipeline { return g.pipe }

// Sender returns the gateway's sender (counters).
func (g *Gateway) Sender() *announce.Sender { return g.snd }

// Run captures until ctx is done (a live source notices within its read
// timeout) or a file source ends; it returns nil then, or the capture's
// error.
func (g *Gateway) Run(ctx context.Context) error {
	next := g.now()
	if g.hello > 0 {
		g.sendHello()
		next = next.Add(g.hello)
	}
	for ctx.Err() == nil {
		data, ci, err := g.src.ReadPacketData()
		switch {
		case err == nil:
			g.pipe.Frame(ci.Timestamp, data)
		case errors.Is(err, ErrNoPacket):
		case errors.Is(err, io.EOF):
			return nil
		default:
			return fmt.Errorf("gateway: capture: %w", err)
		}
		if g.hello > 0 {
			if now := g.now(); !now.Before(next) {
				g.sendHello()
				next = now.Add(g.hello)
			}
		}
	}
	return nil
}

func (g *Gateway) sendHello() {
	if err := g.snd.Hello(); err != nil {
		g.log.Debug("hello not sent", zap.Error(err))
	}
}

// Close releases the sender's socket.
func (g *Gateway) Close() error { return g.snd.Close() }
