package config

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"
)

// EnvPrefix prefixes every environment override: SARA_LOG_LEVEL sets
// log.level, SARA_DATAPLANE_WORKERS sets dataplane.workers.
const EnvPrefix = "SARA"

// Load reads the YAML file at path, applies SARA_* environment overrides on
// top of it, fills defaults and validates. With path "" it starts from
// Default() (the demo configuration) instead of a file. Errors wrap
// ErrSyntax, ErrInvalid or the os error of reading the file.
func Load(path string) (*Config, error) {
	if path == "" {
		return decode(nil, Default(), true)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: read %s: %w", path, err)
	}
	c, err := decode(b, base(), true)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Parse decodes a YAML document, fills defaults and validates, ignoring the
// environment.
func Parse(yamlBytes []byte) (*Config, error) { return decode(yamlBytes, base(), false) }

// decode merges yamlBytes (and the environment if env) onto c and validates.
func decode(yamlBytes []byte, c *Config, env bool) (*Config, error) {
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(yamlBytes)); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSyntax, err)
	}
	if env {
		v.SetEnvPrefix(EnvPrefix)
		v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
		for _, k := range EnvKeys() {
			_ = v.BindEnv(k) // only fails without a key
		}
	}
	md := &mapstructure.Metadata{}
	dec, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		DecodeHook:  decodeHook(),
		ErrorUnused: true,
		ZeroFields:  true, // a list in the file replaces the default list
		Metadata:    md,
		Result:      c,
	})
	if err != nil {
		return nil, fmt.Errorf("config: decoder: %w", err)
	}
	p := &problems{}
	if err := dec.Decode(v.AllSettings()); err != nil {
		addDecodeErrors(p, err)
	}
	if hasKey(md, "servers") {
		fillServerDefaults(c, md)
	}
	skip := make(map[string]bool, len(p.errs))
	for _, e := range p.errs {
		skip[e.(*FieldError).Path] = true
	}
	if err := c.validate(skip); err != nil {
		for _, fe := range Problems(err) {
			p.errs = append(p.errs, fe)
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return c, nil
}

// fillServerDefaults sets host_id (position+1) and weight (1) on servers
// whose entry did not give them; an explicit 0 stays and fails validation.
func fillServerDefaults(c *Config, md *mapstructure.Metadata) {
	for i := range c.Servers {
		s := &c.Servers[i]
		if !hasKey(md, fmt.Sprintf("servers[%d].host_id", i)) && s.HostID == 0 {
			s.HostID = uint32(i + 1)
		}
		if !hasKey(md, fmt.Sprintf("servers[%d].weight", i)) && s.Weight == 0 {
			s.Weight = 1
		}
	}
}

func hasKey(md *mapstructure.Metadata, key string) bool {
	for _, k := range md.Keys {
		if k == key {
			return true
		}
	}
	return false
}

// addDecodeErrors turns mapstructure's joined DecodeErrors into FieldErrors:
// "has invalid keys: a, b" under name n becomes "n.a: unknown key" per key.
func addDecodeErrors(p *problems, err error) {
	var de *mapstructure.DecodeError
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		for _, c := range u.Unwrap() {
			addDecodeErrors(p, c)
		}
		return
	case *mapstructure.DecodeError:
		de = u
	case interface{ Unwrap() error }: // Decode's "decoding failed" wrapper
		addDecodeErrors(p, u.Unwrap())
		return
	default:
		p.addf("", "%s", err)
		return
	}
	inner := de.Unwrap()
	var nested *mapstructure.DecodeError
	if errors.As(inner, &nested) {
		addDecodeErrors(p, inner)
		return
	}
	if keys, ok := strings.CutPrefix(inner.Error(), "has invalid keys: "); ok {
		for _, k := range strings.Split(keys, ", ") {
			p.addf(joinPath(de.Name(), k), "unknown key")
		}
		return
	}
	p.addf(de.Name(), "%s", inner)
}

var textUnmarshaler = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()

// EnvKeys lists the dotted keys that environment variables can set: every
// scalar and every list of scalars (comma-separated in the variable). Lists
// of structs (servers, dataplane.ports) come from the file only.
func EnvKeys() []string {
	var keys []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() || f.Tag.Get("mapstructure") == "-" {
				continue
			}
			key := joinPath(prefix, strings.ToLower(tagName(f)))
			ft := f.Type
			switch {
			case ft.Kind() == reflect.Struct && !reflect.PointerTo(ft).Implements(textUnmarshaler):
				walk(ft, key)
			case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct &&
				!reflect.PointerTo(ft.Elem()).Implements(textUnmarshaler):
			default:
				keys = append(keys, key)
			}
		}
	}
	walk(reflect.TypeOf(Config{}), "")
	return keys
}
