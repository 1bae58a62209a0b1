package main

import (
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/sara-lb/sara/config"
	"github.com/sara-lb/sara/engine/dispatcher"
	"github.com/sara-lb/sara/mgmt/logging"
)

func init() {
	var cfgPath string
	var duration, stats time.Duration
	cmd := &cobra.Command{
		Use:   "run -c FILE",
		Short: "Run the dispatcher until SIGINT/SIGTERM (SIGHUP reloads the config)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cfgPath)
			if err != nil {
				return err
			}
			log, err := logging.New(cfg.Log.Level, cfg.Log.Format)
			if err != nil {
				return err
			}
			defer log.Sync()
			ctx, cancel := stopContext(cmd.Context(), duration)
			defer cancel()
			d, err := dispatcher.New(cfg, log, dispatcher.Options{ConfigPath: cfgPath})
			if err != nil {
				return err
			}
			defer d.Close()
			hup := make(chan os.Signal, 1)
			signal.Notify(hup, syscall.SIGHUP)
			defer signal.Stop(hup)
			go func() {
				for range hup {
					if err := d.Reload(); err != nil {
						log.Error("reload refused", zap.Error(err))
					}
				}
			}()
			c, err := d.Run(ctx, stats)
			if err != nil {
				return err
			}
			log.Info("final counters", zap.Any("counters", c))
			return nil
		},
	}
	cmd.Flags().StringVarP(&cfgPath, "config", "c", "", "configuration file (YAML)")
	cmd.Flags().DurationVar(&duration, "duration", 0, "stop after this long (0: run until a signal)")
	cmd.Flags().DurationVar(&stats, "stats", 5*time.Second, "period of the counters log line")
	_ = cmd.MarkFlagRequired("config")
	rootCmd.AddCommand(cmd)
}

// loadConfig loads path, or returns the built-in default when path is "".
func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		return config.Default(), nil
	}
	return config.Load(path)
}
