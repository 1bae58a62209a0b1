package config

import "github.com/sara-lb/sara/mgmt"

// The mgmt: section (management listener, keys, failure detection); its
// schema, defaults and validation live in package mgmt.
var _ Section = (*mgmt.Config)(nil)
