package config

import "github.com/sara-lb/sara/mgmt/api"

// The api: section (HTTP API, metrics and dashboard address, tokens); its
// schema, defaults and validation live in package mgmt/api.
var _ Section = (*api.Config)(nil)
