package main

import (
	"context"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/sara-lb/sara/config"
	"github.com/sara-lb/sara/mgmt/gateway"
	"github.com/sara-lb/sara/mgmt/logging"
)

func init() {
	var cfgPath, pcapPath string
	var duration, stats time.Duration
	cmd := &cobra.Command{
		Use:   "gateway -c FILE",
		Short: "Gateway inspector: announce what servers' replies say to the dispatcher",
		Long: `Captures server->client signalling on gateway.interface (SIP from the SIP
ports, RTSP from the RTSP ports, sent from a VIP), inspects it and sends each
media endpoint or end of session the servers announce to the dispatcher
(gateway.announce) as a sealed UDP announcement. --pcap reads a capture file
instead of the interface. Stops on SIGINT/SIGTERM. See docs/inspection.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(cfgPath)
			if err != nil {
				return err
			}
			log, err := logging.New(cfg.Log.Level, cfg.Log.Format)
			if err != nil {
				return err
			}
			defer func() { _ = log.Sync() }()
			gc := cfg.GatewayConfig()
			filter, err := gateway.Filter(cfg.VIPs, gateway.Ports{SIPUDP: gc.SIPUDPPorts, SIPTCP: gc.SIPTCPPorts, RTSPTCP: gc.RTSPTCPPorts})
			if err != nil {
				return err
			}
			var src *gateway.PcapSource
			if pcapPath != "" {
				gc.Interface = "file:" + pcapPath
				src, err = gateway.OpenFile(pcapPath, filter)
			} else if err = gc.Check(); err == nil {
				src, err = gateway.OpenLive(gc.Interface, gc.SnapLen, filter)
			}
			if err != nil {
				return err
			}
			defer src.Close()
			gw, err := gateway.Build(gc, cfg.VIPs, cfg.ServerHostIDs(), src, log)
			if err != nil {
				return err
			}
			defer gw.Close()
			ctx, cancel := stopContext(cmd.Context(), duration)
			defer cancel()
			log.Info("gateway started", zap.String("interface", gc.Interface), zap.String("filter", filter),
				zap.String("announce", gc.Announce), zap.Uint32("host_id", gc.HostID), zap.Stringer("key", gc.AuthKey()))
			go logGatewayStats(ctx, log, gw, stats)
			err = gw.Run(ctx)
			fields := []zap.Field{zap.Any("pipeline", gw.Pipeline().Counters()), zap.Any("sender", gw.Sender().Counters())}
			if rx, drop, serr := src.Stats(); serr == nil {
				fields = append(fields, zap.Uint64("pcap_received", rx), zap.Uint64("pcap_dropped", drop))
			}
			log.Info("gateway stopped", fields...)
			return err
		},
	}
	cmd.Flags().StringVarP(&cfgPath, "config", "c", "", "configuration file (YAML)")
	cmd.Flags().StringVar(&pcapPath, "pcap", "", "read this capture file instead of gateway.interface")
	cmd.Flags().DurationVar(&duration, "duration", 0, "stop after this long (0: run until a signal)")
	cmd.Flags().DurationVar(&stats, "stats", 10*time.Second, "period of the counters log line (0: none)")
	_ = cmd.MarkFlagRequired("config")
	rootCmd.AddCommand(cmd)
}

// logGatewayStats logs the gateway's counters every period until ctx ends.
func logGatewayStats(ctx context.Context, log *zap.Logger, gw *gateway.Gateway, period time.Duration) {
	if period <= 0 {
		return
	}
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			log.Info("gateway counters", zap.Any("pipeline", gw.Pipeline().Counters()), zap.Any("sender", gw.Sender().Counters()))
		}
	}
}
