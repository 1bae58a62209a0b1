package config

import "github.com/sara-lb/sara/engine/ha"

// The ha: section (high availability: role, priority, peer, key, timers);
// its schema, defaults and validation live in package engine/ha.
var _ Section = (*ha.Config)(nil)
