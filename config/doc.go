// Package config loads, defaults and validates SARA's configuration file.
//
// A configuration is YAML read with viper, overridden by SARA_* environment
// variables (nested keys joined by "_", e.g. SARA_DATAPLANE_WORKERS=2),
// decoded with mapstructure into typed Go structs (netip.Addr, MAC,
// time.Duration) on top of the built-in defaults, and validated. Unknown keys
// are rejected. Every problem is reported at once, each naming its field path
// (e.g. `servers[1].mac: invalid MAC "zz:00"`), joined with errors.Join and
// wrapping ErrInvalid.
//
// Each top-level section other than vips and servers is a type implementing
// Section; Config finds its sections by reflection, so adding one is one new
// field in Config (see README.md, "Adding a section").
package config
