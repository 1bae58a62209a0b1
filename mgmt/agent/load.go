package agent

import (
	"bytes"
	"fmt"
	"os"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"

	"github.com/sara-lb/sara/mgmt/auth"
)

// Load reads the agent's YAML file: its `agent:` section, over the defaults,
// unknown keys rejected; then key_file (if key is empty) and Validate.
//
// The agent has its own loader because config.Load validates a whole
// dispatcher file (VIPs, servers with MACs) that a node does not have; it
// uses the same libraries and conventions (viper for YAML, mapstructure
// with text-unmarshaler and duration hooks, ErrorUnused).
func Load(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("agent: %w", err)
	}
	return Parse(b)
}

// Parse is Load on the file's bytes.
func Parse(yamlBytes []byte) (Config, error) {
	cfg := Defaults()
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(yamlBytes)); err != nil {
		return Config{}, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	dec, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		DecodeHook: mapstructure.ComposeDecodeHookFunc(
			mapstructure.TextUnmarshallerHookFunc(),
			mapstructure.StringToTimeDurationHookFunc(),
			mapstructure.StringToSliceHookFunc(","),
		),
		ErrorUnused: true,
		ZeroFields:  true,
		Result:      &cfg,
	})
	if err != nil {
		return Config{}, err
	}
	if err := dec.Decode(v.GetStringMap("agent")); err != nil {
		return Config{}, fmt.Errorf("%w: agent: %w", ErrConfig, err)
	}
	if cfg.Key.IsZero() && cfg.KeyFile != "" {
		kb, err := os.ReadFile(cfg.KeyFile)
		if err != nil {
			return Config{}, fmt.Errorf("%w: key_file: %w", ErrConfig, err)
		}
		if cfg.Key, err = auth.ParseKey(cfg.KeyID, string(kb)); err != nil {
			return Config{}, fmt.Errorf("%w: key_file %s: %w", ErrConfig, cfg.KeyFile, err)
		}
	}
	cfg.Key = cfg.Key.WithID(cfg.KeyID)
	return cfg, cfg.Validate()
}
